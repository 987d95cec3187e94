"""Demo data: what `make run` loads, every demo user can sign in, and the two cycles show trends.

Loading the demo answers about 2,900 questions through the services, so it is loaded once per
database backend for the whole module (`demo`), and the tests only read it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from audit.accounts import services as accounts
from audit.audits import services as audits
from audit.audits.models import (
    Audit,
    AuditCycle,
    AuditState,
    CycleStatus,
    QueryStatus,
    ReviewQuery,
)
from audit.audits.workflow import Actor
from audit.demo import (
    CYCLE_2025,
    CYCLE_2026,
    DEMO_ORGS,
    DEMO_USERS,
    OPEN_CYCLE_STATES,
    UNIT_COMMANDERS,
    UnitProfile,
    load_demo,
    plan_answers,
    reading,
)
from audit.extensions import db
from audit.frameworks import spec
from audit.frameworks.services import SHIPPED
from audit.orgs.models import Unit
from audit.scoring import engine
from audit.scoring import services as scoring
from audit.scoring.models import ScorecardSnapshot, Trigger
from audit.transactions import unit_of_work
from tests.conftest import empty_database, make_app, row_count


@pytest.fixture(scope="module")
def demo(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app whose database holds the demo, loaded once; every row is deleted afterwards."""
    app = make_app(database_url, tmp_path_factory.mktemp("demo-instance"))
    with app.app_context(), unit_of_work():
        assert load_demo() is True
    yield app
    empty_database(app)


def _cycle(name: str) -> AuditCycle:
    cycle = db.session.scalar(select(AuditCycle).where(AuditCycle.name == name))
    assert cycle is not None, name
    return cycle


def _validated_scores(cycle: AuditCycle) -> dict[str, float | None]:
    """Unit code → overall score of the audit's validated scorecard, for validated audits."""
    rows = db.session.execute(
        select(Unit.code, ScorecardSnapshot.overall_score)
        .join(Audit, ScorecardSnapshot.audit_id == Audit.id)
        .join(Unit, Audit.unit_id == Unit.id)
        .where(
            Audit.cycle_id == cycle.id,
            Audit.state == AuditState.VALIDATED,
            ScorecardSnapshot.trigger == Trigger.VALIDATED,
        )
    ).all()
    return dict(rows)


def test_demo_loads_three_countries_about_twenty_units_and_every_role(demo: Flask) -> None:
    with demo.app_context(), unit_of_work():
        assert load_demo() is False  # loading again changes nothing
    assert row_count(demo, "countries") == 3
    assert 18 <= row_count(demo, "units") <= 24
    assert {u.role.value for u in DEMO_USERS} == {"admin", "commander", "adviser", "donor"}
    assert row_count(demo, "users") == len(DEMO_USERS) + len(UNIT_COMMANDERS)


def test_two_cycles_with_validated_audits_and_scorecards_in_both(demo: Flask) -> None:
    with demo.app_context(), unit_of_work():
        units = row_count(demo, "units")
        past, current = _cycle(CYCLE_2025.name), _cycle(CYCLE_2026.name)
        assert (past.opens_on, past.closes_on) == (CYCLE_2025.opens_on, CYCLE_2025.closes_on)
        assert past.status is CycleStatus.CLOSED
        assert current.status is CycleStatus.OPEN
        assert past.framework_version_id == current.framework_version_id
        # 2025: every unit validated, each with its validated scorecard.
        assert {a.state for a in past.audits} == {AuditState.VALIDATED}
        assert len(_validated_scores(past)) == units
        # 2026: most validated (with scorecards), the rest as planned.
        states = {a.unit.code: a.state.value for a in current.audits}
        assert {c: s for c, s in states.items() if s != "validated"} == OPEN_CYCLE_STATES
        assert len(_validated_scores(current)) == units - len(OPEN_CYCLE_STATES)
        assert all(score is not None for score in _validated_scores(current).values())
        # Every submitted or validated audit passes the submission checks it went through.
        for audit in current.audits:
            if audit.state in (AuditState.SUBMITTED, AuditState.VALIDATED):
                assert audits.blocking(audit) == [], audit.unit.code


def test_scores_change_between_cycles_and_most_units_improve(demo: Flask) -> None:
    with demo.app_context(), unit_of_work():
        before = _validated_scores(_cycle(CYCLE_2025.name))
        after = _validated_scores(_cycle(CYCLE_2026.name))
        both = sorted(set(before) & set(after))
        changes = {code: after[code] - before[code] for code in both}  # type: ignore[operator]
        assert any(abs(change) > 1 for change in changes.values())
        assert sum(change > 0 for change in changes.values()) > len(both) / 2
        assert len({round(score) for score in before.values()}) > 5  # varied, not one value


def test_demo_commanders_have_audits_to_continue(demo: Flask) -> None:
    with demo.app_context(), unit_of_work():
        hobeich = accounts.user_by_email("commander.hobeich@example.org")
        assert hobeich is not None
        states = {(a.cycle.name, a.state) for a in audits.visible_audits(hobeich)}
        assert (CYCLE_2026.name, AuditState.IN_PROGRESS) in states
        assert (CYCLE_2025.name, AuditState.VALIDATED) in states

        basra = accounts.user_by_email("commander.basra@example.org")
        assert basra is not None
        (returned,) = audits.visible_audits(basra, [AuditState.RETURNED])
        queries = db.session.scalars(select(ReviewQuery).where(ReviewQuery.audit_id == returned.id))
        assert [q.status for q in queries] == [QueryStatus.OPEN]


def test_every_unit_has_a_demo_commander_and_adviser(demo: Flask) -> None:
    with demo.app_context(), unit_of_work():
        people = [accounts.user_by_email(d.email) for d in [*DEMO_USERS, *UNIT_COMMANDERS]]
        for unit in db.session.scalars(select(Unit)):
            actors = set().union(*(audits.actors_for(p, unit) for p in people if p is not None))
            assert {Actor.COMMANDER, Actor.ADVISER} <= actors, unit.code


def test_demo_answers_are_the_same_on_every_load(demo: Flask) -> None:
    with demo.app_context(), unit_of_work():
        audit = db.session.scalars(select(Audit).order_by(Audit.id)).first()
        assert audit is not None
        fw = audits.framework_for(audit)
        profile = UnitProfile.of(audit.unit.code, audit.unit)
        first = plan_answers(fw, profile, 0)
        assert plan_answers(fw, profile, 0) == first
        assert plan_answers(fw, profile, 1) != first
        assert audits.load_data(audit).values == first.values


def test_the_form_counts_every_demo_audit_as_its_scorecard_coverage(demo: Flask) -> None:
    # One definition of "answered of counted" (evaluation.tally): the form's domain menu and
    # the audit overview (AuditData.progress) equal each domain's coverage on the scorecard,
    # computed now and as stored when the audit was validated.
    with demo.app_context(), unit_of_work():
        checked = 0
        for audit in db.session.scalars(select(Audit).order_by(Audit.id)):
            data = audits.load_data(audit)
            cards = [scoring.compute(audit, data)]
            stored = scoring.latest(audit)
            if stored is not None and audit.state is AuditState.VALIDATED:
                cards.append(engine.Scorecard.from_dict(stored.data))
            form = {d.code: data.progress(d) for d in data.framework.domains}
            for card in cards:
                coverage = {c: (a.answered, a.applicable) for c, a in card.domains.items()}
                assert form == coverage, audit.unit.code
                done = sum(d for d, _ in form.values())
                total = sum(t for _, t in form.values())
                assert (done, total) == (card.overall.answered, card.overall.applicable)
            checked += 1
        assert checked >= 30  # both cycles, every unit


def _renamed_framework() -> tuple[spec.Framework, spec.Framework, dict[str, str]]:
    """The shipped framework, and a copy with every domain and indicator code changed.

    The comparability keys stay, as they do between versions; the third value maps old codes
    to new ones (FA1a → ZA41a).
    """
    source = spec.load_source(sorted(SHIPPED.iterdir())[-1])
    domains = {d["code"]: f"Z{chr(ord('A') + n)}" for n, d in enumerate(source["domains"])}
    renamed: dict[str, str] = {}

    def rename(match: re.Match[str]) -> str:
        domain, number, suffix = match.groups()
        renamed[match[0]] = f"{domains[domain]}{int(number) + 40}{suffix}"
        return renamed[match[0]]

    pattern = re.compile(rf"\b({'|'.join(domains)})([0-9]+)([a-z]?)\b")
    doc = json.loads(pattern.sub(rename, json.dumps(source)))
    for domain in doc["domains"]:
        domain["code"] = domains[domain["code"]]
    assert spec.validate(doc) == []
    return spec.build(source), spec.build(doc), renamed


def test_the_demo_reads_the_framework_instead_of_naming_codes() -> None:
    """With every code changed, each demo unit draws the same answers to the same questions."""
    shipped, other, renamed = _renamed_framework()
    multi = {ind.code for ind in shipped.indicators if ind.type == "multi_choice"}
    for country, _, institutions in DEMO_ORGS:
        for _, kind, units in institutions:
            for code, _, unit_type, _ in units:
                profile = UnitProfile.draw(code, kind.service, unit_type.value, country)
                for cycle in (0, 1):
                    before = plan_answers(shipped, profile, cycle)
                    after = plan_answers(other, profile, cycle)
                    assert set(after.values) == {renamed[c] for c in before.values}, code
                    for c, value in before.values.items():
                        # Options are sampled with the code in the seed: only their number stays.
                        same = len if c in multi else (lambda v: v)
                        assert same(after.values[renamed[c]]) == same(value), (code, c)
                    assert after.evidence == [renamed[c] for c in before.evidence]
                    assert after.not_applicable.keys() == {
                        renamed[c] for c in before.not_applicable
                    }
                    if code == "IPS-BAS-ASH":  # the returned audit: the adviser's query
                        question, table = reading.query_question(other, after.values)
                        assert (question, table) == (renamed["WD3a"], renamed["WD3"])
    assert reading.in_progress_domains(other, 3) == ("ZA", "ZB", "ZC")


def test_every_demo_user_can_sign_in(demo: Flask) -> None:
    for number, user in enumerate(DEMO_USERS):
        # A different address per user: the login throttle counts attempts per address.
        client = demo.test_client()
        client.environ_base["REMOTE_ADDR"] = f"192.0.2.{number + 1}"
        response = client.post("/login", data={"email": user.email, "password": user.password})
        assert response.status_code == 302, user.email
        assert client.get("/").status_code == 200


def test_setup_command_creates_schema_loads_demo_and_prints_logins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The cycles are what takes time; the module fixture loads them, this test checks the command.
    monkeypatch.setattr("audit.demo.loading._demo_cycles", lambda unit_ids: None)
    app = make_app(f"sqlite:///{tmp_path / 'fresh.sqlite'}", tmp_path / "instance")
    result = app.test_cli_runner().invoke(args=["setup", "--demo"])
    assert result.exit_code == 0, result.output
    assert "Demo data loaded." in result.output
    assert "commander.hobeich@example.org" in result.output
    assert "adviser.nepal@example.org" in result.output
    again = app.test_cli_runner().invoke(args=["setup", "--demo"])
    assert "Demo data loaded." not in again.output
    assert row_count(app, "users") == len(DEMO_USERS) + len(UNIT_COMMANDERS)


def test_users_create_command(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'fresh.sqlite'}", tmp_path / "instance")
    runner = app.test_cli_runner()
    runner.invoke(args=["setup"])
    result = runner.invoke(
        args=["users", "create", "--email", "Boss@Example.org", "--name", "Boss", "--admin"],
        input="long enough pw\nlong enough pw\n",
    )
    assert result.exit_code == 0, result.output
    assert "boss@example.org (administrator)" in result.output
    short = runner.invoke(
        args=["users", "create", "--email", "b@example.org", "--name", "B"], input="short\nshort\n"
    )
    assert short.exit_code != 0
    assert "at least 12" in short.output
