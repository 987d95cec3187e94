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


def visible_unit_ids(user: Any) -> Select[tuple[int]]:
    """A SELECT of the ids of every unit the user may open (for use in `Unit.id.in_(...)`)."""
    ids = select(UNITS.c.id)
    if not _signed_in(user):
        return ids.where(false())
    if user.has_role(Role.ADMIN):
        return ids.where(true())
    conditions = []
    commanded = [a.unit_id for a in _assignments(user, Role.COMMANDER)]
    if commanded:
        conditions.append(UNITS.c.id.in_(commanded))
    for a in _assignments(user, Role.ADVISER):
        if a.institution_id is not None:
            conditions.append(UNITS.c.institution_id == a.institution_id)
        elif a.unit is not None:
            conditions.append(UNITS.c.path.startswith(a.unit.path, autoescape=True))
    if not conditions:
        return ids.where(false())
    return ids.where(or_(*conditions))


def visible(user: Any, unit_id: Any) -> Any:
    """A condition on a unit-id column: the unit is one the user may open. For an
    administrator it is no condition at all, so a query over every unit is not joined to a
    list of every unit (on a national portfolio that join is most of a list page's time)."""
    if _signed_in(user) and user.has_role(Role.ADMIN):
        return true()
    return unit_id.in_(visible_unit_ids(user).scalar_subquery())


def reviewable_unit_ids(user: Any) -> Select[tuple[int]]:
    """A SELECT of the ids of the units whose audits the user reviews (their adviser scope:
    what `abilities` calls REVIEW), for the review queue."""
    ids = select(UNITS.c.id)
    if not _signed_in(user):
        return ids.where(false())
    conditions = []
    for a in _assignments(user, Role.ADVISER):
        if a.institution_id is not None:
            conditions.append(UNITS.c.institution_id == a.institution_id)
        elif a.unit is not None:
            conditions.append(UNITS.c.path.startswith(a.unit.path, autoescape=True))
    return ids.where(or_(*conditions)) if conditions else ids.where(false())


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
