"""The donor page's R01-R30 benchmark as a donor sees it: every recommendation of the framework
(the browser seed's framework has two),
a number or the reason there is none, in English and Arabic, on a desktop and at 375 px (the
table scrolls inside its box; the page itself does not scroll sideways)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server
from tests.browser.pages import check_language, new_context, shoot, sign_in

#: What is wider than the window outside a scrolling box (for the failure message).
_TOO_WIDE = """() => [...document.querySelectorAll("body *")]
  .filter(e => !e.closest(".table-scroll")
    && e.getBoundingClientRect().width > document.documentElement.clientWidth + 1)
  .slice(-4).map(e => e.tagName + "." + e.className + " " + e.innerText.slice(0, 40))"""

#: A number as Babel writes it in English or Arabic.
_SCORE = re.compile(r"^[\d٠-٩.,٫٬]+$")


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_donor_page_shows_the_benchmark(
    browser: Any, server: Server, lang: str, width: int
) -> None:
    context = new_context(browser)
    try:
        page = sign_in(context, server, server.journeys["users"][f"donor_{lang}"], lang)
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{server.url}/portfolio/donor")
        check_language(page, lang)
        institution = str(server.journeys["institution"])
        section = page.locator("main section.card").filter(
            has=page.locator("h2", has_text=institution)
        )
        table = section.locator("table.benchmark")
        expect(table).to_have_count(1)
        lines = table.locator("tbody tr")
        codes = [line.locator("th").inner_text().strip() for line in lines.all()]
        # Every recommendation of the seeded framework (R27 and R28), in order.
        assert codes == ["R27", "R28"]
        for line in lines.all():
            cells = line.locator("td")
            if cells.count() == 4:  # title, mean, band, coverage
                assert _SCORE.match(cells.nth(1).inner_text().strip())
            else:  # title, and why there is no number
                assert cells.nth(1).inner_text().strip()
        table.scroll_into_view_if_needed()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        wide = page.evaluate(_TOO_WIDE)
        assert overflow <= 1, f"the page scrolls sideways by {overflow}px {wide}"
        shoot(page, lang, f"donor-benchmark-{width}")
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_adviser_downloads_the_full_data_as_csv(
    browser: Any, server: Server, lang: str, width: int, tmp_path: Any
) -> None:
    """On the portfolio page the adviser picks CSV in the format list (labelled, in their
    language, not wider than the phone), asks for it, waits, and gets a zip whose answers.csv
    starts with a byte-order mark and has headings in that language."""
    import csv
    import io
    import zipfile

    context = new_context(browser)
    try:
        page = sign_in(context, server, server.journeys["users"][f"adviser_{lang}"], lang)
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{server.url}/portfolio/")
        check_language(page, lang)
        choice = page.locator("form.export-choice")
        select = choice.locator("select[name=format]")
        expect(select).to_have_value("xlsx")  # a small portfolio: Excel comes first
        label = choice.locator("label")
        assert label.get_attribute("for") == select.get_attribute("id")
        expect(label).not_to_be_empty()
        select.select_option("csv")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, (
            f"the page scrolls sideways by {overflow}px {page.evaluate(_TOO_WIDE)}"
        )
        shoot(page, lang, f"full-data-format-{width}")
        choice.locator("button[type=submit]").click()
        link = page.locator("#export-download a")
        expect(link).to_be_visible(timeout=60_000)
        with page.expect_download() as info:
            link.click()
        download = info.value
        assert download.suggested_filename.endswith(".zip")
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        with zipfile.ZipFile(saved) as book:
            raw = book.read("answers.csv")
        assert raw.startswith(b"\xef\xbb\xbf")
        header, *rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
        assert rows
        arabic = re.search("[\u0600-\u06ff]", header[0])
        assert bool(arabic) == (lang == "ar"), header[0]
    finally:
        context.close()
