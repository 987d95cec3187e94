"""Browser seed for the evidence tests (tests/browser/test_evidence.py): one police station per
language in its own institution, each with its commander and an audit, not started, in a cycle
of the shipped framework (its domain FA has questions that require or accept evidence)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

#: (language, unit code, unit name, commander e-mail) of the evidence tests.
EVIDENCE_POSTS = [
    ("en", "EV-EN", "Evidence Post (en)", "evidence-en@example.org"),
    ("ar", "EV-AR", "Evidence Post (ar)", "evidence-ar@example.org"),
]


def seed_evidence(country_id: int, admin: Any, user: Callable[..., Any]) -> dict[str, object]:
    """The evidence posts, their commanders and audits; returns {"evidence": {lang: {...}}}."""
    from audit.accounts.models import Role
    from audit.audits import services as audits
    from audit.frameworks.services import load_shipped
    from audit.orgs import services as orgs
    from audit.orgs.models import InstitutionKind, UnitType

    version = load_shipped()[-1].version
    institution = orgs.save_institution(
        None, None, country_id, "Evidence Gendarmerie", InstitutionKind.POLICE
    )
    units = {}
    for lang, code, name, email in EVIDENCE_POSTS:
        unit = orgs.save_unit(
            None,
            None,
            institution_id=institution.id,
            parent_id=None,
            code=code,
            name=name,
            unit_type=UnitType.STATION,
        )
        user(email, f"Cdr {code}", Role.COMMANDER, unit_id=unit.id)
        units[lang] = unit
    today = dt.date.today()
    cycle = audits.open_cycle(
        admin,
        name="Evidence",
        framework_version_id=version.id,
        opens_on=today,
        closes_on=today + dt.timedelta(days=60),
        unit_ids=[u.id for u in units.values()],
    )
    by_unit = {a.unit_id: a.id for a in cycle.audits}
    return {
        "evidence": {
            lang: {"audit_id": by_unit[units[lang].id], "commander": email}
            for lang, _code, _name, email in EVIDENCE_POSTS
        }
    }
