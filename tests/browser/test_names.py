"""A unit's name in the reader's language, in a real browser: the commander of the post that
tests/browser/seed_names.py gives Arabic, French and Spanish names reads it in Arabic (right to
left) and in English (the name as entered), on a desktop and on a 375 px phone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Server
from tests.browser.pages import check_language, heading, is_arabic, shoot, sign_in
from tests.browser.seed_names import NAMES_COMMANDER, NAMES_UNIT, NAMES_VERSIONS

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails under CI=true) and says why
    expect = None

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}


@pytest.mark.parametrize("size", VIEWPORTS)
@pytest.mark.parametrize(
    ("lang", "shown"), [("ar", NAMES_VERSIONS["ar"]), ("en", NAMES_UNIT)], ids=["ar", "en"]
)
def test_the_commander_reads_the_unit_s_name_in_their_language(
    browser: Any, server: Server, lang: str, shown: str, size: str
) -> None:
    context = browser.new_context(locale="en-GB", viewport=VIEWPORTS[size])
    try:
        page = sign_in(context, server, NAMES_COMMANDER, lang)
        page.goto(f"{server.url}/units")
        check_language(page, lang)
        link = page.locator("main a", has_text=shown)
        expect(link).to_be_visible()
        link.click()
        check_language(page, lang)
        assert heading(page) == shown
        assert is_arabic(heading(page)) == (lang == "ar")
        assert page.title().startswith(shown)
        box = page.locator("main h1").bounding_box()
        assert box is not None
        assert box["x"] + box["width"] <= VIEWPORTS[size]["width"] + 1  # no overflow
        shoot(page, lang, f"names-unit-{size}")
    finally:
        context.close()
