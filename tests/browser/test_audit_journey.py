"""The audit journey in a real browser: autosave through a lost connection, edits restored after a
closed tab, sign-off, a query and a return, a reply, resubmission and validation.

One commander and one adviser, each in their own browser context (their own cookies and storage),
on the small framework in ./framework: FA1 yes/no, FA2 rubric skipped when FA1 is "no", FA3 count;
PE1 table by sex, PE2 yes/no, PE3 text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.browser.conftest import Server
from tests.conftest import PASSWORD

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails under CI=true) and says why
    expect = None

SAVE_WAIT = 15_000  # ms: a retry after a lost connection waits up to a few seconds


def _sign_in(context: Any, server: Server, email: str) -> Any:
    page = context.new_page()
    page.goto(f"{server.url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("header .who")).to_be_visible()
    return page


def _domain(server: Server, code: str) -> str:
    return f"{server.url}/audits/{server.audit_id}/domains/{code}"


def _show(server: Server) -> str:
    return f"{server.url}/audits/{server.audit_id}"


def _status(page: Any) -> Any:
    return page.locator("#save-status")


def _saved(page: Any) -> None:
    expect(_status(page)).to_have_attribute("data-state", "saved", timeout=SAVE_WAIT)
    expect(_status(page)).to_have_text("All changes saved")


def _stored(page: Any, server: Server, code: str) -> str | None:
    """This browser's unsent copy of an answer (None once the server has it)."""
    return page.evaluate(
        "(key) => localStorage.getItem(key)", f"wps-audit-{server.audit_id}:{code}"
    )


def _flash(page: Any, text: str) -> None:
    expect(page.locator(".flash-success")).to_contain_text(text)


def _state(page: Any, label: str) -> None:
    expect(page.locator(".facts .state")).to_have_text(label)


def _sign_off(page: Any, server: Server) -> None:
    page.goto(_show(server))
    expect(page.locator("ul.blocking")).to_have_count(0)
    expect(page.locator(".sign-off-statement")).not_to_be_empty()
    page.fill("input[name=name]", "Cdr Haddad")
    page.fill("input[name=position]", "Station commander")
    page.check("input[name=confirm]")
    page.get_by_role("button", name="Sign off and submit").click()
    _flash(page, "The audit has been submitted for review.")
    _state(page, "Submitted")


def test_commander_and_adviser_take_an_audit_from_first_answer_to_validation(
    browser: Any, server: Server, screenshots: Path
) -> None:
    commander = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    adviser = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = _sign_in(commander, server, server.commander)

    # --- part of a domain; the skip rule follows the answers -----------------------------------
    page.goto(_domain(server, "FA"))
    fa1_yes = page.locator("input[name=FA1][value=yes]")
    fa3 = page.locator("input[name=FA3]")
    count = page.locator("nav.domain-nav li[data-domain=FA] .count")
    before = count.inner_text()
    page.check("input[name=FA1][value=no]")
    _saved(page)
    expect(count).not_to_have_text(before)  # the menu counts the answer, without a reload
    expect(page.locator("#q-FA2")).to_be_hidden()
    fa1_yes.check()
    _saved(page)
    expect(page.locator("#q-FA2")).to_be_visible()

    # --- the connection drops while they type; it comes back and the save goes through ---------
    commander.set_offline(True)
    fa3.fill("1")
    expect(_status(page)).to_have_attribute("data-state", "offline", timeout=SAVE_WAIT)
    expect(_status(page)).to_have_text("Not saved — retrying")
    fa3.press_sequentially("4")  # they keep typing
    expect(_status(page)).to_have_attribute("data-state", "offline", timeout=SAVE_WAIT)
    assert _stored(page, server, "FA3") is not None
    page.screenshot(path=str(screenshots / "en" / "domain-FA-offline.png"))
    commander.set_offline(False)
    _saved(page)
    assert _stored(page, server, "FA3") is None
    page.screenshot(path=str(screenshots / "en" / "domain-FA.png"), full_page=True)

    page.reload()
    expect(fa1_yes).to_be_checked()
    expect(fa3).to_have_value("14")
    expect(page.locator("nav.domain-nav li[aria-current=page] .count")).to_have_text("2/3")

    # --- the tab is closed before the background save fires: the edit comes back and is sent --
    page.check("input[name=FA2][value=meets]")
    page.close()
    page = commander.new_page()
    page.goto(_domain(server, "FA"))
    expect(page.locator("input[name=FA2][value=meets]")).to_be_checked()
    _saved(page)
    assert _stored(page, server, "FA2") is None
    page.reload()
    expect(page.locator("input[name=FA2][value=meets]")).to_be_checked()
    expect(page.locator("nav.domain-nav li[aria-current=page] .count")).to_have_text("3/3")

    # --- the tab is closed while offline: the edit waits in this browser until the next visit --
    page.goto(_domain(server, "PE"))
    commander.set_offline(True)
    practice = "Women officers mentor new recruits."
    page.fill("textarea[name=PE3]", practice)
    expect(_status(page)).to_have_attribute("data-state", "offline", timeout=SAVE_WAIT)
    page.close()
    commander.set_offline(False)
    page = commander.new_page()
    page.goto(_domain(server, "PE"))
    expect(page.locator("textarea[name=PE3]")).to_have_value(practice)
    _saved(page)
    assert _stored(page, server, "PE3") is None

    # --- the rest of the form: the table totals itself ----------------------------------------
    cells = {"officers": ("3", "9", "0"), "others": ("11", "40", "1")}
    for row, numbers in cells.items():
        for column, number in zip(("women", "men", "not_recorded"), numbers, strict=True):
            page.fill(f"input[name=PE1-{row}-{column}]", number)
    table = page.locator("table[data-table=PE1]")
    expect(table.locator("[data-row-total=officers]")).to_have_text("12")
    expect(table.locator("[data-column-total=women]")).to_have_text("14")
    expect(table.locator("[data-grand-total]")).to_have_text("64")
    _saved(page)
    page.check("input[name=PE2][value=yes]")
    _saved(page)
    page.screenshot(path=str(screenshots / "en" / "domain-PE.png"), full_page=True)

    # The same page in Arabic, right to left, chosen from the header.
    page.select_option("#locale-switch", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("h1")).to_have_text("الأفراد")
    page.screenshot(path=str(screenshots / "ar" / "domain-PE.png"), full_page=True)
    page.goto(_domain(server, "FA"))
    page.screenshot(path=str(screenshots / "ar" / "domain-FA.png"), full_page=True)
    page.select_option("#locale-switch", "en")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")

    # --- sign off and submit -----------------------------------------------------------------
    _sign_off(page, server)

    # --- the adviser asks about the beds and returns the audit --------------------------------
    review = _sign_in(adviser, server, server.adviser)
    review.goto(_domain(server, "FA"))
    expect(review.locator("#save-status")).to_have_count(0)
    # Readers get the answer as text, not as a disabled input (issue 12, item 15).
    expect(review.locator("input[name=FA3]")).to_have_count(0)
    expect(review.locator("#q-FA3 .answer-value")).to_have_text("14")
    expect(review.locator("#query-FA3")).to_be_enabled()
    review.fill("#query-FA3", "The register lists 12 beds, not 14: which is right?")
    review.screenshot(path=str(screenshots / "en" / "review-FA.png"), full_page=True)
    review.locator("#q-FA3").get_by_role("button", name="Send query").click()
    _flash(review, "The query has been sent.")
    review.goto(_show(server))
    review.fill("#return-note", "One question on the beds.")
    review.get_by_role("button", name="Return to the unit").click()
    _flash(review, "The audit has been returned to the unit.")
    _state(review, "Returned to the unit")

    # --- the commander corrects the answer, replies and submits again -------------------------
    page.goto(_show(server))
    _state(page, "Returned to the unit")
    page.locator("main ul a", has_text="FA3").click()
    expect(page).to_have_url(re.compile(r"/domains/FA#q-FA3$"))
    expect(page.locator("#q-FA3 .thread")).to_contain_text("The register lists 12 beds")
    page.fill("input[name=FA3]", "12")
    _saved(page)
    page.locator("#q-FA3 textarea[id^=reply-]").fill("Right: two beds were moved. Now 12.")
    page.locator("#q-FA3").get_by_role("button", name="Send reply").click()
    _flash(page, "Your reply has been sent.")
    expect(page.locator("input[name=FA3]")).to_have_value("12")
    _sign_off(page, server)

    # --- the adviser sees what changed and validates ------------------------------------------
    review.goto(_domain(server, "FA"))
    expect(review.locator("#q-FA3")).to_have_class(re.compile(r"\bchanged\b"))
    expect(review.locator("#q-FA1")).not_to_have_class(re.compile(r"\bchanged\b"))
    expect(review.locator("#q-FA3 .thread")).to_contain_text("two beds were moved")
    review.goto(_show(server))
    review.check("#validate-confirm")
    review.get_by_role("button", name="Validate").click()
    _flash(review, "The audit has been validated.")
    _state(review, "Validated")

    # --- validated: the commander reads the answers but can no longer change them -------------
    page.goto(_show(server))
    _state(page, "Validated")
    expect(page.get_by_role("button", name="Sign off and submit")).to_have_count(0)
    page.goto(_domain(server, "FA"))
    expect(page.locator(".flash-info")).to_contain_text("This audit is locked")
    expect(page.locator("#save-status")).to_have_count(0)
    expect(page.locator("#domain-form")).not_to_have_attribute("data-autosave", re.compile(".*"))
    expect(page.locator("input[name=FA3]")).to_have_count(0)  # the answer as text
    expect(page.locator("#q-FA3 .answer-value")).to_have_text("12")
    expect(page.get_by_role("button", name="Save this section")).to_have_count(0)
    page.screenshot(path=str(screenshots / "en" / "domain-FA-validated.png"), full_page=True)

    commander.close()
    adviser.close()
