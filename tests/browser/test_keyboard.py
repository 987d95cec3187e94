"""A domain page of the audit form filled in and saved with the keyboard alone: the skip link,
Tab to move, Space to pick an answer, the arrow keys within a group of answers, typing, and
Enter on "Save this section". Every element that takes the focus on the way shows it: its
computed outline or box-shadow is not "none".

The audit is seed_journeys' Tyre Harbour Post (tests/browser/seed.py), which no other test uses.
"""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import Server
from tests.browser.pages import SAVE_WAIT, new_context, shoot, sign_in

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails under CI=true) and says why
    expect = None

#: What has the focus, and whether it is drawn (an outline, or a box-shadow used as a ring).
FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    const shadow = Boolean(style.boxShadow) && style.boxShadow !== "none";
    const name = el.name || el.id || (el.textContent || "").trim().slice(0, 40);
    const value = el.type === "radio" ? `=${el.value}` : "";
    return {label: `${el.tagName.toLowerCase()} ${name}${value}`, visible: outline || shadow};
}"""


class Keyboard:
    """Tab through the page, checking that every stop shows its focus."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.visited: list[str] = []
        self.invisible: list[str] = []

    def focused(self) -> dict[str, Any] | None:
        return self.page.evaluate(FOCUSED)

    def tab_to(self, selector: str, limit: int = 40) -> None:
        """Press Tab until the element matching `selector` has the focus."""
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            now = self.focused()
            if now is None:
                continue
            self.visited.append(now["label"])
            if not now["visible"]:
                self.invisible.append(now["label"])
            if self.page.evaluate("(s) => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"Tab never reached {selector}; visited: {self.visited}")


def test_a_domain_is_filled_in_and_saved_with_the_keyboard(browser: Any, server: Server) -> None:
    seeded = server.journeys
    audit_id = seeded["audits"]["BP-KB"]
    context = new_context(browser)
    page = sign_in(context, server, seeded["users"]["commander_kb"], "en")
    page.goto(f"{server.url}/audits/{audit_id}/domains/FA")
    keys = Keyboard(page)

    # The first Tab reaches the skip link, which takes the focus past the header to the form.
    keys.tab_to("a.skip-link", limit=1)
    expect(page.locator("a.skip-link")).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # A yes/no question: Tab into the group, Space picks the answer that has the focus.
    keys.tab_to("input[name=FA1]")
    expect(page.locator("input[name=FA1][value=yes]")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.locator("input[name=FA1][value=yes]")).to_be_checked()
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved", timeout=SAVE_WAIT)

    # A rating: the arrow keys move through the levels and pick them.
    keys.tab_to("input[name=FA2]")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.locator("input[name=FA2][value=meets]")).to_be_checked()
    shoot(page, "en", "keyboard-focus")

    # A count, typed.
    keys.tab_to("input[name=FA3]")
    page.keyboard.type("7")
    expect(page.locator("input[name=FA3]")).to_have_value("7")

    # "Save this section", with Enter.
    keys.tab_to("#domain-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".flash-success")).to_have_text("Saved.")

    assert not keys.invisible, f"focus not shown on: {keys.invisible} (visited {keys.visited})"
    page.reload()
    expect(page.locator("input[name=FA1][value=yes]")).to_be_checked()
    expect(page.locator("input[name=FA2][value=meets]")).to_be_checked()
    expect(page.locator("input[name=FA3]")).to_have_value("7")
    count = page.locator("nav.domain-nav li[aria-current=page] .count")
    expect(count).to_have_text(re.compile(r"^3/3$"))
    context.close()
