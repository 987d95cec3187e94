"""Loading the demo: everything goes through the services, as a person would do it.

Answers are validated and logged, scorecards are built through the outbox. The whole load is
one transaction (the command that calls it commits once), so the scorecard jobs go to the
workers after that commit.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select

from audit.accounts import services as accounts
from audit.accounts.models import Role, User
from audit.audits import services as audits
from audit.audits import values
from audit.audits.models import Audit, AuditCycle
from audit.audits.workflow import Actor
from audit.demo import reading
from audit.demo.data import (
    CYCLE_2025,
    CYCLE_2026,
    DEMO_ORGS,
    DEMO_USERS,
    IN_PROGRESS_DOMAIN_COUNT,
    OPEN_CYCLE_STATES,
    QUERY,
    QUERY_OTHER,
    SIGN_OFF,
    UNIT_COMMANDERS,
    DemoCycle,
    DemoError,
)
from audit.demo.names import DEMO_NAMES
from audit.demo.planning import AnswerPlan, plan_answers
from audit.demo.profiles import UnitProfile
from audit.extensions import db
from audit.frameworks import spec
from audit.orgs import services as orgs
from audit.orgs.models import Country, Institution, Unit


def load_demo() -> bool:
    """Create the demo organisations, users and cycles; False (and nothing changed) if there."""
    if db.session.scalar(select(Country).where(Country.code == "LB")) is not None:
        return False
    units: dict[str, Unit] = {}
    institutions: dict[str, Institution] = {}
    countries: dict[str, Country] = {}
    for code, name, insts in DEMO_ORGS:
        country = orgs.save_country(None, None, code, name, DEMO_NAMES.get(name))
        countries[code] = country
        for inst_name, kind, unit_rows in insts:
            institution = orgs.save_institution(
                None, None, country.id, inst_name, kind, DEMO_NAMES.get(inst_name)
            )
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
                    translations=DEMO_NAMES.get(unit_name),
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
    _demo_cycles({code: unit.id for code, unit in units.items()})
    return True


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
        in_progress = reading.in_progress_domains(fw, IN_PROGRESS_DOMAIN_COUNT)
        for code, unit_id in unit_ids.items():
            state = "validated" if number == 0 else OPEN_CYCLE_STATES.get(code, "validated")
            if state == "not_started":
                continue
            audit = _audit(cycle.id, unit_id)
            commander = _user(commanders[code])
            plan = plan_answers(fw, profiles[code], number)
            domains = in_progress if state == "in_progress" else None
            _answer(commander, audit, fw, plan, profiles[code], demo_cycle, domains)
            if state == "in_progress":
                continue
            problems = audits.blocking(audit)
            if problems:
                raise DemoError(f"{code} {demo_cycle.name} cannot be submitted: {problems[:5]}")
            audits.submit(
                commander,
                audit,
                audits.SignOff(SIGN_OFF, commander.name, "Unit commander", confirmed=True),
            )
            adviser = _adviser_for(advisers, audit)
            if state == "validated":
                audits.validate(adviser, audit)
            elif state == "returned":
                question, text = _query(fw, audit)
                audits.open_query(adviser, audit, question, text)
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


def _query(fw: spec.Framework, audit: Audit) -> tuple[str, str]:
    """The question the adviser asks about, and the query's text (see `reading.query_question`)."""
    question, table = reading.query_question(fw, audits.load_data(audit).values)
    if table is None:
        return question, QUERY_OTHER.format(question=question)
    return question, QUERY.format(question=question, table=table)


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
