"""The demo's people and places: three countries, 20 units, a user per role, two cycles.

Only data lives here (and the error the loading raises); what the units answer is planned in
`audit.demo.planning`, and `audit.demo.loading` puts it all in the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from audit.accounts.models import Role
from audit.orgs.models import InstitutionKind, UnitType

#: (country code, country name, [(institution, kind, [(code, name, type, parent code)])])
DEMO_ORGS = [
    (
        "LB",
        "Lebanon",
        [
            (
                "Internal Security Forces",
                InstitutionKind.POLICE,
                [
                    ("ISF-HQ", "ISF General Directorate", UnitType.HQ, None),
                    ("ISF-BEI", "Beirut Police Region", UnitType.REGION, "ISF-HQ"),
                    ("ISF-BEI-HUB", "Hobeich Police Station", UnitType.STATION, "ISF-BEI"),
                    ("ISF-BEI-ASH", "Achrafieh Police Station", UnitType.STATION, "ISF-BEI"),
                    ("ISF-ACAD", "ISF Academy, Warwar", UnitType.ACADEMY, "ISF-HQ"),
                ],
            ),
            (
                "Lebanese Armed Forces",
                InstitutionKind.ARMED_FORCES,
                [
                    ("LAF-HQ", "LAF Command, Yarzeh", UnitType.HQ, None),
                    ("LAF-5BDE", "5th Infantry Brigade", UnitType.DISTRICT, "LAF-HQ"),
                    (
                        "LAF-5BDE-B1",
                        "5th Brigade, 1st Battalion barracks",
                        UnitType.BARRACKS,
                        "LAF-5BDE",
                    ),
                    ("LAF-ACAD", "Military Academy, Fayadieh", UnitType.ACADEMY, "LAF-HQ"),
                ],
            ),
        ],
    ),
    (
        "IQ",
        "Iraq",
        [
            (
                "Iraqi Police Service",
                InstitutionKind.POLICE,
                [
                    ("IPS-HQ", "Ministry of Interior Police Directorate", UnitType.HQ, None),
                    ("IPS-BAS", "Basra Police Directorate", UnitType.REGION, "IPS-HQ"),
                    ("IPS-BAS-ASH", "Al-Ashar Police Station", UnitType.STATION, "IPS-BAS"),
                    ("IPS-BAS-ZUB", "Al-Zubair Police Station", UnitType.STATION, "IPS-BAS"),
                    (
                        "IPS-BAS-FPU",
                        "Basra Family Protection Unit",
                        UnitType.SPECIALISED,
                        "IPS-BAS",
                    ),
                ],
            ),
        ],
    ),
    (
        "NP",
        "Nepal",
        [
            (
                "Nepal Police",
                InstitutionKind.POLICE,
                [
                    ("NP-HQ", "Police Headquarters, Naxal", UnitType.HQ, None),
                    ("NP-KTM", "Kathmandu Valley Police Office", UnitType.REGION, "NP-HQ"),
                    ("NP-KTM-BAL", "Baneshwor Police Circle", UnitType.STATION, "NP-KTM"),
                ],
            ),
            (
                "Nepali Army",
                InstitutionKind.ARMED_FORCES,
                [
                    ("NA-HQ", "Army Headquarters", UnitType.HQ, None),
                    ("NA-PKO", "Peacekeeping battalion (deploying)", UnitType.DEPLOYING, "NA-HQ"),
                    (
                        "NA-BPTC",
                        "Birendra Peace Operations Training Centre",
                        UnitType.ACADEMY,
                        "NA-HQ",
                    ),
                ],
            ),
        ],
    ),
]


@dataclass(frozen=True)
class DemoUser:
    """A demo account and the role it is given (an adviser may cover further institutions)."""

    email: str
    name: str
    password: str
    role: Role
    unit_code: str | None = None
    institution_name: str | None = None
    country_code: str | None = None
    also_institutions: tuple[str, ...] = ()


COMMANDER_PASSWORD = "demo-commander-2026"  # noqa: S105 - published demo password
ADVISER_PASSWORD = "demo-adviser-2026"  # noqa: S105 - published demo password

#: The demo sign-ins printed by `setup --demo` (one or more per role).
DEMO_USERS = [
    DemoUser("admin@example.org", "Amal Haddad", "demo-admin-2026", Role.ADMIN),
    DemoUser(
        "commander.hobeich@example.org",
        "Karim Nassar",
        COMMANDER_PASSWORD,
        Role.COMMANDER,
        unit_code="ISF-BEI-HUB",
    ),
    DemoUser(
        "commander.basra@example.org",
        "Hassan Al-Maliki",
        COMMANDER_PASSWORD,
        Role.COMMANDER,
        unit_code="IPS-BAS-ASH",
    ),
    DemoUser(
        "commander.baneshwor@example.org",
        "Sita Gurung",
        COMMANDER_PASSWORD,
        Role.COMMANDER,
        unit_code="NP-KTM-BAL",
    ),
    DemoUser(
        "adviser.lebanon@example.org",
        "Rima Khoury",
        ADVISER_PASSWORD,
        Role.ADVISER,
        institution_name="Internal Security Forces",
        also_institutions=("Lebanese Armed Forces",),
    ),
    DemoUser(
        "adviser.basra@example.org",
        "Zainab Hussein",
        ADVISER_PASSWORD,
        Role.ADVISER,
        unit_code="IPS-BAS",
    ),
    DemoUser(
        "adviser.iraq@example.org",
        "Layla Abbas",
        ADVISER_PASSWORD,
        Role.ADVISER,
        institution_name="Iraqi Police Service",
    ),
    DemoUser(
        "adviser.nepal@example.org",
        "Pooja Sharma",
        ADVISER_PASSWORD,
        Role.ADVISER,
        institution_name="Nepal Police",
        also_institutions=("Nepali Army",),
    ),
    DemoUser(
        "donor@example.org", "Ingrid Larsen", "demo-donor-2026", Role.DONOR, country_code="LB"
    ),
]

#: The commanders of the other units (not printed; they sign in like the demo commanders).
UNIT_COMMANDERS = [
    DemoUser(
        f"commander.{code.lower()}@example.org", name, COMMANDER_PASSWORD, Role.COMMANDER, code
    )
    for code, name in (
        ("ISF-HQ", "Joseph Khalil"),
        ("ISF-BEI", "Nadim Azar"),
        ("ISF-BEI-ASH", "Maya Saliba"),
        ("ISF-ACAD", "Fadi Harb"),
        ("LAF-HQ", "Antoine Daher"),
        ("LAF-5BDE", "Walid Mansour"),
        ("LAF-5BDE-B1", "Ziad Karam"),
        ("LAF-ACAD", "Nour Hamadeh"),
        ("IPS-HQ", "Ali Al-Jubouri"),
        ("IPS-BAS", "Mustafa Al-Saadi"),
        ("IPS-BAS-ZUB", "Ahmed Al-Tamimi"),
        ("IPS-BAS-FPU", "Huda Al-Asadi"),
        ("NP-HQ", "Ramesh Adhikari"),
        ("NP-KTM", "Binod Shrestha"),
        ("NA-HQ", "Prakash Thapa"),
        ("NA-PKO", "Suman Rai"),
        ("NA-BPTC", "Anita Tamang"),
    )
]


@dataclass(frozen=True)
class DemoCycle:
    """An audit cycle of the demo."""

    name: str
    opens_on: dt.date
    closes_on: dt.date


CYCLE_2025 = DemoCycle("2025", dt.date(2025, 1, 15), dt.date(2025, 12, 31))
CYCLE_2026 = DemoCycle("2026", dt.date(2026, 1, 15), dt.date(2026, 12, 31))

#: Where the open 2026 cycle stands for these units; every other unit is validated.
OPEN_CYCLE_STATES = {
    "ISF-BEI-HUB": "in_progress",  # the demo commander has an audit to continue
    "IPS-BAS-ASH": "returned",  # returned with an open query for the demo commander
    "IPS-BAS-ZUB": "submitted",  # waiting in the Basra adviser's queue
    "NP-KTM-BAL": "submitted",  # waiting in the Nepal adviser's queue
    "NA-PKO": "not_started",
}
#: Units whose answers slip a little in 2026 (every other unit improves somewhat).
SLIPPING = {"IPS-BAS-FPU", "LAF-5BDE-B1"}
#: How many domains, in framework order, the in-progress 2026 audit has answered so far.
IN_PROGRESS_DOMAIN_COUNT = 3

DEMO_SEED = 1325
SIGN_OFF = "I confirm that these answers are complete and correct to the best of my knowledge."
#: The adviser's query, about a yes/no answer and the table of people it rests on (see
#: `reading.query_question`); QUERY_OTHER when the audit has no such pair.
QUERY = (
    "The duty roster attached to {table} shows nights in March without a woman officer at the "
    "desk. Please check the answer to {question} and attach the roster for the last quarter."
)
QUERY_OTHER = "Please check the answer to {question} and attach the document it rests on."


class DemoError(RuntimeError):
    """The demo data could not be loaded as planned (a refused save, a blocked submission)."""
