"""Audit cycles: an administrator opens one (an audit per chosen unit) and closes it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select

from audit.access.roles import Role
from audit.accounts.models import User
from audit.audits.models import Audit, AuditCycle, CycleStatus
from audit.audits.services import log
from audit.extensions import db
from audit.frameworks.models import FrameworkVersion
from audit.orgs.models import Unit
from audit.refusals import Refused


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
    for unit in units:
        audit = Audit(cycle_id=cycle.id, unit_id=unit.id)
        db.session.add(audit)
        db.session.flush()
        log.write(audit, actor, "audit.created", new={"cycle": name})
    return cycle


def close_cycle(actor: User, cycle: AuditCycle) -> None:
    """Close a cycle: its audits accept no more edits."""
    if not actor.has_role(Role.ADMIN):
        raise Refused("not_allowed")
    cycle.status = CycleStatus.CLOSED
