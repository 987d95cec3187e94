"""Each role's start page."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, send_from_directory
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from audit.accounts.labels import ROLE_LABELS
from audit.accounts.models import Role
from audit.audits import services
from audit.audits.messages import STATE_LABELS
from audit.audits.models import Audit, AuditState, CycleStatus
from audit.audits.workflow import Actor
from audit.extensions import db
from audit.orgs.labels import KIND_LABELS, UNIT_TYPE_LABELS
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


@bp.get("/")
@login_required
def index() -> str:
    """What the signed-in user looks after: their units, or the institutions they fund."""
    units = db.session.scalars(visible_units(current_user)).all()
    funded = (
        db.session.scalars(funded_institutions(current_user)).all()
        if current_user.has_role(Role.DONOR)
        else []
    )
    audits = services.visible_audits(current_user) if current_user.works_on_audits else []
    commanded = [
        a
        for a in audits
        if Actor.COMMANDER in services.actors_for(current_user, a.unit)
        and a.cycle.status is CycleStatus.OPEN
    ]
    to_review = [
        a
        for a in audits
        if a.state is AuditState.SUBMITTED
        and Actor.ADVISER in services.actors_for(current_user, a.unit)
    ]
    commands = [a.unit_id for a in current_user.assignments if a.role is Role.COMMANDER]
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
