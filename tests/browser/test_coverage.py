"""A share whose inputs are skipped is skipped with them, in a real browser (issue 12, item 6).

The unit is the one tests/browser/seed_coverage.py adds: every gender-adviser question answered
but GA9. Answering GA9 "no" hides the team table GA9a and the share of women GA9b at once (not a
"—" left to count as unanswered), and the domain menu says 9/9, the scorecard's own count; "yes"
brings the share back as a question still to complete. In English on a desktop and in Arabic on
a 375 px phone.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Server
from tests.browser.pages import SAVE_WAIT, check_language, shoot, sign_in
from tests.browser.seed_coverage import COMMANDER

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails under CI=true) and says why
    expect = None

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 800}}


@pytest.mark.parametrize(("lang", "size"), [("en", "desktop"), ("ar", "phone")])
def test_no_teams_hide_their_share_and_the_menu_counts_as_the_scorecard(
    browser: Any, server: Server, lang: str, size: str
) -> None:
    context = browser.new_context(locale="en-GB", viewport=VIEWPORTS[size])
    page = sign_in(context, server, COMMANDER, lang)
    page.locator("main .card h3 a").first.click()
    page.locator("main a[href$='/domains/GA']").first.click()
    check_language(page, lang)
    count = page.locator("nav.domain-nav li[data-domain=GA] .count")
    share, table = page.locator("#q-GA9b"), page.locator("#q-GA9a")

    page.check("input[name=GA9][value=yes]")
    expect(count).to_have_text("9/10", timeout=SAVE_WAIT)  # the share waits for the table
    expect(share).to_be_visible()
    expect(table).to_be_visible()

    page.check("input[name=GA9][value=no]")
    expect(count).to_have_text("9/9", timeout=SAVE_WAIT)
    expect(share).to_be_hidden()
    expect(table).to_be_hidden()
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved", timeout=SAVE_WAIT)
    shoot(page, lang, f"coverage-GA9-no-{size}")

    page.reload()  # the server says the same
    expect(count).to_have_text("9/9")
    expect(share).to_be_hidden()
    assert page.locator("[data-computed=GA9b]").count() == 1  # in the page, only hidden
    context.close()
