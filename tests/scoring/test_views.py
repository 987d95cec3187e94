"""Unit scorecard pages: who sees them, what they show, and how every number is explained."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace

import pytest
from flask_babel import format_decimal

from audit.audits import services
from audit.audits.models import Audit
from audit.extensions import db
from audit.outbox import services as outbox
from audit.scoring import engine
from audit.scoring import services as scoring
from audit.transactions import unit_of_work
from tests.audits.conftest import SMALL_ANSWERS

STATEMENT = services.SignOff("I confirm these answers.", "A. Commander", "Commander", True)


def _url(audit_id: int) -> str:
    return f"/scorecards/audits/{audit_id}"


def _how(audit_id: int, kind: str, code: str) -> str:
    return f"/scorecards/audits/{audit_id}/how/{kind}/{code}"


def _card(world, audit_id: int | None = None) -> engine.Scorecard:
    with world.app.app_context(), unit_of_work():
        audit = db.session.get(Audit, audit_id or world.audit)
        return engine.Scorecard.from_dict(scoring.latest(audit).data)


def _score(value: float) -> str:
    return format_decimal(value, format="#,##0.#")


def _page(world, who: str, url: str, **headers: str) -> str:
    response = world.client(who).get(url, headers=headers)
    assert response.status_code == 200, (who, url, response.status_code)
    return response.get_data(as_text=True)


def _submit(world) -> None:
    world.act(services.submit, "commander", STATEMENT)


def _chart_spec(page: str, chart_id: str) -> dict | None:
    """The spec in a chart's JSON data block (None when the page has no such chart)."""
    block = re.search(
        rf'<script type="application/json" id="{chart_id}-data">(.*?)</script>', page, re.S
    )
    return json.loads(block.group(1)) if block else None


def _scripts(page: str) -> list[str]:
    """Every <script> start tag of a page."""
    return re.findall(r"<script\b[^>]*>", page)


# --- who sees it --------------------------------------------------------------------------------


def test_after_submit_commander_adviser_and_admin_see_the_overall_score(filled):
    _submit(filled)
    card = _card(filled)
    assert card.overall.score is not None
    for who in ("commander", "adviser", "admin"):
        page = _page(filled, who, _url(filled.audit))
        assert _score(card.overall.score) in page
        assert "Overall" in page
        assert "No scorecard yet" not in page
        assert "being computed" not in page


@pytest.mark.parametrize("who", ["other_commander", "other_adviser", "donor"])
def test_people_outside_the_unit_get_404(filled, who):
    _submit(filled)
    client = filled.client(who)
    assert client.get(_url(filled.audit)).status_code == 404
    assert client.get(_how(filled.audit, "overall", "overall")).status_code == 404
    assert client.get(_how(filled.audit, "domain", "AA")).status_code == 404


def test_unknown_audit_is_404(filled):
    assert filled.client("admin").get(_url(999_999)).status_code == 404


def test_anonymous_is_sent_to_sign_in(filled):
    _submit(filled)
    for url in (_url(filled.audit), _how(filled.audit, "overall", "overall")):
        response = filled.client(None).get(url)
        assert response.status_code == 302
        assert "/login" in response.location


# --- before and while computing -----------------------------------------------------------------


def test_before_submission_there_is_no_scorecard_yet(filled):
    response = filled.client("commander").get(_url(filled.audit))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "No scorecard yet: it is computed when the audit is submitted." in page
    assert "Refresh" not in response.headers
    how = filled.client("commander").get(_how(filled.audit, "overall", "overall"))
    assert how.status_code == 404


def test_while_the_work_waits_the_page_says_so_and_reloads(filled, monkeypatch):
    task = filled.app.extensions["celery"].tasks["audit.scoring.build_scorecard"]

    def broker_down(*args, **kwargs):
        raise ConnectionError("Redis is unreachable")

    monkeypatch.setattr(task, "apply_async", broker_down)
    _submit(filled)
    response = filled.client("commander").get(_url(filled.audit))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "This scorecard is being computed; reload in a moment." in page
    assert response.headers["Refresh"] == "10"
    assert "No scorecard yet" not in page
    monkeypatch.undo()  # the broker is back: the sweep sends the work
    with filled.app.app_context(), unit_of_work():
        assert outbox.sweep() == 1
    response = filled.client("commander").get(_url(filled.audit))
    assert "Refresh" not in response.headers
    assert "being computed" not in response.get_data(as_text=True)
    assert _score(_card(filled).overall.score) in response.get_data(as_text=True)


# --- what the scorecard shows -------------------------------------------------------------------


def test_scorecard_shows_domains_benchmark_and_gaps(filled):
    _submit(filled)
    card = _card(filled)
    page = _page(filled, "adviser", _url(filled.audit))
    # domain bars (a canvas Chart.js draws from a JSON block) with a table of the same numbers
    assert '<canvas id="chart-domain-bars"' in page
    assert 'role="img"' in page
    bars = _chart_spec(page, "chart-domain-bars")
    assert bars is not None
    assert bars["kind"] == "bar"
    assert bars["labels"] == ["Alpha", "Beta"]
    assert bars["values"] == [card.domains[code].score for code in ("AA", "BB")]
    assert bars["bands"] == [card.domains[code].band for code in ("AA", "BB")]
    assert f'aria-label="{bars["summary"]}"' in page
    # Chart.js and charts.js from our own static files, deferred; no inline script
    assert _scripts(page) == [
        '<script src="/static/js/app.js" defer>',
        '<script src="/static/vendor/chart.umd.min.js" defer>',
        '<script src="/static/js/charts.js" defer>',
        '<script type="application/json" id="chart-domain-bars-data">',
    ]
    assert "<caption>" in page
    assert 'scope="col"' in page
    assert 'scope="row"' in page
    for code in ("AA", "BB"):
        assert _how(filled.audit, "domain", code) in page
        if card.domains[code].score is not None:
            assert _score(card.domains[code].score) in page
    # the benchmark: unit-level recommendations, institution-level ones apart
    unit_part, institution_part = page.split("Assessed at institution level</h3>")
    for code in ("R01", "R27", "R28"):
        assert f'<td dir="ltr">{code}</td>' in unit_part
    assert "R02" not in unit_part.split('id="benchmark"')[1]
    assert '<td dir="ltr">R02</td>' in institution_part
    assert "Facilities for women" in unit_part  # translated title from the framework
    # traffic lights carry their name, not colour alone
    band = card.recommendations["R27"].band
    assert band is not None
    assert re.search(rf'class="band band-{band}">[^<]+</span>', page)
    # the largest gaps link to the answer in the form
    assert f"/audits/{filled.audit}/domains/AA#q-AA2" in page  # "partly" loses half a point
    assert "Largest gaps" in page
    # no change column without an earlier cycle
    assert "Change since" not in page
    assert "no validated scorecard of this unit in an earlier cycle" in page
    assert "style=" not in page


def test_every_number_links_to_a_working_explanation(filled):
    _submit(filled)
    client = filled.client("commander")
    page = _page(filled, "commander", _url(filled.audit))
    links = set(re.findall(r'href="(/scorecards/audits/\d+/how/[^"#]+)', page))
    assert _how(filled.audit, "overall", "overall") in links
    assert _how(filled.audit, "recommendation", "R01") in links
    assert len(links) >= 2 + 4 + 1  # domains, recommendations, overall
    for link in links:
        assert client.get(link).status_code == 200, link


def test_the_radar_shows_from_three_domains_on(filled):
    """The small framework has two domains: the bars say it all, no degenerate radar."""
    _submit(filled)
    page = _page(filled, "commander", _url(filled.audit))
    assert "chart-domain-radar" not in page
    assert '<canvas id="chart-domain-bars"' in page


# --- how it was computed ------------------------------------------------------------------------


def test_how_a_domain_was_computed(filled):
    _submit(filled)
    card = _card(filled)
    page = _page(filled, "commander", _how(filled.audit, "domain", "AA"))
    domain = card.domains["AA"]
    assert "Alpha" in page
    for contribution in domain.contributions:
        assert f'id="c-{contribution.code}"' in page
    assert f"/audits/{filled.audit}/domains/AA#q-AA1" in page  # the answer in the form
    assert "Are there separate toilets?" in page
    assert "Yes" in page  # the answer shown as a person reads it
    assert "Σ w·s" in page
    assert f"× 100 = {_score(domain.score)}" in page
    assert f"{domain.answered} ÷ {domain.applicable} × 100" in page
    assert "50%" in page  # AA2 "partly" as a percentage


def test_how_a_recommendation_and_the_overall_score_were_computed(filled):
    _submit(filled)
    card = _card(filled)
    page = _page(filled, "commander", _how(filled.audit, "recommendation", "R27"))
    assert "Facilities for women" in page
    assert "primary" in page
    assert f"= {_score(card.recommendations['R27'].score)}" in page
    overall = _page(filled, "commander", _how(filled.audit, "overall", "overall"))
    assert "Overall score" in overall
    assert _how(filled.audit, "domain", "AA") in overall
    assert f"= {_score(card.overall.score)}" in overall
    assert 'id="meeting"' in overall
    institution = _page(filled, "commander", _how(filled.audit, "recommendation", "R02"))
    assert "Assessed at institution level" in institution


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("domain", "ZZ"),
        ("recommendation", "R99"),
        ("overall", "AA"),
        ("indicator", "AA1"),
        ("bogus", "overall"),
    ],
)
def test_unknown_kind_or_code_is_404(filled, kind, code):
    _submit(filled)
    assert filled.client("admin").get(_how(filled.audit, kind, code)).status_code == 404


def test_an_overridden_rating_is_marked(filled):
    _submit(filled)
    filled.act(services.override, "adviser", "AA3", "exceeds", "The plan is funded: see annex.")
    filled.act(services.validate, "adviser")
    page = _page(filled, "adviser", _how(filled.audit, "domain", "AA"))
    row = page.split('id="c-AA3"')[1].split("</tr>")[0]
    assert "rating overridden" in row
    assert "66.7%" in row  # the answer alone ("meets") scored ⅔


# --- change against the previous cycle ----------------------------------------------------------


def _second_cycle(world) -> int:
    """Open a later cycle for station A, answer it a little better, submit and validate it."""
    with world.app.app_context(), unit_of_work():
        cycle = services.open_cycle(
            world.user("admin"),
            name="2027",
            framework_version_id=world.version_id,
            opens_on=dt.date(2027, 1, 1),
            closes_on=dt.date(2027, 12, 31),
            unit_ids=[world.org.station_a],
        )
        audit_id = cycle.audits[0].id
    answers = {**SMALL_ANSWERS, "AA3": "exceeds"}
    for code, raw in answers.items():
        result = world.save(code, raw, audit_id=audit_id, currency="usd" if code == "BB1" else "")
        assert result.saved, (code, result)
    with world.app.app_context(), unit_of_work():
        audit = db.session.get(Audit, audit_id)
        services.add_evidence_reference(world.user("commander"), audit, "AA1", "Photos 2027")
    world.act(services.submit, "commander", STATEMENT, audit_id=audit_id)
    world.act(services.validate, "adviser", audit_id=audit_id)
    return audit_id


def test_a_later_cycle_shows_the_change(filled):
    _submit(filled)
    filled.act(services.validate, "adviser")
    later = _second_cycle(filled)
    first, second = _card(filled), _card(filled, later)
    page = _page(filled, "commander", _url(later))
    assert "Change since 2026" in page
    change = second.domains["AA"].score - first.domains["AA"].score
    assert change > 0
    assert format_decimal(change, format="+#,##0.#;-#,##0.#") in page
    overall = second.overall.score - first.overall.score
    assert format_decimal(overall, format="+#,##0.#;-#,##0.#") in page
    how = _page(filled, "commander", _how(later, "domain", "AA"))
    assert "2026:" in how
    # the first cycle has nothing earlier to compare with
    assert "Change since" not in _page(filled, "commander", _url(filled.audit))


def test_a_break_in_the_series_shows_a_dash(filled):
    _submit(filled)
    filled.act(services.validate, "adviser")
    later = _second_cycle(filled)
    with filled.app.app_context(), unit_of_work():
        # The earlier snapshot pretends to come from other scoring rules: nothing compares.
        earlier = scoring.previous(db.session.get(Audit, later))
        earlier.data = {**earlier.data, "rules_version": "1999.1"}
        db.session.commit()
    page = _page(filled, "commander", _url(later))
    assert "Change since 2026" in page
    assert "the scoring rules changed since the earlier cycle" in page
    assert '<span class="change-break">—' in page


# --- languages ----------------------------------------------------------------------------------


def test_arabic_page_is_right_to_left_with_mirrored_bars(filled):
    _submit(filled)
    english = _page(filled, "commander", _url(filled.audit), **{"Accept-Language": "en"})
    arabic = _page(filled, "commander", _url(filled.audit), **{"Accept-Language": "ar"})
    assert '<html lang="ar" dir="rtl">' in arabic
    assert "ألفا" in arabic  # the domain title in Arabic
    ltr = _chart_spec(english, "chart-domain-bars")
    rtl = _chart_spec(arabic, "chart-domain-bars")
    assert ltr is not None
    assert rtl is not None
    # The same numbers; the browser mirrors the bars (charts.js) for a right-to-left spec.
    assert (ltr["rtl"], ltr["locale"]) == (False, "en")
    assert (rtl["rtl"], rtl["locale"]) == (True, "ar")
    assert rtl["values"] == ltr["values"]
    assert rtl["bands"] == ltr["bands"]
    assert "ألفا" in rtl["labels"]
    assert rtl["summary"] != ltr["summary"]


def test_snapshot_is_read_not_recomputed(filled):
    """The page shows the stored snapshot, even if answers changed after it was taken."""
    _submit(filled)
    with filled.app.app_context(), unit_of_work():
        snapshot = scoring.latest(db.session.get(Audit, filled.audit))
        card = engine.Scorecard.from_dict(snapshot.data)
        snapshot.data = replace(card, overall=replace(card.overall, score=12.3)).to_dict()
        db.session.commit()
    assert "12.3" in _page(filled, "commander", _url(filled.audit))
