"""The unit of tests/browser/test_coverage.py: a police station on the shipped framework whose
audit is in progress, with every gender-adviser question answered but GA9 (female-engagement
teams), so the test can answer it and watch the form follow. Its own institution and a cycle
opened before today keep it out of the other tests' pages, as the charts unit is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

COMMANDER = "commander.coverage@example.org"
UNIT = ("COVERAGE", "Coverage Station")
CYCLE = ("Coverage 2026", 45)  # name, opened this many days ago
#: GA answered as typed into the form (GA9 is left to the test).
GA_ANSWERS = {
    "GA1": "yes",
    "GA2": "filled",
    "GA3": "4",
    "GA3a": "2",
    "GA4": "yes",
    "GA5": "full_time",
    "GA6": "direct",
    "GA7": "meets",
    "GA8": "3",
    "GA8a": "2",
}


def seed_coverage(country_id: int, admin: Any, user: Callable[..., Any]) -> dict[str, object]:
    """The coverage unit, its commander and its audit with GA answered but GA9."""
    from audit.accounts.models import Role
    from audit.audits import services as audits
    from audit.audits.models import Audit
    from audit.extensions import db
    from audit.frameworks.services import load_shipped
    from audit.orgs import services as orgs
    from audit.orgs.models import InstitutionKind, UnitType

    version = load_shipped()[-1].version
    institution = orgs.save_institution(
        None, None, country_id, "Coverage Police", InstitutionKind.POLICE
    )
    code, name = UNIT
    unit = orgs.save_unit(
        None,
        None,
        institution_id=institution.id,
        parent_id=None,
        code=code,
        name=name,
        unit_type=UnitType.STATION,
    )
    commander = user(COMMANDER, "Cdr Saade", Role.COMMANDER, unit_id=unit.id)
    cycle_name, days_ago = CYCLE
    opens_on = dt.date.today() - dt.timedelta(days=days_ago)
    cycle = audits.open_cycle(
        admin,
        name=cycle_name,
        framework_version_id=version.id,
        opens_on=opens_on,
        closes_on=opens_on + dt.timedelta(days=300),
        unit_ids=[unit.id],
    )
    audit = db.session.get_one(Audit, cycle.audits[0].id)
    for indicator, raw in GA_ANSWERS.items():
        saved = audits.save_answer(commander, audit, indicator, raw, base_revision=None)
        if not saved.saved:
            raise RuntimeError(f"{indicator}: {saved.problems}")
    return {"coverage": {"commander": commander.email, "audit": audit.id}}
