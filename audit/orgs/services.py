"""Creating and changing countries, institutions and units (administrators only)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from audit.activity.services import Actor, record
from audit.extensions import db
from audit.orgs import signals
from audit.orgs.models import Country, Institution, InstitutionKind, Unit, UnitType
from audit.orgs.names import translations_of
from audit.refusals import Refused


def _flush() -> None:
    """Send the change to the database now, so a clash with a unique name or code is refused
    here (the refusal rolls the whole transaction back)."""
    try:
        db.session.flush()
    except IntegrityError as error:
        raise Refused("record_conflict") from error


#: A name's version in each language ({"ar": "لبنان", "fr": "Liban", …}); None keeps them.
Translations = Mapping[str, str | None] | None


def _translate(thing: Country | Institution | Unit, translations: Translations) -> dict[str, str]:
    """Store the versions of the name (when given) and say what they now are, for the log."""
    if translations is not None:
        thing.set_translations(translations)
    return {f"name_{code}": v for code, v in translations_of(thing).items() if v}


def save_country(
    actor: Actor | None,
    country: Country | None,
    code: str,
    name: str,
    translations: Translations = None,
) -> Country:
    """Create a country (country=None) or change one; `name` is the name as entered."""
    code = code.strip().upper()
    taken = db.session.scalar(
        select(Country).where((Country.code == code) | (Country.name == name))
    )
    if taken is not None and taken is not country:
        raise Refused("country_taken", "code")
    created = country is None
    country = country or Country()
    country.code, country.name = code, name
    versions = _translate(country, translations)
    db.session.add(country)
    db.session.flush()
    record(
        actor,
        "orgs.country." + ("created" if created else "updated"),
        "country",
        country.id,
        code=code,
        name=name,
        **versions,
    )
    _flush()
    return country


def save_institution(
    actor: Actor | None,
    institution: Institution | None,
    country_id: int,
    name: str,
    kind: InstitutionKind,
    translations: Translations = None,
) -> Institution:
    """Create or change an institution."""
    if db.session.get(Country, country_id) is None:
        raise Refused("choose_country", "country_id")
    taken = db.session.scalar(
        select(Institution).where(Institution.country_id == country_id, Institution.name == name)
    )
    if taken is not None and taken is not institution:
        raise Refused("institution_taken", "name")
    created = institution is None
    institution = institution or Institution()
    moved = not created and institution.country_id != country_id
    institution.country_id, institution.name, institution.kind = country_id, name, kind
    versions = _translate(institution, translations)
    db.session.add(institution)
    db.session.flush()
    if moved:
        signals.institution_moved.send(institution)
    record(
        actor,
        "orgs.institution." + ("created" if created else "updated"),
        "institution",
        institution.id,
        name=name,
        kind=kind.value,
        **versions,
    )
    _flush()
    return institution


def _check_place(unit: Unit | None, institution_id: int, parent_id: int | None) -> Unit | None:
    """Refuse a place that breaks the tree; give the parent (None at the top)."""
    if db.session.get(Institution, institution_id) is None:
        raise Refused("choose_institution", "institution_id")
    parent = db.session.get(Unit, parent_id) if parent_id else None
    if parent_id and parent is None:
        raise Refused("choose_parent", "parent_id")
    if parent is not None and parent.institution_id != institution_id:
        raise Refused("parent_other_institution", "parent_id")
    if unit is not None and parent is not None and parent.path.startswith(unit.path):
        raise Refused("parent_inside_unit", "parent_id")
    if unit is not None and unit.institution_id != institution_id and unit.children:
        raise Refused("unit_has_children", "institution_id")
    return parent


def save_unit(
    actor: Actor | None,
    unit: Unit | None,
    *,
    institution_id: int,
    parent_id: int | None,
    code: str,
    name: str,
    unit_type: UnitType,
    active: bool = True,
    translations: Translations = None,
) -> Unit:
    """Create or change a unit, keeping the tree consistent (same institution, no cycles)."""
    parent = _check_place(unit, institution_id, parent_id)
    code = code.strip().upper()
    taken = db.session.scalar(
        select(Unit).where(Unit.institution_id == institution_id, Unit.code == code)
    )
    if taken is not None and taken is not unit:
        raise Refused("unit_code_taken", "code")

    created = unit is None
    unit = unit or Unit()
    old_path = unit.path
    moved = not created and unit.institution_id != institution_id
    unit.institution_id, unit.parent_id, unit.code = institution_id, parent_id or None, code
    unit.name, unit.unit_type, unit.active = name, unit_type, active
    versions = _translate(unit, translations)
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
    if moved:
        db.session.flush()
        signals.unit_moved.send(unit)
    record(
        actor,
        "orgs.unit." + ("created" if created else "updated"),
        "unit",
        unit.id,
        code=code,
        name=name,
        parent_id=parent_id,
        **versions,
    )
    _flush()
    return unit
