"""axe-core on the main pages, in English and in Arabic: no serious or critical violation.

Each role signs in once per language (chosen from the header) and visits its pages: the sign-in
page; every role's home; the audit form (a domain page) and the audit page of a commander; the
review page, the review of a domain, the unit scorecard, "how it was computed" and the portfolio
of a gender adviser; the donor page; and the administrator's lists. A failure lists every
violation of every page: rule id, impact, what it means and the elements (CSS selectors).
Screenshots of the pages land in test-artifacts/screenshots/<language>/.

The pages are those of seed_journeys (tests/browser/seed.py) that no other test changes: a half
filled form (Chtaura Post), an audit waiting for review (Rashaya Post), validated audits (Masnaa
Border Post and three more) and the donor of the Border Police.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Server
from tests.browser.pages import (
    LANGUAGES,
    axe_violations,
    choose_language,
    describe,
    new_context,
    sign_in,
    visit,
)


def _pages(server: Server, role: str) -> tuple[str | None, list[tuple[str, str]]]:
    """Who signs in for `role`, and the (screenshot name, path) of the pages they open."""
    seeded = server.journeys
    users, audits = seeded["users"], seeded["audits"]
    form, review, done = audits["BP-FRM"], audits["BP-RAX"], audits["BP-V1"]
    pages = {
        "visitor": (None, [("login", "/login")]),
        "commander": (
            users["commander_axe"],
            [
                ("commander-home", "/"),
                ("audit-form-FA", f"/audits/{form}/domains/FA"),
                ("audit-form-PE", f"/audits/{form}/domains/PE"),
                ("audit", f"/audits/{form}"),
            ],
        ),
        "adviser": (
            users["adviser_axe"],
            [
                ("adviser-home", "/"),
                ("review", f"/audits/{review}"),
                ("review-FA", f"/audits/{review}/domains/FA"),
                ("scorecard", f"/scorecards/audits/{done}"),
                ("how-overall", f"/scorecards/audits/{done}/how/overall/overall"),
                ("how-domain", f"/scorecards/audits/{done}/how/domain/FA"),
                ("portfolio", "/portfolio/"),
            ],
        ),
        "donor": (
            users["donor_axe"],
            [("donor-home", "/"), ("donor", "/portfolio/donor"), ("my-workbooks", "/exports/")],
        ),
        "administrator": (
            "admin@example.org",
            [
                ("admin-home", "/"),
                ("admin-users", "/admin/users"),
                ("admin-organisations", "/admin/orgs"),
                ("admin-cycles", "/admin/cycles/"),
                ("admin-new-cycle", "/admin/cycles/new"),
                ("admin-frameworks", "/admin/frameworks/"),
                ("password", "/account/password"),
            ],
        ),
    }
    return pages[role]


@pytest.mark.parametrize("role", ["visitor", "commander", "adviser", "donor", "administrator"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_main_pages_have_no_serious_accessibility_violation(
    browser: Any, server: Server, lang: str, role: str
) -> None:
    email, pages = _pages(server, role)
    context = new_context(browser)
    try:
        if email is None:
            page = context.new_page()
            page.goto(f"{server.url}/login")
            choose_language(page, lang)
        else:
            page = sign_in(context, server, email, lang)
        report = []
        for name, path in pages:
            visit(page, server.url + path, lang, name)
            violations = axe_violations(page)
            if violations:
                report.append(f"{name} ({path}, {lang}):\n{describe(violations)}")
        assert not report, "axe-core found serious or critical violations:\n" + "\n".join(report)
    finally:
        context.close()
