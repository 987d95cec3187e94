"""Each role's start page."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from audit.accounts.labels import ROLE_LABELS
from audit.accounts.models import Role
from audit.extensions import db
from audit.orgs.labels import KIND_LABELS, UNIT_TYPE_LABELS
from audit.orgs.scope import funded_institutions, visible_units

bp = Blueprint("home", __name__)


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
    return render_template(
        "home/index.html",
        units=units,
        funded=funded,
        Role=Role,
        role_labels=ROLE_LABELS,
        type_labels=UNIT_TYPE_LABELS,
        kind_labels=KIND_LABELS,
    )
