"""The review in a real browser (issue 12, items 13 and 15): the commander of a returned audit
reads the reviewer's note on the home page and the audit page, in English and Arabic, on a phone
375 px wide and on a desktop; the adviser validates only once the confirmation is ticked.

The posts, people and audits come from tests/browser/seed_adviser.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Server
from tests.browser.pages import axe_violations, check_language, describe, shoot, sign_in
from tests.browser.seed_adviser import (
    ADVISER,
    COMMANDER,
    RETURN_NOTE,
    RETURNED_POST,
    SUBMITTED_POST,
)

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips and says why
    expect = None

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}


def _context(browser: Any, viewport: dict[str, int]) -> Any:
    return browser.new_context(locale="en-GB", viewport=viewport)


def _fits(page: Any, width: int) -> None:
    """Nothing on the page is wider than the screen (no sideways scrolling)."""
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"the page is {scroll} px wide on a {width} px screen"


@pytest.mark.parametrize(
    ("lang", "viewport"),
    [("en", PHONE), ("ar", PHONE), ("en", DESKTOP)],
    ids=["en-375", "ar-375", "en-desktop"],
)
def test_the_commander_reads_the_return_note(
    browser: Any, server: Server, lang: str, viewport: dict
) -> None:
    context = _context(browser, viewport)
    try:
        page = sign_in(context, server, COMMANDER, lang)
        page.goto(f"{server.url}/")
        check_language(page, lang)
        _code, name = RETURNED_POST
        card = page.locator(".card", has_text=name)
        note = card.locator("[data-return-note]")
        expect(note).to_be_visible()
        expect(note).to_have_attribute("role", "status")
        expect(note.locator("blockquote")).to_have_text(RETURN_NOTE)
        # The audit waiting for review has no note.
        expect(
            page.locator(".card", has_text=SUBMITTED_POST[1]).locator("[data-return-note]")
        ).to_have_count(0)
        _fits(page, viewport["width"])
        shoot(page, lang, f"adviser-home-returned-{viewport['width']}")
        assert not axe_violations(page), describe(axe_violations(page))

        card.get_by_role("link", name=name, exact=False).first.click()
        note = page.locator("main [data-return-note]")
        expect(note).to_be_visible()
        expect(note.locator("blockquote")).to_have_text(RETURN_NOTE)
        box = note.bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= viewport["width"]
        _fits(page, viewport["width"])
        shoot(page, lang, f"adviser-audit-returned-{viewport['width']}")
    finally:
        context.close()


def test_the_adviser_validates_through_the_confirmation(browser: Any, server: Server) -> None:
    context = _context(browser, PHONE)
    try:
        page = sign_in(context, server, ADVISER, "en")
        page.goto(f"{server.url}/audits/")
        page.get_by_role("link", name=SUBMITTED_POST[1], exact=False).first.click()
        expect(page.locator(".state")).to_have_text("Submitted")
        area = page.locator(".review-validate")
        expect(area).to_contain_text("Only an administrator can reopen the audit")
        _fits(page, PHONE["width"])
        shoot(page, "en", "adviser-validate-375")
        url = page.url

        # Without the tick the browser does not send the form, and nothing changes.
        area.get_by_role("button", name="Validate the audit").click()
        assert page.url == url
        expect(page.locator(".state")).to_have_text("Submitted")
        assert page.locator("#validate-confirm").evaluate("el => !el.validity.valid")

        page.get_by_label("I have reviewed this audit and want to validate and lock it.").check()
        area.get_by_role("button", name="Validate the audit").click()
        expect(page.locator(".flash-success")).to_contain_text("The audit has been validated.")
        expect(page.locator(".state")).to_have_text("Validated")
        expect(page.locator(".review-validate")).to_have_count(0)
    finally:
        context.close()
