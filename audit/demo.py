"""Demo data: three countries, police and armed forces, about twenty units, a user per role."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from audit.accounts import services as accounts
from audit.accounts.models import Role
from audit.extensions import db
from audit.orgs import services as orgs
from audit.orgs.models import Country, InstitutionKind, Unit, UnitType

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
    """A demo account and the role it is given."""

    email: str
    name: str
    password: str
    role: Role
    unit_code: str | None = None
    institution_name: str | None = None
    country_code: str | None = None


DEMO_USERS = [
    DemoUser("admin@example.org", "Amal Haddad", "demo-admin-2026", Role.ADMIN),
    DemoUser(
        "commander.hobeich@example.org",
        "Karim Nassar",
        "demo-commander-2026",
        Role.COMMANDER,
        unit_code="ISF-BEI-HUB",
    ),
    DemoUser(
        "commander.basra@example.org",
        "Hassan Al-Maliki",
        "demo-commander-2026",
        Role.COMMANDER,
        unit_code="IPS-BAS-ASH",
    ),
    DemoUser(
        "commander.baneshwor@example.org",
        "Sita Gurung",
        "demo-commander-2026",
        Role.COMMANDER,
        unit_code="NP-KTM-BAL",
    ),
    DemoUser(
        "adviser.lebanon@example.org",
        "Rima Khoury",
        "demo-adviser-2026",
        Role.ADVISER,
        institution_name="Internal Security Forces",
    ),
    DemoUser(
        "adviser.basra@example.org",
        "Zainab Hussein",
        "demo-adviser-2026",
        Role.ADVISER,
        unit_code="IPS-BAS",
    ),
    DemoUser(
        "donor@example.org", "Ingrid Larsen", "demo-donor-2026", Role.DONOR, country_code="LB"
    ),
]


def load_demo() -> bool:
    """Create the demo organisations and users; False (and nothing changed) if already there."""
    if db.session.scalar(select(Country).where(Country.code == "LB")) is not None:
        return False
    units: dict[str, Unit] = {}
    institutions = {}
    countries = {}
    for code, name, insts in DEMO_ORGS:
        country = orgs.save_country(None, None, code, name)
        countries[code] = country
        for inst_name, kind, unit_rows in insts:
            institution = orgs.save_institution(None, None, country.id, inst_name, kind)
            institutions[inst_name] = institution
            for unit_code, unit_name, unit_type, parent_code in unit_rows:
                parent = units[parent_code].id if parent_code else None
                units[unit_code] = orgs.save_unit(
                    None,
                    None,
                    institution_id=institution.id,
                    parent_id=parent,
                    code=unit_code,
                    name=unit_name,
                    unit_type=unit_type,
                )
    for demo in DEMO_USERS:
        user = accounts.user_by_email(demo.email) or accounts.create_user(
            None, email=demo.email, name=demo.name, password=demo.password
        )
        accounts.assign_role(
            None,
            user,
            demo.role,
            unit_id=units[demo.unit_code].id if demo.unit_code else None,
            institution_id=institutions[demo.institution_name].id
            if demo.institution_name
            else None,
            country_id=countries[demo.country_code].id if demo.country_code else None,
        )
    _open_demo_cycle(units)
    return True


def _open_demo_cycle(units: dict[str, Unit]) -> None:
    """An open 2026 cycle on the shipped framework, for every demo unit."""
    import datetime as dt

    from audit.audits.services import open_cycle
    from audit.frameworks.services import load_shipped

    version = load_shipped()[-1].version
    admin = accounts.user_by_email(DEMO_USERS[0].email)
    assert admin is not None  # noqa: S101 - created just above
    open_cycle(
        admin,
        name="2026",
        framework_version_id=version.id,
        opens_on=dt.date(2026, 1, 15),
        closes_on=dt.date(2026, 12, 31),
        unit_ids=[unit.id for unit in units.values()],
    )
