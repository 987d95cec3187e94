"""Names in the reader's language on the scorecard and portfolio pages and in the workbooks
(built by the export job in the requester's language and read back with openpyxl)."""

from __future__ import annotations

import re

import pytest

from audit.audits import services as audits
from audit.audits.models import Audit
from audit.exports.models import ExportStatus
from audit.extensions import db
from audit.orgs import services as orgs
from audit.orgs.models import Country, Institution, Unit
from audit.transactions import unit_of_work
from tests.audits.conftest import (  # noqa: F401 - fixtures
    SIGNED,
    World,
    _read_frameworks_once,
    filled,
    small_world,
)
from tests.exports.test_jobs import ask, exports_of, workbook
from tests.scoring.test_portfolio import Portfolio, page, three  # noqa: F401 - a fixture

STATION_A = "مخفر الأشرفية"
POLICE = "قوى الأمن الداخلي"
LEBANON = "لبنان"


def give_arabic_names(world: World) -> None:
    """Arabic versions for station A, the police and the country (entered names unchanged)."""
    org = world.org
    with world.app.app_context(), unit_of_work():
        db.session.get(Unit, org.station_a).set_translations({"ar": STATION_A})
        db.session.get(Institution, org.police).set_translations({"ar": POLICE})
        country = db.session.get(Country, org.country)
        orgs.save_country(None, country, "LB", "Lebanon", {"ar": LEBANON, "fr": "Liban"})


def reads_in(world: World, who: str, locale: str) -> None:
    with world.app.app_context(), unit_of_work():
        world.user(who).locale = locale


@pytest.fixture
def validated(filled: World) -> World:  # noqa: F811 - the fixture
    """Station A's audit validated, with Arabic names given."""
    filled.act(audits.submit, "commander", SIGNED)
    filled.act(audits.validate, "adviser")
    give_arabic_names(filled)
    return filled


def cells(book) -> set[str]:
    """Every text cell of every sheet of a workbook."""
    return {
        value
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if isinstance(value, str)
    }


# --- pages ---------------------------------------------------------------------------------


def test_the_scorecard_names_the_unit_in_the_reader_s_language(validated: World) -> None:
    world = validated
    reads_in(world, "commander", "ar")
    html = page(world, "commander", f"/scorecards/audits/{world.audit}")
    heading = re.search(r"<h1>(.*?)</h1>", html, re.S)
    assert heading
    assert STATION_A in heading.group(1)
    english = page(world, "adviser", f"/scorecards/audits/{world.audit}")
    heading = re.search(r"<h1>(.*?)</h1>", english, re.S)
    assert heading
    assert "Station-A" in heading.group(1)
    assert STATION_A not in english


def test_the_portfolio_heat_map_names_units_in_the_reader_s_language(
    three: Portfolio,  # noqa: F811 - the fixture
) -> None:
    world = three.world
    give_arabic_names(world)
    reads_in(world, "adviser", "ar")
    html = page(world, "adviser", f"/portfolio/?cycle={three.cycle_id}")
    row = re.search(rf'<tr data-audit="{three.audits["a"]}">(.*?)</tr>', html, re.S)
    assert row
    assert STATION_A in row.group(1)
    assert "Station-B" in html  # no Arabic version: the name as entered
    reads_in(world, "adviser", "en")
    html = page(world, "adviser", f"/portfolio/?cycle={three.cycle_id}")
    assert "Station-A" in html
    assert STATION_A not in html


def test_the_donor_page_names_the_country_and_institution_in_the_reader_s_language(
    three: Portfolio,  # noqa: F811 - the fixture
) -> None:
    world = three.world
    give_arabic_names(world)
    reads_in(world, "donor", "ar")
    html = page(world, "donor", f"/portfolio/donor?cycle={three.cycle_id}")
    assert LEBANON in html
    assert POLICE in html
    reads_in(world, "donor", "fr")
    assert "Liban" in page(world, "donor", f"/portfolio/donor?cycle={three.cycle_id}")


# --- workbooks -----------------------------------------------------------------------------


def test_an_arabic_unit_scorecard_workbook_has_the_arabic_names(validated: World) -> None:
    world = validated
    reads_in(world, "commander", "ar")
    ask(world, "commander", kind="unit_scorecard", audit_id=world.audit)
    [export] = exports_of(world)
    assert export.status is ExportStatus.DONE, export.error
    texts = cells(workbook(world, "commander", export.id))
    assert any(STATION_A in text for text in texts)
    assert POLICE in texts
    assert LEBANON in texts
    assert not any("Station-A" in text for text in texts)


def test_full_data_names_units_in_the_requester_s_language(validated: World) -> None:
    world = validated
    with world.app.app_context(), unit_of_work():
        cycle_id = db.session.get(Audit, world.audit).cycle_id
    reads_in(world, "adviser", "ar")
    ask(world, "adviser", kind="full_data", cycle_id=cycle_id)
    reads_in(world, "adviser", "en")
    ask(world, "adviser", kind="full_data", cycle_id=cycle_id)
    arabic, english = exports_of(world)
    assert (arabic.locale, english.locale) == ("ar", "en")
    rows = list(workbook(world, "adviser", arabic.id).worksheets[1].iter_rows(values_only=True))
    assert rows[1:]
    names = {row[1:4] for row in rows[1:]}
    # Every audit of the cycle has rows (unanswered ones too); only Station-A has an Arabic name.
    assert (STATION_A, POLICE, LEBANON) in names
    assert not any(row[1] == "Station-A" for row in names)
    rows = list(workbook(world, "adviser", english.id).worksheets[1].iter_rows(values_only=True))
    assert ("Station-A", "Police", "Lebanon") in {row[1:4] for row in rows[1:]}


def test_a_name_that_looks_like_a_formula_stays_text_in_every_workbook(validated: World) -> None:
    world = validated
    payload = '=HYPERLINK("http://evil.example","x")'
    with world.app.app_context(), unit_of_work():
        db.session.get(Unit, world.org.station_a).set_translations({"ar": payload})
        cycle_id = db.session.get(Audit, world.audit).cycle_id
    reads_in(world, "adviser", "ar")
    ask(world, "adviser", kind="unit_scorecard", audit_id=world.audit)
    ask(world, "adviser", kind="full_data", cycle_id=cycle_id)
    for export in exports_of(world):
        assert export.status is ExportStatus.DONE, export.error
        book = workbook(world, "adviser", export.id)
        found = [
            c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value == payload
        ]
        assert found, export.kind
        assert all(c.data_type == "s" and c.hyperlink is None for c in found)
