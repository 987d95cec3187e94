"""An adviser narrows the long lists from the page itself: the audits list filtered to what is
submitted, the review queue from the home page, and the portfolio's heat map sorted weakest
first, in English and Arabic, on a desktop and at 375 px (no page scrolls sideways)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server
from tests.browser.pages import check_language, new_context, shoot, sign_in

_NUMBER = re.compile(r"[\d٠-٩]+(?:[.,٫][\d٠-٩]+)?")
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩٫", "0123456789.")


def _no_sideways_scroll(page: Any) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px"


def _score(text: str) -> float:
    found = _NUMBER.search(text)
    assert found, text
    return float(found.group(0).translate(_ARABIC_DIGITS).replace(",", "."))


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_adviser_filters_the_audits_and_sorts_the_heat_map(
    browser: Any, server: Server, lang: str, width: int
) -> None:
    context = new_context(browser)
    try:
        page = sign_in(context, server, server.journeys["users"][f"adviser_{lang}"], lang)
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{server.url}/audits/")
        check_language(page, lang)
        everything = page.locator("#audit-list tbody tr").count()
        page.locator("select[name=state]").select_option("submitted")
        page.locator("form[role=search] button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"state=submitted"))
        rows = page.locator("#audit-list tbody tr")
        assert 0 < rows.count() < everything
        for row in rows.all():
            expect(row.locator(".state")).to_have_class(re.compile(r"state-submitted"))
        expect(page.locator(".pager-count").first).to_be_visible()
        _no_sideways_scroll(page)
        shoot(page, lang, f"audits-filtered-{width}")

        # The home page lists what waits for review; the queue holds the same audits.
        page.goto(f"{server.url}/")
        waiting = page.locator("#to-review li a").count()
        page.goto(f"{server.url}/audits/?queue=review")
        assert page.locator("#audit-list tbody tr a").count() == waiting > 0

        page.goto(f"{server.url}/portfolio/")
        page.locator("select[name=sort]").select_option("weakest")
        page.locator("form[aria-label] select[name=sort]").locator("xpath=ancestor::form").locator(
            "button[type=submit]"
        ).click()
        expect(page).to_have_url(re.compile(r"sort=weakest"))
        cells = page.locator("table.heat-map tbody td[data-domain=overall]")
        scores = [_score(cell.inner_text()) for cell in cells.all()]
        assert len(scores) >= 2
        assert scores == sorted(scores)
        _no_sideways_scroll(page)
        shoot(page, lang, f"heat-map-weakest-{width}")
    finally:
        context.close()
