"""Evidence in a real browser (issue 12, item 5): "evidence required" is shown at the question
before anything is submitted, and adding evidence (several files at once, one document for
several questions) shows its outcome at the question without leaving the page; on a desktop
screen and at 375 px, in English and in Arabic (right to left).

The posts come from tests/browser/seed_evidence.py: one audit per language, shipped framework,
domain FA (FA5 requires evidence; FA4 and FA6 accept it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import SCREENSHOTS, Server
from tests.browser.pages import axe_violations, describe, shoot, sign_in
from tests.browser.seed_evidence import EVIDENCE_POSTS, SIGN_OFF_POSTS
from tests.conftest import PASSWORD
from tests.evidence_files import PDF, PNG

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails under CI=true) and says why
    expect = None

COMMANDERS = {lang: email for lang, _code, _name, email in EVIDENCE_POSTS}
SIGNERS = {lang: (email, name) for lang, _code, name, email in SIGN_OFF_POSTS}
NAMES = {"en": "Major Rania Haddad", "ar": "الرائد رانيا حداد"}
POSITIONS = {"en": "Station commander, Sign-off Post", "ar": "قائدة المخفر"}
#: What the page says, per language (the catalogs' translations).
ADDED = {"en": "The evidence has been added.", "ar": "أُضيف الدليل."}
REQUIRED = {"en": "Evidence required", "ar": "الأدلة مطلوبة"}


def _open_domain(page: Any, server: Server) -> str:
    """From the commander's list to their audit's domain FA; gives its address."""
    page.goto(f"{server.url}/audits/")
    page.locator("main a[href*='/audits/']").first.click()
    audit_url = page.url.split("#")[0].rstrip("/")
    url = f"{audit_url}/domains/FA"
    page.goto(url)
    return url


def _shoot_question(page: Any, lang: str, name: str, code: str) -> None:
    """The question alone, to look at its evidence block closely."""
    folder = SCREENSHOTS / lang
    folder.mkdir(parents=True, exist_ok=True)
    page.locator(f"#q-{code}").screenshot(path=str(folder / f"{name}.png"))


def _no_horizontal_scroll(page: Any) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, width


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_evidence_is_marked_and_added_at_the_question_without_a_reload(
    browser: Any, server: Server, screenshots: Path, tmp_path: Path, lang: str
) -> None:
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = sign_in(context, server, COMMANDERS[lang], lang)
    url = _open_domain(page, server)
    block = page.locator("#evidence-FA5")
    # Before anything is submitted (or answered), the question says it needs evidence.
    expect(block.locator(".tag-evidence-required")).to_have_text(REQUIRED[lang])
    expect(block.locator(".tag-evidence-required")).to_be_visible()
    shoot(page, lang, "evidence-1-required")
    _shoot_question(page, lang, "evidence-1-required-question", "FA5")

    # The page is marked: a reload would lose the mark, so its survival proves none happened.
    page.evaluate("() => { window.__noReload = true; }")
    one, two = tmp_path / "register.pdf", tmp_path / "photo.png"
    one.write_bytes(PDF)
    two.write_bytes(PNG)
    block.locator("input[type=file]").set_input_files([str(one), str(two)])
    block.locator(".evidence-also summary").click()  # "Also attach to other questions"
    block.locator("input[name=also][value=FA6]").check()
    block.locator(".evidence-add button[type=submit]").click()
    outcome = page.locator("#evidence-FA5 [data-evidence-outcome]")
    expect(outcome).to_contain_text(ADDED[lang])
    expect(outcome).to_be_focused()
    assert page.evaluate("() => window.__noReload === true")
    assert page.url == url
    expect(page.locator("#evidence-FA5 .evidence-list a[href*='/audits/evidence/']")).to_have_count(
        2
    )
    expect(page.locator("#evidence-FA5 .evidence-needed-done")).to_have_count(1)
    # The other question ticked got the same documents, in place as well.
    expect(page.locator("#evidence-FA6 .evidence-list a[href*='/audits/evidence/']")).to_have_count(
        2
    )
    # The outcome is next to the question, not at the top of the page.
    question_top = page.locator("#q-FA5").bounding_box()["y"]
    outcome_top = outcome.bounding_box()["y"]
    assert question_top < outcome_top
    assert outcome_top - question_top < page.locator("#q-FA5").bounding_box()["height"] + 1
    assert page.locator(".flashes").count() == 0
    shoot(page, lang, "evidence-2-added")
    _shoot_question(page, lang, "evidence-2-added-question", "FA5")
    violations = axe_violations(page)
    assert not violations, describe(violations)

    # A bad file among good ones: nothing added, the bad one named, still without a reload.
    bad = tmp_path / "notes.pdf"
    bad.write_bytes(b"not a pdf")
    page.locator("#evidence-FA5 input[type=file]").set_input_files([str(one), str(bad)])
    page.locator("#evidence-FA5 .evidence-add button[type=submit]").click()
    outcome = page.locator("#evidence-FA5 [data-evidence-outcome]")
    expect(outcome).to_have_class("evidence-outcome evidence-outcome-error")
    expect(outcome.locator("li")).to_contain_text("notes.pdf")
    expect(outcome.locator("li")).to_have_count(1)
    expect(page.locator("#evidence-FA5 .evidence-list a[href*='/audits/evidence/']")).to_have_count(
        2
    )
    assert page.evaluate("() => window.__noReload === true")

    # Removing from FA5 keeps the documents on FA6.
    page.locator("#evidence-FA5 .evidence-list button[name=code]").first.click()
    expect(page.locator("#evidence-FA5 .evidence-list a[href*='/audits/evidence/']")).to_have_count(
        1
    )
    expect(page.locator("#evidence-FA6 .evidence-list a[href*='/audits/evidence/']")).to_have_count(
        2
    )
    assert page.evaluate("() => window.__noReload === true")
    context.close()

    # At 375 px: the mark and the outcome fit the screen; nothing scrolls sideways.
    phone = browser.new_context(locale="en-GB", viewport={"width": 375, "height": 800})
    page = sign_in(phone, server, COMMANDERS[lang], lang)
    _open_domain(page, server)
    block = page.locator("#evidence-FA10")
    expect(block.locator(".tag-evidence-required")).to_have_text(REQUIRED[lang])
    page.evaluate("() => { window.__noReload = true; }")
    block.locator("input[name=reference]").fill("Order 7/2026, registry shelf 3")
    block.locator(".evidence-add button[type=submit]").click()
    outcome = page.locator("#evidence-FA10 [data-evidence-outcome]")
    expect(outcome).to_contain_text(ADDED[lang])
    assert page.evaluate("() => window.__noReload === true")
    box = outcome.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 375 + 1
    _no_horizontal_scroll(page)
    shoot(page, lang, "evidence-3-added-375")
    _shoot_question(page, lang, "evidence-3-added-375-question", "FA10")
    phone.close()


def test_without_javascript_the_form_posts_and_comes_back_to_the_question(
    browser: Any, server: Server, screenshots: Path
) -> None:
    context = browser.new_context(
        locale="en-GB", viewport={"width": 1280, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(f"{server.url}/login")
    page.fill("input[name=email]", COMMANDERS["en"])
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    _open_domain(page, server)
    block = page.locator("#evidence-FA6")
    block.locator("input[name=reference]").fill("Nursing room photos, album 4")
    with page.expect_navigation():
        block.locator(".evidence-add button[type=submit]").click()
    assert page.url.endswith("/domains/FA#q-FA6")
    expect(page.locator("#evidence-FA6 [data-evidence-outcome]")).to_contain_text(ADDED["en"])
    shoot(page, "en", "evidence-4-no-script")
    context.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_sign_off_takes_name_position_and_a_confirmation_in_boxes_that_fit(
    browser: Any, server: Server, screenshots: Path, lang: str
) -> None:
    email, _unit = SIGNERS[lang]
    phone = browser.new_context(locale="en-GB", viewport={"width": 375, "height": 800})
    page = sign_in(phone, server, email, lang)
    page.goto(f"{server.url}/audits/")
    page.locator("main a[href*='/audits/']").first.click()
    form = page.locator("form.sign-off")
    statement = form.locator(".sign-off-statement")
    expect(statement).to_be_visible()
    # The statement is shown whole: nothing is cut off inside its box or off the screen.
    assert statement.evaluate("e => e.scrollHeight <= e.clientHeight + 1")
    assert statement.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    for field in ("name", "position"):
        box = form.locator(f"input[name={field}]").bounding_box()
        assert box["x"] >= 0, field
        assert box["x"] + box["width"] <= 375 + 1, field
        assert box["width"] > 250, field  # wide enough for a name and a post
    _no_horizontal_scroll(page)
    shoot(page, lang, "sign-off-1-form-375")

    # Sent without the confirmation: the page says so next to the box, nothing is submitted.
    form.locator("input[name=name]").fill(NAMES[lang])
    form.locator("input[name=position]").fill(POSITIONS[lang])
    form.locator("button[type=submit]").click()
    expect(page.locator("#confirm-errors")).to_be_visible()
    expect(page.locator(".facts .state")).not_to_have_class("state state-submitted")
    # The name and position typed are kept.
    expect(page.locator("form.sign-off input[name=name]")).to_have_value(NAMES[lang])
    shoot(page, lang, "sign-off-2-unconfirmed-375")
    page.locator("form.sign-off input[name=confirm]").check()
    page.locator("form.sign-off button[type=submit]").click()
    expect(page.locator(".facts .state")).to_have_class("state state-submitted")
    record = page.locator(".sign-off-record")
    expect(record).to_contain_text(NAMES[lang])
    expect(record).to_contain_text(POSITIONS[lang])
    _no_horizontal_scroll(page)
    shoot(page, lang, "sign-off-3-signed-375")
    phone.close()
