"""What people see of the one count (issue 12, item 6) and of the band names (item 17): a skipped
share is hidden on the form and left out of the scorecard's coverage, and the lowest score band
is never named like missing data, in any language."""

from __future__ import annotations

import html
import re

import pytest
from flask_babel import gettext

from audit.audits.models import Audit
from audit.extensions import db
from audit.frameworks import labels
from audit.scoring import services as scoring
from audit.scoring.models import Trigger
from audit.transactions import unit_of_work
from tests.audits.conftest import World
from tests.frameworks.test_counting import GA_NO_TEAMS
from tests.scoring.test_views import _chart_spec, _page, _submit, _url

LANGUAGES = ("en", "ar", "fr", "es")


def _form_value(value: object) -> object:
    return str(value) if isinstance(value, int) else value


def _fieldset(page: str, code: str) -> str:
    match = re.search(rf'<fieldset class="question[^"]*" id="q-{code}"[^>]*>', page)
    assert match is not None, code
    return match.group(0)


def _scorecard_now(world: World) -> None:
    """Compute station A's scorecard from its current answers (as a submission would)."""
    with world.app.app_context(), unit_of_work():
        scoring.request_scorecard(db.session.get(Audit, world.audit), Trigger.SUBMITTED)
    with world.app.app_context(), unit_of_work():
        assert scoring.latest(db.session.get(Audit, world.audit)) is not None


def test_no_teams_hides_their_share_and_the_domain_is_complete_everywhere(world: World) -> None:
    for code, value in GA_NO_TEAMS.items():
        assert world.save(code, _form_value(value)).saved, code
    form = _page(world, "commander", f"/audits/{world.audit}/domains/GA")
    assert " hidden" in _fieldset(form, "GA9a")
    assert " hidden" in _fieldset(form, "GA9b")  # the share is skipped, not shown as "—"
    assert " hidden" not in _fieldset(form, "GA3b")
    nav = re.search(r'<li data-domain="GA"[^>]*>.*?<span class="count">([^<]*)</span>', form, re.S)
    assert nav is not None
    assert nav.group(1) == "9/9"
    overview = _page(world, "commander", f"/audits/{world.audit}")
    row = re.search(r"/domains/GA\">.*?</td>\s*<td>(.*?)</td>", overview, re.S)
    assert row is not None
    assert "9 of 9" in row.group(1)

    _scorecard_now(world)
    card = _page(world, "commander", _url(world.audit), **{"Accept-Language": "en"})
    cells = re.search(r'/domains/GA">[^<]*</a></th>(.*?)</tr>', card, re.S)
    assert cells is not None
    coverage = re.findall(r'#coverage">([^<]*)</a>', cells.group(1))
    assert coverage == ["100%"]


def test_teams_with_members_make_the_share_count(world: World) -> None:
    answers = {**GA_NO_TEAMS, "GA9": "yes"}
    for code, value in answers.items():
        assert world.save(code, _form_value(value)).saved, code
    form = _page(world, "commander", f"/audits/{world.audit}/domains/GA")
    assert " hidden" not in _fieldset(form, "GA9b")
    nav = re.search(r'<li data-domain="GA"[^>]*>.*?<span class="count">([^<]*)</span>', form, re.S)
    assert nav is not None
    assert nav.group(1) == "9/10"  # the share waits for the table of members


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_lowest_band_is_never_named_like_missing_data(filled: World, language: str) -> None:
    _submit(filled)
    page = _page(filled, "commander", _url(filled.audit), **{"Accept-Language": language})
    with filled.app.test_request_context(headers={"Accept-Language": language}):
        name = labels.band_label("missing")
        absent = {gettext("Missing"), gettext("missing"), gettext("No score")}
    assert name
    assert name not in absent
    # The legend of the benchmark names every band, the lowest one included.
    shown = {html.unescape(t) for t in re.findall(r'class="band band-missing">([^<]*)<', page)}
    assert shown == {name}
    # The chart's legend too (its data block carries the band names).
    chart = _chart_spec(page, "chart-domain-bars")
    assert chart is not None
    assert [b["name"] for b in chart["legend"] if b["band"] == "missing"] == [name]


def test_marking_the_table_does_not_apply_skips_its_share_on_saving(world: World) -> None:
    for code, value in {**GA_NO_TEAMS, "GA9": "yes"}.items():
        assert world.save(code, _form_value(value)).saved, code
    result = world.save("GA9a", {}, not_applicable=True, na_reason="The teams are being formed.")
    assert result.saved
    assert result.data is not None
    assert result.data.statuses["GA9b"].skipped  # what the page hides after this save
    assert result.data.progress(result.data.framework.domain("GA")) == (9, 9)
    form = _page(world, "commander", f"/audits/{world.audit}/domains/GA")
    assert " hidden" in _fieldset(form, "GA9b")
