"""Demo data: three countries, police and armed forces, 20 units, a user per role, two cycles.

The 2025 cycle (closed) has every unit answered, submitted by its commander and validated by a
gender adviser; in the open 2026 cycle most units improved and are validated, and a few are still
in progress, submitted or returned with a query. Everything goes through the services (answers
are validated and logged, scorecards are built through the outbox), and the answers are drawn
from `random.Random` seeded per unit, so every load gives the same demo.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, select

from audit.accounts import services as accounts
from audit.accounts.models import Role, User
from audit.audits import services as audits
from audit.audits import values
from audit.audits.models import Audit, AuditCycle
from audit.audits.workflow import Actor
from audit.extensions import db
from audit.frameworks import evaluation, spec
from audit.orgs import services as orgs
from audit.orgs.models import Country, Institution, InstitutionKind, Unit, UnitType

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
#: The domains the in-progress 2026 audit has answered so far.
IN_PROGRESS_DOMAINS = ("FA", "RR", "GA")

DEMO_SEED = 1325
SIGN_OFF = "I confirm that these answers are complete and correct to the best of my knowledge."
QUERY = (
    "The duty roster attached to WD3 shows nights in March without a woman officer at the desk. "
    "Please check the answer to WD3a and attach the roster for the last quarter."
)

# Typical uniformed strength and number of sites by unit type.
_STRENGTH = {
    "hq": (700, 1500),
    "region": (350, 900),
    "district": (2200, 3800),
    "station": (45, 120),
    "barracks": (450, 900),
    "academy": (150, 400),
    "deploying": (180, 850),
    "specialised": (25, 70),
}
_SITES = {
    "hq": (3, 8),
    "region": (4, 10),
    "district": (3, 8),
    "station": (1, 2),
    "barracks": (1, 3),
    "academy": (1, 2),
    "deploying": (1, 3),
    "specialised": (1, 2),
}
_SUB_UNITS = {
    "hq": (10, 20),
    "region": (5, 12),
    "district": (4, 9),
    "station": (2, 5),
    "barracks": (3, 6),
    "academy": (3, 8),
    "deploying": (3, 6),
    "specialised": (2, 4),
}
#: (code, rough budget for WPS activities in a mid-sized unit) per country.
_CURRENCY = {"LB": ("USD", 40_000), "IQ": ("IQD", 60_000_000), "NP": ("NPR", 4_000_000)}
_NOT_APPLICABLE_BUDGET = (
    "The unit has no budget of its own; women, peace and security activities are paid from "
    "the directorate's budget."
)


class DemoError(RuntimeError):
    """The demo data could not be loaded as planned (a refused save, a blocked submission)."""


# --- loading ----------------------------------------------------------------------------------


def load_demo() -> bool:
    """Create the demo organisations, users and cycles; False (and nothing changed) if there."""
    if db.session.scalar(select(Country).where(Country.code == "LB")) is not None:
        return False
    units: dict[str, Unit] = {}
    institutions: dict[str, Institution] = {}
    countries: dict[str, Country] = {}
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
    for demo in [*DEMO_USERS, *UNIT_COMMANDERS]:
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
        for extra in demo.also_institutions:
            accounts.assign_role(None, user, demo.role, institution_id=institutions[extra].id)
    with _bulk_loading():
        _demo_cycles({code: unit.id for code, unit in units.items()})
    return True


#: Per database: (read the setting, make commits not wait for the disk, put the setting back).
_NO_WAITING = {
    "sqlite": ("PRAGMA synchronous", "PRAGMA synchronous = OFF", "PRAGMA synchronous = {}"),
    "postgresql": (None, "SET synchronous_commit TO OFF", "RESET synchronous_commit"),
}


@contextmanager
def _bulk_loading() -> Iterator[None]:
    """Thousands of small commits, made affordable while the demo loads.

    Objects are not expired at each commit (nothing else changes them meanwhile, and reloading
    the framework document after every save was most of the cost), and commits do not wait for
    the disk (a crash during the load loses a demo to load again, nothing else; PostgreSQL stays
    consistent with synchronous_commit off). Both are put back afterwards.
    """
    session = db.session()
    expire = session.expire_on_commit
    session.expire_on_commit = False
    engine = db.engine
    statements = _NO_WAITING.get(engine.dialect.name)

    def run(dbapi_connection: Any, sql: str) -> object:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(sql)
            row = cursor.fetchone() if sql == statements[0] else None  # type: ignore[index]
        finally:
            cursor.close()
        dbapi_connection.commit()  # the pool has ended any transaction: nothing else is in it
        return row[0] if row else None

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        read, off, _ = statements  # type: ignore[misc]
        if read:
            record.info["demo_sync"] = run(dbapi_connection, read)
        run(dbapi_connection, off)

    def checkin(dbapi_connection: Any, record: Any) -> None:
        if dbapi_connection is None:  # invalidated
            return
        _, _, back = statements  # type: ignore[misc]
        previous = record.info.pop("demo_sync", None)
        if "{}" in back and previous is None:
            return
        run(dbapi_connection, back.format(previous))

    if statements:
        event.listen(engine, "checkout", checkout)
        event.listen(engine, "checkin", checkin)
    try:
        yield
    finally:
        session.expire_on_commit = expire
        if statements:
            event.remove(engine, "checkout", checkout)
            event.remove(engine, "checkin", checkin)


def _user(email: str) -> User:
    user = accounts.user_by_email(email)
    if user is None:  # created in load_demo
        raise DemoError(f"demo user {email} is missing")
    return user


def _demo_cycles(unit_ids: Mapping[str, int]) -> None:
    """The closed 2025 cycle and the open 2026 cycle, on the shipped framework."""
    from audit.frameworks.services import load_shipped

    version = load_shipped()[-1].version
    admin = _user(DEMO_USERS[0].email)
    commanders = {
        demo.unit_code: demo.email
        for demo in [*DEMO_USERS, *UNIT_COMMANDERS]
        if demo.role is Role.COMMANDER and demo.unit_code
    }
    advisers = [demo.email for demo in DEMO_USERS if demo.role is Role.ADVISER]
    # The adviser with the narrowest scope reviews first (Basra before the Iraq-wide adviser).
    advisers.sort(key=lambda email: 0 if email.startswith("adviser.basra") else 1)
    profiles = {code: UnitProfile.of(code, _unit(unit_ids[code])) for code in unit_ids}
    for number, demo_cycle in enumerate((CYCLE_2025, CYCLE_2026)):
        cycle = audits.open_cycle(
            admin,
            name=demo_cycle.name,
            framework_version_id=version.id,
            opens_on=demo_cycle.opens_on,
            closes_on=demo_cycle.closes_on,
            unit_ids=list(unit_ids.values()),
        )
        fw = audits.framework_for(_audit(cycle.id, next(iter(unit_ids.values()))))
        for code, unit_id in unit_ids.items():
            state = "validated" if number == 0 else OPEN_CYCLE_STATES.get(code, "validated")
            if state == "not_started":
                continue
            audit = _audit(cycle.id, unit_id)
            commander = _user(commanders[code])
            plan = plan_answers(fw, profiles[code], number)
            domains = IN_PROGRESS_DOMAINS if state == "in_progress" else None
            _answer(commander, audit, fw, plan, profiles[code], demo_cycle, domains)
            if state == "in_progress":
                continue
            problems = audits.blocking(audit)
            if problems:
                raise DemoError(f"{code} {demo_cycle.name} cannot be submitted: {problems[:5]}")
            audits.submit(commander, audit, SIGN_OFF)
            adviser = _adviser_for(advisers, audit)
            if state == "validated":
                audits.validate(adviser, audit)
            elif state == "returned":
                audits.open_query(adviser, audit, _query_code(fw, audit), QUERY)
                audits.return_audit(adviser, audit, "One question to check before validation.")
        if number == 0:
            audits.close_cycle(admin, db.session.get(AuditCycle, cycle.id))


def _unit(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise DemoError(f"unit {unit_id} is missing")
    return unit


def _audit(cycle_id: int, unit_id: int) -> Audit:
    audit = db.session.scalar(
        select(Audit).where(Audit.cycle_id == cycle_id, Audit.unit_id == unit_id)
    )
    if audit is None:
        raise DemoError(f"no audit for unit {unit_id} in cycle {cycle_id}")
    return audit


def _adviser_for(emails: list[str], audit: Audit) -> User:
    for email in emails:
        user = _user(email)
        if Actor.ADVISER in audits.actors_for(user, audit.unit):
            return user
    raise DemoError(f"no demo adviser reviews {audit.unit.code}")


def _query_code(fw: spec.Framework, audit: Audit) -> str:
    """The question the adviser asks about: WD3a at a station, else the first answered one."""
    answered = audits.load_data(audit).values
    return "WD3a" if "WD3a" in answered and fw.indicator("WD3a") else next(iter(answered))


def _answer(
    user: User,
    audit: Audit,
    fw: spec.Framework,
    plan: AnswerPlan,
    profile: UnitProfile,
    cycle: DemoCycle,
    domains: tuple[str, ...] | None,
) -> None:
    """Attach the evidence the planned answers need, then save them in framework order.

    The documents come first, as a unit gathers its papers before answering (and it keeps
    each save's work small: the service reloads the audit's answers every time).
    """
    wanted = [
        ind
        for ind in fw.indicators
        if (domains is None or ind.domain_code in domains)
        and (ind.code in plan.values or ind.code in plan.not_applicable)
    ]
    needing = [ind for ind in wanted if ind.code in plan.evidence]
    for number, ind in enumerate(needing):
        hint = (ind.evidence_hint or {}).get("en") or "Supporting document"
        reference = (
            f"{hint.rstrip('.')}: ref. {audit.unit.code}/{cycle.name}/{number + 1:03d}, "
            "kept at the unit registry"
        )
        audits.add_evidence_reference(user, audit, ind.code, reference)
    for ind in wanted:
        if ind.code in plan.not_applicable:
            result = audits.save_answer(
                user,
                audit,
                ind.code,
                "",
                base_revision=None,
                not_applicable=True,
                na_reason=plan.not_applicable[ind.code],
            )
        else:
            result = audits.save_answer(
                user,
                audit,
                ind.code,
                values.to_input(ind, plan.values[ind.code]),
                base_revision=None,
                currency=profile.currency if ind.type == "amount" else "",
            )
        if not result.saved:
            raise DemoError(f"{audit.unit.code}: {ind.code} refused: {result.problems}")


# --- planning the answers ---------------------------------------------------------------------


def _rng(*parts: object) -> random.Random:
    """A generator seeded from the demo seed and these parts (the same draws on every load)."""
    return random.Random(":".join(map(str, (DEMO_SEED, *parts))))  # noqa: S311 - not security


@dataclass(frozen=True)
class UnitProfile:
    """What stays the same about a unit from cycle to cycle."""

    code: str
    service: str
    unit_type: str
    quality: float  # 0-1: how far along the unit was in 2025
    change: float  # how much that changed by 2026
    strength: int
    women_share: float
    currency: str
    budget: int
    budget_of_its_own: bool

    @classmethod
    def of(cls, code: str, unit: Unit) -> UnitProfile:
        """The profile of a stored unit."""
        return cls.draw(code, unit.service, unit.unit_type.value, unit.institution.country.code)

    @classmethod
    def draw(cls, code: str, service: str, unit_type: str, country_code: str) -> UnitProfile:
        """The profile of a unit of this service and type (the same for the same code)."""
        rng = _rng(code)
        low, high = _STRENGTH[unit_type]
        police = service == "police"
        currency, budget = _CURRENCY.get(country_code, _CURRENCY["LB"])
        change = -rng.uniform(0.03, 0.08) if code in SLIPPING else rng.uniform(0.05, 0.16)
        return cls(
            code=code,
            service=service,
            unit_type=unit_type,
            quality=rng.uniform(0.3, 0.8),
            change=change,
            strength=rng.randint(low, high),
            women_share=rng.uniform(0.07, 0.2) if police else rng.uniform(0.03, 0.08),
            currency=currency,
            budget=int(budget * rng.uniform(0.5, 2.0) * (high / 400) ** 0.5),
            budget_of_its_own=unit_type in ("hq", "region", "district", "academy")
            or rng.random() < 0.5,
        )


@dataclass
class AnswerPlan:
    """The answers one audit will be given: values, questions marked not applicable, evidence."""

    values: dict[str, object]
    not_applicable: dict[str, str]
    evidence: list[str]


class _Draw:
    """The random draws of one unit in one cycle."""

    def __init__(self, profile: UnitProfile, fw: spec.Framework, cycle: int) -> None:
        base = _rng(profile.code, "leaning")
        # A fixed leaning per question and unit, so answers move together between cycles.
        self.leaning = {ind.code: base.uniform(-0.3, 0.3) for ind in fw.indicators}
        self.rng = _rng(profile.code, cycle)
        self.quality = profile.quality + (profile.change if cycle else 0.0)
        self.cycle = cycle
        self.profile = profile

    def score(self, code: str) -> float:
        """How well the unit does on this question, 0-1."""
        value = self.quality + self.leaning.get(code, 0.0) + self.rng.uniform(-0.04, 0.04)
        return min(1.0, max(0.0, value))

    def between(self, bounds: tuple[int, int]) -> int:
        return self.rng.randint(*bounds)


def _cells(women: int, men: int, not_recorded: int = 0) -> dict[str, int]:
    return {"women": max(0, women), "men": max(0, men), "not_recorded": max(0, not_recorded)}


def _column(table: object, part: str) -> int:
    """A sex table's column total (`total` = all three columns), 0 when there is no table."""
    if not isinstance(table, Mapping):
        return 0
    parts = ("women", "men", "not_recorded") if part == "total" else (part,)
    return sum(int(cells.get(p, 0)) for cells in table.values() for p in parts)


def _share(total: int, women_share: float, rng: random.Random) -> int:
    """How many of `total` are women, near the given share."""
    return min(total, max(0, round(total * women_share * rng.uniform(0.8, 1.2))))


def _sex_table(ind: spec.Indicator, d: _Draw, plan: Mapping[str, object]) -> dict:
    """A plausible sex-disaggregated table, consistent with the tables it is checked against."""
    p, rng, s = d.profile, d.rng, d.score(ind.code)
    strength = round(p.strength * (1.03 if d.cycle else 1.0))
    share = p.women_share + (0.01 if d.cycle else 0.0)
    rows = [row.code for row in ind.rows]
    rr1 = plan.get("RR1") if isinstance(plan.get("RR1"), Mapping) else {}
    if ind.code == "RR1":
        parts = {"officers": 0.12, "ncos": 0.3, "other_ranks": 0.58}
        table = {}
        for row in rows:
            size = round(strength * parts.get(row, 1 / len(rows)))
            unknown = round(size * (0.5 - s) * 0.04) if s < 0.5 else 0
            women = _share(size - unknown, share * {"officers": 0.8}.get(row, 1.05), rng)
            table[row] = _cells(women, size - unknown - women, unknown)
        return table
    if ind.code in ("RR7", "TR3"):  # promotions or trained, out of the unit's strength
        rate = rng.uniform(0.04, 0.08) if ind.code == "RR7" else 0.15 + 0.6 * s
        return {
            row: _cells(
                round(rr1.get(row, {}).get("women", 0) * rate * rng.uniform(0.8, 1.2)),
                round(rr1.get(row, {}).get("men", 0) * rate * rng.uniform(0.8, 1.0)),
            )
            for row in rows
        }
    if ind.code == "RR2":
        women = max(5, round(strength * rng.uniform(0.05, 0.15) * (0.5 + s)))
        men = round(women * rng.uniform(3, 7))
        return {
            "applicants": _cells(women, men),
            "recruits": _cells(
                round(women * rng.uniform(0.1, 0.3)), round(men * rng.uniform(0.15, 0.3))
            ),
        }
    if ind.code == "RR6":
        rates = {"resignation": 0.02, "dismissal": 0.004, "retirement": 0.015, "other": 0.005}
        table = {}
        for row in rows:
            size = round(strength * rates.get(row, 0.005) * rng.uniform(0.6, 1.4))
            women = _share(size, share * 1.3, rng)
            table[row] = _cells(women, size - women)
        return table
    if ind.code in ("RR8", "LB8"):  # leadership: a few posts, women rarer than in the ranks
        table = {}
        for row in rows:
            size = max(
                1, round((2 if row in ("command", "command_group") else 8) * p.strength**0.2 / 3)
            )
            size += rng.randint(0, 2)
            women = min(size, round(size * share * (0.4 + s) + rng.random() * 0.6))
            table[row] = _cells(women, size - women)
        return table
    if ind.code == "LB8a":  # leaders trained, out of LB8
        lb8 = plan.get("LB8") if isinstance(plan.get("LB8"), Mapping) else {}
        return {
            row: _cells(
                round(lb8.get(row, {}).get("women", 0) * s),
                round(lb8.get(row, {}).get("men", 0) * s),
            )
            for row in rows
        }
    if ind.code == "WD3":
        return {
            "full_time": _cells(1 + round(2 * s), rng.randint(0, 2)),
            "additional_duty": _cells(rng.randint(0, 2), rng.randint(1, 3)),
        }
    if ind.code == "WD5":
        wd3 = plan.get("WD3")
        return {
            row: _cells(round(_column(wd3, "women") * s), round(_column(wd3, "men") * s * 0.8))
            for row in rows
        }
    if ind.code == "WD8":
        ranges = {
            "domestic_violence": ((30, 150), (2, 12)),
            "sexual_violence": ((3, 25), (0, 3)),
            "trafficking": ((0, 4), (0, 2)),
        }
        return {
            row: _cells(
                d.between(ranges.get(row, ((5, 30), (2, 10)))[0]),
                d.between(ranges.get(row, ((5, 30), (2, 10)))[1]),
                rng.randint(0, 3) if s < 0.5 else 0,
            )
            for row in rows
        }
    if ind.code == "AC3":
        deploying = p.unit_type == "deploying"
        return {
            row: _cells(
                rng.randint(0, 4 if row == "sexual_harassment" else 2 if deploying else 1),
                rng.randint(0, 1),
            )
            for row in rows
        }
    # Any other table (team members, course participants): small numbers, women well present.
    table = {}
    for row in rows:
        size = rng.randint(4, 20)
        women = round(size * rng.uniform(0.3, 0.6))
        table[row] = _cells(women, size - women)
    return table


def _count(ind: spec.Indicator, d: _Draw, plan: Mapping[str, object]) -> int:
    """A plausible count, consistent with the answers it is checked against."""
    p, rng, s = d.profile, d.rng, d.score(ind.code)

    def part_of(code: str, share: float) -> int:
        whole = plan.get(code)
        return round(whole * min(1.0, max(0.0, share))) if isinstance(whole, int) else 0

    match ind.code:
        case "FA1":
            return d.between(_SITES[p.unit_type])
        case "FA1a":
            return part_of("FA1", s + 0.1)
        case "FA9":
            return round(p.strength * rng.uniform(0.1, 0.3) * (0.5 + s))
        case "FA9a":
            return rng.randint(20, 80)
        case "GA3":
            return d.between(_SUB_UNITS[p.unit_type])
        case "GA3a" | "GA8a" | "DA7a" | "TR4a" | "AC8a":
            source = {"GA3a": "GA3", "GA8a": "GA8", "DA7a": "DA7", "TR4a": "TR4", "AC8a": "AC4"}
            return part_of(source[ind.code], s)
        case "GA8":
            return round(_int(plan.get("GA3")) * (0.3 + 0.7 * s))
        case "WD9":
            return round(_column(plan.get("WD8"), "total") * (0.45 + 0.5 * s))
        case "DA1":
            return _column(plan.get("RR1"), "total")
        case "DA1a":
            return part_of("DA1", 1 - (1 - s) * 0.15)
        case "DA7":
            return rng.randint(2, 20)
        case "TR4":
            return round(p.strength * rng.uniform(0.7, 1.0)) if p.unit_type == "deploying" else 0
        case "TR14":
            return part_of("DA1", 0.1 + 0.6 * s)
        case "AC4":
            return round(_column(plan.get("AC3"), "total") * (0.5 + 0.5 * s))
    # Counts read against bands (outreach, dialogues, closed roles): pick the band s points to.
    if ind.bands:
        levels = list(ind.bands)
        falling = spec.LEVELS.index(levels[0].level) > spec.LEVELS.index(levels[-1].level)
        index = min(len(levels) - 1, int((1 - s if falling else s) * len(levels)))
        low = int(levels[index].min)
        high = int(levels[index + 1].min) - 1 if index + 1 < len(levels) else low + 2 + low // 2
        return max(int(ind.min or 0), rng.randint(low, max(low, high)))
    return max(int(ind.min or 0), rng.randint(0, 10))


def _int(value: object) -> int:
    return value if isinstance(value, int) else 0


def _level(ind: spec.Indicator, s: float) -> str:
    if ind.type == "yes_no":
        return "yes" if s >= 0.5 else "no"
    levels = spec.TYPE_LEVELS[ind.type]
    return levels[min(len(levels) - 1, int(s * len(levels)))]


def _choice(ind: spec.Indicator, d: _Draw, s: float) -> str:
    scored = sorted((o for o in ind.options if o.score is not None), key=lambda o: o.score or 0)
    if scored:
        return scored[min(len(scored) - 1, int(s * len(scored)))].code
    # Options without scores (what kind of accommodation): by the kind of unit.
    codes = [o.code for o in ind.options]
    if d.profile.unit_type in ("barracks", "academy", "deploying") and "quarters" in codes:
        return "quarters"
    return d.rng.choice(codes)


def _multi_choice(ind: spec.Indicator, d: _Draw, s: float) -> list[str]:
    positive = [o.code for o in ind.options if o.score]
    count = round(s * len(positive))
    if count == 0:
        none = [o.code for o in ind.options if o.code == "none" or o.score == 0]
        return none[:1] or positive[:1]
    return sorted(_rng(d.profile.code, ind.code).sample(positive, len(positive))[:count])


def _value(ind: spec.Indicator, d: _Draw, plan: Mapping[str, object]) -> object:
    if ind.type in ("yes_no", "no_partly_yes", "rubric"):
        return _level(ind, d.score(ind.code))
    if ind.type == "choice":
        return _choice(ind, d, d.score(ind.code))
    if ind.type == "multi_choice":
        return _multi_choice(ind, d, d.score(ind.code))
    if ind.type == "count":
        return _count(ind, d, plan)
    if ind.type == "amount":
        budget = d.profile.budget * (1.1 if d.cycle else 1.0)
        if ind.code == "LB5a" and isinstance(plan.get("LB5"), int | float):
            return round(plan["LB5"] * (0.4 + 0.55 * d.score(ind.code)))  # type: ignore[operator]
        return round(budget, -2)
    if ind.type == "sex_table":
        return _sex_table(ind, d, plan)
    if ind.type == "text":
        return "See the unit's annual report."
    if ind.type == "date":
        return (
            dt.date(2025 + d.cycle, 1, 1) - dt.timedelta(days=d.rng.randint(30, 600))
        ).isoformat()
    return None


def _smaller(ind: spec.Indicator, value: object) -> object:
    """A smaller answer, for a value that broke one of the framework's rules."""
    if isinstance(value, int):
        return value // 2
    if isinstance(value, Mapping):
        return {row: {k: int(v) // 2 for k, v in cells.items()} for row, cells in value.items()}
    if ind.type in spec.TYPE_LEVELS:
        return spec.TYPE_LEVELS[ind.type][0]
    return value


def plan_answers(fw: spec.Framework, profile: UnitProfile, cycle: int) -> AnswerPlan:
    """Answers for every question the unit is asked, checked like the server will check them.

    `cycle` counts from 0 (the first cycle); later cycles move by the profile's change.
    """
    d = _Draw(profile, fw, cycle)
    service, unit_type = profile.service, profile.unit_type
    plan: dict[str, object] = {}
    not_applicable: dict[str, str] = {}
    for ind in fw.indicators:
        if ind.type == "percentage" or not ind.applies(service, unit_type):
            continue
        if ind.code in ("LB5", "LB5a") and not profile.budget_of_its_own:
            not_applicable[ind.code] = _NOT_APPLICABLE_BUDGET
            continue
        value = _value(ind, d, plan)
        if value is not None:
            plan[ind.code] = value
    # Drop what skip conditions hide; answer a question that breaks a rule with a smaller value.
    for _ in range(8):
        statuses = evaluation.evaluate(fw, plan, service=service, unit_type=unit_type)
        broken = [
            code
            for code, status in statuses.items()
            if any(problem.code == "rule_broken" for problem in status.problems)
        ]
        skipped = [code for code in plan if statuses[code].skipped]
        if not broken and not skipped:
            break
        for code in skipped:
            del plan[code]
        for code in broken:
            if code in plan:
                plan[code] = _smaller(fw.indicator(code), plan[code])
    statuses = evaluation.evaluate(fw, plan, service=service, unit_type=unit_type)
    blocking = values.blocking(
        fw, statuses, plan, not_applicable=not_applicable, evidence=frozenset()
    )
    evidence = [code for code, problem in blocking if problem.code == "evidence_required"]
    others = [(code, problem) for code, problem in blocking if problem.code != "evidence_required"]
    if others:
        raise DemoError(f"{profile.code}: planned answers would not pass: {others[:5]}")
    return AnswerPlan(plan, not_applicable, evidence)
