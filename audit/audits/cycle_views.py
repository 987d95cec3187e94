"""Administrators open audit cycles, add units to them or take units out, and close them."""

from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, selectinload
from werkzeug.wrappers import Response

from audit.access.roles import admin_required
from audit.audits import services
from audit.audits.messages import CYCLE_STATUS_LABELS, STATE_LABELS
from audit.audits.models import Audit, AuditCycle, AuditState, CycleStatus
from audit.audits.unit_groups import (
    UnitGroup,
    chosen_units,
    institution_choices,
    last_cycle,
    unit_choices,
    unit_groups,
    units_of,
)
from audit.extensions import db
from audit.frameworks import services as frameworks
from audit.frameworks.models import FrameworkVersion
from audit.i18n import pick
from audit.orgs.models import Institution, Unit
from audit.refusals import Refused, message
from audit.refusals import web as refusals
from audit.routing import MAX_ID
from forms.cycles import AddUnitsForm, CloseCycleForm, CycleForm

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


def _picker(form: CycleForm | AddUnitsForm, groups: list[UnitGroup]) -> None:
    """Offer the groups' units and institutions as the form's choices."""
    form.unit_ids.choices = unit_choices(groups)
    form.institution_ids.choices = institution_choices(groups)


def _picked(form: CycleForm | AddUnitsForm, groups: list[UnitGroup]) -> list[int]:
    return chosen_units(groups, form.unit_ids.data or [], form.institution_ids.data or [])


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new() -> str | Response:
    """Open a cycle: one audit per chosen unit, pinned to one framework version."""
    form = CycleForm()
    form.framework_version_id.choices = [
        (v.id, f"{pick(v.title)} {v.label}") for v in frameworks.versions()
    ]
    groups = unit_groups()
    _picker(form, groups)
    last = last_cycle()
    last_units = units_of(last) if last is not None else []
    source = request.args.get("units_from", type=int) if request.method == "GET" else None
    copied = db.session.get(AuditCycle, source) if source and source <= MAX_ID else None
    if copied is not None:  # "same units as that cycle" without JavaScript: ticked on reload
        offered = {unit_id for unit_id, _label in form.unit_ids.choices}
        form.unit_ids.data = [u for u in units_of(copied) if u in offered]
    if form.validate_on_submit():
        try:
            services.open_cycle(
                current_user,
                name=form.name.data or "",
                framework_version_id=form.framework_version_id.data or 0,
                opens_on=form.opens_on.data,
                closes_on=form.closes_on.data,
                unit_ids=_picked(form, groups),
            )
        except Refused as error:
            refusals.on_form(error, form)
        else:
            flash(_("The audit cycle has been opened."), "success")
            return redirect(url_for("cycles.index"))
    return render_template(
        "audits/cycle_form.html", form=form, groups=groups, last=last, last_units=last_units
    )


@bp.get("/<int:cycle_id>")
@admin_required
def show(cycle_id: int) -> str:
    """One cycle: its units with the state of their audits; units can be added or taken out."""
    cycle = db.get_or_404(AuditCycle, cycle_id)
    return _show(cycle, AddUnitsForm(formdata=None))


def _show(cycle: AuditCycle, form: AddUnitsForm, groups: list[UnitGroup] | None = None) -> str:
    if groups is None:
        groups = unit_groups(leave_out_cycle=cycle.id)
        _picker(form, groups)
    audits = db.session.scalars(
        select(Audit)
        .join(Audit.unit)
        .join(Unit.institution)
        .options(contains_eager(Audit.unit).contains_eager(Unit.institution))
        .where(Audit.cycle_id == cycle.id)
        .order_by(Institution.name, Institution.id, Unit.path)
    ).all()
    return render_template(
        "audits/cycle.html",
        cycle=cycle,
        audits=audits,
        form=form,
        groups=groups,
        button_form=CloseCycleForm(),
        state_labels=STATE_LABELS,
        status_labels=CYCLE_STATUS_LABELS,
        AuditState=AuditState,
        CycleStatus=CycleStatus,
    )


@bp.post("/<int:cycle_id>/units")
@admin_required
def add_units(cycle_id: int) -> str | Response:
    """Add units to an open cycle: each gets its audit now, in this request's transaction."""
    cycle = db.get_or_404(AuditCycle, cycle_id)
    form = AddUnitsForm()
    groups = unit_groups(leave_out_cycle=cycle.id)
    _picker(form, groups)
    if form.validate_on_submit():
        try:
            added = services.add_units(current_user, cycle, _picked(form, groups))
        except Refused as error:
            refusals.on_form(error, form)
        else:
            names = ", ".join(audit.unit.name for audit in added)
            flash(_("Units added to the cycle: %(names)s.", names=names), "success")
            return redirect(url_for("cycles.show", cycle_id=cycle.id))
    return _show(cycle, form, groups)


@bp.post("/<int:cycle_id>/audits/<int:audit_id>/remove")
@admin_required
def remove_audit(cycle_id: int, audit_id: int) -> Response:
    """Take a unit out of an open cycle, if its audit has not started."""
    audit = db.get_or_404(Audit, audit_id)
    if audit.cycle_id != cycle_id:
        abort(404)
    name = audit.unit.name
    if not CloseCycleForm().validate_on_submit():
        flash(message("form_expired"), "error")
    else:
        try:
            services.remove_audit(current_user, audit)
        except Refused as error:
            refusals.as_flash(error)
        else:
            flash(_("%(unit)s has been taken out of the cycle.", unit=name), "success")
    return redirect(url_for("cycles.show", cycle_id=cycle_id))


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
