"""Fill a fresh database for the browser journey; run in a subprocess with the server's env.

    python -m tests.browser.seed FRAMEWORK_FOLDER PASSWORD

Loads the framework folder, creates one police station with a commander and an adviser (and the
administrator who opens the cycle), opens a cycle for the station and prints what the test needs
as one JSON line: {"audit_id": …, "commander": e-mail, "adviser": e-mail, …}.

It then adds (see `seed_journeys`) a second institution, the Border Police, whose posts are audited
in a second cycle, "Journeys", for the journeys in English and Arabic, the accessibility checks and
the keyboard test: posts whose audits are validated (enough for the donor's disclosure floor of
three units), posts whose audits wait for review, posts not started for the commanders, and users
of every role for each test (so that no test depends on another's run or language).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from typing import Any

from audit.transactions import unit_of_work
from tests.browser.seed_adviser import seed_adviser
from tests.browser.seed_auth import seed_auth
from tests.browser.seed_coverage import seed_coverage
from tests.browser.seed_evidence import seed_evidence
from tests.browser.seed_formjs import seed_formjs
from tests.browser.seed_names import seed_names


def seed(framework: str, password: str) -> dict[str, object]:
    from audit import create_app
    from audit.accounts import services as accounts
    from audit.accounts.models import Role
    from audit.audits import services as audits
    from audit.frameworks import services as frameworks
    from audit.orgs import services as orgs
    from audit.orgs.models import InstitutionKind, UnitType

    app = create_app()
    with app.app_context(), unit_of_work():
        version = frameworks.load(framework).version
        country = orgs.save_country(None, None, "LB", "Lebanon")
        police = orgs.save_institution(None, None, country.id, "Police", InstitutionKind.POLICE)
        station = orgs.save_unit(
            None,
            None,
            institution_id=police.id,
            parent_id=None,
            code="HOBEICH",
            name="Hobeich Station",
            unit_type=UnitType.STATION,
        )

        def user(email: str, name: str, role: Role, **scope: int) -> object:
            created = accounts.create_user(None, email=email, name=name, password=password)
            accounts.assign_role(None, created, role, **scope)
            return created

        admin = user("admin@example.org", "Admin", Role.ADMIN)
        commander = user("commander@example.org", "Cdr Haddad", Role.COMMANDER, unit_id=station.id)
        adviser = user("adviser@example.org", "Adv Khoury", Role.ADVISER, unit_id=station.id)
        today = dt.date.today()
        cycle = audits.open_cycle(
            admin,
            name="Browser journey",
            framework_version_id=version.id,
            opens_on=today,
            closes_on=today + dt.timedelta(days=60),
            unit_ids=[station.id],
        )
        return {
            "audit_id": cycle.audits[0].id,
            "commander": commander.email,
            "adviser": adviser.email,
            **seed_journeys(version.id, country.id, police.id, admin, user),
            **seed_charts(country.id, admin, user),
            **seed_names(police.id, user),
            **seed_coverage(country.id, admin, user),
            **seed_evidence(version.id, country.id, admin, user),
            **seed_formjs(country.id, admin, user),
            **seed_adviser(version.id, country.id, admin, user),
            **seed_auth(user),
        }


#: The Border Police posts of the "Journeys" cycle: (code, name, what happens to its audit).
JOURNEY_POSTS = [
    ("BP-V1", "Masnaa Border Post", "validated"),
    ("BP-V2", "Qaa Border Post", "validated"),
    ("BP-V3", "Arida Border Post", "validated"),
    ("BP-V4", "Abboudiyeh Border Post", "validated"),
    ("BP-CEN", "Jdeidet Yabous Post", "commander-en"),
    ("BP-CAR", "Naqoura Post", "commander-ar"),
    ("BP-REN", "Hermel Post", "review-en"),
    ("BP-RAR", "Wadi Khaled Post", "review-ar"),
    ("BP-RAX", "Rashaya Post", "review-axe"),
    ("BP-KB", "Tyre Harbour Post", "keyboard"),
    ("BP-FRM", "Chtaura Post", "form-axe"),
]

#: Answers of the posts that are submitted (and validated): varied, so the bands differ.
JOURNEY_ANSWERS = {
    "BP-V1": ("yes", "exceeds", "12", (6, 20, 0), (9, 41, 1), "yes"),
    "BP-V2": ("yes", "meets", "8", (5, 25, 0), (12, 60, 0), "yes"),
    "BP-V3": ("no", None, "2", (3, 30, 1), (7, 55, 2), "no"),
    "BP-V4": ("yes", "approaches", "5", (8, 22, 0), (15, 48, 0), "no"),
    "BP-REN": ("yes", "meets", "6", (4, 18, 0), (10, 35, 0), "yes"),
    "BP-RAR": ("yes", "approaches", "3", (2, 16, 0), (8, 39, 1), "no"),
    "BP-RAX": ("no", None, "1", (1, 12, 0), (6, 30, 0), "yes"),
}


def seed_journeys(
    version_id: int, country_id: int, police_id: int, admin: Any, user: Callable[..., Any]
) -> dict[str, object]:
    """The Border Police, its posts, their audits in the "Journeys" cycle and one user per role
    and test; returns the e-mail addresses and audit ids the tests use."""
    from audit.accounts import services as accounts
    from audit.accounts.models import Role
    from audit.audits import services as audits
    from audit.audits.models import Audit
    from audit.extensions import db
    from audit.orgs import services as orgs
    from audit.orgs.models import InstitutionKind, UnitType

    border = orgs.save_institution(None, None, country_id, "Border Police", InstitutionKind.POLICE)
    posts = {
        code: orgs.save_unit(
            None,
            None,
            institution_id=border.id,
            parent_id=None,
            code=code,
            name=name,
            unit_type=UnitType.STATION,
        )
        for code, name, _ in JOURNEY_POSTS
    }

    def commander_of(email: str, name: str, *codes: str) -> Any:
        created = user(email, name, Role.COMMANDER, unit_id=posts[codes[0]].id)
        for code in codes[1:]:
            accounts.assign_role(None, created, Role.COMMANDER, unit_id=posts[code].id)
        return created

    done = commander_of(
        "commander.done@example.org", "Cdr Nasser", "BP-V1", "BP-V2", "BP-V3", "BP-V4"
    )
    reviewing = commander_of(
        "commander.review@example.org", "Cdr Aoun", "BP-REN", "BP-RAR", "BP-RAX"
    )
    people: dict[str, Any] = {
        "commander_en": commander_of("commander.en@example.org", "Cdr Salem", "BP-CEN"),
        "commander_ar": commander_of("commander.ar@example.org", "Cdr Saadeh", "BP-CAR"),
        "commander_kb": commander_of("commander.kb@example.org", "Cdr Frem", "BP-KB"),
        "commander_axe": commander_of("commander.axe@example.org", "Cdr Karam", "BP-FRM"),
        "commander_done": done,
        "commander_review": reviewing,
    }
    for key in ("adviser_en", "adviser_ar", "adviser_axe"):
        people[key] = user(
            f"{key.replace('_', '.')}@example.org",
            f"Adv {key.split('_')[1].upper()}",
            Role.ADVISER,
            institution_id=border.id,
        )
    for key in ("donor_en", "donor_ar", "donor_axe"):
        donor = user(
            f"{key.replace('_', '.')}@example.org",
            f"Donor {key.split('_')[1].upper()}",
            Role.DONOR,
            institution_id=border.id,
        )
        accounts.assign_role(None, donor, Role.DONOR, institution_id=police_id)
        people[key] = donor

    today = dt.date.today()
    cycle = audits.open_cycle(
        admin,
        name="Journeys",
        framework_version_id=version_id,
        opens_on=today,
        closes_on=today + dt.timedelta(days=45),
        unit_ids=[post.id for post in posts.values()],
    )
    audit_ids = {audit.unit.code: audit.id for audit in cycle.audits}
    for code, (fa1, fa2, fa3, officers, others, pe2) in JOURNEY_ANSWERS.items():
        audit = db.session.get_one(Audit, audit_ids[code])
        who = done if code.startswith("BP-V") else reviewing
        table = {
            row: {"women": str(w), "men": str(m), "not_recorded": str(n)}
            for row, (w, m, n) in (("officers", officers), ("others", others))
        }
        answers = [("FA1", fa1), ("FA2", fa2), ("FA3", fa3), ("PE1", table), ("PE2", pe2)]
        answers.append(("PE3", f"Women officers of {code} lead the community patrols."))
        for indicator, value in answers:
            if value is None:
                continue
            saved = audits.save_answer(who, audit, indicator, value, base_revision=None)
            if not saved.saved:
                raise RuntimeError(f"{code} {indicator}: {saved.problems}")
        statement = f"Checked and signed by the commander of {code}."
        audits.submit(who, audit, audits.SignOff(statement, who.name, "Commander", True))
        if code.startswith("BP-V"):
            audits.validate(people["adviser_axe"], audit)
    # A form half filled in, with an answer "not applicable" (the accessibility checks read it).
    form = db.session.get_one(Audit, audit_ids["BP-FRM"])
    for indicator, value in (("FA1", "yes"), ("PE2", "no")):
        audits.save_answer(people["commander_axe"], form, indicator, value, base_revision=None)
    audits.save_answer(
        people["commander_axe"],
        form,
        "FA3",
        "",
        base_revision=None,
        not_applicable=True,
        na_reason="Nobody sleeps at this post.",
    )
    return {
        "journeys": {
            "users": {key: person.email for key, person in people.items()},
            "units": {code: post.name for code, post in posts.items()},
            "audits": audit_ids,
            "institution": border.name,
            "cycle": cycle.name,
        }
    }


#: The unit whose scorecard tests/browser/test_charts.py opens: answered on the shipped framework
#: (enough domains for a radar) and validated in two cycles (a trend line, a change column). Its
#: own institution and cycles that opened before today keep it out of the other tests' pages:
#: their donors and advisers do not see it, and their default cycle stays the newest one.
CHARTS_UNIT = ("CHARTS", "Charts Station")
CHARTS_CYCLES = (("Charts 2025", 400, True), ("Charts 2026", 30, False))  # name, days ago, closed


def seed_charts(country_id: int, admin: Any, user: Callable[..., Any]) -> dict[str, object]:
    """The charts unit, its commander and adviser, and its two validated audits."""
    from audit.accounts.models import Role
    from audit.audits import services as audits
    from audit.audits import values
    from audit.audits.models import Audit
    from audit.demo import SIGN_OFF, UnitProfile, plan_answers
    from audit.extensions import db
    from audit.frameworks.services import load_shipped
    from audit.orgs import services as orgs
    from audit.orgs.models import InstitutionKind, UnitType

    version = load_shipped()[-1].version
    institution = orgs.save_institution(
        None, None, country_id, "Charts Gendarmerie", InstitutionKind.POLICE
    )
    code, name = CHARTS_UNIT
    unit = orgs.save_unit(
        None,
        None,
        institution_id=institution.id,
        parent_id=None,
        code=code,
        name=name,
        unit_type=UnitType.STATION,
    )
    commander = user("commander.charts@example.org", "Cdr Karam", Role.COMMANDER, unit_id=unit.id)
    adviser = user("adviser.charts@example.org", "Adv Rizk", Role.ADVISER, unit_id=unit.id)
    profile = UnitProfile.of(code, unit)
    today = dt.date.today()
    audit_ids = []
    for number, (cycle_name, days_ago, closed) in enumerate(CHARTS_CYCLES):
        opens_on = today - dt.timedelta(days=days_ago)
        cycle = audits.open_cycle(
            admin,
            name=cycle_name,
            framework_version_id=version.id,
            opens_on=opens_on,
            closes_on=opens_on + dt.timedelta(days=300),
            unit_ids=[unit.id],
        )
        audit = db.session.get_one(Audit, cycle.audits[0].id)
        fw = audits.framework_for(audit)
        plan = plan_answers(fw, profile, number)
        for ind in fw.indicators:
            if ind.code in plan.evidence:
                audits.add_evidence_reference(commander, audit, ind.code, f"Register, {ind.code}")
        for ind in fw.indicators:
            if ind.code in plan.not_applicable:
                saved = audits.save_answer(
                    commander,
                    audit,
                    ind.code,
                    "",
                    base_revision=None,
                    not_applicable=True,
                    na_reason=plan.not_applicable[ind.code],
                )
            elif ind.code in plan.values:
                saved = audits.save_answer(
                    commander,
                    audit,
                    ind.code,
                    values.to_input(ind, plan.values[ind.code]),
                    base_revision=None,
                    currency=profile.currency if ind.type == "amount" else "",
                )
            else:
                continue
            if not saved.saved:
                raise RuntimeError(f"{code} {ind.code}: {saved.problems}")
        audits.submit(commander, audit, audits.SignOff(SIGN_OFF, commander.name, "Commander", True))
        audits.validate(adviser, audit)
        if closed:
            audits.close_cycle(admin, cycle)
        audit_ids.append(audit.id)
    return {
        "charts": {
            "commander": commander.email,
            "adviser": adviser.email,
            "unit": name,
            "audits": audit_ids,
            "cycles": [cycle_name for cycle_name, _, _ in CHARTS_CYCLES],
        }
    }


if __name__ == "__main__":
    print(json.dumps(seed(sys.argv[1], sys.argv[2])))
