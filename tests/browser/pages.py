"""What the browser tests do on every page: sign in, choose the language from the header, check
the language and direction, photograph the page, and run axe-core on it.

Screenshots go to test-artifacts/screenshots/<language>/<page>.png (git-ignored). axe-core comes
from the npm registry (package.json pins it; `make assets` installs it into node_modules) and is
handed to the page by the test: the app's Content-Security-Policy forbids inline scripts, and a
script evaluated through the browser's debugging protocol is not subject to it, so the app's
headers stay exactly as users get them.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from audit.paths import ROOT
from tests.browser.conftest import SCREENSHOTS, Server
from tests.conftest import PASSWORD
from tests.services import unavailable

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails under CI=true) and says why
    expect = None

#: The two languages every journey runs in: left to right, and right to left.
LANGUAGES = ("en", "ar")
DIRECTION = {"en": "ltr", "ar": "rtl", "fr": "ltr", "es": "ltr"}
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: The impacts that fail the accessibility checks.
FAILING_IMPACTS = ("serious", "critical")
ARABIC_LETTER = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
SAVE_WAIT = 15_000  # ms


def new_context(browser: Any) -> Any:
    """A fresh browser profile whose own language is English, so that what the page is shown in
    is what the person chose from the header."""
    return browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})


def check_language(page: Any, lang: str) -> None:
    """The page is in `lang`, with its direction: <html lang="ar" dir="rtl"> for Arabic."""
    html = page.locator("html")
    expect(html).to_have_attribute("lang", lang)
    expect(html).to_have_attribute("dir", DIRECTION[lang])


def choose_language(page: Any, lang: str) -> None:
    """Pick the language from the header's switcher, as a person would (the page reloads in it);
    nothing to do when the page is already in it."""
    if page.locator("html").get_attribute("lang") != lang:
        page.wait_for_load_state()  # app.js sends the form on change once the page has loaded
        with page.expect_navigation():
            page.select_option("#locale-switch", lang)
    check_language(page, lang)


def sign_in(context: Any, server: Server, email: str, lang: str, shot: str | None = None) -> Any:
    """A new page of `context`, signed in as `email`, in `lang` chosen from the header: on the
    sign-in page, and once more after signing in if the page came back in another language.
    `shot` names the screenshot of the sign-in page."""
    page = context.new_page()
    page.goto(f"{server.url}/login")
    choose_language(page, lang)
    if shot:
        shoot(page, lang, shot)
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("header .who")).to_be_visible()
    choose_language(page, lang)
    return page


def shoot(page: Any, lang: str, name: str) -> Path:
    """Photograph the whole page as test-artifacts/screenshots/<lang>/<name>.png."""
    folder = SCREENSHOTS / lang
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def visit(page: Any, url: str, lang: str, name: str) -> None:
    """Open a page, check it is in `lang` and did not fail, and photograph it."""
    response = page.goto(url)
    assert response is not None
    assert response.status == 200, f"{url}: HTTP {response.status}"
    check_language(page, lang)
    shoot(page, lang, name)


def heading(page: Any) -> str:
    """The page's main heading, as shown."""
    return " ".join(page.locator("main h1").first.inner_text().split())


def is_arabic(text: str) -> bool:
    """Written (at least partly) in Arabic script."""
    return bool(ARABIC_LETTER.search(text))


@cache
def _axe_source() -> str:
    if not AXE.exists():
        unavailable(f"axe-core is not installed at {AXE.relative_to(ROOT)} (run `make assets`)")
    return AXE.read_text(encoding="utf-8")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now, each with its rule
    id, impact, help text and the elements it found (their selectors)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    found = page.evaluate(
        """async () => {
            const results = await window.axe.run(document, {resultTypes: ["violations"]});
            return results.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                targets: v.nodes.map((n) => n.target.join(" ")),
            }));
        }"""
    )
    return [v for v in found if v["impact"] in FAILING_IMPACTS]


def describe(violations: list[dict[str, Any]]) -> str:
    """One line per violation: rule id, impact, help, and where."""
    return "\n".join(
        f"  {v['id']} ({v['impact']}): {v['help']}\n    at {', '.join(v['targets'][:8])}"
        + (f" and {len(v['targets']) - 8} more" if len(v["targets"]) > 8 else "")
        for v in violations
    )
