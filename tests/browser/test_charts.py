"""Charts in a real browser: Chart.js, served from our own static files, draws a unit scorecard's
bars and radar in English and in Arabic (mirrored), and an adviser's trend line, under the
Content-Security-Policy and without a console error; the table behind each chart stays. Without
JavaScript, or without the vendored Chart.js, the tables alone remain and nothing breaks.

The unit is the one tests/browser/seed.py adds in `seed_charts`: answered on the shipped framework
and validated in two cycles. Its users are reached by their e-mail addresses; their pages are
found by following links, as a person would.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from audit.paths import ROOT
from audit.scoring.charts import BAND_FILLS
from tests.browser.conftest import Server
from tests.conftest import PASSWORD
from tests.services import unavailable

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails under CI=true) and says why
    expect = None

VENDORED = ROOT / "audit" / "static" / "vendor" / "chart.umd.min.js"
COMMANDER = "commander.charts@example.org"
ADVISER = "adviser.charts@example.org"
UNIT = "Charts Station"
CURRENT_CYCLE = "Charts 2026"
DRAW_WAIT = 10_000  # ms

#: Records `securitypolicyviolation` events from the first moment of every page (an init script
#: is injected by the browser itself, so the page's CSP does not apply to it).
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""

#: Painted pixels of a canvas, and how many pixels have each of the given colours exactly.
CANVAS_PIXELS = """
([id, colours]) => {
  const canvas = document.getElementById(id);
  if (!canvas || !canvas.width || !canvas.height) return null;
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  const wanted = colours.map((hex) => [1, 3, 5].map((at) => parseInt(hex.slice(at, at + 2), 16)));
  const found = colours.map(() => 0);
  let painted = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] === 0) continue;
    painted += 1;
    wanted.forEach(([r, g, b], n) => {
      if (data[i] === r && data[i + 1] === g && data[i + 2] === b && data[i + 3] === 255) {
        found[n] += 1;
      }
    });
  }
  return { width: canvas.width, height: canvas.height, painted, found };
}
"""

#: How Chart.js laid a chart out (read from the chart object that charts.js made).
CHART_LAYOUT = """
(id) => {
  const chart = Chart.getChart(document.getElementById(id));
  if (!chart) return null;
  const meta = chart.getDatasetMeta(0);
  const scales = Object.fromEntries(Object.entries(chart.scales).map(([key, scale]) => [
    key, { reverse: !!scale.options.reverse, position: scale.position, left: scale.left,
           right: scale.right, ticks: scale.ticks.map((tick) => tick.value) }]));
  return {
    type: chart.config.type,
    values: chart.data.datasets[0].data,
    bars: meta.data.map((bar) => ({ x: bar.x, base: bar.base })),
    area: { left: chart.chartArea.left, right: chart.chartArea.right },
    scales,
    rtl: chart.options.plugins.tooltip.rtl,
    locale: chart.options.locale,
  };
}
"""


@dataclass
class Watch:
    """What went wrong on a page: console errors, uncaught exceptions, failed requests."""

    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> Any:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on(
            "response",
            lambda response: (
                self.failed.append(f"{response.status} {response.url}")
                if response.status >= 400
                else None
            ),
        )
        return page

    def _console(self, message: Any) -> None:
        url = message.location.get("url") or ""
        # The browser asks for /favicon.ico by itself; the app has none (not a page's error).
        if message.type == "error" and not url.endswith("/favicon.ico"):
            self.console.append(f"{message.text} ({url})")

    def assert_clean(self, page: Any) -> None:
        violations = page.evaluate("window.__cspViolations || []")
        assert violations == [], f"Content-Security-Policy violations: {violations}"
        assert self.console == [], f"console errors: {self.console}"
        assert self.errors == [], f"uncaught errors: {self.errors}"
        assert self.failed == [], f"failed requests: {self.failed}"


@pytest.fixture(scope="module", autouse=True)
def _vendored() -> None:
    """Chart.js is copied into the static files by `make assets` (part of `make install`)."""
    if not VENDORED.exists():
        unavailable(f"{VENDORED.relative_to(ROOT)} is missing: run `make assets`")


@pytest.fixture
def contexts(browser: Any) -> Iterator[list[Any]]:
    """Browser contexts made by the test, closed afterwards."""
    made: list[Any] = []
    yield made
    for context in made:
        context.close()


def _context(browser: Any, contexts: list[Any], locale: str, **options: Any) -> Any:
    context = browser.new_context(
        locale=locale, viewport={"width": 1280, "height": 1000}, **options
    )
    context.add_init_script(WATCH_CSP)
    contexts.append(context)
    return context


def _sign_in(context: Any, server: Server, email: str, watch: Watch) -> Any:
    page = watch.attach(context.new_page())
    page.goto(f"{server.url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("header .who")).to_be_visible()
    return page


def _open_scorecard(page: Any, server: Server) -> None:
    """From the commander's home: the current cycle's audit, then its scorecard."""
    page.goto(f"{server.url}/")
    page.locator("main a", has_text=re.compile(rf"{UNIT}.*{CURRENT_CYCLE}")).click()
    page.locator("main a[href^='/scorecards/audits/']").first.click()
    expect(page).to_have_url(re.compile(r"/scorecards/audits/\d+$"))


def _spec(page: Any, chart_id: str) -> dict[str, Any]:
    return page.evaluate(
        "(id) => JSON.parse(document.getElementById(id + '-data').textContent)", chart_id
    )


def _drawn(page: Any, chart_id: str, colours: list[str], least: int = 20) -> dict[str, Any]:
    """Waits until the canvas shows each given colour on at least `least` pixels (the animation
    has run), and returns the pixel counts."""
    expect(page.locator(f"#{chart_id}")).to_be_visible()
    page.wait_for_function(
        f"([id, colours, least]) => {{ const p = ({CANVAS_PIXELS})([id, colours]);"
        " return p && p.found.every((n) => n >= least); }",
        arg=[chart_id, colours, least],
        timeout=DRAW_WAIT,
    )
    pixels = page.evaluate(CANVAS_PIXELS, [chart_id, colours])
    # Not blank: a good part of the canvas is painted (bars or the radar, grid, labels, legend).
    assert pixels["painted"] > pixels["width"] * pixels["height"] * 0.02, pixels
    return pixels


def _band_colours(spec: dict[str, Any]) -> list[str]:
    """The fills of the bands the chart's values fall in."""
    return sorted({BAND_FILLS[band] for band in spec["bands"] if band})


#: The legend shows the four bands in every chart (a box of about 14 × 12 pixels each); a bar
#: coloured by its band covers far more than that.
LEGEND = sorted(BAND_FILLS.values())
BAR_PIXELS = 600


def _check_scorecard(page: Any, rtl: bool) -> None:
    bars = _spec(page, "chart-domain-bars")
    assert bars["rtl"] is rtl
    assert len(bars["labels"]) >= 3
    assert any(value is not None for value in bars["values"])
    _drawn(page, "chart-domain-bars", _band_colours(bars), BAR_PIXELS)
    _drawn(page, "chart-domain-bars", LEGEND)
    layout = page.evaluate(CHART_LAYOUT, "chart-domain-bars")
    assert layout["type"] == "bar"
    assert layout["rtl"] is rtl
    assert layout["locale"].startswith("ar" if rtl else "en")
    assert layout["scales"]["x"]["ticks"] == [0, 40, 60, 80, 100]  # the band thresholds
    assert layout["scales"]["x"]["reverse"] is rtl
    assert layout["scales"]["y"]["position"] == ("right" if rtl else "left")
    for bar, value in zip(layout["bars"], layout["values"], strict=True):
        if value:  # right to left the bars grow leftwards from the right
            assert (bar["x"] < bar["base"]) if rtl else (bar["x"] > bar["base"]), layout
    domain_names = layout["scales"]["y"]
    if rtl:
        assert domain_names["left"] >= layout["area"]["right"] - 1
    else:
        assert domain_names["right"] <= layout["area"]["left"] + 1

    radar = _spec(page, "chart-domain-radar")
    assert radar["labels"] == bars["labels"]
    _drawn(page, "chart-domain-radar", LEGEND)
    assert page.evaluate(CHART_LAYOUT, "chart-domain-radar")["type"] == "radar"

    # The canvases are named for screen readers, and the table of the same numbers is there.
    canvas = page.locator("#chart-domain-bars")
    expect(canvas).to_have_attribute("role", "img")
    expect(canvas).to_have_attribute("aria-label", bars["summary"])
    rows = page.locator("section[aria-labelledby=domains-heading] table tbody tr")
    expect(rows).to_have_count(len(bars["labels"]))
    expect(rows.first.locator("th")).to_have_text(bars["labels"][0])


def _row_height(page: Any, chart_id: str) -> float:
    """The canvas's height on the page per bar (Chart.js keeps about 40 pixels a row)."""
    return page.evaluate(
        "(id) => { const c = document.getElementById(id);"
        " const spec = JSON.parse(document.getElementById(id + '-data').textContent);"
        " return c.getBoundingClientRect().height / spec.labels.length; }",
        chart_id,
    )


def test_scorecard_charts_in_english_and_arabic(
    browser: Any, server: Server, contexts: list[Any], screenshots: Path
) -> None:
    for locale, lang, rtl in (("en-GB", "en", False), ("ar", "ar", True)):
        watch = Watch()
        page = _sign_in(_context(browser, contexts, locale), server, COMMANDER, watch)
        _open_scorecard(page, server)
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(page.locator("html")).to_have_attribute("dir", "rtl" if rtl else "ltr")
        _check_scorecard(page, rtl)
        wide = _row_height(page, "chart-domain-bars")
        assert 30 < wide < 70
        page.locator("section[aria-labelledby=domains-heading]").screenshot(
            path=str(screenshots / lang / "scorecard-charts.png")
        )
        watch.assert_clean(page)
    # On a phone the bar chart takes the whole width and stays readable: rows keep their height.
    page.set_viewport_size({"width": 400, "height": 800})
    page.wait_for_function(
        "() => document.getElementById('chart-domain-bars').getBoundingClientRect().width < 400"
    )
    page.wait_for_function(
        "(wide) => { const id = 'chart-domain-bars';"
        " const rows = JSON.parse(document.getElementById(id + '-data').textContent).labels.length;"
        " const high = document.getElementById(id).getBoundingClientRect().height;"
        " return Math.abs(high / rows - wide) < wide * 0.15; }",
        arg=wide,
        timeout=DRAW_WAIT,
    )
    watch.assert_clean(page)


def test_adviser_trend_line_and_domain_chart(
    browser: Any, server: Server, contexts: list[Any], screenshots: Path
) -> None:
    watch = Watch()
    page = _sign_in(
        _context(browser, contexts, "en-GB", reduced_motion="reduce"), server, ADVISER, watch
    )
    page.goto(f"{server.url}/portfolio/")
    trend = _spec(page, "chart-portfolio-trend")
    assert trend["kind"] == "line"
    assert trend["labels"][-2:] == ["Charts 2025", CURRENT_CYCLE]
    _drawn(page, "chart-portfolio-trend", LEGEND)
    assert page.evaluate(CHART_LAYOUT, "chart-portfolio-trend")["type"] == "line"
    expect(page.locator("table.trend tbody tr")).to_have_count(len(trend["labels"]))
    page.locator("section[aria-labelledby=trend-heading]").screenshot(
        path=str(screenshots / "en" / "portfolio-trend.png")
    )
    # The cycle's own figures: the mean score by domain.
    page.locator("table.trend a", has_text=CURRENT_CYCLE).click()
    domains = _spec(page, "chart-portfolio-domains")
    _drawn(page, "chart-portfolio-domains", _band_colours(domains), BAR_PIXELS)
    page.screenshot(path=str(screenshots / "en" / "portfolio-charts.png"), full_page=True)
    watch.assert_clean(page)


def test_without_javascript_or_chartjs_the_tables_remain(
    browser: Any, server: Server, contexts: list[Any]
) -> None:
    # No JavaScript: the figures stay hidden (no empty box), the table is there.
    watch = Watch()
    page = _sign_in(
        _context(browser, contexts, "en-GB", java_script_enabled=False), server, COMMANDER, watch
    )
    _open_scorecard(page, server)
    expect(page.locator("[data-chart-figure]").first).to_be_hidden()
    expect(page.locator("section[aria-labelledby=domains-heading] table")).to_be_visible()

    # The vendored Chart.js does not arrive: charts.js leaves the figures hidden, no error.
    watch = Watch()
    context = _context(browser, contexts, "en-GB")
    context.route("**/static/vendor/chart.umd.min.js", lambda route: route.abort())
    page = _sign_in(context, server, COMMANDER, watch)
    _open_scorecard(page, server)
    page.wait_for_load_state("load")
    expect(page.locator("[data-chart-figure]").first).to_be_hidden()
    expect(page.locator("section[aria-labelledby=domains-heading] table")).to_be_visible()
    assert watch.errors == []
    assert page.evaluate("typeof Chart") == "undefined"
