"""The audits list and the review queue: a page at a time, filtered, sorted, counted in SQL,
and only ever the audits of the units the person may see."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from audit.audits import listing, services
from audit.audits.models import Audit
from audit.extensions import db
from audit.home import views as home_views
from audit.transactions import unit_of_work
from tests.audits.conftest import SIGNED, SMALL_ANSWERS, World, fill_small


def listed(world: World, who: str, query: str = "") -> tuple[list[int], str]:
    """The audit ids listed, in order, and the page."""
    response = world.client(who).get(f"/audits/{query}")
    assert response.status_code == 200, (who, query, response.status_code)
    html = response.get_data(as_text=True)
    table = html[html.index('id="audit-list"') :]
    return [int(i) for i in re.findall(r'href="/audits/(\d+)"', table)], html


def submitted(world: World) -> World:
    fill_small(world)
    world.act(services.submit, "commander", SIGNED)
    return world


def test_each_person_lists_only_the_audits_of_their_units(small_world):
    w = small_world
    assert listed(w, "commander")[0] == [w.audit]
    assert sorted(listed(w, "adviser")[0]) == sorted([w.audit, w.other_audit])
    assert listed(w, "other_adviser")[0] == [w.barracks_audit]
    assert sorted(listed(w, "admin")[0]) == sorted([w.audit, w.other_audit, w.barracks_audit])
    # Donors see aggregates only; nobody signed in is sent to sign in.
    assert w.client("donor").get("/audits/").status_code == 403
    assert w.client(None).get("/audits/").status_code == 302


def test_the_list_is_paged_with_its_total_counted(small_world, monkeypatch):
    monkeypatch.setattr(listing, "PER_PAGE", 2)
    w = small_world
    first, html = listed(w, "admin", "?sort=unit")
    assert len(first) == 2
    assert "1-2 of 3" in html
    assert "page 1 of 2" in html
    assert 'href="/audits/?page=2&amp;sort=unit"' in html
    second, html = listed(w, "admin", "?sort=unit&page=2")
    assert len(second) == 1
    assert "3-3 of 3" in html
    assert set(first) | set(second) == {w.audit, w.other_audit, w.barracks_audit}
    # A page past the end shows the last; a page that is not a number, the first, and says so.
    assert listed(w, "admin", "?sort=unit&page=99")[0] == second
    ids, html = listed(w, "admin", "?sort=unit&page=two")
    assert ids == first
    assert 'id="list-ignored"' in html
    assert "Page" in html


def test_filters_and_sorts_narrow_and_order_the_list(small_world):
    w = submitted(small_world)
    # Sorted by unit name: Barracks, Station-A, Station-B.
    assert listed(w, "admin", "?sort=unit")[0] == [w.barracks_audit, w.audit, w.other_audit]
    # By state: the submitted audit first (it needs someone).
    assert listed(w, "admin")[0][0] == w.audit
    assert listed(w, "admin", "?state=submitted")[0] == [w.audit]
    assert listed(w, "admin", f"?institution={w.org.army}")[0] == [w.barracks_audit]
    assert listed(w, "admin", f"?cycle={w.cycle_id}&state=validated")[0] == []
    # A value outside the choices is ignored, and the page says which filter it was.
    ids, html = listed(w, "admin", "?state=lost&institution=999999")
    assert len(ids) == 3
    notice = re.search(r'id="list-ignored">(.*?)</p>', html, re.S)
    assert notice
    assert "Institution" in notice.group(1)
    assert "State" in notice.group(1)
    # An institution the adviser does not review is not among their choices.
    ids, html = listed(w, "adviser", f"?institution={w.org.army}")
    assert 'id="list-ignored"' in html


def test_the_review_queue_holds_submitted_audits_the_adviser_reviews(small_world):
    w = submitted(small_world)
    ids, html = listed(w, "adviser", "?queue=review")
    assert ids == [w.audit]
    assert "Review queue" in html
    # The army's adviser and the commander review nothing here; the administrator
    # reviews nothing either (validating is an adviser's act).
    assert listed(w, "other_adviser", "?queue=review")[0] == []
    assert listed(w, "commander", "?queue=review")[0] == []
    assert listed(w, "admin", "?queue=review")[0] == []


def test_the_home_page_shows_part_of_the_queue_and_links_to_all_of_it(small_world, monkeypatch):
    w = submitted(small_world)
    html = w.client("adviser").get("/").get_data(as_text=True)
    section = re.search(r'id="to-review">(.*?)</section>', html, re.S)
    assert section
    assert f'href="/audits/{w.audit}"' in section.group(1)
    assert "queue=review" not in section.group(1)  # everything is already shown
    monkeypatch.setattr(home_views, "QUEUE_SHOWN", 1)
    for code, raw in SMALL_ANSWERS.items():
        currency = "usd" if code == "BB1" else ""
        assert w.save(code, raw, "other_commander", w.other_audit, currency=currency).saved
    with w.app.app_context(), unit_of_work():
        audit = db.session.get(Audit, w.other_audit)
        services.add_evidence_reference(w.user("other_commander"), audit, "AA1", "Album 3")
    w.act(services.submit, "other_commander", SIGNED, audit_id=w.other_audit)
    html = w.client("adviser").get("/").get_data(as_text=True)
    section = re.search(r'id="to-review">(.*?)</section>', html, re.S)
    assert section
    assert 'href="/audits/?queue=review"' in section.group(1)
    assert "All 2 audits waiting for your review" in section.group(1)
    assert 'id="to-review"' not in w.client("other_adviser").get("/").get_data(as_text=True)


def test_the_home_page_counts_the_units_beyond_those_it_lists(small_world, monkeypatch):
    w = small_world
    monkeypatch.setattr(home_views, "SHOWN", 2)
    html = w.client("admin").get("/").get_data(as_text=True)
    section = re.search(r'id="your-units">(.*?)</section>', html, re.S)
    assert section
    assert len(re.findall(r'href="/units/\d+"', section.group(1))) == 2
    assert "All 5 units" in section.group(1)


@pytest.mark.parametrize("who", ["adviser", "admin"])
def test_a_page_costs_the_same_queries_whatever_its_length(small_world, monkeypatch, who):
    w = small_world
    client = w.client(who)
    client.get("/audits/")  # warm: the framework and translations are read once
    with w.app.app_context():
        engine = db.engine
    seen: list[str] = []

    def count(*_args: object) -> None:
        seen.append("q")

    def queries(per_page: int) -> int:
        monkeypatch.setattr(listing, "PER_PAGE", per_page)
        seen.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get("/audits/?sort=unit").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    # One row a page or every row on one page: no query per row.
    assert queries(1) == queries(50)
