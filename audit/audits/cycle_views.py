"""Administrators open and close audit cycles."""

from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, selectinload
from werkzeug.wrappers import Response

from audit.access.roles import admin_required
from audit.audits import services
from audit.audits.messages import CYCLE_STATUS_LABELS, STATE_LABELS
from audit.audits.models import Audit, AuditCycle, AuditState, CycleStatus
from audit.extensions import db
from audit.frameworks import services as frameworks
from audit.frameworks.models import FrameworkVersion
from audit.i18n import pick
from audit.orgs.models import Country, Institution, Unit
from audit.refusals import Refused, message
from audit.refusals import web as refusals
from forms.cycles import CloseCycleForm, CycleForm

bp = Blueprint("cycles", __name__, url_prefix="/admin/cycles")

@bp.get("/")
@admin_required
def index() -> str:
    """Every cycle with its framework, dates, status and how far its audits are."""
    cycles = db.session.scalars(
        select(AuditCycle)
        .options(
            selectinload(AuditCycle.framework_version).load_only(
                FrameworkVersion.title, FrameworkVersion.version, FrameworkVersion.revision
            )
        )
        .order_by(AuditCycle.opens_on.desc(), AuditCycle.id.desc())
    ).all()
    counts: dict[int, dict[AuditState, int]] = defaultdict(dict)
    for cycle_id, state, count in db.session.execute(
        select(Audit.cycle_id, Audit.state, func.count()).group_by(Audit.cycle_id, Audit.state)
    ):
        counts[cycle_id][state] = count
    return render_template(
        "audits/cycles.html",
        cycles=cycles,
        counts=counts,
        states=list(AuditState),
        state_labels=STATE_LABELS,
        status_labels=CYCLE_STATUS_LABELS,
        CycleStatus=CycleStatus,
        close_form=CloseCycleForm(),
    )


def _unit_choices() -> dict[str, list[tuple[int, str, dict[str, str]]]]:
    """Active units grouped by institution, each tree in order, with its depth for indenting."""
    units = db.session.scalars(
        select(Unit)
        .join(Unit.institution)
        .join(Institution.country)
        .options(contains_eager(Unit.institution).contains_eager(Institution.country))
        .where(Unit.active.is_(True))
        .order_by(Country.name, Institution.name, Institution.id, Unit.path)
    )
    groups: dict[str, list[tuple[int, str, dict[str, str]]]] = {}
    for unit in units:
        group = f"{unit.institution.name} ({unit.institution.country.name})"
        depth = str(min(unit.depth, 4))
        groups.setdefault(group, []).append((unit.id, unit.name, {"data-depth": depth}))
    return groups


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new() -> str | Response:
    """Open a cycle: one audit per chosen unit, pinned to one framework version."""
    form = CycleForm()
    form.framework_version_id.choices = [
        (v.id, f"{pick(v.title)} {v.label}") for v in frameworks.versions()
    ]
    form.unit_ids.choices = _unit_choices()
    if form.validate_on_submit():
        try:
            services.open_cycle(
                current_user,
                name=form.name.data or "",
                framework_version_id=form.framework_version_id.data or 0,
                opens_on=form.opens_on.data,
                closes_on=form.closes_on.data,
                unit_ids=form.unit_ids.data or [],
            )
        except Refused as error:
            refusals.on_form(error, form)
        else:
            flash(_("The audit cycle has been opened."), "success")
            return redirect(url_for("cycles.index"))
    return render_template("audits/cycle_form.html", form=form)


@bp.post("/<int:cycle_id>/close")
@admin_required
def close(cycle_id: int) -> Response:
    """Close a cycle: its audits accept no more changes."""
    cycle = db.get_or_404(AuditCycle, cycle_id)
    if not CloseCycleForm().validate_on_submit():
        flash(message("form_expired"), "error")
    elif cycle.status is CycleStatus.CLOSED:
        flash(_("This audit cycle was already closed."), "info")
    else:
        try:
            services.close_cycle(current_user, cycle)
        except Refused as error:
            refusals.as_flash(error)
        else:
            flash(_("The audit cycle has been closed."), "success")
    return redirect(url_for("cycles.index"))
