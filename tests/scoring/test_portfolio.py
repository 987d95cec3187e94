"""Portfolio scorecards: the adviser's roll-up and the donor's aggregates under disclosure rules."""

from __future__ import annotations

import datetime as dt
import json
import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from flask_babel import format_decimal
from sqlalchemy import select

from audit.accounts.models import Role
from audit.audits import services
from audit.audits.models import Audit
from audit.extensions import db
from audit.orgs import services as orgs
from audit.orgs.models import InstitutionKind, Unit, UnitType
from audit.scoring import services as scoring
from audit.scoring.models import ScorecardSnapshot
from audit.transactions import unit_of_work
from tests.audits.conftest import SMALL_ANSWERS, World
from tests.conftest import UserFactory

STATEMENT = services.SignOff("I confirm these answers.", "A. Commander", "Commander", True)
K = 5


def table(officers: tuple[int, int, int], others: tuple[int, int, int]) -> dict[str, object]:
    """AA4 as typed into the form."""
    return {
        name: {"women": str(w), "men": str(m), "not_recorded": str(n)}
        for name, (w, m, n) in (("officers", officers), ("others", others))
    }


#: Each station answers a little differently, so that the units' scores and counts differ.
ANSWERS = {
    "a": SMALL_ANSWERS,
    "b": SMALL_ANSWERS
    | {"AA2": "yes", "AA3": "exceeds", "AA4": table((6, 9, 0), (12, 25, 0)), "AA5": "6"},
    "c": SMALL_ANSWERS
    | {"AA2": "no", "AA3": "missing", "AA4": table((1, 8, 2), (20, 40, 3)), "AA5": "1"},
    "d": SMALL_ANSWERS | {"AA3": "approaches", "AA4": table((4, 16, 0), (9, 21, 0))},
}
#: AA4 summed over stations A, B and C.
SUMS = {"officers": (10, 24, 2), "others": (42, 95, 4)}


@dataclass
class Portfolio:
    """A cycle "2027" with an audit for stations A, B and C (and D of another institution)."""

    world: World
    cycle_id: int
    audits: dict[str, int]
    units: dict[str, int]

    def fill(self, key: str) -> None:
        world, audit_id, who = self.world, self.audits[key], f"commander_{key}"
        for code, raw in ANSWERS[key].items():
            result = world.save(code, raw, who, audit_id, currency="usd" if code == "BB1" else "")
            assert result.saved, (key, code, result)
        with world.app.app_context(), unit_of_work():
            audit = db.session.get(Audit, audit_id)
            services.add_evidence_reference(world.user(who), audit, "AA1", "Photo album")

    def validate(self, key: str, adviser: str = "adviser") -> None:
        self.fill(key)
        self.world.act(services.submit, f"commander_{key}", STATEMENT, audit_id=self.audits[key])
        self.world.act(services.validate, adviser, audit_id=self.audits[key])


def build(world: World, make_user: UserFactory, *, other_institution: bool = False) -> Portfolio:
    """Station C (police, under the region), optionally station D of a second police force."""
    org = world.org
    units = {"a": org.station_a, "b": org.station_b}
    with world.app.app_context(), unit_of_work():
        units["c"] = orgs.save_unit(
            None,
            None,
            institution_id=org.police,
            parent_id=org.region,
            code="STATION-C",
            name="Station-C",
            unit_type=UnitType.STATION,
        ).id
        if other_institution:
            coast = orgs.save_institution(
                None, None, org.country, "Coast guard police", InstitutionKind.POLICE
            )
            units["d"] = orgs.save_unit(
                None,
                None,
                institution_id=coast.id,
                parent_id=None,
                code="STATION-D",
                name="Station-D",
                unit_type=UnitType.STATION,
            ).id
            coast_id = coast.id
    if other_institution:  # after the commit: make_user works in a transaction of its own
        world.emails["coast_adviser"] = make_user(Role.ADVISER, institution_id=coast_id)
    world.emails["commander_a"] = world.emails["commander"]
    world.emails["commander_b"] = world.emails["other_commander"]
    for key in ("c", "d"):
        if key in units:
            world.emails[f"commander_{key}"] = make_user(Role.COMMANDER, unit_id=units[key])
    with world.app.app_context(), unit_of_work():
        cycle = services.open_cycle(
            world.user("admin"),
            name="2027",
            framework_version_id=world.version_id,
            opens_on=dt.date(2027, 1, 1),
            closes_on=dt.date(2027, 12, 31),
            unit_ids=list(units.values()),
        )
        by_unit = {a.unit_id: a.id for a in cycle.audits}
        cycle_id = cycle.id
    return Portfolio(world, cycle_id, {k: by_unit[u] for k, u in units.items()}, units)


@pytest.fixture
def three(small_world: World, make_user: UserFactory) -> Portfolio:
    """Stations A, B and C validated in cycle 2027; station A also validated in cycle 2026."""
    portfolio = build(small_world, make_user)
    for key in ("a", "b", "c"):
        portfolio.validate(key)
    # Station A in the world's own cycle "2026" as well: the trend has two cycles.
    world = small_world
    for code, raw in ANSWERS["a"].items():
        assert world.save(code, raw, "commander", currency="usd" if code == "BB1" else "").saved
    with world.app.app_context(), unit_of_work():
        audit = db.session.get(Audit, world.audit)
        services.add_evidence_reference(world.user("commander"), audit, "AA1", "Photo album")
    world.act(services.submit, "commander", STATEMENT)
    world.act(services.validate, "adviser")
    return portfolio


# --- helpers ------------------------------------------------------------------------------------


def page(world: World, who: str, url: str) -> str:
    response = world.client(who).get(url)
    assert response.status_code == 200, (who, url, response.status_code)
    return response.get_data(as_text=True)


def score_text(world: World, value: float) -> str:
    with world.app.test_request_context():
        return format_decimal(value, format="#,##0.#")


def snapshots(world: World, audit_ids: Iterable[int]) -> list[ScorecardSnapshot]:
    """The newest validated snapshot of each audit (detached, with domains and counts loaded)."""
    with world.app.app_context(), unit_of_work():
        found = list(
            db.session.scalars(
                select(ScorecardSnapshot).where(
                    ScorecardSnapshot.id.in_(scoring.latest_validated_ids()),
                    ScorecardSnapshot.audit_id.in_(list(audit_ids)),
                )
            )
        )
        for snapshot in found:
            _ = snapshot.domains, snapshot.sex_counts
            db.session.expunge(snapshot)
        return found


class Cells(HTMLParser):
    """The text of every element whose class list contains `css`."""

    def __init__(self, css: str) -> None:
        super().__init__()
        self.css = css
        self.depth = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self.depth:
            self.depth += 1
        elif self.css in classes:
            self.depth = 1
            self.texts.append("")

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.texts[-1] += data


def texts(html: str, css: str) -> list[str]:
    parser = Cells(css)
    parser.feed(html)
    return [t.strip() for t in parser.texts]


def chart_specs(html: str) -> dict[str, dict]:
    """The chart specs of a page (the JSON data blocks Chart.js draws from), by canvas id."""
    return {
        chart_id: json.loads(data)
        for chart_id, data in re.findall(
            r'<script type="application/json" id="([^"]+)-data">(.*?)</script>', html, re.S
        )
    }


def section(html: str, scope: str) -> str:
    """The donor page's section of one scope ("institution-3", "country-1")."""
    match = re.search(rf'<section[^>]*data-scope="{scope}".*?</section>', html, re.S)
    assert match, scope
    return match.group(0)


# --- the adviser's portfolio --------------------------------------------------------------------


def test_adviser_heat_map_shows_each_unit_with_its_snapshot_scores(three):
    world = three.world
    html = page(world, "adviser", f"/portfolio/?cycle={three.cycle_id}")
    for name in ("Station-A", "Station-B", "Station-C"):
        assert name in html
    assert "Barracks" not in html  # not in the adviser's region
    for snapshot in snapshots(world, three.audits.values()):
        row = re.search(rf'<tr data-audit="{snapshot.audit_id}">(.*?)</tr>', html, re.S)
        assert row, snapshot.audit_id
        link = f'href="/scorecards/audits/{snapshot.audit_id}"'
        for domain in snapshot.domains:
            cell = re.search(rf'data-domain="{domain.domain_code}">(.*?)</td>', row.group(1), re.S)
            assert cell, domain.domain_code
            assert link in cell.group(1)
            shown = re.sub(r"<[^>]+>", "", cell.group(1)).strip()
            assert shown == score_text(world, domain.score)
        overall = re.search(r'data-domain="overall">(.*?)</td>', row.group(1), re.S)
        assert overall
        assert link in overall.group(1)
        assert score_text(world, snapshot.overall_score) in overall.group(1)


def test_rollups_count_each_unit_once_and_sum_the_counts(three):
    world = three.world
    cards = snapshots(world, three.audits.values())
    assert len(cards) == 3
    expected = statistics.mean(s.overall_score for s in cards)
    with world.app.app_context(), unit_of_work():
        scope = select(Unit.id).where(Unit.id.in_(three.units.values()))
        mean, count = scoring.overall_rollup(three.cycle_id, scope)
    assert count == 3
    assert mean == pytest.approx(expected)
    html = page(world, "adviser", f"/portfolio/?cycle={three.cycle_id}")
    assert score_text(world, expected) in html
    # Units by band: three units in all.
    bands = re.search(r'<table class="band-distribution">.*?</table>', html, re.S)
    assert bands
    counts = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', bands.group(0))]
    assert sum(counts) == 3
    # Sex-disaggregated totals are sums over the units.
    table_html = re.search(r'<table class="sex-totals" id="sex-AA4">.*?</table>', html, re.S)
    assert table_html
    for row, (women, men, not_recorded) in SUMS.items():
        line = re.search(rf'<tr data-row="{row}">.*?</tr>', table_html.group(0), re.S)
        assert line
        assert texts(line.group(0), "count") == [
            str(women),
            str(men),
            str(not_recorded),
            str(women + men + not_recorded),
        ]
    # The share is recomputed from the sums: 52 women of 177 people.
    assert "29.4%" in table_html.group(0)
    # And the same sums come out of the SQL roll-up.
    with world.app.app_context(), unit_of_work():
        scope = select(Unit.id).where(Unit.id.in_(three.units.values()))
        totals = {
            row: (w, m, n) for _, row, w, m, n, _, _ in scoring.sex_totals(three.cycle_id, scope)
        }
    assert totals == SUMS


def test_adviser_trend_has_one_row_per_cycle_and_defaults_to_the_newest(three):
    world = three.world
    html = page(world, "adviser", f"/portfolio/?cycle={three.cycle_id}")
    trend = re.search(r'<table class="trend">.*?</table>', html, re.S)
    assert trend
    rows = re.findall(r"<tr[^>]*><th scope=\"row\"><a[^>]*>([^<]+)</a>", trend.group(0))
    assert rows == ["2026", "2027"]
    # Without ?cycle= the page shows the newest open cycle.
    assert "Summary for 2027" in page(world, "adviser", "/portfolio/")
    assert "Summary for 2026" in page(world, "adviser", f"/portfolio/?cycle={world.cycle_id}")


def test_adviser_charts_hold_the_numbers_of_the_tables(three):
    world = three.world
    html = page(world, "adviser", f"/portfolio/?cycle={three.cycle_id}")
    specs = chart_specs(html)
    assert set(specs) == {"chart-portfolio-domains", "chart-portfolio-trend"}
    assert '<script src="/static/vendor/chart.umd.min.js" defer></script>' in html
    cards = snapshots(world, three.audits.values())
    domains = specs["chart-portfolio-domains"]
    assert domains["kind"] == "bar"
    for label, value in zip(domains["labels"], domains["values"], strict=True):
        code = {"Alpha": "AA", "Beta": "BB"}[label]
        scores = [d.score for c in cards for d in c.domains if d.domain_code == code]
        assert value == pytest.approx(statistics.mean(v for v in scores if v is not None))
    trend = specs["chart-portfolio-trend"]
    assert trend["kind"] == "line"
    assert trend["labels"] == ["2026", "2027"]
    assert trend["values"][1] == pytest.approx(statistics.mean(c.overall_score for c in cards))
    assert trend["rtl"] is False


def test_unknown_cycle_is_404(small_world):
    assert small_world.client("adviser").get("/portfolio/?cycle=999999").status_code == 404


# --- the donor's aggregates ---------------------------------------------------------------------


def test_donor_sees_aggregates_without_unit_names_or_small_counts(three):
    world = three.world
    html = page(world, "donor", f"/portfolio/donor?cycle={three.cycle_id}")
    with world.app.app_context(), unit_of_work():
        names = list(db.session.scalars(select(Unit.name)))
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    for name in names:
        assert not re.search(rf"\b{re.escape(name)}\b", main), name
    assert "/scorecards/" not in html
    counts = [int(t.replace(",", "")) for t in texts(html, "count") if t != "withheld"]
    assert counts  # the tables are there
    for count in counts:
        assert count == 0 or count >= K
    # Not recorded is 2 and 4 among the officers and other ranks: withheld, with complements.
    assert "withheld" in html
    police = section(html, f"institution-{world.org.police}")
    cards = snapshots(world, three.audits.values())
    expected = statistics.mean(s.overall_score for s in cards)
    assert score_text(world, expected) in police
    # The whole country is the police here (the army has no validated audit): same figures.
    country = section(html, f"country-{world.org.country}")
    assert score_text(world, expected) in country
    army = section(html, f"institution-{world.org.army}")
    assert "Not enough units to publish" in army
    # The threshold comes from the configuration.
    world.app.config["DISCLOSURE_K"] = 50
    html = page(world, "donor", f"/portfolio/donor?cycle={three.cycle_id}")
    counts = [int(t.replace(",", "")) for t in texts(html, "count") if t != "withheld"]
    for count in counts:
        assert count == 0 or count >= 50


def test_donor_charts_hold_only_published_figures(three):
    """The chart data is the published tables again: a cycle with one unit is a gap."""
    world = three.world
    html = page(world, "donor", f"/portfolio/donor?cycle={three.cycle_id}")
    police = section(html, f"institution-{world.org.police}")
    specs = chart_specs(police)
    key = f"chart-donor-institution-{world.org.police}"
    assert set(specs) == {key, f"{key}-trend"}
    cards = snapshots(world, three.audits.values())
    trend = specs[f"{key}-trend"]
    assert trend["labels"] == ["2026", "2027"]
    # 2026 has station A alone: withheld in the table, a gap (null) in the chart.
    assert trend["values"][0] is None
    assert trend["values"][1] == pytest.approx(statistics.mean(c.overall_score for c in cards))
    with world.app.app_context(), unit_of_work():
        alone = scoring.latest(db.session.get(Audit, world.audit)).overall_score
    for spec in chart_specs(html).values():
        assert alone not in spec["values"]
    army = section(html, f"institution-{world.org.army}")
    assert chart_specs(army) == {}


def test_with_two_units_the_donor_sees_no_numbers(small_world, make_user):
    portfolio = build(small_world, make_user)
    for key in ("a", "b"):
        portfolio.validate(key)
    world = small_world
    html = page(world, "donor", f"/portfolio/donor?cycle={portfolio.cycle_id}")
    police = section(html, f"institution-{world.org.police}")
    assert "Not enough units to publish" in police
    assert "headline" not in police
    assert "sex-totals" not in police
    assert texts(html, "count") == []
    country = section(html, f"country-{world.org.country}")
    assert "Not enough units to publish" in country
    # The adviser still sees both units.
    adviser = page(world, "adviser", f"/portfolio/?cycle={portfolio.cycle_id}")
    assert "Station-A" in adviser
    assert "Station-B" in adviser


def test_country_is_withheld_when_it_would_reveal_a_smaller_remainder(small_world, make_user):
    portfolio = build(small_world, make_user, other_institution=True)
    for key in ("a", "b", "c"):
        portfolio.validate(key)
    portfolio.validate("d", adviser="coast_adviser")
    world = small_world
    html = page(world, "donor", f"/portfolio/donor?cycle={portfolio.cycle_id}")
    police = section(html, f"institution-{world.org.police}")
    assert "headline" in police
    # Four units in the country, three of them published as the police: the fourth would be
    # the country minus the police.
    country = section(html, f"country-{world.org.country}")
    assert "headline" not in country
    assert "beside the institutions shown separately" in country


# --- who may see what ---------------------------------------------------------------------------


def test_access_by_role(small_world):
    world = small_world
    assert world.client("adviser").get("/portfolio/").status_code == 200
    assert world.client("admin").get("/portfolio/").status_code == 200
    assert world.client("admin").get("/portfolio/donor").status_code == 200
    assert world.client("donor").get("/portfolio/donor").status_code == 200
    assert world.client("donor").get("/portfolio/").status_code == 403
    assert world.client("adviser").get("/portfolio/donor").status_code == 403
    for url in ("/portfolio/", "/portfolio/donor"):
        assert world.client("commander").get(url).status_code == 403
        response = world.client(None).get(url)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
