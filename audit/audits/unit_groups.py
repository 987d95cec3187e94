"""The units an administrator may put in a cycle, grouped by institution for the unit picker.

Opening a cycle and adding units to an open one show the same picker: every active unit under
its institution, in tree order, with a box that takes all of an institution's units at once
(so twenty stations are one click, with or without JavaScript).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from audit.audits.models import Audit, AuditCycle
from audit.extensions import db
from audit.orgs.models import Country, Institution, Unit


@dataclass(frozen=True)
class PickUnit:
    """One unit of the picker, with its depth in the tree (for indenting, at most 4)."""

    id: int
    name: str
    depth: int


@dataclass(frozen=True)
class UnitGroup:
    """An institution's units in the picker."""

    institution_id: int
    label: str
    units: tuple[PickUnit, ...]


def unit_groups(leave_out_cycle: int | None = None) -> list[UnitGroup]:
    """Active units grouped by institution, each tree in order; without the units that already
    have an audit in `leave_out_cycle`."""
    query = (
        select(Unit)
        .join(Unit.institution)
        .join(Institution.country)
        .options(contains_eager(Unit.institution).contains_eager(Institution.country))
        .where(Unit.active.is_(True))
        .order_by(Country.name, Institution.name, Institution.id, Unit.path)
    )
    if leave_out_cycle is not None:
        query = query.where(
            Unit.id.not_in(select(Audit.unit_id).where(Audit.cycle_id == leave_out_cycle))
        )
    groups: dict[int, tuple[str, list[PickUnit]]] = {}
    for unit in db.session.scalars(query):
        institution = unit.institution
        label = f"{institution.name} ({institution.country.name})"
        groups.setdefault(institution.id, (label, []))[1].append(
            PickUnit(unit.id, unit.name, min(unit.depth, 4))
        )
    return [UnitGroup(key, label, tuple(units)) for key, (label, units) in groups.items()]


def unit_choices(groups: Iterable[UnitGroup]) -> list[tuple[int, str]]:
    """The units of the groups as choices of a form field (what may be submitted)."""
    return [(unit.id, unit.name) for group in groups for unit in group.units]


def institution_choices(groups: Iterable[UnitGroup]) -> list[tuple[int, str]]:
    """The groups' institutions as choices ("every unit of this institution")."""
    return [(group.institution_id, group.label) for group in groups]


def chosen_units(
    groups: Iterable[UnitGroup], unit_ids: Iterable[int], institution_ids: Iterable[int]
) -> list[int]:
    """The units ticked one by one plus every unit of the institutions ticked whole."""
    whole = set(institution_ids)
    chosen = set(unit_ids)
    for group in groups:
        if group.institution_id in whole:
            chosen.update(unit.id for unit in group.units)
    return sorted(chosen)


def last_cycle() -> AuditCycle | None:
    """The cycle opened most recently (the one "same units as the last cycle" copies)."""
    return db.session.scalar(
        select(AuditCycle).order_by(AuditCycle.opens_on.desc(), AuditCycle.id.desc()).limit(1)
    )


def units_of(cycle: AuditCycle) -> list[int]:
    """The ids of the units that have an audit in the cycle."""
    return list(db.session.scalars(select(Audit.unit_id).where(Audit.cycle_id == cycle.id)))
