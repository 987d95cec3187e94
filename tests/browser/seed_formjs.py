"""Browser seed for tests/browser/test_formjs.py (the audit form's live totals, rule errors,
refused drafts, conflicts and the reader's view), on its own small framework
(tests/browser/framework_formjs) in its own institution and cycle, so no other test sees it.

Each test and variant has its own station and commander (fj.<key>@example.org), so that none
depends on another's run; the adviser (fj.adviser@example.org) reads the "review" station, whose
answers are filled in here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

FRAMEWORK = Path(__file__).parent / "framework_formjs"
#: One station per test and variant: the commander of "fj-<key>" is fj.<key>@example.org.
KEYS = (
    "digits-en",
    "digits-ar",
    "rule-en",
    "rule-ar",
    "refused-en",
    "refused-ar",
    "conflict-en",
    "conflict-ar",
    "review",
)
REVIEW_ANSWERS = (
    ("FJ1", "30"),
    (
        "FJ2",
        {
            "officers": {"women": "3", "men": "7", "not_recorded": "0"},
            "others": {"women": "5", "men": "1500", "not_recorded": "0"},
        },
    ),
    ("FJ3", "meets"),
    ("FJ4", "Every new officer has a mentor.\nCareers are reviewed each spring."),
)


def email(key: str) -> str:
    return f"fj.{key}@example.org"


def seed_formjs(country_id: int, admin: Any, user: Callable[..., Any]) -> dict[str, object]:
    """The institution, stations, people and cycle of the form tests; the review answers."""
    from audit.accounts.models import Role
    from audit.audits import services as audits
    from audit.frameworks import services as frameworks
    from audit.orgs import services as orgs
    from audit.orgs.models import InstitutionKind, UnitType

    version = frameworks.load(str(FRAMEWORK)).version
    force = orgs.save_institution(None, None, country_id, "Form Police", InstitutionKind.POLICE)
    units = {}
    commanders = {}
    for key in KEYS:
        units[key] = orgs.save_unit(
            None,
            None,
            institution_id=force.id,
            parent_id=None,
            code=f"FJ-{key.upper()}",
            name=f"Form station {key}",
            unit_type=UnitType.STATION,
        )
        commanders[key] = user(email(key), f"Cdr {key}", Role.COMMANDER, unit_id=units[key].id)
    user(email("adviser"), "Adv Form", Role.ADVISER, institution_id=force.id)
    today = dt.date.today()
    cycle = audits.open_cycle(
        admin,
        name="Form tests",
        framework_version_id=version.id,
        # Opened before today, like the charts' cycles: the other tests' default cycle (the
        # newest) stays theirs.
        opens_on=today - dt.timedelta(days=20),
        closes_on=today + dt.timedelta(days=30),
        unit_ids=[unit.id for unit in units.values()],
    )
    ids = {audit.unit_id: audit.id for audit in cycle.audits}
    audit_ids = {key: ids[unit.id] for key, unit in units.items()}
    review = next(a for a in cycle.audits if a.id == audit_ids["review"])
    for code, value in REVIEW_ANSWERS:
        result = audits.save_answer(commanders["review"], review, code, value, base_revision=None)
        if not result.saved:
            raise RuntimeError(f"{code}: {result.problems}")
    return {"formjs": {"audits": audit_ids}}
