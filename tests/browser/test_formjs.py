"""The audit form's script in a real browser (issue 12, items 7, 8, 11, 15): live totals that read
digits as the server does, a broken rule that looks like the error it is, a refused value kept as
a draft with "discard", a conflict between two tabs resolved with "keep mine" or "take theirs",
and the reader's page showing answers as text. Desktop and 375 px, English and Arabic.

The data is tests/browser/seed_formjs.py's: its own framework (FJ1 count, FJ2 table that must
total FJ1, FJ3 rubric, FJ4 text) and one station and commander per test and variant.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Server
from tests.browser.pages import SAVE_WAIT, axe_violations, describe, is_arabic, shoot, sign_in
from tests.browser.seed_formjs import email

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails under CI=true) and says why
    expect = None

CELLS = json.loads((Path(__file__).parents[1] / "audits" / "cell_numbers.json").read_text("utf-8"))[
    "cases"
]
#: Each language at one width: English on a desktop, Arabic (right to left) on a 375 px phone.
VARIANTS = [("en", 1280), ("ar", 375)]
BAD = "rgb(164, 22, 26)"  # --bad in app.css: errors
WARN = "rgb(138, 83, 0)"  # --warn: warnings


def _context(browser: Any, width: int) -> Any:
    return browser.new_context(locale="en-GB", viewport={"width": width, "height": 900})


def _domain_url(page: Any, server: Server, unit: str) -> str:
    page.goto(f"{server.url}/audits")
    href = page.get_by_role("link", name=unit, exact=True).get_attribute("href")
    return f"{server.url}{href}/domains/FJ"


def _open(browser: Any, server: Server, key: str, lang: str, width: int) -> tuple[Any, str]:
    """The FJ page of station `key`, signed in as its commander (or the adviser for "review")."""
    who = "adviser" if key == "review" else key
    page = sign_in(_context(browser, width), server, email(who), lang)
    url = _domain_url(page, server, f"Form station {key}")
    page.goto(url)
    return page, url


def _status(page: Any, state: str) -> None:
    expect(page.locator("#save-status")).to_have_attribute("data-state", state, timeout=SAVE_WAIT)


def _no_axe_violations(page: Any) -> None:
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def _cell(page: Any, row: str, column: str) -> Any:
    return page.locator(f"input[name='FJ2-{row}-{column}']")


def _fill_table(page: Any, cells: dict[tuple[str, str], str]) -> None:
    for row in ("officers", "others"):
        for column in ("women", "men", "not_recorded"):
            _cell(page, row, column).fill(cells.get((row, column), "0"))


@pytest.mark.parametrize(("lang", "width"), VARIANTS)
def test_totals_read_arabic_indic_and_persian_digits_as_the_server_does(
    browser: Any, server: Server, lang: str, width: int
) -> None:
    page, _ = _open(browser, server, f"digits-{lang}", lang, width)
    _fill_table(page, {})
    row_total = page.locator("output[data-row-total=officers]")
    grand = page.locator("output[data-grand-total]")
    for typed, stored in CELLS:  # the same inputs tests/audits/test_formjs.py parses
        _cell(page, "officers", "women").fill(typed)
        expect(row_total).to_have_text(str(stored or 0))
        expect(grand).to_have_text(str(stored or 0))
    _cell(page, "officers", "women").fill("٣٠٠")  # Arabic-Indic
    _cell(page, "others", "men").fill("۱۲")  # Persian
    expect(row_total).to_have_text("300")
    expect(page.locator("output[data-column-total=men]")).to_have_text("12")
    expect(grand).to_have_text("312")
    _status(page, "saved")  # FJ1 is empty: the rule has nothing to compare yet
    shoot(page, lang, f"formjs-digits-{width}")
    page.reload()
    # The server stored the same numbers and its own totals agree with the page's.
    expect(_cell(page, "officers", "women")).to_have_value("300")
    expect(grand).to_have_text("312")
    page.context.close()


@pytest.mark.parametrize(("lang", "width"), VARIANTS)
def test_a_rule_that_blocks_submission_looks_like_an_error(
    browser: Any, server: Server, lang: str, width: int
) -> None:
    page, _ = _open(browser, server, f"rule-{lang}", lang, width)
    # A rule of severity "warning" says it only warns, in amber, and the answers count as saved.
    page.locator("input[name=FJ1]").fill("6000")
    warning = page.locator("#FJ1-warnings li")
    expect(warning).to_have_count(1, timeout=SAVE_WAIT)
    expect(page.locator("#FJ1-warnings")).to_have_css("color", WARN)
    if lang == "en":
        expect(warning).to_contain_text("Warning (does not block submission):")
        expect(warning).to_contain_text("Now: FJ1: 6,000.")
    _status(page, "saved")
    expect(page.locator("#FJ1-blocking li")).to_have_count(0)
    page.locator("input[name=FJ1]").fill("10")
    expect(warning).to_have_count(0, timeout=SAVE_WAIT)
    _status(page, "saved")
    _fill_table(page, {("officers", "women"): "3"})
    blocking = page.locator("#FJ2-blocking li")
    expect(blocking).to_have_count(1, timeout=SAVE_WAIT)
    _status(page, "blocked")
    # Red like an error, and it says both answers it compares with their values.
    expect(page.locator("#FJ2-blocking")).to_have_css("color", BAD)
    expect(page.locator("#save-status")).to_have_css("color", BAD)
    # In Arabic each Latin code is isolated (FSI … PDI) so it keeps its place beside its value.
    code = "FJ1" if lang == "en" else "\u2068FJ1\u2069"
    expect(blocking).to_contain_text(f"{code}: 10")
    expect(blocking).to_contain_text(": 3")
    if lang == "en":
        expect(blocking).to_contain_text("Blocks submission:")
        expect(blocking).to_contain_text("Now: FJ1: 10; FJ2 · Total: 3.")
        expect(page.locator("#save-status")).to_contain_text("submission is blocked")
    expect(page.locator("#FJ2-warnings")).to_be_hidden()  # nothing here only warns
    shoot(page, lang, f"formjs-rule-{width}")
    _no_axe_violations(page)
    # After a reload the server shows it the same way.
    page.reload()
    expect(blocking).to_have_count(1)
    expect(page.locator("#FJ2-blocking")).to_have_css("color", BAD)
    # Correcting the other answer clears the error at the table's question, without a reload.
    page.locator("input[name=FJ1]").fill("3")
    expect(blocking).to_have_count(0, timeout=SAVE_WAIT)
    _status(page, "saved")
    page.context.close()


@pytest.mark.parametrize(("lang", "width"), [("en", 375), ("ar", 1280)])
def test_a_refused_value_is_a_draft_with_discard(
    browser: Any, server: Server, lang: str, width: int
) -> None:
    page, _ = _open(browser, server, f"refused-{lang}", lang, width)
    count = page.locator("input[name=FJ1]")
    count.fill("7")
    _status(page, "saved")
    count.fill("abc")
    notice = page.locator("#q-FJ1 .draft-notice")
    expect(notice).to_be_visible(timeout=SAVE_WAIT)
    expect(notice).to_contain_text("abc")
    if lang == "en":
        expect(notice).to_contain_text("Not saved: abc — ")
    _status(page, "invalid")
    # At every reload the saved answer stays in the field; the refused one is only shown.
    page.reload()
    expect(count).to_have_value("7")
    expect(notice).to_contain_text("abc")
    _status(page, "invalid")
    shoot(page, lang, f"formjs-refused-{width}")
    _no_axe_violations(page)
    discard = notice.locator("button[data-action=discard]")
    if lang == "en":
        expect(discard).to_have_text("Discard")
    discard.click()
    expect(notice).to_have_count(0)
    expect(count).to_have_value("7")
    _status(page, "saved")
    page.reload()
    expect(notice).to_have_count(0)
    expect(count).to_have_value("7")
    page.context.close()


@pytest.mark.parametrize(("lang", "width"), VARIANTS)
def test_two_tabs_of_one_person_keep_mine_or_take_theirs(
    browser: Any, server: Server, lang: str, width: int
) -> None:
    first, url = _open(browser, server, f"conflict-{lang}", lang, width)
    second = first.context.new_page()
    second.goto(url)
    text = "textarea[name=FJ4]"
    first.locator(text).fill("Written in the first tab.")
    _status(first, "saved")
    # The second tab still holds revision 0: its save meets the first tab's.
    second.locator(text).fill("Written in the second tab.")
    notice = second.locator("#q-FJ4 .draft-notice")
    expect(notice).to_be_visible(timeout=SAVE_WAIT)
    _status(second, "conflict")
    expect(notice).to_contain_text("Written in the first tab.")
    if lang == "en":
        expect(notice).to_contain_text("You changed this answer in another tab or window")
        expect(notice).not_to_contain_text("Someone else")
    shoot(second, lang, f"formjs-conflict-{width}")
    _no_axe_violations(second)
    # "Keep mine": the second tab's text is saved on top of the newer revision.
    notice.locator("button[data-action=keep-mine]").click()
    _status(second, "saved")
    expect(notice).to_have_count(0)
    first.reload()
    expect(first.locator(text)).to_have_value("Written in the second tab.")
    # Now the second tab saves again and the first tab (on the older revision) meets it.
    second.locator(text).fill("Second tab, again.")
    _status(second, "saved")
    first.locator(text).fill("First tab, again.")
    notice = first.locator("#q-FJ4 .draft-notice")
    expect(notice).to_be_visible(timeout=SAVE_WAIT)
    # "Take theirs": the field shows the other version and this tab's copy is dropped.
    notice.locator("button[data-action=take-theirs]").click()
    expect(first.locator(text)).to_have_value("Second tab, again.")
    expect(notice).to_have_count(0)
    _status(first, "saved")
    first.reload()
    expect(first.locator(text)).to_have_value("Second tab, again.")
    expect(first.locator("#q-FJ4 .draft-notice")).to_have_count(0)
    first.context.close()


@pytest.mark.parametrize(("lang", "width"), VARIANTS)
def test_the_reviewer_reads_the_answers_as_text(
    browser: Any, server: Server, lang: str, width: int
) -> None:
    page, _ = _open(browser, server, "review", lang, width)
    rubric = page.locator("#q-FJ3")
    expect(rubric.locator("input")).to_have_count(0)
    chosen = rubric.locator(".answer-value")
    if lang == "en":
        expect(chosen).to_have_text("Meets requirements")  # the option's label, as the form has it
    else:
        assert is_arabic(chosen.inner_text())
    expect(page.locator("#q-FJ1 .answer-value")).to_have_text("30")
    expect(page.locator("#q-FJ4 .answer-value")).to_contain_text("Every new officer has a mentor.")
    expect(page.locator("#q-FJ2 input")).to_have_count(0)
    expect(page.locator("#q-FJ2 tfoot td").last).to_contain_text("1")
    # The answers disagree (1,515 against 30): the reader sees that as an error too.
    expect(page.locator("#FJ2-blocking li")).to_have_count(1)
    if lang == "en":
        expect(page.locator("#q-FJ2 tbody tr").last).to_contain_text("1,500")
        expect(page.locator("#FJ2-blocking")).to_contain_text("FJ1: 30; FJ2 · Total: 1,515")
    shoot(page, lang, f"formjs-review-{width}")
    _no_axe_violations(page)
    page.context.close()
