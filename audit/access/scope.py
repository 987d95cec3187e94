"""The one place that answers "which units may this user see, and what may they do there".

Every query that reads unit data filters through :func:`visible_unit_ids`; every view that takes a
unit id goes through :func:`audit.orgs.queries.unit_or_404`, which asks :func:`abilities`. A unit
outside the user's scope is reported as missing (404), never as forbidden, so its existence is
not confirmed.

Rules:
- administrator: every unit; may manage everything.
- commander: exactly the units they command; may fill in those units' audits.
- adviser: the units assigned (each with its whole subtree) and every unit of an assigned
  institution; may review those units' audits.
- donor: no unit pages at all; only aggregates of the institutions and countries they fund.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Select, column, false, or_, select, table, true

from audit.access.roles import Role

#: The columns of the units table the rules read (the model lives in audit.orgs).
UNITS = table("units", column("id"), column("institution_id"), column("path"))


class Can(enum.StrEnum):
    """What a user may do with a unit."""

    VIEW = "view"
    FILL = "fill"
    REVIEW = "review"
    MANAGE = "manage"


class UnitLike(Protocol):
    """What the rules need to know of a unit."""

    id: int
    institution_id: int
    path: str


def _assignments(user: Any, role: Role) -> list[Any]:
    return [a for a in user.assignments if a.role is role]


def _signed_in(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active)


def _scope_conditions(user: Any, units: Any, roles: Iterable[Role]) -> list[Any]:
    """The conditions on the unit columns `units` (.id, .institution_id, .path: the units
    table, or the Unit model in a query that joins it) that the user's assignments of these
    roles give."""
    conditions: list[Any] = []
    roles = set(roles)
    if Role.COMMANDER in roles:
        commanded = [a.unit_id for a in _assignments(user, Role.COMMANDER)]
        if commanded:
            conditions.append(units.id.in_(commanded))
    if Role.ADVISER in roles:
        for a in _assignments(user, Role.ADVISER):
            if a.institution_id is not None:
                conditions.append(units.institution_id == a.institution_id)
            elif a.unit is not None:
                conditions.append(units.path.startswith(a.unit.path, autoescape=True))
    return conditions


def visible_where(user: Any, units: Any = UNITS.c) -> Any:
    """A condition on a query's unit columns (see `_scope_conditions`): the unit is one the
    user may open. For an administrator it is no condition at all; a query that joins the
    units can test their columns directly instead of matching ids against a sub-select (on a
    national portfolio that matching is most of a list page's time)."""
    if not _signed_in(user):
        return false()
    if user.has_role(Role.ADMIN):
        return true()
    conditions = _scope_conditions(user, units, (Role.COMMANDER, Role.ADVISER))
    return or_(*conditions) if conditions else false()


def reviewable_where(user: Any, units: Any = UNITS.c) -> Any:
    """A condition on a query's unit columns: the user reviews the unit's audits (their
    adviser scope: what `abilities` calls REVIEW), for the review queue."""
    if not _signed_in(user):
        return false()
    conditions = _scope_conditions(user, units, (Role.ADVISER,))
    return or_(*conditions) if conditions else false()


def visible_unit_ids(user: Any) -> Select[tuple[int]]:
    """A SELECT of the ids of every unit the user may open (for use in `Unit.id.in_(...)`)."""
    return select(UNITS.c.id).where(visible_where(user))


def visible(user: Any, unit_id: Any) -> Any:
    """A condition on a unit-id column: the unit is one the user may open (for queries that
    do not join the units; no condition at all for an administrator)."""
    if _signed_in(user) and user.has_role(Role.ADMIN):
        return true()
    return unit_id.in_(visible_unit_ids(user).scalar_subquery())


def reviewable_unit_ids(user: Any) -> Select[tuple[int]]:
    """A SELECT of the ids of the units whose audits the user reviews."""
    return select(UNITS.c.id).where(reviewable_where(user))


@dataclass(frozen=True)
class WholeInstitutions:
    """A scope made of whole institutions: every one (`every`) or those of `ids`."""

    every: bool
    ids: frozenset[int] = frozenset()


def whole_institutions(user: Any) -> WholeInstitutions | None:
    """The institutions the user sees every unit of, when those units are all they see
    (an administrator; an adviser assigned only whole institutions), so roll-ups can read
    the sums kept per institution; None when the scope is made of single units or subtrees."""
    if not _signed_in(user):
        return None
    if user.has_role(Role.ADMIN):
        return WholeInstitutions(every=True)
    if _assignments(user, Role.COMMANDER):
        return None
    advising = _assignments(user, Role.ADVISER)
    if not advising or any(a.institution_id is None for a in advising):
        return None
    return WholeInstitutions(every=False, ids=frozenset(a.institution_id for a in advising))


def abilities(user: Any, unit: UnitLike) -> set[Can]:
    """What the user may do with this unit; empty when the unit is outside their scope."""
    if not _signed_in(user):
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


def funded_scope(user: Any) -> tuple[set[int], set[int]]:
    """The institution ids and country ids a donor may see aggregates of."""
    donor = _assignments(user, Role.DONOR)
    institutions = {a.institution_id for a in donor if a.institution_id is not None}
    countries = {a.country_id for a in donor if a.country_id is not None}
    return institutions, countries


def holds_any(user: Any, roles: Iterable[Role]) -> bool:
    """True when the user holds one of the roles anywhere."""
    return any(user.has_role(role) for role in roles)
