"""Audit cycles: an administrator opens one (an audit per chosen unit), adds units to it or
removes a unit whose audit has not started, and closes it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete, exists, select

from audit.access.roles import Role
from audit.accounts.models import User
from audit.activity.services import record
from audit.audits.models import (
    Answer,
    Audit,
    AuditCycle,
    AuditLogEntry,
    AuditState,
    CycleStatus,
    Evidence,
    ReviewQuery,
)
from audit.audits.services import log
from audit.audits.services.checks import lock, lock_cycle
from audit.extensions import db
from audit.frameworks.models import FrameworkVersion
from audit.orgs.models import Unit
from audit.refusals import Refused

#: The audit log entry every audit starts with; any other entry means work has begun.
CREATED = "audit.created"


def open_cycle(
    actor: User,
    *,
    name: str,
    framework_version_id: int,
    opens_on: dt.date,
    closes_on: dt.date,
    unit_ids: Sequence[int],
) -> AuditCycle:
    """An administrator opens a cycle: one audit per chosen unit, pinned to one framework."""
    if not actor.has_role(Role.ADMIN):
        raise Refused("not_allowed")
    name = name.strip()
    if not name:
        raise Refused("cycle_name_required", "name")
    if db.session.scalar(select(AuditCycle).where(AuditCycle.name == name)) is not None:
        raise Refused("cycle_name_taken", "name")
    if closes_on < opens_on:
        raise Refused("cycle_dates", "closes_on")
    if db.session.get(FrameworkVersion, framework_version_id) is None:
        raise Refused("unknown_framework", "framework_version_id")
    units = list(db.session.scalars(select(Unit).where(Unit.id.in_(set(unit_ids)))))
    if not units or len(units) != len(set(unit_ids)):
        raise Refused("cycle_units", "unit_ids")
    cycle = AuditCycle(
        name=name,
        framework_version_id=framework_version_id,
        opens_on=opens_on,
        closes_on=closes_on,
    )
    db.session.add(cycle)
    db.session.flush()
    _create_audits(actor, cycle, units)
    return cycle


def _create_audits(actor: User, cycle: AuditCycle, units: Sequence[Unit]) -> list[Audit]:
    """One audit per unit in the cycle, each with its "created" entry in the audit log."""
    audits = []
    for unit in units:
        audit = Audit(cycle_id=cycle.id, unit_id=unit.id)
        db.session.add(audit)
        db.session.flush()
        log.write(audit, actor, CREATED, new={"cycle": cycle.name})
        audits.append(audit)
    return audits


def add_units(actor: User, cycle: AuditCycle, unit_ids: Sequence[int]) -> list[Audit]:
    """Add active units to an open cycle: each gets its audit, as when the cycle was opened."""
    if not actor.has_role(Role.ADMIN):
        raise Refused("not_allowed")
    if cycle.status is CycleStatus.CLOSED:
        raise Refused("cycle_closed")
    wanted = set(unit_ids)
    units = list(
        db.session.scalars(
            select(Unit).where(Unit.id.in_(wanted), Unit.active.is_(True)).order_by(Unit.path)
        )
    )
    if not units or len(units) != len(wanted):
        raise Refused("cycle_units", "unit_ids")
    present = db.session.scalar(
        select(Unit.name)
        .join(Audit, Audit.unit_id == Unit.id)
        .where(Audit.cycle_id == cycle.id, Unit.id.in_(wanted))
        .limit(1)
    )
    if present is not None:
        raise Refused("unit_in_cycle", "unit_ids", unit=present)
    return _create_audits(actor, cycle, units)


def audit_started(audit: Audit) -> bool:
    """True once anything happened to the audit: a state change, an answer, evidence, a query,
    or any audit log entry besides its creation."""
    if audit.state is not AuditState.NOT_STARTED:
        return True
    for model in (Answer, Evidence, ReviewQuery):
        if db.session.scalar(select(exists().where(model.audit_id == audit.id))):
            return True
    return bool(
        db.session.scalar(
            select(
                exists().where(AuditLogEntry.audit_id == audit.id, AuditLogEntry.action != CREATED)
            )
        )
    )


def remove_audit(actor: User, audit: Audit) -> None:
    """Take a unit out of an open cycle; refused once its audit has started."""
    if not actor.has_role(Role.ADMIN):
        raise Refused("not_allowed")
    lock(audit)  # a first answer racing the removal either lands first (refused) or waits
    if audit.cycle.status is CycleStatus.CLOSED:
        raise Refused("cycle_closed")
    if audit_started(audit):
        raise Refused("audit_started", unit=audit.unit.name)
    record(
        actor,
        "audits.audit.removed",
        "cycle",
        audit.cycle_id,
        unit_id=audit.unit_id,
        unit=audit.unit.name,
    )
    audit_id = audit.id
    db.session.delete(audit)
    db.session.flush()
    # Its log (only its creation) goes with it: on PostgreSQL the foreign key's cascade already
    # took it, which the append-only trigger allows once the audit is gone (audit/append_only.py);
    # SQLite does not enforce foreign keys, so the rows are deleted here.
    db.session.execute(delete(AuditLogEntry).where(AuditLogEntry.audit_id == audit_id))


def close_cycle(actor: User, cycle: AuditCycle) -> None:
    """Close a cycle: its audits accept no more edits."""
    if not actor.has_role(Role.ADMIN):
        raise Refused("not_allowed")
    lock_cycle(cycle)
    cycle.status = CycleStatus.CLOSED


def left_out(unit_ids: Sequence[int]) -> list[tuple[Unit, AuditCycle | None]]:
    """Why a commander has no audit to fill in: each of these units with every open cycle it is
    not part of, or with None when no cycle is open at all."""
    if not unit_ids:
        return []
    units = list(
        db.session.scalars(select(Unit).where(Unit.id.in_(set(unit_ids))).order_by(Unit.name))
    )
    cycles = list(
        db.session.scalars(
            select(AuditCycle)
            .where(AuditCycle.status == CycleStatus.OPEN)
            .order_by(AuditCycle.opens_on, AuditCycle.id)
        )
    )
    if not cycles:
        return [(unit, None) for unit in units]
    rows = db.session.execute(
        select(Audit.unit_id, Audit.cycle_id).where(
            Audit.unit_id.in_([u.id for u in units]),
            Audit.cycle_id.in_([c.id for c in cycles]),
        )
    )
    present = {(unit_id, cycle_id) for unit_id, cycle_id in rows}
    return [(u, c) for u in units for c in cycles if (u.id, c.id) not in present]
