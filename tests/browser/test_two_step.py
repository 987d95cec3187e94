"""Two-step sign-in in a real browser, on a desktop and on a 375 px phone, in English and in
Arabic: an administrator opens the page from the account menu, scans (here: reads) the key,
turns it on with a first code, sees ten recovery codes, signs out, and signs in again with the
password and then a code from the app. Nothing scrolls sideways and axe-core finds nothing
serious on the set-up and code pages."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.browser.conftest import Server
from tests.browser.pages import (
    axe_violations,
    check_language,
    choose_language,
    describe,
    shoot,
    sign_in,
)
from tests.browser.seed_auth import LANGS, SIZES, two_step_email
from tests.conftest import PASSWORD

try:
    import pyotp
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails under CI=true) and says why
    expect = None

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 800}}


def _fits(page: Any, width: int) -> None:
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url}: {scroll} px wide in a {width} px window"


def _no_axe(page: Any) -> None:
    violations = axe_violations(page)
    assert not violations, f"{page.url}:\n{describe(violations)}"


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGS)
def test_enrol_then_sign_in_with_a_code(browser: Any, server: Server, lang: str, size: str):
    viewport = VIEWPORTS[size]
    email = two_step_email(lang, size)
    context = browser.new_context(locale="en-GB", viewport=viewport)
    try:
        page = sign_in(context, server, email, lang)
        if size == "phone" and page.locator("header a[href='/account/two-step']").is_hidden():
            page.goto(f"{server.url}/account/two-step")  # a collapsed menu: go there directly
        else:
            page.click("header a[href='/account/two-step']")
        check_language(page, lang)
        page.click("main form[action='/account/two-step/begin'] button")
        qr = page.locator("img.totp-qr")
        expect(qr).to_be_visible()
        assert qr.get_attribute("src").startswith("data:image/svg+xml")
        assert page.evaluate("() => document.querySelector('img.totp-qr').naturalWidth") > 0
        key = page.locator(".totp-key").inner_text().replace(" ", "")
        _fits(page, viewport["width"])
        _no_axe(page)
        shoot(page, lang, f"two-step-enrol-{size}")
        totp = pyotp.TOTP(key)
        page.fill("input[name=code]", totp.now())
        page.click("main form[action='/account/two-step/confirm'] button[type=submit]")
        codes = page.locator("ol.recovery-codes li")
        expect(codes).to_have_count(10)
        _fits(page, viewport["width"])
        shoot(page, lang, f"two-step-codes-{size}")

        page.click("header form[action='/logout'] button")
        page.wait_for_url("**/login")
        choose_language(page, lang)
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url("**/login/code*")
        check_language(page, lang)
        expect(page.locator("header .who")).to_have_count(0)  # not signed in yet
        _fits(page, viewport["width"])
        _no_axe(page)
        shoot(page, lang, f"two-step-code-{size}")
        page.fill("input[name=code]", "000000")
        page.click("main button[type=submit]")
        expect(page.locator("#code-errors")).to_be_visible()
        expect(page.locator("header .who")).to_have_count(0)
        # The first code's time step is spent: the app's next code (still within the window).
        page.fill("input[name=code]", totp.at(time.time() + 30))
        page.click("main button[type=submit]")
        expect(page.locator("header .who")).to_be_visible()
        check_language(page, lang)
    finally:
        context.close()
