"""The units, accounts and an institution's units: a page at a time with a name search, for
the people who may see them, and never a 500 for what is typed into the search."""

from __future__ import annotations

import re

import pytest

from audit.accounts import views as account_views
from audit.orgs import views as org_views
from tests.audits.conftest import World


def get(world: World, who: str | None, url: str) -> tuple[int, str]:
    response = world.client(who).get(url)
    return response.status_code, response.get_data(as_text=True)


def unit_links(html: str) -> list[str]:
    return re.findall(r'<a href="/units/\d+">([^<]+)</a>', html)


def test_units_list_is_scoped_searched_and_paged(small_world, monkeypatch):
    w = small_world
    status, html = get(w, "adviser", "/units")
    assert status == 200
    assert sorted(unit_links(html)) == ["Region", "Station-A", "Station-B"]
    assert sorted(unit_links(get(w, "adviser", "/units?q=station-a")[1])) == ["Station-A"]
    # LIKE wildcards are taken literally; a search for nothing that exists says so.
    status, html = get(w, "adviser", "/units?q=%25")
    assert status == 200
    assert unit_links(html) == []
    assert "No unit matches this search." in html
    # The commander sees only the unit they command, even when searching for another.
    assert unit_links(get(w, "commander", "/units?q=station")[1]) == ["Station-A"]
    monkeypatch.setattr(org_views, "PER_PAGE", 2)
    first = unit_links(get(w, "admin", "/units")[1])
    status, html = get(w, "admin", "/units?page=3")
    assert len(first) == 2
    assert unit_links(html) == ["Station-B"]  # Army first, then the police tree
    assert "5-5 of 5" in html
    status, html = get(w, "admin", "/units?page=%00")
    assert status == 200
    assert 'id="list-ignored"' in html
    assert w.client(None).get("/units").status_code == 302


def test_accounts_list_is_for_administrators_searched_and_paged(small_world, monkeypatch):
    w = small_world
    for who in ("commander", "adviser", "donor"):
        assert get(w, who, "/admin/users")[0] == 403
    status, html = get(w, "admin", "/admin/users")
    assert status == 200
    emails = set(re.findall(r'<td dir="ltr">([^<]+)</td>', html))
    assert set(w.emails.values()) <= emails
    wanted = w.emails["donor"]
    searched = set(
        re.findall(r'<td dir="ltr">([^<]+)</td>', get(w, "admin", f"/admin/users?q={wanted}")[1])
    )
    assert searched == {wanted}
    monkeypatch.setattr(account_views, "USERS_PER_PAGE", 4)
    status, html = get(w, "admin", "/admin/users?page=2")
    assert status == 200
    assert len(re.findall(r'<td dir="ltr">', html)) == len(emails) - 4
    assert 'rel="prev"' in html


def test_an_institutions_units_are_paged_in_tree_order(small_world, monkeypatch):
    w = small_world
    url = f"/admin/institutions/{w.org.police}/units"
    for who in ("commander", "adviser"):
        assert get(w, who, url)[0] == 403
    status, html = get(w, "admin", url)
    assert status == 200
    names = re.findall(r'href="/admin/units/\d+">([^<]+)</a>', html)
    assert names == ["Hq", "Region", "Station-A", "Station-B"]
    monkeypatch.setattr(org_views, "PER_PAGE", 3)
    html = get(w, "admin", f"{url}?page=2")[1]
    assert re.findall(r'href="/admin/units/\d+">([^<]+)</a>', html) == ["Station-B"]
    assert f'href="{url}?page=1"' in html
    html = get(w, "admin", f"{url}?q=region")[1]
    assert re.findall(r'href="/admin/units/\d+">([^<]+)</a>', html) == ["Region"]
    assert get(w, "admin", "/admin/institutions/999999/units")[0] == 404


def test_the_organisations_page_counts_units_in_the_database(small_world):
    status, html = get(small_world, "admin", "/admin/orgs")
    assert status == 200
    police = re.search(r">Police</a></td>\s*<td>[^<]*</td><td>(\d+)</td>", html)
    army = re.search(r">Army</a></td>\s*<td>[^<]*</td><td>(\d+)</td>", html)
    assert police
    assert police.group(1) == "4"
    assert army
    assert army.group(1) == "1"


@pytest.mark.parametrize("q", ["\x00", "' OR 1=1 --", "_", "\\", "x" * 5_000, "مخفر"])
def test_no_search_text_gives_an_error(small_world, q):
    for url in ("/units", "/admin/users", f"/admin/institutions/{small_world.org.police}/units"):
        assert small_world.client("admin").get(url, query_string={"q": q}).status_code == 200


def test_a_broad_search_counts_no_further_than_its_cap(small_world, monkeypatch):
    from audit import paging

    monkeypatch.setattr(paging, "SEARCH_COUNT_CAP", 2)
    monkeypatch.setattr(org_views, "PER_PAGE", 2)
    status, html = get(small_world, "admin", "/units?q=a")  # Barracks, Region, Station-A, -B
    assert status == 200
    assert "1-2 of more than 2" in html
    assert "Type more of the name to narrow the list." in html
    assert len(unit_links(html)) == 2
    # Without a search the whole list is counted.
    assert "1-2 of 5" in get(small_world, "admin", "/units")[1]
