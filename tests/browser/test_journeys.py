"""The three journeys end to end, once in English and once in Arabic (chosen from the header):

- the commander's: sign in, open their audit from the home page, answer the questions of two
  domain pages (one "does not apply", with the reason), see the progress, sign off and submit;
- the gender adviser's: the review queue on the home page, the audit, a query on an answer that
  the unit answers, validation, the unit scorecard, how its overall score was computed, and the
  portfolio;
- the donor's: sign in, and the donor page shows the funded institutions' figures (the Border
  Police pass the disclosure floor of three units; the Police, with one station, do not); then
  the donor asks for the Border Police's workbook, downloads it when it is ready, opens it and
  finds the page's figures in it.

Every page is checked to be in the language chosen, <html lang="ar" dir="rtl"> in Arabic, and
photographed into test-artifacts/screenshots/<language>/. Nothing here reads English text in the
Arabic runs: controls are found by what they are (their form, name or place), since the
translations change their words. Whether the Arabic pages' headings are translated is asserted
on its own by test_arabic_headings_differ_from_english.

The data is seed_journeys' (tests/browser/seed.py): each journey and language has its own users
and audits, so the tests do not depend on one another or on their order.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import openpyxl
import pytest

from tests.browser.conftest import SCREENSHOTS, Server
from tests.browser.pages import (
    LANGUAGES,
    SAVE_WAIT,
    check_language,
    choose_language,
    heading,
    is_arabic,
    new_context,
    shoot,
    sign_in,
    visit,
)

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails under CI=true) and says why
    expect = None

#: A number as Babel writes it (grouping, decimals, a percent sign; Latin or Arabic-Indic digits).
NUMBER = re.compile(r"^[\d٠-٩][\d٠-٩.,٫٬\s\u00a0\u202f]*\s?[%٪]?$")


def _saved(page: Any, english: str | None = "All changes saved") -> None:
    status = page.locator("#save-status")
    expect(status).to_have_attribute("data-state", "saved", timeout=SAVE_WAIT)
    if english and page.locator("html").get_attribute("lang") == "en":
        expect(status).to_have_text(english)


def _flash(page: Any, lang: str, english: str) -> None:
    """A success message: its English words in English, just its presence in Arabic."""
    flash = page.locator(".flash-success")
    expect(flash).to_be_visible()
    if lang == "en":
        expect(flash).to_contain_text(english)


def _state(page: Any, state: str) -> None:
    expect(page.locator(".facts .state")).to_have_class(re.compile(rf"\bstate-{state}\b"))


# --- the commander --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_commander_answers_two_domains_and_submits(browser: Any, server: Server, lang: str) -> None:
    seeded = server.journeys
    code = {"en": "BP-CEN", "ar": "BP-CAR"}[lang]
    audit_id, unit = seeded["audits"][code], seeded["units"][code]
    context = new_context(browser)
    page = sign_in(
        context, server, seeded["users"][f"commander_{lang}"], lang, shot="commander-1-sign-in"
    )

    # --- home: their audit, not started, one button to start it ------------------------------
    card = page.locator(".card", has_text=unit)
    expect(card.locator(".state")).to_have_class(re.compile(r"\bstate-not_started\b"))
    expect(card.locator("progress")).to_have_attribute("value", "0")
    shoot(page, lang, "commander-2-home")
    card.locator("a.button").click()
    expect(page).to_have_url(re.compile(rf"/audits/{audit_id}/domains/FA$"))
    check_language(page, lang)

    # --- first domain: yes, a rating that the "yes" makes appear, and "does not apply" --------
    if lang == "ar":
        expect(page.locator("main h1")).to_have_text("المرافق")  # the framework's own Arabic
    page.check("input[name=FA1][value=yes]")
    _saved(page)
    expect(page.locator("#q-FA2")).to_be_visible()
    page.check("input[name=FA2][value=meets]")
    _saved(page)
    page.check("input[name=FA3__na]")
    reason = page.locator("textarea[name=FA3__reason], input[name=FA3__reason]")
    expect(reason).to_be_visible()
    reason.fill("No one sleeps at this post: it closes at night.")
    _saved(page)
    shoot(page, lang, "commander-3-domain-FA")
    page.reload()
    check_language(page, lang)
    expect(page.locator("input[name=FA3__na]")).to_be_checked()
    expect(reason).to_have_value("No one sleeps at this post: it closes at night.")
    current = page.locator("nav.domain-nav li[aria-current=page]")
    # FA3 "does not apply": it leaves the count, as it leaves the scorecard's coverage.
    expect(current.locator(".count")).to_have_text("2/2")

    # --- second domain, from the list of domains at the side -------------------------------
    page.locator("nav.domain-nav a[href$='/domains/PE']").click()
    expect(page).to_have_url(re.compile(r"/domains/PE$"))
    check_language(page, lang)
    for row, numbers in {"officers": ("4", "15", "0"), "others": ("9", "38", "2")}.items():
        for column, number in zip(("women", "men", "not_recorded"), numbers, strict=True):
            page.fill(f"input[name=PE1-{row}-{column}]", number)
    expect(page.locator("table[data-table=PE1] [data-grand-total]")).to_have_text("68")
    _saved(page)
    page.check("input[name=PE2][value=yes]")
    _saved(page)
    page.fill("textarea[name=PE3]", "Women officers run the night checkpoint rota.")
    _saved(page)
    shoot(page, lang, "commander-4-domain-PE")
    page.reload()  # the counts at the side are the server's
    check_language(page, lang)
    # Only PE2 is scored (the table and the text are shown, never scored): the scorecard's count.
    expect(page.locator("nav.domain-nav li[aria-current=page] .count")).to_have_text("1/1")

    # --- the audit page: progress of every domain, nothing blocks, sign off and submit -----
    page.locator(f"main > p a[href$='/audits/{audit_id}']").first.click()
    expect(page).to_have_url(re.compile(rf"/audits/{audit_id}$"))
    check_language(page, lang)
    progress = page.locator("main table progress")
    expect(progress).to_have_count(2)
    for bar, full in zip(progress.all(), ("2", "1"), strict=True):  # FA, PE as in the menu
        expect(bar).to_have_attribute("value", full)
        expect(bar).to_have_attribute("max", full)
    if lang == "en":
        expect(page.locator("main table")).to_contain_text("2 of 2")
    expect(page.locator("ul.blocking")).to_have_count(0)
    expect(page.locator(".sign-off-statement")).not_to_be_empty()
    page.fill("input[name=name]", "Cdr Haddad")
    page.fill("input[name=position]", "Station commander")
    page.check("input[name=confirm]")
    shoot(page, lang, "commander-5-audit")
    page.locator(f"form[action$='/audits/{audit_id}/submit'] button[type=submit]").click()
    _flash(page, lang, "The audit has been submitted for review.")
    _state(page, "submitted")
    check_language(page, lang)
    shoot(page, lang, "commander-6-submitted")
    context.close()


# --- the gender adviser ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_adviser_reviews_queries_validates_and_reads_the_scorecards(
    browser: Any, server: Server, lang: str
) -> None:
    seeded = server.journeys
    code = {"en": "BP-REN", "ar": "BP-RAR"}[lang]
    audit_id, unit = seeded["audits"][code], seeded["units"][code]
    show = f"{server.url}/audits/{audit_id}"
    adviser = new_context(browser)
    page = sign_in(adviser, server, seeded["users"][f"adviser_{lang}"], lang)

    # --- home: the review queue -----------------------------------------------------------
    queued = page.locator(f"main li a[href='/audits/{audit_id}']")
    expect(queued).to_contain_text(unit)
    shoot(page, lang, "adviser-1-home")
    queued.click()
    expect(page).to_have_url(show)
    check_language(page, lang)
    _state(page, "submitted")
    expect(page.locator(f"form[action$='/audits/{audit_id}/validate']")).to_be_visible()
    shoot(page, lang, "adviser-2-review")

    # --- a query on one answer ------------------------------------------------------------
    page.locator(f"main a[href='/audits/{audit_id}/domains/FA']").first.click()
    check_language(page, lang)
    # Advisers do not edit answers: they read them as text (issue 12, item 15).
    expect(page.locator("input[name=FA3]")).to_have_count(0)
    expect(page.locator("#q-FA3 .answer-value")).not_to_be_empty()
    question = "The duty roster shows more beds than this: which number is right?"
    page.fill("#query-FA3", question)
    page.locator("button[form=query-form-FA3]").click()
    _flash(page, lang, "The query has been sent.")
    expect(page.locator("#q-FA3 .thread")).to_contain_text(question)
    shoot(page, lang, "adviser-3-query")

    # --- the unit answers it (a commander of the post, in their own browser) ----------------
    unit_side = new_context(browser)
    commander = sign_in(unit_side, server, seeded["users"]["commander_review"], lang)
    commander.goto(show)
    check_language(commander, lang)
    commander.locator("main ul a[href$='/domains/FA#q-FA3']").click()
    expect(commander.locator("#q-FA3 .thread")).to_contain_text(question)
    commander.locator("#q-FA3 textarea[id^=reply-]").fill("The roster counts the guest room.")
    commander.locator("#q-FA3 button[form^=reply-form-]").click()
    _flash(commander, lang, "Your reply has been sent.")
    shoot(commander, lang, "commander-reply")
    unit_side.close()

    # --- the adviser reads the reply and validates -----------------------------------------
    page.reload()
    check_language(page, lang)
    expect(page.locator("#q-FA3 .thread")).to_contain_text("The roster counts the guest room.")
    page.goto(show)
    page.check("#validate-confirm")
    page.locator(f"form[action$='/audits/{audit_id}/validate'] button[type=submit]").click()
    _flash(page, lang, "The audit has been validated.")
    _state(page, "validated")
    check_language(page, lang)
    shoot(page, lang, "adviser-4-validated")

    # --- the unit scorecard, and how its overall score was computed --------------------------
    page.locator(f"main a[href='/scorecards/audits/{audit_id}']").click()
    check_language(page, lang)
    expect(page.locator("main h1")).to_contain_text(unit)
    overall = page.locator(".headline a.big")
    expect(overall).to_have_text(NUMBER)
    expect(page.locator("main table").first.locator("tbody tr")).to_have_count(2)
    shoot(page, lang, "adviser-5-scorecard")
    score = overall.inner_text()
    overall.click()
    expect(page).to_have_url(re.compile(rf"/scorecards/audits/{audit_id}/how/overall/overall$"))
    check_language(page, lang)
    expect(page.locator(".facts strong").first).to_have_text(score)
    shoot(page, lang, "adviser-6-how")

    # --- the portfolio: the unit is in it, its overall score the same ----------------------
    page.locator("header nav a[href='/portfolio/']").click()
    check_language(page, lang)
    row = page.locator(f"table.heat-map tr[data-audit='{audit_id}']")
    expect(row.locator("th")).to_contain_text(unit)
    expect(row.locator("td[data-domain=overall]")).to_have_text(score)
    shoot(page, lang, "adviser-7-portfolio")
    adviser.close()


# --- the donor ------------------------------------------------------------------------------


@dataclass
class DonorJourney:
    """One donor's journey, as steps run in order on one page. A step is a function of the
    journey; what a step reads from the page is kept in `figures` for the steps after it (so a
    step that downloads the workbook can check a figure of it against the page)."""

    server: Server
    context: Any
    lang: str
    email: str
    page: Any = None
    #: (scope name, what) -> the text shown, e.g. ("Border Police", "overall") -> "54.2".
    figures: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def institution(self) -> str:
        return str(self.server.journeys["institution"])

    def scope(self, name: str) -> Any:
        """The section of the donor page about one institution or country."""
        return self.page.locator("main section.card").filter(
            has=self.page.locator("h2", has_text=name)
        )


def donor_signs_in(journey: DonorJourney) -> None:
    journey.page = sign_in(
        journey.context, journey.server, journey.email, journey.lang, shot="donor-1-sign-in"
    )
    home = journey.page
    expect(home.locator("main")).to_contain_text(journey.institution)  # the institutions funded
    expect(home.locator("main")).to_contain_text("Police")
    shoot(home, journey.lang, "donor-2-home")


def donor_reads_the_figures(journey: DonorJourney) -> None:
    page = journey.page
    page.locator("header nav a[href='/portfolio/donor']").click()
    check_language(page, journey.lang)
    expect(page.locator("#cycle option:checked")).to_have_text(journey.server.journeys["cycle"])
    published = journey.scope(journey.institution)
    headline = published.locator(".headline .big")
    expect(headline).to_have_count(2)  # the mean overall score, the share meeting or exceeding
    for number in headline.all():
        expect(number).to_have_text(NUMBER)
    expect(published.locator(".headline .band")).to_have_count(1)
    domains = published.locator("table").first.locator("tbody tr")
    expect(domains).to_have_count(2)
    for line in domains.all():
        expect(line.locator("td.num")).to_have_text(NUMBER)
    expect(published.locator("table.sex-totals")).to_have_count(1)
    journey.figures[(journey.institution, "overall")] = headline.first.inner_text()
    journey.figures[(journey.institution, "meeting")] = headline.nth(1).inner_text()
    for line in domains.all():
        label = line.locator("th").inner_text().strip()
        journey.figures[(journey.institution, label)] = line.locator("td.num").inner_text()
    # The Police have one station in the pilot: below the floor, nothing of it is published.
    withheld = journey.scope("Police").filter(has_not_text=journey.institution)
    expect(withheld.locator(".notice")).to_be_visible()
    expect(withheld.locator(".headline")).to_have_count(0)
    # Aggregates only: no post is named.
    main = page.locator("main")
    for name in journey.server.journeys["units"].values():
        expect(main).not_to_contain_text(name)
    shoot(page, journey.lang, "donor-3-figures")


#: Arabic-Indic digits and separators as Python reads them.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩٫", "0123456789.", "٬,\u00a0\u202f %٪")


def as_number(text: str) -> float:
    """A number as Babel showed it on the page ("54.2", "٥٤٫٢", "1,234.5") as a float."""
    return float(text.strip().translate(_DIGITS))


def donor_downloads_the_workbook(journey: DonorJourney) -> None:
    """Ask for the institution's donor summary, wait for it, download it, and check that the
    workbook says what the page says: each domain's mean and the overall mean of the cycle."""
    page = journey.page
    journey.scope(journey.institution).locator("form.export-form button").click()
    check_language(page, journey.lang)
    link = page.locator("#export-download a")
    expect(link).to_be_visible(timeout=60_000)  # the progress page offers it when done
    expect(page.locator("#export-progress")).to_have_attribute("value", "100")
    shoot(page, journey.lang, "donor-4-workbook-ready")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = SCREENSHOTS.parent / "downloads" / journey.lang / download.suggested_filename
    saved.parent.mkdir(parents=True, exist_ok=True)
    download.save_as(saved)
    book = openpyxl.load_workbook(saved)
    if journey.lang in ("ar",):
        assert all(book[name].sheet_view.rightToLeft for name in book.sheetnames)
    sheets = book.worksheets  # Read me, Summary, Benchmark, Domains, Sex-disaggregated, Trend
    means = {
        str(row[1]).strip(): row[2]
        for row in sheets[3].iter_rows(min_row=2, values_only=True)
        if row[1] is not None
    }
    for (scope, what), shown in journey.figures.items():
        if scope != journey.institution or what in ("overall", "meeting"):
            continue
        assert what in means, (what, sorted(means))
        assert round(means[what], 1) == pytest.approx(as_number(shown)), what
    trend = {
        str(row[0]): row[1] for row in sheets[5].iter_rows(min_row=2, values_only=True) if row[0]
    }
    overall = trend[journey.server.journeys["cycle"]]
    shown = journey.figures[(journey.institution, "overall")]
    assert round(overall, 1) == pytest.approx(as_number(shown))


#: The donor's journey, step by step.
DONOR_STEPS: list[Callable[[DonorJourney], None]] = [
    donor_signs_in,
    donor_reads_the_figures,
    donor_downloads_the_workbook,
]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_donor_sees_the_funded_institutions_figures(
    browser: Any, server: Server, lang: str
) -> None:
    context = new_context(browser)
    journey = DonorJourney(server, context, lang, server.journeys["users"][f"donor_{lang}"])
    try:
        for step in DONOR_STEPS:
            step(journey)
    finally:
        context.close()


# --- the Arabic pages are translated --------------------------------------------------------

#: Pages whose heading is the interface's own text (not a unit's or a framework's name).
TRANSLATED_PAGES = [
    ("login", "/login"),
    ("home", "/"),
    ("audits", "/audits/"),
    ("portfolio", "/portfolio/"),
    ("donor", "/portfolio/donor"),
    ("admin-users", "/admin/users"),
]


def test_arabic_headings_differ_from_english(browser: Any, server: Server) -> None:
    """With the Arabic catalog compiled (make install does it), the title and main heading of
    the interface's pages are Arabic: different from the English ones, in Arabic script."""
    context = new_context(browser)
    try:
        shown: dict[str, dict[str, tuple[str, str]]] = {}
        for lang in ("en", "ar"):
            page = sign_in(context, server, "admin@example.org", lang)
            shown[lang] = {}
            for name, path in TRANSLATED_PAGES:
                if name == "login":
                    continue
                visit(
                    page, server.url + path, lang, f"admin-{name}".replace("admin-admin-", "admin-")
                )
                shown[lang][name] = (page.title(), heading(page))
            page.locator("header form[action$='/logout'] button").click()
            page.goto(f"{server.url}/login")
            choose_language(page, lang)  # signing out forgets the language of the account
            shown[lang]["login"] = (page.title(), heading(page))
            page.close()
        untranslated = [
            f"{name}: {shown['ar'][name]!r}"
            for name, _ in TRANSLATED_PAGES
            if any(
                ar == en or not is_arabic(ar)
                for ar, en in zip(shown["ar"][name], shown["en"][name], strict=True)
            )
        ]
        assert not untranslated, "Arabic pages still in English:\n" + "\n".join(untranslated)
    finally:
        context.close()
