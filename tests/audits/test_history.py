"""The history page (issue 12, item 14): labels in the reader's language, values as the form
shows them, filters by domain, question, person and kind, pages; junk parameters never break it.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _

from audit.audits import history
from audit.audits.models import AuditState
from audit.transactions import unit_of_work
from tests.audits.conftest import SIGN_OFF_FORM, World
from tests.audits.test_review import send

ROOT = Path(__file__).resolve().parents[2]
#: `log.write(audit, who, "kind", ...)`: the kinds the services write, read from the source.
WRITE = re.compile(r'log\.write\(\s*[\w.]+\s*,\s*[\w.]+\s*,\s*"([a-z_]+\.[a-z_]+)"', re.S)


def page_of(world: World, who: str, query: str = "") -> str:
    response = world.client(who).get(f"/audits/{world.audit}/history{query}")
    assert response.status_code == 200, (who, query, response.status_code)
    return html.unescape(response.data.decode())


def rows(page: str) -> list[tuple[str, str]]:
    """(kind, row text without tags) of every listed entry."""
    found = re.findall(r'<tr data-action="([a-z_.]+)">(.*?)</tr>', page, re.S)
    return [(kind, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))) for kind, body in found]


def visible(page: str) -> str:
    main = page.split("<main", 1)[1]
    return re.sub(r"<[^>]+>", " ", main)


def set_locale(world: World, who: str, locale: str) -> None:
    with world.app.app_context(), unit_of_work():
        world.user(who).locale = locale


@pytest.fixture
def reviewed(filled: World) -> World:
    """Answered, submitted, asked about AA5 and returned."""
    send(filled, "commander", "submit", SIGN_OFF_FORM)
    send(filled, "adviser", "answers/AA5/queries", {"body": "Only 4 beds for 14 women?"})
    send(filled, "adviser", "return", {"reason": "See the question on beds."})
    assert filled.state() is AuditState.RETURNED
    return filled


# --- labels -----------------------------------------------------------------------------------


def test_every_kind_of_entry_the_code_writes_has_a_label():
    written = set()
    for path in (ROOT / "audit").rglob("*.py"):
        written |= set(WRITE.findall(path.read_text(encoding="utf-8")))
    # The scan finds the kinds we know of (it is not silently finding nothing) ...
    assert {"answer.saved", "audit.returned", "audit.validated", "evidence.added"} <= written
    # ... and every one of them is labelled.
    assert written - set(history.EVENT_LABELS) == set()
    assert all(str(label).strip() for label in history.EVENT_LABELS.values())


def test_an_unknown_kind_shows_its_code_rather_than_failing():
    assert history.event_label("audit.teleported") == "audit.teleported"


def test_the_history_shows_labels_and_values_as_the_form_shows_them(reviewed):
    w = reviewed
    page = page_of(w, "adviser")
    text = visible(page)
    # No event codes and no JSON for people to decipher.
    for raw in ("answer.saved", "audit.submitted", '{"', '"value"', "null", "not_applicable"):
        assert raw not in text, raw
    by_kind = rows(page)
    labels = {kind: body for kind, body in by_kind}
    assert "Answer saved" in labels["answer.saved"]
    assert "Signed off and submitted" in labels["audit.submitted"]
    assert "Returned to the unit" in labels["audit.returned"]
    assert "See the question on beds." in labels["audit.returned"]
    assert "Question from the reviewer" in labels["query.opened"]
    assert "Evidence added" in labels["evidence.added"]
    assert "Reference: Photo album 12/2025" in labels["evidence.added"]
    assert "Audit opened" in labels["audit.created"]
    saved = " | ".join(body for kind, body in by_kind if kind == "answer.saved")
    for shown in (
        "AA1 ",
        "Yes",  # yes_no
        "Partly",  # no_partly_yes
        "Meets requirements",  # rubric
        "Officers: Women 3 · Men 7 · Not recorded 0",  # sex_table, a line per row
        "Other ranks: Women 10 · Men 30 · Not recorded 1",
        "1,500.50 USD",  # amount and its currency
        "Jun 30, 2025",  # date
        "Part time",  # choice, by its label
        "Health, Legal aid",  # multi_choice
        "Monthly meetings with the women's network.",  # text
        "Army",
    ):
        assert shown in saved, shown
    assert re.search(r"AA5 .*? 4 ", saved)  # count
    # States are told by their names.
    assert re.search(r"In progress.*Submitted", labels["audit.submitted"])


def test_a_change_shows_the_value_before_and_after(filled):
    w = filled
    assert w.save("AA5", "999").saved
    page = page_of(w, "commander", "?indicator=AA5")
    found = rows(page)
    assert [kind for kind, _body in found] == ["answer.saved", "answer.saved"]
    newest = re.findall(r'<td class="history-(?:before|after)">(.*?)</td>', page, re.S)[:2]
    assert newest == ["4", "999"]


@pytest.mark.parametrize(
    ("locale", "option", "level"),
    [("fr", "Temps partiel", "Partly"), ("ar", "دوام جزئي", "Partly")],
)
def test_the_history_speaks_the_readers_language(reviewed, locale, option, level):
    w = reviewed
    set_locale(w, "commander", locale)
    page = page_of(w, "commander")
    with w.app.test_request_context(), force_locale(locale):
        returned, partly = _("Returned to the unit"), _(level)
        state = _("In progress")
    assert returned != "Returned to the unit"
    assert partly != level
    labels = dict(rows(page))
    assert returned in labels["audit.returned"]
    saved = " | ".join(body for kind, body in rows(page) if kind == "answer.saved")
    assert option in saved
    assert partly in saved
    assert state in labels["audit.submitted"]
    if locale == "ar":
        assert 'dir="rtl"' in page


# --- filters ----------------------------------------------------------------------------------


def test_each_filter_narrows_the_list(reviewed):
    w = reviewed
    everything = rows(page_of(w, "adviser"))
    assert len(everything) > 15

    by_domain = rows(page_of(w, "adviser", "?domain=BB"))
    assert by_domain
    assert all(" BB" in body for _k, body in by_domain)
    assert not any(" AA" in body for _k, body in by_domain)

    by_question = rows(page_of(w, "adviser", "?indicator=AA5"))
    assert {k for k, _b in by_question} == {"answer.saved", "query.opened"}
    assert all(" AA5 " in body for _k, body in by_question)

    with w.app.app_context(), unit_of_work():
        adviser_id = w.user("adviser").id
    by_person = rows(page_of(w, "adviser", f"?person={adviser_id}"))
    assert sorted(k for k, _b in by_person) == ["audit.returned", "query.opened"]

    by_kind = rows(page_of(w, "adviser", "?kind=audit.submitted"))
    assert [k for k, _b in by_kind] == ["audit.submitted"]

    both = rows(page_of(w, "adviser", f"?kind=answer.saved&person={adviser_id}"))
    assert both == []
    assert "No change matches these filters." in page_of(
        w, "adviser", f"?kind=answer.saved&person={adviser_id}"
    )
    # The form keeps what was chosen, and offers only people who changed something.
    page = page_of(w, "adviser", "?domain=BB")
    assert '<option selected value="BB">' in page
    person = re.search(r'<select id="person" name="person">(.*?)</select>', page, re.S).group(1)
    with w.app.app_context(), unit_of_work():
        donor = w.user("donor").name
    assert donor not in person
    assert len(re.findall("<option", person)) == 4  # any, the admin, the commander, the adviser


@pytest.mark.parametrize(
    "query",
    [
        "?domain=ZZ",
        "?domain=aa",
        "?indicator=ZZ9",
        "?indicator=AA5%00",
        "?person=abc",
        "?person=999999",
        "?person=-1",
        "?kind=%3Cscript%3E",
        "?kind=answer.saved%27--",
        "?page=0",
        "?page=-3",
        "?page=abc",
        "?page=1e9",
        "?page=%D9%A2",
        "?page=99999999999999999999",
        "?domain=AA&domain=BB&page=2&page=x",
        "?indicator=" + "A" * 5000,
    ],
)
def test_junk_filters_are_ignored_with_a_message_never_a_500(reviewed, query):
    page = page_of(reviewed, "commander", query)
    assert "These filters were not understood and are ignored:" in page or "page=2" in query
    assert rows(page)


def test_the_history_comes_a_page_at_a_time(filled):
    w = filled
    for n in range(60):
        assert w.save("AA5", str(n + 10)).saved
    total = len(rows(page_of(w, "commander", "?indicator=AA5")))
    assert total == history.PER_PAGE
    first = page_of(w, "commander", "?indicator=AA5")
    assert "page 1 of 2" in first
    assert 'rel="next"' in first
    assert f'href="/audits/{w.audit}/history?page=2&indicator=AA5" rel="next"' in first
    second = page_of(w, "commander", "?indicator=AA5&page=2")
    assert len(rows(second)) == 61 - history.PER_PAGE
    assert 'aria-current="page">2<' in second
    assert 'rel="prev"' in second
    # Past the last page: the last page.
    assert rows(page_of(w, "commander", "?indicator=AA5&page=9")) == rows(second)


# --- who may read it --------------------------------------------------------------------------


def test_only_people_who_may_see_the_audit_read_its_history(reviewed):
    w = reviewed
    for who in ("commander", "adviser", "admin"):
        assert rows(page_of(w, who)), who
    for who in ("other_commander", "other_adviser"):
        assert w.client(who).get(f"/audits/{w.audit}/history").status_code == 404, who
    assert w.client("donor").get(f"/audits/{w.audit}/history").status_code in (403, 404)
    anonymous = w.client(None).get(f"/audits/{w.audit}/history")
    assert anonymous.status_code == 302
    assert "/login" in anonymous.headers["Location"]
