"""Creating and changing countries, institutions and units (administrators only)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from audit.accounts.models import User
from audit.activity.services import record
from audit.errors import ServiceError
from audit.extensions import db
from audit.orgs.models import Country, Institution, InstitutionKind, Unit, UnitType


def _commit() -> None:
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise ServiceError(
            _("That conflicts with an existing record (a name or code is taken).")
        ) from error


def save_country(actor: User | None, country: Country | None, code: str, name: str) -> Country:
    """Create a country (country=None) or change one."""
    code = code.strip().upper()
    taken = db.session.scalar(
        select(Country).where((Country.code == code) | (Country.name == name))
    )
    if taken is not None and taken is not country:
        raise ServiceError(_("A country with this code or name already exists."), "code")
    created = country is None
    country = country or Country()
    country.code, country.name = code, name
    db.session.add(country)
    db.session.flush()
    record(
        actor,
        "orgs.country." + ("created" if created else "updated"),
        "country",
        country.id,
        code=code,
        name=name,
    )
    _commit()
    return country


def save_institution(
    actor: User | None,
    institution: Institution | None,
    country_id: int,
    name: str,
    kind: InstitutionKind,
) -> Institution:
    """Create or change an institution."""
    if db.session.get(Country, country_id) is None:
        raise ServiceError(_("Choose a country from the list."), "country_id")
    taken = db.session.scalar(
        select(Institution).where(Institution.country_id == country_id, Institution.name == name)
    )
    if taken is not None and taken is not institution:
        raise ServiceError(_("This country already has an institution with that name."), "name")
    created = institution is None
    institution = institution or Institution()
    institution.country_id, institution.name, institution.kind = country_id, name, kind
    db.session.add(institution)
    db.session.flush()
    record(
        actor,
        "orgs.institution." + ("created" if created else "updated"),
        "institution",
        institution.id,
        name=name,
        kind=kind.value,
    )
    _commit()
    return institution


def save_unit(
    actor: User | None,
    unit: Unit | None,
    *,
    institution_id: int,
    parent_id: int | None,
    code: str,
    name: str,
    unit_type: UnitType,
    active: bool = True,
) -> Unit:
    """Create or change a unit, keeping the tree consistent (same institution, no cycles)."""
    institution = db.session.get(Institution, institution_id)
    if institution is None:
        raise ServiceError(_("Choose an institution from the list."), "institution_id")
    parent = db.session.get(Unit, parent_id) if parent_id else None
    if parent_id and parent is None:
        raise ServiceError(_("Choose a parent unit from the list."), "parent_id")
    if parent is not None and parent.institution_id != institution_id:
        raise ServiceError(_("The parent unit must belong to the same institution."), "parent_id")
    if unit is not None and parent is not None and parent.path.startswith(unit.path):
        raise ServiceError(
            _("A unit cannot be placed under itself or one of its sub-units."), "parent_id"
        )
    if unit is not None and unit.institution_id != institution_id and unit.children:
        raise ServiceError(
            _("Move or remove the sub-units before changing the institution."), "institution_id"
        )
    code = code.strip().upper()
    taken = db.session.scalar(
        select(Unit).where(Unit.institution_id == institution_id, Unit.code == code)
    )
    if taken is not None and taken is not unit:
        raise ServiceError(_("Another unit of this institution already uses this code."), "code")

    created = unit is None
    unit = unit or Unit()
    old_path = unit.path
    unit.institution_id, unit.parent_id, unit.code = institution_id, parent_id or None, code
    unit.name, unit.unit_type, unit.active = name, unit_type, active
    db.session.add(unit)
    db.session.flush()
    new_path = f"{parent.path if parent else '/'}{unit.id}/"
    if old_path and old_path != new_path:
        # Move the whole subtree: every descendant's path starts with the old path.
        for child in db.session.scalars(
            select(Unit).where(Unit.path.startswith(old_path, autoescape=True), Unit.id != unit.id)
        ):
            child.path = new_path + child.path[len(old_path) :]
    unit.path = new_path
    record(
        actor,
        "orgs.unit." + ("created" if created else "updated"),
        "unit",
        unit.id,
        code=code,
        name=name,
        parent_id=parent_id,
    )
    _commit()
    return unit
