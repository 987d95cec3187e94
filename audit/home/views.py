"""Each role's start page."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, send_from_directory
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import contains_eager
from werkzeug.wrappers import Response

from audit import paging
from audit.accounts.labels import ROLE_LABELS
from audit.accounts.models import Role
from audit.audits import listing, services
from audit.audits.messages import STATE_LABELS
from audit.audits.models import Audit, AuditCycle, AuditState, CycleStatus
from audit.extensions import db
from audit.orgs.labels import KIND_LABELS, UNIT_TYPE_LABELS
from audit.orgs.models import Unit
from audit.orgs.queries import funded_institutions, visible_units

bp = Blueprint("home", __name__)


def _progress(audit: Audit) -> tuple[int, int, str | None, int]:
    """(answered, to answer, first domain with something left, open queries) of one audit."""
    data = services.load_data(audit)
    done = total = 0
    first = None
    for domain in data.framework.domains:
        d, t = data.progress(domain)
        done, total = done + d, total + t
        if first is None and d < t:
            first = domain.code
    return done, total, first, len(services.open_queries(audit))


#: Rows of each list the home page shows; the rest is one link away.
SHOWN = 50
#: Audits waiting for review listed on the home page (the queue has them all).
QUEUE_SHOWN = 10


@bp.get("/")
@login_required
def index() -> str:
    """What the signed-in user looks after: their audits, the audits waiting for their review,
    their units, or the institutions they fund. Each list is a page fetched by the database
    with its total counted there, so the page costs the same for 20 units as for 100,000."""
    units = paging.paginate(
        visible_units(current_user).options(contains_eager(Unit.institution)), 1, SHOWN
    )
    funded = (
        db.session.scalars(funded_institutions(current_user).limit(SHOWN)).all()
        if current_user.has_role(Role.DONOR)
        else []
    )
    commands = [a.unit_id for a in current_user.assignments if a.role is Role.COMMANDER]
    commanded = list(
        db.session.scalars(
            select(Audit)
            .join(Audit.cycle)
            .where(Audit.unit_id.in_(commands), AuditCycle.status == CycleStatus.OPEN)
            .order_by(AuditCycle.closes_on, Audit.id)
        )
    )
    to_review = paging.paginate(
        listing.audits(
            current_user,
            listing.Filters(state=AuditState.SUBMITTED, sort="deadline", review_only=True),
        ),
        1,
        QUEUE_SHOWN,
    )
    return render_template(
        "home/index.html",
        left_out=services.left_out(commands),
        my_audits=[(a, _progress(a)) for a in commanded],
        return_notes=services.return_notes(commanded),
        to_review=to_review,
        state_labels=STATE_LABELS,
        units=units,
        funded=funded,
        Role=Role,
        role_labels=ROLE_LABELS,
        type_labels=UNIT_TYPE_LABELS,
        kind_labels=KIND_LABELS,
    )


@bp.get("/favicon.ico")
def favicon() -> Response:
    """The site icon at the address browsers ask for by themselves (public, like static files)."""
    folder = f"{current_app.static_folder}/img"
    return send_from_directory(folder, "favicon.ico", mimetype="image/vnd.microsoft.icon")
