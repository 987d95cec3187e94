"""What an administrator meets first, in the real browser, on a desktop and on a 375 px phone:

- a new account: the password rule is on the page before anything is typed; then "Give a role"
  starts on "Choose a role", shows only the chosen role's fields, and gives the role;
- without JavaScript the same form shows every field and the server ignores those the role does
  not use;
- opening a cycle: "every unit of this institution" ticks its units and follows them, and "same
  units as the last cycle" ticks those units in place, keeping what was typed.

Nothing here opens a cycle or changes a seeded user, so the other browser tests see the seed as
it was. The accounts made here have addresses of their own per run (language and width).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Server
from tests.browser.pages import axe_violations, choose_language, describe, shoot, sign_in
from tests.conftest import PASSWORD

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails under CI=true) and says why
    expect = None

ADMIN = "admin@example.org"
SCOPE_FIELDS = ("unit_id", "institution_id", "country_id")
#: Which scope fields each role shows.
SHOWN = {
    "": (),
    "commander": ("unit_id",),
    "adviser": ("unit_id", "institution_id"),
    "donor": ("institution_id", "country_id"),
    "admin": (),
}
SIZES = [("en", 1280), ("ar", 375), ("en", 375)]


def _context(browser: Any, width: int, **options: Any) -> Any:
    """A fresh English browser profile `width` pixels wide (the page's language is chosen from
    the header)."""
    context = browser.new_context(
        locale="en-GB", viewport={"width": width, "height": 900}, **options
    )
    context.set_default_timeout(15_000)
    return context


def _fits(page: Any, selector: str, width: int) -> None:
    """Every visible element matching `selector` lies within the viewport's width."""
    boxes = page.eval_on_selector_all(
        selector,
        """(els) => els.filter((e) => e.offsetParent !== null).map((e) => {
            const r = e.getBoundingClientRect();
            return [r.left, r.right];
        })""",
    )
    assert boxes, selector
    for left, right in boxes:
        assert left >= -1, (selector, left, width)
        assert right <= width + 1, (selector, right, width)


def _new_account(page: Any, server: Server, email: str) -> None:
    """Create an account through the form (the rule is read before the password is typed)."""
    page.goto(f"{server.url}/admin/users/new")
    rule = page.locator("#password-help")
    expect(rule).to_be_visible()
    expect(rule).to_contain_text("12")
    expect(rule).to_contain_text("128")
    assert page.get_attribute("#password", "aria-describedby") == "password-help"
    page.fill("#email", email)
    page.fill("#name", "Role Test")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    expect(page.locator("select[name=role]")).to_be_visible()


@pytest.mark.parametrize(("lang", "width"), SIZES, ids=[f"{lang}-{w}" for lang, w in SIZES])
def test_give_a_role_shows_only_the_chosen_roles_fields(
    browser: Any, server: Server, lang: str, width: int
) -> None:
    context = _context(browser, width)
    try:
        page = sign_in(context, server, ADMIN, lang)
        _new_account(page, server, f"role.{lang}.{width}@example.org")
        role = page.locator("select[name=role]")
        expect(role).to_have_value("")
        assert role.evaluate("(el) => el.required") is True
        for chosen, shown in SHOWN.items():
            role.select_option(chosen)
            for name in SCOPE_FIELDS:
                field = page.locator(f"select[name={name}]")
                if name in shown:
                    expect(field).to_be_visible()
                    expect(field).to_be_enabled()
                else:
                    expect(field).to_be_hidden()
                    expect(field).to_be_disabled()
        role.select_option("commander")
        _fits(page, ".role-form select, .role-form button", width)
        shoot(page, lang, f"admin-give-role-{width}")
        found = axe_violations(page)
        assert not found, describe(found)
        page.locator("select[name=unit_id]").select_option(index=1)
        with page.expect_navigation():
            page.click(".role-form button[type=submit]")
        expect(page.locator(".flash-success")).to_be_visible()
        expect(page.locator("section ul.plain form.inline-form")).to_have_count(1)
    finally:
        context.close()


def test_without_javascript_every_field_shows_and_the_unused_ones_are_ignored(
    browser: Any, server: Server
) -> None:
    context = _context(browser, 375, java_script_enabled=False)
    try:
        page = sign_in(context, server, ADMIN, "en")
        _new_account(page, server, "role.nojs@example.org")
        for name in SCOPE_FIELDS:
            expect(page.locator(f"select[name={name}]")).to_be_visible()
        expect(page.get_by_text("For donors.")).to_be_visible()
        page.locator("select[name=role]").select_option("donor")
        page.locator("select[name=unit_id]").select_option(index=1)  # not a donor's field
        page.locator("select[name=country_id]").select_option(index=1)
        with page.expect_navigation():
            page.click(".role-form button[type=submit]")
        expect(page.get_by_text("The role has been given.")).to_be_visible()
        roles = page.locator("section ul.plain li").first
        expect(roles).to_contain_text("Donor")
        expect(roles).to_contain_text("Lebanon")
        expect(roles).not_to_contain_text("Hobeich")
    finally:
        context.close()


@pytest.mark.parametrize(("lang", "width"), SIZES, ids=[f"{lang}-{w}" for lang, w in SIZES])
def test_the_cycle_form_ticks_a_whole_institution_or_the_last_cycles_units(
    browser: Any, server: Server, lang: str, width: int
) -> None:
    context = _context(browser, width)
    try:
        page = sign_in(context, server, ADMIN, lang)
        page.goto(f"{server.url}/admin/cycles/new")
        choose_language(page, lang)
        groups = page.locator("[data-unit-group]")
        sizes = [g.locator("ul input[type=checkbox]").count() for g in groups.all()]
        group = groups.nth(sizes.index(max(sizes)))
        assert max(sizes) > 3
        whole = group.locator("input[data-select-all]")
        units = group.locator("ul input[type=checkbox]")
        whole.check()
        for box in units.all():
            expect(box).to_be_checked()
        units.nth(1).uncheck()
        expect(whole).not_to_be_checked()
        assert whole.evaluate("(el) => el.indeterminate") is True
        units.nth(1).check()
        expect(whole).to_be_checked()
        whole.uncheck()
        for box in units.all():
            expect(box).not_to_be_checked()
        _fits(page, ".unit-picker input, .unit-picker label", width)
        # "Same units as the last cycle" ticks them here; what was typed stays.
        page.fill("#name", "Next year")
        link = page.locator("a[data-check-units]")
        wanted = set((link.get_attribute("data-check-units") or "").split())
        assert wanted
        url = page.url
        link.click()
        assert page.url == url
        expect(page.locator("#name")).to_have_value("Next year")
        ticked = set(
            page.eval_on_selector_all(
                "input[name=unit_ids]", "(els) => els.filter((e) => e.checked).map((e) => e.value)"
            )
        )
        assert ticked == wanted
        shoot(page, lang, f"admin-cycle-form-{width}")
    finally:
        context.close()


@pytest.mark.parametrize(("lang", "width"), SIZES[:2], ids=[f"{lang}-{w}" for lang, w in SIZES[:2]])
def test_a_cycles_page_lists_its_units_and_offers_the_others(
    browser: Any, server: Server, lang: str, width: int
) -> None:
    context = _context(browser, width)
    try:
        page = sign_in(context, server, ADMIN, lang)
        page.goto(f"{server.url}/admin/cycles/")
        with page.expect_navigation():
            page.locator("main table tbody th a").first.click()
        expect(page.locator("table.cycle-units tbody tr").first).to_be_visible()
        picker = page.locator(".unit-picker")
        expect(picker).to_be_visible()
        group = page.locator("[data-unit-group]").first
        group.locator("input[data-select-all]").check()
        for box in group.locator("ul input[type=checkbox]").all():
            expect(box).to_be_checked()
        _fits(page, ".unit-picker input, .unit-picker label, table.cycle-units button", width)
        shoot(page, lang, f"admin-cycle-{width}")
        found = axe_violations(page)
        assert not found, describe(found)
    finally:
        context.close()
