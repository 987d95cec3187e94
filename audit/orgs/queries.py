"""Units and institutions as a user may see them: the scope rules of audit.access, as queries
that return this feature's own objects."""

from __future__ import annotations

from typing import Any

from flask import abort
from sqlalchemy import Select, or_, select

from audit.access.roles import Role
from audit.access.scope import Can, abilities, funded_scope, visible_where
from audit.extensions import db
from audit.orgs.models import Institution, Unit


def visible_units(user: Any) -> Select[tuple[Unit]]:
    """A SELECT of the units the user may open, ordered by institution and tree position."""
    return (
        select(Unit)
        .where(visible_where(user, Unit))
        .join(Unit.institution)
        .order_by(Institution.name, Unit.path)
    )


def unit_or_404(user: Any, unit_id: int, need: Can = Can.VIEW) -> Unit:
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


def funded_institutions(user: Any) -> Select[tuple[Institution]]:
    """Institutions a donor funds, directly or through their country (all, for an admin)."""
    if user.has_role(Role.ADMIN):
        return select(Institution).order_by(Institution.name)
    institutions, countries = funded_scope(user)
    return (
        select(Institution)
        .where(or_(Institution.id.in_(institutions), Institution.country_id.in_(countries)))
        .order_by(Institution.name)
    )
