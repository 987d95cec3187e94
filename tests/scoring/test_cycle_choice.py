"""Which cycle the adviser's and donor's pages open on: the latest one with validated audits,
not next year's empty cycle (the pure rule, then the pages that use it)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from audit.audits import services
from audit.audits.models import Audit
from audit.extensions import db
from audit.scoring import portfolio_parts
from audit.scoring.cycle_choice import CycleFacts, default_cycle
from audit.transactions import unit_of_work
from tests.audits.conftest import World
from tests.conftest import UserFactory
from tests.scoring.test_portfolio import ANSWERS, STATEMENT, build

TODAY = dt.date(2026, 12, 7)


def year(cycle_id: int, y: int, validated: int = 0) -> CycleFacts:
    return CycleFacts(cycle_id, dt.date(y, 1, 1), dt.date(y, 12, 31), validated)


# --- the rule -----------------------------------------------------------------------------------


def test_the_latest_cycle_with_validated_audits_beats_a_newer_empty_one():
    cycles = [year(3, 2027), year(2, 2026, validated=1), year(1, 2025, validated=9)]
    assert default_cycle(cycles, TODAY) == 2


def test_without_validated_audits_the_cycle_running_today_is_shown():
    cycles = [year(3, 2027), year(2, 2026), year(1, 2025)]
    assert default_cycle(cycles, TODAY) == 2
    # Two cycles running today: the one that opened later.
    late = CycleFacts(4, dt.date(2026, 6, 1), dt.date(2027, 5, 31), 0)
    assert default_cycle([*cycles, late], TODAY) == 4


def test_between_cycles_the_latest_that_has_opened_is_shown():
    cycles = [year(3, 2027), year(1, 2025)]
    assert default_cycle(cycles, TODAY) == 1


def test_when_every_cycle_lies_ahead_the_soonest_is_shown():
    assert default_cycle([year(3, 2028), year(2, 2027)], TODAY) == 2


def test_the_same_opening_date_goes_to_the_cycle_created_last():
    assert default_cycle([year(5, 2026, 1), year(7, 2026, 1)], TODAY) == 7
    assert default_cycle([year(5, 2026), year(7, 2026)], TODAY) == 7


def test_no_cycle_no_choice():
    assert default_cycle([], TODAY) is None


# --- the pages ----------------------------------------------------------------------------------


def selected(html: str) -> str:
    """The name of the cycle the page's picker has selected."""
    match = re.search(r'<select id="cycle" name="cycle">(.*?)</select>', html, re.S)
    assert match, "no cycle picker"
    chosen = re.findall(r"<option value=\"\d+\" selected>([^<]+)</option>", match.group(1))
    assert len(chosen) == 1, chosen
    return chosen[0]


def options(html: str) -> list[str]:
    return re.findall(r'<option value="\d+" (?:selected)?>([^<]+)</option>', html)


@pytest.fixture
def validated_2026(small_world: World, make_user: UserFactory) -> World:
    """Station A validated in cycle 2026; cycle 2027 (newer, open, starting in the future
    relative to 2026) with stations A, B and C and nothing validated yet."""
    build(small_world, make_user)
    world = small_world
    for code, raw in ANSWERS["a"].items():
        assert world.save(code, raw, "commander", currency="usd" if code == "BB1" else "").saved
    with world.app.app_context(), unit_of_work():
        audit = db.session.get(Audit, world.audit)
        services.add_evidence_reference(world.user("commander"), audit, "AA1", "Photo album")
    world.act(services.submit, "commander", STATEMENT)
    world.act(services.validate, "adviser")
    return world


@pytest.mark.parametrize(
    ("who", "url"), [("adviser", "/portfolio/"), ("donor", "/portfolio/donor")]
)
def test_pages_open_on_the_cycle_with_results_and_offer_the_others(validated_2026, who, url):
    response = validated_2026.client(who).get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert selected(html) == "2026"
    assert sorted(options(html)) == ["2026", "2027"]
    # The newer cycle is still one choice away.
    with validated_2026.app.app_context(), unit_of_work():
        newer = db.session.scalar(
            db.select(Audit.cycle_id).where(Audit.cycle_id != validated_2026.cycle_id).limit(1)
        )
    assert selected(validated_2026.client(who).get(f"{url}?cycle={newer}").get_data(True)) == (
        "2027"
    )


def test_the_adviser_summary_is_of_the_cycle_with_results(validated_2026):
    html = validated_2026.client("adviser").get("/portfolio/").get_data(as_text=True)
    assert "Summary for 2026" in html


def test_without_results_the_page_opens_on_the_cycle_running_today(small_world, monkeypatch):
    world = small_world
    with world.app.app_context(), unit_of_work():
        services.open_cycle(
            world.user("admin"),
            name="2027",
            framework_version_id=world.version_id,
            opens_on=dt.date(2027, 1, 1),
            closes_on=dt.date(2027, 12, 31),
            unit_ids=[world.org.station_a],
        )

    def on(day: dt.date) -> None:
        moment = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
        monkeypatch.setattr(portfolio_parts, "utcnow", lambda: moment)

    on(dt.date(2026, 12, 7))
    assert selected(world.client("adviser").get("/portfolio/").get_data(True)) == "2026"
    on(dt.date(2027, 2, 1))
    assert selected(world.client("adviser").get("/portfolio/").get_data(True)) == "2027"
