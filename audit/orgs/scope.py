"""The one place that answers "which units may this user see, and what may they do there".

Every query that reads unit data filters through :func:`visible_unit_ids`; every view that takes a
unit id goes through :func:`unit_or_404`. A unit outside the user's scope is reported as missing
(404), never as forbidden, so its existence is not confirmed.

Rules:
- administrator: every unit; may manage everything.
- commander: exactly the units they command; may fill in those units' audits.
- adviser: the units assigned (each with its whole subtree) and every unit of an assigned
  institution; may review those units' audits.
- donor: no unit pages at all; only aggregates of the institutions and countries they fund.
"""

from __future__ import annotations

import enum

from flask import abort
from sqlalchemy import Select, false, or_, select, true

from audit.accounts.models import Role, RoleAssignment, User
from audit.extensions import db
from audit.orgs.models import Institution, Unit


class Can(enum.StrEnum):
    """What a user may do with a unit."""

    VIEW = "view"
    FILL = "fill"
    REVIEW = "review"
    MANAGE = "manage"


def _assignments(user: User, role: Role) -> list[RoleAssignment]:
    return [a for a in user.assignments if a.role is role]


def visible_unit_ids(user: User) -> Select[tuple[int]]:
    """A SELECT of the ids of every unit the user may open (for use in `Unit.id.in_(...)`)."""
    if not user.is_authenticated or not user.is_active:
        return select(Unit.id).where(false())
    if user.has_role(Role.ADMIN):
        return select(Unit.id).where(true())
    conditions = []
    commanded = [a.unit_id for a in _assignments(user, Role.COMMANDER)]
    if commanded:
        conditions.append(Unit.id.in_(commanded))
    for a in _assignments(user, Role.ADVISER):
        if a.institution_id is not None:
            conditions.append(Unit.institution_id == a.institution_id)
        elif a.unit is not None:
            conditions.append(Unit.path.startswith(a.unit.path, autoescape=True))
    if not conditions:
        return select(Unit.id).where(false())
    return select(Unit.id).where(or_(*conditions))


def visible_units(user: User) -> Select[tuple[Unit]]:
    """A SELECT of the units the user may open, ordered by institution and tree position."""
    return (
        select(Unit)
        .where(Unit.id.in_(visible_unit_ids(user)))
        .join(Unit.institution)
        .order_by(Institution.name, Unit.path)
    )


def abilities(user: User, unit: Unit) -> set[Can]:
    """What the user may do with this unit; empty when the unit is outside their scope."""
    if not user.is_authenticated or not user.is_active:
        return set()
    found: set[Can] = set()
    if user.has_role(Role.ADMIN):
        found |= {Can.VIEW, Can.MANAGE}
    if any(a.unit_id == unit.id for a in _assignments(user, Role.COMMANDER)):
        found |= {Can.VIEW, Can.FILL}
    for a in _assignments(user, Role.ADVISER):
        in_institution = a.institution_id is not None and a.institution_id == unit.institution_id
        in_subtree = a.unit is not None and unit.path.startswith(a.unit.path)
        if in_institution or in_subtree:
            found |= {Can.VIEW, Can.REVIEW}
    return found


def unit_or_404(user: User, unit_id: int, need: Can = Can.VIEW) -> Unit:
    """The unit, if the user may do `need` with it; otherwise 404 (visible but not allowed: 403)."""
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    allowed = abilities(user, unit)
    if Can.VIEW not in allowed:
        abort(404)
    if need not in allowed:
        abort(403)
    return unit


def funded_scope(user: User) -> tuple[set[int], set[int]]:
    """The institution ids and country ids a donor may see aggregates of."""
    donor = _assignments(user, Role.DONOR)
    institutions = {a.institution_id for a in donor if a.institution_id is not None}
    countries = {a.country_id for a in donor if a.country_id is not None}
    return institutions, countries


def funded_institutions(user: User) -> Select[tuple[Institution]]:
    """Institutions a donor funds, directly or through their country."""
    institutions, countries = funded_scope(user)
    if user.has_role(Role.ADMIN):
        return select(Institution).order_by(Institution.name)
    return (
        select(Institution)
        .where(or_(Institution.id.in_(institutions), Institution.country_id.in_(countries)))
        .order_by(Institution.name)
    )
