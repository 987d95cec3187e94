"""Every main page of every role at 375 px, in English and in Arabic: nothing scrolls sideways and
axe-core finds no serious or critical violation; and the portfolio's unit × domain table at
desktop width keeps its first column in view while it scrolls inside its own box.

"Nothing scrolls sideways" is measured as a person would meet it: the document (and the body) are
no wider than the window. Wide tables scroll inside their own box (.table-scroll), which is a
focusable, named region, so axe's scrollable-region-focusable rule holds too. When a page does
stick out, the failure names the elements whose edges pass the window's, outermost first.

Each role signs in once per language in one 375 px browser profile and visits its pages in turn;
pages reached from a list (a user's form, a framework version, an institution's units) are found
by following the list's first link, as a person would. The data is seed.py's: the journeys'
Border Police (small framework) and the charts unit (the shipped framework: many domains, long
names, a radar and a trend line).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import Server
from tests.browser.pages import (
    LANGUAGES,
    axe_violations,
    describe,
    sign_in,
    visit,
)

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}

#: The widths a page takes, and the outermost elements that pass the window's edges (outside any
#: box that scrolls or clips on its own).
OVERFLOW = """
() => {
  const width = window.innerWidth;
  const scrolls = (el) => {
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.overflowX !== "visible") return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (!box.width || (box.right <= width + 0.5 && box.left >= -0.5)) continue;
    if (scrolls(el)) continue;
    if (out.some((outer) => outer.contains(el))) continue;
    out.push(el);
  }
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + [...el.classList].map((c) => "." + c).join("");
  return {
    width,
    document: document.documentElement.scrollWidth,
    body: document.body.scrollWidth,
    wide: out.slice(0, 8).map((el) => {
      const box = el.getBoundingClientRect();
      return `${name(el)} [${Math.round(box.left)}, ${Math.round(box.right)}]`;
    }),
  };
}
"""

#: A page: its name (screenshots), and its path or how to find it from the page before.
Where = str | Callable[[Any], str]


def link(pattern: str) -> Callable[[Any], str]:
    """The first link on the current page whose path matches `pattern`."""
    compiled = re.compile(pattern)

    def find(page: Any) -> str:
        hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(a => a.pathname)")
        for href in hrefs:
            if compiled.fullmatch(href):
                return href
        raise AssertionError(f"no link matching {pattern} on {page.url}")

    return find


def _pages(server: Server, role: str) -> tuple[str, list[tuple[str, Where]]]:
    users, audits = server.journeys["users"], server.journeys["audits"]
    form, review, done = audits["BP-FRM"], audits["BP-RAX"], audits["BP-V1"]
    roles: dict[str, tuple[str, list[tuple[str, Where]]]] = {
        "administrator": (
            "admin@example.org",
            [
                ("home", "/"),
                ("users", "/admin/users"),
                ("user-edit", link(r"/admin/users/\d+")),
                ("user-new", "/admin/users/new"),
                ("organisations", "/admin/orgs"),
                ("institution-units", link(r"/admin/institutions/\d+/units")),
                ("unit-form", link(r"/admin/units/\d+")),
                ("unit-new", "/admin/units/new"),
                ("institution-new", "/admin/institutions/new"),
                ("units", "/units"),
                ("cycles", "/admin/cycles/"),
                ("cycle", link(r"/admin/cycles/\d+")),
                ("cycle-new", "/admin/cycles/new"),
                ("frameworks", "/admin/frameworks/"),
                ("framework", link(r"/admin/frameworks/\d+")),
                ("framework-domain", link(r"/admin/frameworks/\d+/domains/\w+")),
                ("exports", "/exports/"),
                ("activity", "/admin/activity"),
                ("system", "/admin/system"),
                ("portfolio", "/portfolio/"),
                ("donor", "/portfolio/donor"),
                ("password", "/account/password"),
                ("two-step", "/account/two-step"),
            ],
        ),
        "commander": (
            users["commander_axe"],
            [
                ("home", "/"),
                ("audits", "/audits/"),
                ("audit", f"/audits/{form}"),
                ("form-FA", f"/audits/{form}/domains/FA"),
                ("form-PE", f"/audits/{form}/domains/PE"),
                ("history", f"/audits/{form}/history"),
                ("exports", "/exports/"),
            ],
        ),
        "adviser": (
            users["adviser_axe"],
            [
                ("home", "/"),
                ("portfolio", "/portfolio/"),
                ("scorecard", f"/scorecards/audits/{done}"),
                ("how-overall", f"/scorecards/audits/{done}/how/overall/overall"),
                ("how-domain", f"/scorecards/audits/{done}/how/domain/FA"),
                ("review", f"/audits/{review}"),
                ("review-FA", f"/audits/{review}/domains/FA"),
                ("review-PE", f"/audits/{review}/domains/PE"),
                ("history", f"/audits/{review}/history"),
                ("units", "/units"),
                ("unit", link(r"/units/\d+")),
                ("two-step", "/account/two-step"),
            ],
        ),
        "donor": (
            users["donor_axe"],
            [("home", "/"), ("donor", "/portfolio/donor"), ("exports", "/exports/")],
        ),
    }
    # The charts unit (seed_charts): its adviser's pages, found by following links.
    roles["charts"] = (
        "adviser.charts@example.org",
        [
            ("home", "/"),
            ("audits", "/audits/"),
            ("audit", link(r"/audits/\d+")),
            *[(f"form-{n}", _nth_domain(n)) for n in range(8)],
            ("history", link(r"/audits/\d+/history")),
            ("audit-again", link(r"/audits/\d+")),
            ("scorecard", link(r"/scorecards/audits/\d+")),
            ("how", link(r"/scorecards/audits/\d+/how/domain/\w+")),
            ("portfolio", "/portfolio/"),
        ],
    )
    return roles[role]


def _nth_domain(number: int) -> Callable[[Any], str]:
    """The audit's `number`-th domain page, from the menu of the page before (the audit page or
    the previous domain page)."""

    def find(page: Any) -> str:
        hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(a => a.pathname)")
        domains = list(
            dict.fromkeys(h for h in hrefs if re.fullmatch(r"/audits/\d+/domains/\w+", h))
        )
        assert len(domains) > number, f"{page.url} lists {len(domains)} domains"
        return domains[number]

    return find


def _wide(page: Any) -> str | None:
    """What sticks out of the window, or None."""
    found = page.evaluate(OVERFLOW)
    if found["document"] <= found["width"] and found["body"] <= found["width"]:
        return None
    return f"document {found['document']} px, body {found['body']} px in {found['width']} px: " + (
        ", ".join(found["wide"]) or "(no single element)"
    )


ROLES = ["administrator", "commander", "adviser", "donor", "charts"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_pages_fit_a_phone_and_pass_axe(browser: Any, server: Server, lang: str, role: str) -> None:
    email, pages = _pages(server, role)
    context = browser.new_context(locale="en-GB", viewport=PHONE)
    try:
        page = sign_in(context, server, email, lang)
        report = []
        for name, where in pages:
            path = where if isinstance(where, str) else where(page)
            visit(page, server.url + path, lang, f"phone-{role}-{name}")
            page.wait_for_load_state("load")
            if page.locator("canvas[data-chart]").count():
                page.wait_for_function(
                    "() => !document.querySelector('canvas[data-chart]:not([data-chart-ready])')"
                )
            wide = _wide(page)
            if wide:
                report.append(f"{name} ({path}): {wide}")
            violations = axe_violations(page)
            if violations:
                report.append(f"{name} ({path}) axe:\n{describe(violations)}")
        assert not report, f"At 375 px in {lang}:\n" + "\n".join(report)
    finally:
        context.close()


def _charts_page(browser: Any, server: Server, lang: str, viewport: dict[str, int]) -> Any:
    """The charts unit's adviser, signed in, in a browser profile of `viewport`'s size."""
    context = browser.new_context(locale="en-GB", viewport=viewport)
    return sign_in(context, server, CHARTS_ADVISER, lang)


CHARTS_ADVISER = "adviser.charts@example.org"

#: The portfolio's unit × domain table: how its box and first column are laid out, before and
#: after the box is scrolled to its far end (leftwards in Arabic).
HEAT_MAP = """
() => {
  const box = document.querySelector(".heat-map-box");
  const table = box.querySelector("table.heat-map");
  const first = table.querySelector("tbody tr > th");
  const corner = table.querySelector("thead tr > :first-child");
  const rtl = getComputedStyle(box).direction === "rtl";
  const edge = () => {
    const cell = first.getBoundingClientRect(), frame = box.getBoundingClientRect();
    return rtl ? frame.right - cell.right : cell.left - frame.left;
  };
  const before = edge();
  box.scrollLeft = rtl ? -box.scrollWidth : box.scrollWidth;
  const scrolled = Math.abs(box.scrollLeft);
  const after = edge();
  box.scrollLeft = 0;
  return {
    page: document.documentElement.scrollWidth, window: window.innerWidth,
    box: box.clientWidth, container: box.parentElement.clientWidth, table: table.scrollWidth,
    role: box.getAttribute("role"), name: box.getAttribute("aria-label"),
    tabindex: box.tabIndex, position: getComputedStyle(first).position,
    cornerPosition: getComputedStyle(corner).position,
    background: getComputedStyle(first).backgroundColor,
    before, scrolled, after,
  };
}
"""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_portfolio_table_scrolls_in_its_box_with_the_units_in_view(
    browser: Any, server: Server, lang: str
) -> None:
    page = _charts_page(browser, server, lang, DESKTOP)
    try:
        page.goto(f"{server.url}/portfolio/")
        # The charts unit's cycle, chosen from the picker as a person would (8 domains).
        picker = page.locator("main form.cycle-form select")
        value = picker.locator("option", has_text="Charts 2026").get_attribute("value")
        page.goto(f"{server.url}/portfolio/?{picker.get_attribute('name')}={value}")
        found = page.evaluate(HEAT_MAP)
        assert found["page"] <= found["window"], found
        assert found["box"] <= found["container"], found
        assert found["table"] > found["box"], "the table fits: nothing to scroll, nothing tested"
        assert (found["role"], found["tabindex"]) == ("region", 0), found
        assert found["name"], found
        assert found["position"] == found["cornerPosition"] == "sticky", found
        assert found["background"] not in ("rgba(0, 0, 0, 0)", "transparent"), found
        assert found["scrolled"] > 0, found
        assert abs(found["before"]) <= 1, found
        assert abs(found["after"]) <= 1, found
        # Readable headers: every domain's full name, wrapped to a few words a line.
        headers = page.locator("table.heat-map thead th.num")
        widths = headers.evaluate_all("ths => ths.map(th => th.getBoundingClientRect().width)")
        assert max(widths) <= 10 * 16 + 1, widths
        # The box shows it has the focus (the keyboard scrolls it with the arrow keys).
        page.locator(".heat-map-box").focus()
        page.keyboard.press("ArrowRight" if lang == "en" else "ArrowLeft")
        outline = page.locator(".heat-map-box").evaluate("el => getComputedStyle(el).outlineStyle")
        assert outline != "none"
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_domain_menu_is_one_line_on_a_phone_and_opens_with_the_keyboard(
    browser: Any, server: Server, lang: str
) -> None:
    users, audits = server.journeys["users"], server.journeys["audits"]
    context = browser.new_context(locale="en-GB", viewport=PHONE)
    try:
        page = sign_in(context, server, users["commander_axe"], lang)
        page.goto(f"{server.url}/audits/{audits['BP-FRM']}/domains/FA")
        menu = page.locator("nav.domain-nav details.domain-menu")
        links = menu.locator("ol a")
        assert menu.get_attribute("open") is None
        assert not links.first.is_visible()
        assert menu.bounding_box()["height"] < 60
        menu.locator("summary").focus()
        page.keyboard.press("Enter")
        assert menu.get_attribute("open") is not None
        assert links.first.is_visible()
        # On a desktop the whole list shows at once, without a summary to open.
        page.set_viewport_size(DESKTOP)
        page.reload()
        assert menu.get_attribute("open") is None
        assert links.first.is_visible()
        assert links.last.is_visible()
        assert not menu.locator("summary").is_visible()
        page.keyboard.press("Tab")  # the list's links are reached with the keyboard too
        for _ in range(30):
            if page.evaluate("() => !!document.activeElement.closest('.domain-menu')"):
                break
            page.keyboard.press("Tab")
        assert page.evaluate("() => !!document.activeElement.closest('.domain-menu ol a')")
    finally:
        context.close()


#: Where Chart.js put the labels of a scorecard's bar chart and radar, against the canvas.
CHART_LABELS = """
() => {
  const out = {};
  for (const canvas of document.querySelectorAll("canvas[data-chart]")) {
    const chart = Chart.getChart(canvas);
    if (!chart) continue;
    const type = chart.config.type;
    if (type === "bar") {
      const scale = chart.scales.y;
      chart.ctx.save();
      const font = scale.options.ticks.font;
      chart.ctx.font = `${font.weight || ""} ${font.size}px ${font.family}`;
      const widest = Math.max(...scale.ticks.flatMap((tick) => [].concat(tick.label))
        .map((line) => chart.ctx.measureText(line).width));
      chart.ctx.restore();
      out.bar = { canvas: chart.width, axis: scale.width, widest,
                  lines: scale.ticks.map((tick) => [].concat(tick.label)) };
    } else if (type === "radar") {
      const items = chart.scales.r._pointLabelItems || [];
      out.radar = { canvas: chart.width, height: chart.height,
                    left: Math.min(...items.map((i) => i.left)),
                    right: Math.max(...items.map((i) => i.right)) };
    }
  }
  return out;
}
"""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_scorecard_chart_labels_fit_a_phone(browser: Any, server: Server, lang: str) -> None:
    page = _charts_page(browser, server, lang, PHONE)
    try:
        page.goto(f"{server.url}/audits/")
        page.goto(server.url + link(r"/audits/\d+")(page))
        page.goto(server.url + link(r"/scorecards/audits/\d+")(page))
        page.wait_for_function(
            "() => document.querySelectorAll('canvas[data-chart-ready]').length >= 2"
        )
        found = page.evaluate(CHART_LABELS)
        bar, radar = found["bar"], found["radar"]
        assert bar["canvas"] <= PHONE["width"], bar
        assert bar["widest"] <= bar["axis"], bar
        assert any(len(lines) > 1 for lines in bar["lines"]), "long names are wrapped"
        assert radar["left"] >= 0, radar
        assert radar["right"] <= radar["canvas"], radar
        assert _wide(page) is None
    finally:
        page.context.close()
