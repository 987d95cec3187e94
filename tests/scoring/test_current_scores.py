"""The current-scores read model stays equal to a recomputation from the snapshots, whatever
sequence of validations, reopenings and revalidations the audits go through (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from audit.audits import services
from audit.audits.models import Audit, AuditState
from audit.extensions import db
from audit.orgs.models import Institution, Unit
from audit.scoring import current, sums
from audit.scoring import services as scoring
from audit.scoring.current import CurrentScore, Level, ScoreSum
from audit.scoring.models import ScorecardSnapshot
from audit.transactions import unit_of_work
from tests.conftest import UserFactory
from tests.scoring.test_portfolio import STATEMENT, Portfolio, build

ADVISERS = {"a": "adviser", "b": "adviser", "c": "adviser", "d": "coast_adviser"}


@pytest.fixture
def four(small_world, make_user: UserFactory) -> Portfolio:
    """Stations A, B, C of the police and D of a second institution, none validated yet."""
    return build(small_world, make_user, other_institution=True)


def validate(portfolio: Portfolio, key: str) -> None:
    world, audit_id = portfolio.world, portfolio.audits[key]
    state = world.state(audit_id)
    if state is AuditState.VALIDATED:
        return
    if state in (AuditState.NOT_STARTED, AuditState.IN_PROGRESS):
        portfolio.fill(key)
    world.act(services.submit, f"commander_{key}", STATEMENT, audit_id=audit_id)
    world.act(services.validate, ADVISERS[key], audit_id=audit_id)


def reopen(portfolio: Portfolio, key: str) -> None:
    world, audit_id = portfolio.world, portfolio.audits[key]
    if world.state(audit_id) is AuditState.VALIDATED:
        world.act(services.reopen, "admin", "A figure was mistyped.", audit_id=audit_id)


def recomputed() -> dict[tuple[int, str, int], dict]:
    """The sums as the snapshots give them: each validated audit's newest validated
    snapshot, summed per cycle and institution and per cycle and country."""
    found: dict[tuple[int, str, int], dict] = {}
    rows = db.session.execute(
        select(ScorecardSnapshot, Audit.cycle_id, Institution.id, Institution.country_id)
        .join(Audit, ScorecardSnapshot.audit_id == Audit.id)
        .join(Unit, Audit.unit_id == Unit.id)
        .join(Institution, Unit.institution_id == Institution.id)
        .where(ScorecardSnapshot.id.in_(scoring.latest_validated_ids()))
    ).all()
    for snapshot, cycle_id, institution_id, country_id in rows:
        part = current.contribution_of(
            snapshot, current.bands_of(db.session, snapshot.framework_version_id)
        )
        for level, scope_id in ((Level.INSTITUTION, institution_id), (Level.COUNTRY, country_id)):
            key = (cycle_id, str(level), scope_id)
            found[key] = sums.combine(found.get(key, sums.empty()), part)
    return found


def stored() -> dict[tuple[int, str, int], dict]:
    return {
        (row.cycle_id, row.level, row.scope_id): row.sums
        for row in db.session.scalars(select(ScoreSum))
    }


def assert_same(mine: object, theirs: object, where: str = "") -> None:
    """Equal, floats to within rounding (sums added and taken away in another order)."""
    if isinstance(mine, dict) and isinstance(theirs, dict):
        assert mine.keys() == theirs.keys(), where
        for key in mine:
            assert_same(mine[key], theirs[key], f"{where}/{key}")
    elif isinstance(mine, list) and isinstance(theirs, list):
        assert len(mine) == len(theirs), where
        for i, (a, b) in enumerate(zip(mine, theirs, strict=True)):
            assert_same(a, b, f"{where}[{i}]")
    elif isinstance(mine, float) or isinstance(theirs, float):
        assert mine == pytest.approx(theirs, abs=1e-6), where
    else:
        assert mine == theirs, where


def check(portfolio: Portfolio) -> None:
    with portfolio.world.app.app_context(), unit_of_work():
        assert_same(stored(), recomputed())
        for row in db.session.scalars(select(CurrentScore)):
            audit = db.session.get(Audit, row.audit_id)
            assert row.counted == (audit.state is AuditState.VALIDATED)
        # Rebuilding from the snapshots gives the same sums as keeping them step by step.
        kept = stored()
        current.rebuild()
        assert_same(stored(), kept)


STEPS = st.lists(
    st.tuples(st.sampled_from("abcd"), st.sampled_from(["validate", "reopen"])),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_the_read_model_equals_a_recomputation_after_any_sequence(four, steps):
    # The database carries over from one drawn sequence to the next: together they are one
    # long sequence, checked after every step.
    for key, action in steps:
        (validate if action == "validate" else reopen)(four, key)
        check(four)


def test_a_reopened_audit_leaves_the_sums_and_returns_when_validated_again(four):
    validate(four, "a")
    validate(four, "d")
    with four.world.app.app_context():
        police = db.session.get(Unit, four.units["a"]).institution_id
        key = (four.cycle_id, "institution", police)
        assert stored()[key]["units"] == 1
        country = db.session.get(Institution, police).country_id
        assert stored()[(four.cycle_id, "country", country)]["units"] == 2
    reopen(four, "a")
    with four.world.app.app_context():
        assert key not in stored()  # no validated audit left in the police
        assert stored()[(four.cycle_id, "country", country)]["units"] == 1
    validate(four, "a")
    with four.world.app.app_context():
        assert stored()[key]["units"] == 1
    check(four)


def test_two_transactions_adding_to_one_institution_add_up(four):
    """The sums row is held while it changes: a second writer waits for the first to commit
    and adds to what it stored (on PostgreSQL a row lock; on SQLite the write lock)."""
    import threading
    import time

    validate(four, "a")
    app = four.world.app
    with app.app_context():
        row = db.session.get(CurrentScore, four.audits["a"])
        part, police = row.contribution, row.institution_id
    scopes = [(Level.INSTITUTION, police)]
    locked, go = threading.Event(), threading.Event()
    finished: dict[str, float] = {}

    def first() -> None:
        with app.app_context(), unit_of_work():
            current._apply(four.cycle_id, scopes, part, 1)
            locked.set()
            go.wait(10)
            finished["first"] = time.monotonic()

    def second() -> None:
        locked.wait(10)
        with app.app_context(), unit_of_work():
            current._apply(four.cycle_id, scopes, part, 1)
        finished["second"] = time.monotonic()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    assert locked.wait(10)
    time.sleep(0.5)
    assert "second" not in finished  # it waits for the first to commit
    go.set()
    for thread in threads:
        thread.join(20)
    assert finished["second"] >= finished["first"]
    with app.app_context():
        kept = db.session.get(
            ScoreSum, {"cycle_id": four.cycle_id, "level": "institution", "scope_id": police}
        )
        assert kept.units == 3  # station A once by the worker, twice here: nothing lost


def test_a_unit_moved_to_another_institution_takes_its_scores_along(four):
    from audit.orgs import services as orgs
    from audit.orgs.models import UnitType

    validate(four, "a")
    validate(four, "d")
    world = four.world
    with world.app.app_context(), unit_of_work():
        coast = db.session.get(Unit, four.units["d"]).institution_id
        station = db.session.get(Unit, four.units["a"])
        police = station.institution_id
        orgs.save_unit(
            None,
            station,
            institution_id=coast,
            parent_id=None,
            code=station.code,
            name=station.entered_name,
            unit_type=UnitType.STATION,
        )
    with world.app.app_context():
        kept = stored()
        assert (four.cycle_id, "institution", police) not in kept
        assert kept[(four.cycle_id, "institution", coast)]["units"] == 2
    check(four)


def test_an_institution_moved_to_another_country_takes_its_scores_along(four):
    from audit.orgs import services as orgs
    from audit.orgs.models import Country

    validate(four, "d")
    world = four.world
    with world.app.app_context(), unit_of_work():
        coast = db.session.get(Institution, db.session.get(Unit, four.units["d"]).institution_id)
        before = coast.country_id
        other = orgs.save_country(None, None, "IQ", "Iraq")
        orgs.save_institution(None, coast, other.id, coast.entered_name, coast.kind)
        after = other.id
        assert db.session.get(Country, before) is not None
    with world.app.app_context():
        kept = stored()
        assert (four.cycle_id, "country", before) not in kept
        assert kept[(four.cycle_id, "country", after)]["units"] == 1
    check(four)
