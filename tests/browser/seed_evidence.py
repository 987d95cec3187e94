"""Browser seed for the evidence tests (tests/browser/test_evidence.py): one police station per
language in its own institution, each with its commander and an audit, not started, in a cycle
of the shipped framework (its domain FA has questions that require or accept evidence); and one
post per language whose audit of the journey framework is answered completely, ready to sign
off."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

#: (language, unit code, unit name, commander e-mail) of the evidence tests.
EVIDENCE_POSTS = [
    ("en", "EV-EN", "Evidence Post (en)", "evidence-en@example.org"),
    ("ar", "EV-AR", "Evidence Post (ar)", "evidence-ar@example.org"),
]

#: (language, unit code, unit name, commander e-mail) of the sign-off tests.
SIGN_OFF_POSTS = [
    ("en", "SO-EN", "Sign-off Post (en)", "signoff-en@example.org"),
    ("ar", "SO-AR", "Sign-off Post (ar)", "signoff-ar@example.org"),
]
#: Every answer of the journey framework (tests/browser/framework).
READY = [
    ("FA1", "yes"),
    ("FA2", "meets"),
    ("FA3", "6"),
    (
        "PE1",
        {
            "officers": {"women": "4", "men": "18", "not_recorded": "0"},
            "others": {"women": "10", "men": "35", "not_recorded": "0"},
        },
    ),
    ("PE2", "yes"),
    ("PE3", "Women officers lead the community patrols."),
]


def seed_evidence(
    journey_version_id: int, country_id: int, admin: Any, user: Callable[..., Any]
) -> dict[str, object]:
    """The evidence and sign-off posts, their commanders and audits."""
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
    _sign_off_posts(journey_version_id, institution.id, admin, user)
    cycle = audits.open_cycle(
        admin,
        name="Evidence",
        framework_version_id=version.id,
        opens_on=today - dt.timedelta(days=1),
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


def _sign_off_posts(version_id: int, institution_id: int, admin: Any, user: Callable[..., Any]):
    from audit.accounts.models import Role
    from audit.audits import services as audits
    from audit.orgs import services as orgs
    from audit.orgs.models import UnitType

    commanders = {}
    for _lang, code, name, email in SIGN_OFF_POSTS:
        unit = orgs.save_unit(
            None,
            None,
            institution_id=institution_id,
            parent_id=None,
            code=code,
            name=name,
            unit_type=UnitType.STATION,
        )
        commanders[unit.id] = user(email, f"Cdr {code}", Role.COMMANDER, unit_id=unit.id)
    today = dt.date.today()
    cycle = audits.open_cycle(
        admin,
        name="Sign-off",
        framework_version_id=version_id,
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=60),
        unit_ids=list(commanders),
    )
    for audit in cycle.audits:
        for code, value in READY:
            saved = audits.save_answer(
                commanders[audit.unit_id], audit, code, value, base_revision=None
            )
            if not saved.saved:
                raise RuntimeError(f"{code}: {saved.problems}")
