"""Browser seed for the names in each language (tests/browser/test_names.py): one police post
with Arabic, French and Spanish versions of its name, and its commander."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

NAMES_COMMANDER = "commander.names@example.org"
NAMES_UNIT = "Ashrafieh Post"
NAMES_VERSIONS = {"ar": "مخفر الأشرفية", "fr": "Poste d’Achrafieh", "es": "Puesto de Achrafieh"}


def seed_names(institution_id: int, user: Callable[..., Any]) -> dict[str, object]:
    """The post and its commander; returns the post's id under "names_unit"."""
    from audit.accounts.models import Role
    from audit.orgs import services as orgs
    from audit.orgs.models import UnitType

    unit = orgs.save_unit(
        None,
        None,
        institution_id=institution_id,
        parent_id=None,
        code="NAMES-POST",
        name=NAMES_UNIT,
        unit_type=UnitType.STATION,
        translations=NAMES_VERSIONS,
    )
    user(NAMES_COMMANDER, "Cdr Sfeir", Role.COMMANDER, unit_id=unit.id)
    return {"names_unit": unit.id}
