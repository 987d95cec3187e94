"""Browser seed for tests/browser/test_adviser.py: the review of issue 12 (items 13 and 15).

Its own institution and a cycle that opened before today keep it out of the other tests' pages
(their advisers and donors do not see it, and their newest cycle stays the newest). One post's
audit has been returned with a note (its commander must see it, in English and Arabic); another's
is submitted and waits for its adviser to validate it through the confirmation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

#: The note the reviewer returned the audit with.
RETURN_NOTE = "The register lists 12 beds, not 14: correct FA3 and answer the question."
#: (code, name) of the returned post and of the post waiting for validation.
RETURNED_POST = ("ADV-RET", "Batroun Post")
SUBMITTED_POST = ("ADV-VAL", "Jbeil Post")
COMMANDER = "commander.returned@example.org"
ADVISER = "adviser.validate@example.org"


def seed_adviser(version_id: int, country_id: int, admin: Any, user: Callable[..., Any]) -> dict:
    """Create the posts, their commander and adviser, and bring the audits where the test needs."""
    from audit.accounts import services as accounts
    from audit.accounts.models import Role
    from audit.audits import services as audits
    from audit.orgs import services as orgs
    from audit.orgs.models import InstitutionKind, UnitType

    institution = orgs.save_institution(
        None, None, country_id, "Coast Guard", InstitutionKind.POLICE
    )
    posts = [
        orgs.save_unit(
            None,
            None,
            institution_id=institution.id,
            parent_id=None,
            code=code,
            name=name,
            unit_type=UnitType.STATION,
        )
        for code, name in (RETURNED_POST, SUBMITTED_POST)
    ]
    commander = user(COMMANDER, "Cdr Gemayel", Role.COMMANDER, unit_id=posts[0].id)
    accounts.assign_role(None, commander, Role.COMMANDER, unit_id=posts[1].id)
    adviser = user(ADVISER, "Adv Frangieh", Role.ADVISER, unit_id=posts[0].id)
    accounts.assign_role(None, adviser, Role.ADVISER, unit_id=posts[1].id)
    today = dt.date.today()
    cycle = audits.open_cycle(
        admin,
        name="Adviser review",
        framework_version_id=version_id,
        opens_on=today - dt.timedelta(days=20),
        closes_on=today + dt.timedelta(days=40),
        unit_ids=[post.id for post in posts],
    )
    table = {
        "officers": {"women": "4", "men": "18", "not_recorded": "0"},
        "others": {"women": "10", "men": "35", "not_recorded": "0"},
    }
    answers = [
        ("FA1", "yes"),
        ("FA2", "meets"),
        ("FA3", "14"),
        ("PE1", table),
        ("PE2", "yes"),
        ("PE3", "Women officers lead the harbour patrols."),
    ]
    by_unit = {audit.unit_id: audit for audit in cycle.audits}
    for post in posts:
        audit = by_unit[post.id]
        for code, value in answers:
            saved = audits.save_answer(commander, audit, code, value, base_revision=None)
            if not saved.saved:
                raise RuntimeError(f"{post.code} {code}: {saved.problems}")
        audits.submit(
            commander,
            audit,
            audits.SignOff(
                f"Checked and signed by the commander of {post.code}.",
                commander.name,
                "Commander",
                True,
            ),
        )
    returned = by_unit[posts[0].id]
    audits.open_query(adviser, returned, "FA3", "Which is right: 12 or 14 beds?")
    audits.return_audit(adviser, returned, RETURN_NOTE)
    return {"adviser_review": {"returned": returned.id, "submitted": by_unit[posts[1].id].id}}
