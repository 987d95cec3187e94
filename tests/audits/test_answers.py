"""Saving answers: every answer type, the checks across answers, skips, not-applicable, locks,
conflicts and the history — through the background save (POST /audits/<id>/answers/<code>, what
the page's script sends) and the plain form (POST /audits/<id>/domains/<code>, without script).

Indicator codes are real ones of the shipped framework (wps-2026.1) for station A, a police
station; date and text questions exist only in the small test framework.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from sqlalchemy import event, select

from audit.accounts.models import Role
from audit.audits.models import Audit, AuditCycle, AuditLogEntry, AuditState, CycleStatus
from audit.db import utcnow
from audit.extensions import db
from audit.frameworks.models import FrameworkIndicator
from audit.transactions import unit_of_work
from tests.audits.conftest import World

LIST = "Choose an answer from the list."
CONFLICT = "Someone else changed this answer meanwhile. Check their version first."
YOUR_OTHER_TAB = (
    "You changed this answer in another tab or window meanwhile. "
    "Keep this version or take the other one."
)
FA1A_RULE = (
    "The number of sites with complete facilities cannot be higher than the total number of sites "
    "(FA1)."
)
RR1_OFFICERS = "Officers (commissioned or senior police ranks)"


def post(world: World, code: str, fields: dict[str, Any], who: str = "commander", **kw: Any):
    """The background save of one answer, based on the stored revision unless given."""
    fields = dict(fields)
    fields.setdefault(f"{code}__rev", str(world.revision(code, kw.get("audit_id"))))
    audit_id = kw.get("audit_id") or world.audit
    return world.client(who).post(f"/audits/{audit_id}/answers/{code}", data=fields)


def table(code: str, **rows: tuple[object, object, object]) -> dict[str, str]:
    """A sex table's form fields, named like the form: CODE-row-column."""
    fields = {}
    for row, cells in rows.items():
        for column, cell in zip(("women", "men", "not_recorded"), cells, strict=True):
            fields[f"{code}-{row}-{column}"] = str(cell)
    return fields


def question(page: str, code: str) -> str:
    """The HTML of one question of a domain page (up to the next question)."""
    match = re.search(
        rf'<fieldset class="question[^"]*" id="q-{code}".*?(?=<fieldset class="question|</form>)',
        page,
        re.S,
    )
    assert match, f"{code} is not on the page"
    return html.unescape(match.group(0))


def log_entries(world: World, code: str) -> list[AuditLogEntry]:
    with world.app.app_context(), unit_of_work():
        entries = db.session.scalars(
            select(AuditLogEntry)
            .join(FrameworkIndicator, AuditLogEntry.indicator_id == FrameworkIndicator.id)
            .where(AuditLogEntry.audit_id == world.audit, FrameworkIndicator.code == code)
            .order_by(AuditLogEntry.id)
        ).all()
        for entry in entries:
            db.session.expunge(entry)
        return list(entries)


def set_state(world: World, state: AuditState) -> None:
    with world.app.app_context(), unit_of_work():
        audit = db.session.get(Audit, world.audit)
        audit.state = state
        audit.submitted_at = utcnow()
        audit.validated_at = utcnow() if state is AuditState.VALIDATED else None
        db.session.commit()


# --- every answer type ------------------------------------------------------------------------


VALID = [
    # (code, answer type, form fields, stored value)
    ("FA5", "yes_no", {"FA5": "yes"}, "yes"),
    ("FA4", "no_partly_yes", {"FA4": "partly"}, "partly"),
    ("FA3", "rubric", {"FA3": "approaches"}, "approaches"),
    ("GA8", "count", {"GA8": " 1 200 "}, 1200),
    (
        "RR1",
        "sex_table",
        table("RR1", officers=(3, 7, 0), ncos=(10, 40, 1), other_ranks=(20, " 100 ", 0)),
        {
            "officers": {"women": 3, "men": 7, "not_recorded": 0},
            "ncos": {"women": 10, "men": 40, "not_recorded": 1},
            "other_ranks": {"women": 20, "men": 100, "not_recorded": 0},
        },
    ),
    ("LB5", "amount", {"LB5": "25000.50", "LB5__currency": "usd"}, 25000.5),
    ("FA2", "choice", {"FA2": "quarters"}, "quarters"),
    (
        "FA7",
        "multi_choice",
        {"FA7": ["parental_leave_both", "onsite_childcare"]},
        ["onsite_childcare", "parental_leave_both"],
    ),
]


def test_each_answer_type_is_saved_as_its_value(world):
    with world.app.app_context(), unit_of_work():
        fw_types = {
            row.code: row.answer_type for row in db.session.scalars(select(FrameworkIndicator))
        }
    for code, kind, fields, stored in VALID:
        assert fw_types[code] == kind, code
        response = post(world, code, fields)
        assert response.status_code == 200, (code, response.json)
        body = response.json
        assert body["saved"] is True, code
        assert body["revision"] == 1, code
        assert body["problems"] == [], code
        assert body["warnings"] == [], code
        answer = world.answer(code)
        assert answer.value == stored, code
        assert answer.not_applicable is False
        assert answer.revision == 1
    assert world.answer("LB5").currency == "USD"
    assert world.state() is AuditState.IN_PROGRESS  # the first save started the audit
    # The form shows the stored answers again.
    page = world.client("commander").get(f"/audits/{world.audit}/domains/GA").data.decode()
    assert 'value="1200"' in question(page, "GA8")
    page = world.client("commander").get(f"/audits/{world.audit}/domains/RR").data.decode()
    assert 'name="RR1-other_ranks-men" size="6" type="text" value="100"' in question(page, "RR1")


INVALID = [
    # (code, form fields, the message shown)
    ("FA5", {"FA5": "maybe"}, LIST),
    ("FA5", {"FA5": "partly"}, LIST),
    ("FA4", {"FA4": "sometimes"}, LIST),
    ("FA3", {"FA3": "yes"}, LIST),
    ("FA3", {"FA3": "excellent"}, LIST),
    ("GA8", {"GA8": "twelve"}, "Enter a number."),
    ("GA8", {"GA8": "-3"}, "The number cannot be negative."),
    ("GA8", {"GA8": "2.5"}, "Enter a whole number."),
    ("GA8", {"GA8": "1e5"}, "Enter a number."),
    ("GA8", {"GA8": "nan"}, "Enter a number."),
    ("GA8", {"GA8": "9" * 13}, "The number must be at most 1000000000000."),
    ("FA1", {"FA1": "0"}, "The number must be at least 1."),
    (
        "RR1",
        table("RR1", officers=("x", 7, 0), ncos=(1, 1, 1), other_ranks=(1, 1, 1)),
        f"{RR1_OFFICERS} · Women: Each cell needs a number.",
    ),
    (
        "RR1",
        table("RR1", officers=(1, -7, 0), ncos=(1, 1, 1), other_ranks=(1, 1, 1)),
        f"{RR1_OFFICERS} · Men: A cell cannot be negative.",
    ),
    (
        "RR1",
        table("RR1", officers=(1, 1, "0.5"), ncos=(1, 1, 1), other_ranks=(1, 1, 1)),
        f"{RR1_OFFICERS} · Not recorded: Each cell needs a whole number.",
    ),
    (
        "RR1",
        table("RR1", officers=(1, 1, 1), ncos=(1, 1, 1), other_ranks=(1, 10**8, 1)),
        "Other ranks and constables · Men: A cell can hold at most 10000000.",
    ),
    ("LB5", {"LB5": "12.345", "LB5__currency": "USD"}, "Use at most 2 decimals."),
    ("LB5", {"LB5": "-5", "LB5__currency": "USD"}, "The number cannot be negative."),
    ("LB5", {"LB5": "lots", "LB5__currency": "USD"}, "Enter a number."),
    (
        "LB5",
        {"LB5": "100", "LB5__currency": "US$"},
        "Enter the currency as a three-letter code, for example USD.",
    ),
    ("FA2", {"FA2": "palace"}, LIST),
    ("FA7", {"FA7": ["onsite_childcare", "spa"]}, LIST),
]


def test_invalid_values_of_each_type_are_refused_and_change_nothing(world):
    # A valid answer first, to show that a refused save leaves it as it was.
    for code, fields in {"FA5": {"FA5": "no"}, "GA8": {"GA8": "4"}}.items():
        assert post(world, code, fields).status_code == 200
    before = world.snapshot()
    for code, fields, text in INVALID:
        response = post(world, code, fields)
        assert response.status_code == 422, (code, fields, response.status_code)
        body = response.json
        assert body["saved"] is False
        assert body["revision"] is None
        assert text in body["problems"], (code, fields, body["problems"])
    assert world.snapshot() == before


def test_dates_and_texts(small_world):
    w = small_world
    today = dt.date.today()
    for value, text in [
        ("30/06/2025", "Enter a date as year-month-day, for example 2026-03-31."),
        ("2025-02-30", "Enter a date as year-month-day, for example 2026-03-31."),
        ("20250630", "Enter a date as year-month-day, for example 2026-03-31."),
        ((today + dt.timedelta(days=1)).isoformat(), "The date cannot be in the future."),
        ("1899-12-31", "The date cannot be before 1900-01-01."),
    ]:
        response = post(w, "BB2", {"BB2": value})
        assert response.status_code == 422, value
        assert response.json["problems"] == [text]
    assert w.answer("BB2") is None
    assert post(w, "BB2", {"BB2": " 2025-06-30 "}).status_code == 200
    assert w.answer("BB2").value == "2025-06-30"
    assert post(w, "BB2", {"BB2": today.isoformat()}).status_code == 200

    for value, text in [
        ("x" * 4001, "The text is too long: at most 4000 characters."),
        ("ring the bell\x07", "The text contains characters that cannot be stored."),
        ("null\x00byte", "The text contains characters that cannot be stored."),
    ]:
        response = post(w, "BB5", {"BB5": value})
        assert response.status_code == 422
        assert response.json["problems"] == [text]
    assert w.answer("BB5") is None
    response = post(w, "BB5", {"BB5": "  Monthly meetings\r\nwith the women's network  "})
    assert response.status_code == 200
    assert w.answer("BB5").value == "Monthly meetings\nwith the women's network"
    assert post(w, "BB5", {"BB5": "y" * 4000}).status_code == 200


# --- checks across answers --------------------------------------------------------------------


def test_totals_rules_and_computed_percentages(world):
    # A sex table with an empty cell is not a total anyone can use: refused, nothing stored.
    fields = table("RR1", officers=(3, 7, 0), ncos=(10, "", 1), other_ranks=(20, 100, 0))
    response = post(world, "RR1", fields)
    assert response.status_code == 422
    assert response.json["saved"] is False
    assert len(response.json["problems"]) == 1
    assert "(0 if none)" in response.json["problems"][0]
    response = post(world, "RR1", table("RR1", officers=(3, 7, 0)))  # rows left out: empty too
    assert response.status_code == 422
    assert world.answer("RR1") is None
    assert world.state() is AuditState.NOT_STARTED

    # A rule across answers (FA1a <= FA1) is saved; it blocks submission, and the message
    # shows the answers it compares with their values.
    assert post(world, "FA1", {"FA1": "10"}).status_code == 200
    response = post(world, "FA1a", {"FA1a": "12"})
    assert response.status_code == 200
    assert response.json["saved"] is True
    assert response.json["blocking"] == [f"{FA1A_RULE} Now: FA1: 10; FA1a: 12."]
    assert response.json["warnings"] == []
    assert response.json["statuses"]["FA1b"] == {"skipped": False, "value": 120.0}
    assert world.answer("FA1a").value == 12
    # It blocks submission and is shown on the audit page and next to the answer.
    page = html.unescape(world.client("commander").get(f"/audits/{world.audit}").data.decode())
    assert '#q-FA1a"><span class="code" dir="ltr">FA1a</span>' in page
    assert f'<span class="blocking-problem">{FA1A_RULE} Now: FA1: 10; FA1a: 12.</span>' in page
    page = world.client("commander").get(f"/audits/{world.audit}/domains/FA").data.decode()
    assert FA1A_RULE in question(page, "FA1a")
    assert "120.0%" in question(page, "FA1b")  # formatted by Babel for the page's language
    # Changing the other side of the rule reports it too; fixing it clears the warning.
    response = post(world, "FA1", {"FA1": "11"})
    assert response.json["blocking"] == [f"{FA1A_RULE} Now: FA1: 11; FA1a: 12."]
    response = post(world, "FA1a", {"FA1a": "5"})
    assert response.json["blocking"] == []
    assert response.json["statuses"]["FA1b"]["value"] == pytest.approx(100 * 5 / 11)

    # The percentage itself is computed: it cannot be saved.
    before = world.snapshot()
    assert post(world, "FA1b", {"FA1b": "90"}).status_code == 404
    result = world.save("FA1b", "90")
    assert result.saved is False
    assert [p.code for p in result.problems] == ["computed"]
    assert world.snapshot() == before


def test_a_skipped_question_cannot_be_answered(world, make_user):
    # Without script: the desk does not exist, so the next question is refused next to it.
    response = world.client("commander").post(
        f"/audits/{world.audit}/domains/WD", data={"WD1": "no", "WD2": "unstaffed"}
    )
    assert response.status_code == 200
    page = response.data.decode()
    assert "This question does not apply given an earlier answer." in question(page, "WD2")
    assert world.answer("WD1").value == "no"
    assert world.answer("WD2") is None
    # The background save refuses it too, and changes nothing.
    before = world.snapshot()
    response = post(world, "WD2", {"WD2": "unstaffed"})
    assert response.status_code == 422
    assert response.json["saved"] is False
    assert response.json["problems"] == ["This question does not apply given an earlier answer."]
    assert response.json["statuses"]["WD2"]["skipped"] is True
    assert world.snapshot() == before

    # Once the desk exists the question is asked; saying "no" again keeps the answer (nothing
    # typed is lost) but it no longer counts.
    assert post(world, "WD1", {"WD1": "yes"}).json["statuses"]["WD2"]["skipped"] is False
    assert post(world, "WD2", {"WD2": "unstaffed"}).status_code == 200
    response = post(world, "WD1", {"WD1": "no"})
    assert response.status_code == 200
    assert response.json["statuses"]["WD2"]["skipped"] is True
    assert world.answer("WD2").value == "unstaffed"

    # The barracks is no police station: its audit does not ask WD1 at all.
    barracks_commander = make_user(Role.COMMANDER, unit_id=world.org.barracks)
    world.emails["barracks"] = barracks_commander
    response = post(world, "WD1", {"WD1": "yes"}, who="barracks", audit_id=world.barracks_audit)
    assert response.status_code == 404
    assert world.answer("WD1", world.barracks_audit) is None


def test_not_applicable_needs_a_reason(world):
    before = world.snapshot()
    for fields in (
        {"FA3__na": "y"},
        {"FA3__na": "y", "FA3__reason": "   "},
        {"FA3__na": "y", "FA3__reason": "\r\n"},
    ):
        response = post(world, "FA3", fields)
        assert response.status_code == 422, fields
        assert response.json["problems"] == ["Say why this question does not apply."]
    response = post(world, "FA3", {"FA3__na": "y", "FA3__reason": "x" * 2001})
    assert response.status_code == 422
    assert world.snapshot() == before

    reason = "The unit has no facilities of its own: it shares the regional HQ building."
    response = post(world, "FA3", {"FA3": "meets", "FA3__na": "y", "FA3__reason": f" {reason} "})
    assert response.status_code == 200
    answer = world.answer("FA3")
    assert answer.not_applicable is True
    assert answer.value is None
    assert answer.na_reason == reason
    page = world.client("commander").get(f"/audits/{world.audit}/domains/FA").data.decode()
    assert reason in question(page, "FA3")
    # Answering it after all clears the reason.
    assert post(world, "FA3", {"FA3": "meets"}).status_code == 200
    answer = world.answer("FA3")
    assert (answer.value, answer.not_applicable, answer.na_reason) == ("meets", False, None)


# --- locks and conflicts ----------------------------------------------------------------------


def test_a_locked_audit_refuses_every_save(world):
    assert post(world, "FA3", {"FA3": "meets"}).status_code == 200
    for state, text in [
        (AuditState.SUBMITTED, "This audit is locked and can no longer be changed."),
        (AuditState.VALIDATED, "This audit is locked and can no longer be changed."),
    ]:
        set_state(world, state)
        before = world.snapshot()
        response = post(world, "FA3", {"FA3": "exceeds"})
        assert response.status_code == 409
        assert response.json == {"saved": False, "problems": [text]}
        response = post(world, "FA4", {"FA4": "yes", "FA4__rev": "0"})
        assert response.status_code == 409
        response = world.client("commander").post(
            f"/audits/{world.audit}/domains/FA",
            data={"FA3": "exceeds", "FA3__rev": "1"},
            follow_redirects=True,
        )
        assert response.status_code == 200
        if state is AuditState.VALIDATED:
            assert text in response.data.decode()
        assert world.snapshot() == before

    set_state(world, AuditState.RETURNED)
    with world.app.app_context(), unit_of_work():
        db.session.get(AuditCycle, world.cycle_id).status = CycleStatus.CLOSED
        db.session.commit()
    before = world.snapshot()
    response = post(world, "FA3", {"FA3": "exceeds"})
    assert response.status_code == 409
    assert response.json["problems"] == [
        "This audit cycle is closed: its audits can no longer be changed."
    ]
    assert world.snapshot() == before


def test_a_stale_save_is_a_conflict_and_overwrites_nothing(world):
    commander = world.client("commander")
    url = f"/audits/{world.audit}/answers/FA3"
    assert commander.post(url, data={"FA3": "meets", "FA3__rev": "0"}).json["revision"] == 1
    # Another tab (or the deputy) saves on top of revision 1 ...
    assert commander.post(url, data={"FA3": "exceeds", "FA3__rev": "1"}).json["revision"] == 2
    before = world.snapshot()
    # ... and this tab, still at revision 1, is told instead of overwriting.
    response = commander.post(url, data={"FA3": "missing", "FA3__rev": "1"})
    assert response.status_code == 409
    body = response.json
    assert body["saved"] is False
    # The newer save was the same person's (another tab): it is not blamed on someone else.
    assert body["problems"] == [YOUR_OTHER_TAB]
    assert body["conflict"] == {
        "revision": 2,
        "by": "user1",
        "yours": True,
        "input": "exceeds",
        "not_applicable": False,
        "reason": "",
        "currency": "",
    }
    assert world.snapshot() == before
    assert world.answer("FA3").value == "exceeds"
    # Two first saves of the same question: the second one started from nothing.
    assert commander.post(url.replace("FA3", "FA4"), data={"FA4": "yes"}).status_code == 200
    response = commander.post(url.replace("FA3", "FA4"), data={"FA4": "no", "FA4__rev": "0"})
    assert response.status_code == 409
    assert response.json["conflict"]["input"] == "yes"
    assert world.answer("FA4").value == "yes"
    # A revision from the future is no better.
    response = commander.post(url, data={"FA3": "missing", "FA3__rev": "7"})
    assert response.status_code == 409
    assert world.answer("FA3").value == "exceeds"
    # The plain form shows the conflict next to the question and carries the newer revision.
    response = commander.post(
        f"/audits/{world.audit}/domains/FA", data={"FA3": "approaches", "FA3__rev": "1"}
    )
    assert response.status_code == 200
    part = question(response.data.decode(), "FA3")
    assert CONFLICT in part
    assert 'name="FA3__rev" type="hidden" value="2"' in part
    assert world.answer("FA3").value == "exceeds"


# --- the history ------------------------------------------------------------------------------


def test_every_save_is_logged_with_its_old_and_new_value(world):
    assert post(world, "FA3", {"FA3": "meets"}).status_code == 200
    assert post(world, "FA3", {"FA3": "banana"}).status_code == 422  # refused: not logged
    assert post(world, "FA3", {"FA3": "exceeds"}).status_code == 200
    assert post(world, "FA3", {"FA3__na": "y", "FA3__reason": "Shared building"}).status_code == 200
    assert post(world, "FA4", {"FA4": "no"}).status_code == 200
    entries = log_entries(world, "FA3")
    assert [e.action for e in entries] == ["answer.saved"] * 3
    with world.app.app_context(), unit_of_work():
        commander_id = world.user("commander").id
    assert {e.actor_id for e in entries} == {commander_id}
    first, second, third = entries
    assert first.old is None
    assert first.new == {
        "value": "meets",
        "currency": None,
        "not_applicable": False,
        "na_reason": None,
        "revision": 1,
    }
    assert second.old == first.new
    assert second.new["value"] == "exceeds"
    assert second.new["revision"] == 2
    assert third.old == second.new
    assert third.new["value"] is None
    assert third.new["not_applicable"] is True
    assert third.new["na_reason"] == "Shared building"

    # The answer's history page lists exactly these, newest first, told as the form tells
    # them; the audit's lists everything.
    for who in ("commander", "adviser", "admin"):
        response = world.client(who).get(f"/audits/{world.audit}/history?indicator=FA3")
        assert response.status_code == 200, who
        page = html.unescape(response.data.decode())
        rows = re.findall(r'<tr data-action="answer.saved">(.*?)</tr>', page, re.S)
        assert len(rows) == 3
        assert all("Answer saved" in row and ">FA3<" in row for row in rows)
        after = [re.findall(r'<td class="history-after">(.*?)</td>', row, re.S)[0] for row in rows]
        assert after == [
            "Not applicable: Shared building",
            "Exceeds requirements",
            "Meets requirements",
        ]
    page = html.unescape(
        world.client("commander").get(f"/audits/{world.audit}/history").data.decode()
    )
    assert ">FA4<" in page
    assert "Audit opened" in page
    response = world.client("commander").get(f"/audits/{world.audit}/history?indicator=ZZ9")
    assert response.status_code == 200
    assert "not understood and are ignored: Question" in html.unescape(response.data.decode())


# --- the plain form (no JavaScript) -----------------------------------------------------------


def test_the_plain_form_saves_several_answers_and_shows_errors_per_question(world):
    commander = world.client("commander")
    url = f"/audits/{world.audit}/domains/FA"
    response = commander.post(
        url,
        data={
            "FA1": "10",
            "FA1a": "twelve",
            "FA2": "quarters",
            "FA3": "meets",
            "FA4": "sometimes",
            "FA7": ["flexible_rostering"],
            "FA1b": "99",  # a percentage: not a field, ignored
        },
    )
    assert response.status_code == 200
    page = response.data.decode()
    assert "Some answers were not saved: see the messages next to them." in page
    assert "Enter a number." in question(page, "FA1a")
    assert 'value="twelve"' in question(page, "FA1a")  # what was typed is still there
    assert LIST in question(page, "FA4")
    assert "Enter a number." not in question(page, "FA1")
    assert {code: world.answer(code).value for code in ("FA1", "FA2", "FA3", "FA7")} == {
        "FA1": 10,
        "FA2": "quarters",
        "FA3": "meets",
        "FA7": ["flexible_rostering"],
    }
    assert world.answer("FA1a") is None
    assert world.answer("FA4") is None
    assert world.answer("FA1b") is None

    # Correcting them saves them; unchanged answers are not saved again.
    response = commander.post(
        url,
        data={
            "FA1": "10",
            "FA1__rev": "1",
            "FA1a": "4",
            "FA2": "quarters",
            "FA2__rev": "1",
            "FA3": "meets",
            "FA3__rev": "1",
            "FA4": "yes",
            "FA7": ["flexible_rostering"],
            "FA7__rev": "1",
        },
    )
    assert response.status_code == 302
    assert response.location.endswith(url)
    assert "Saved." in commander.get(response.location).data.decode()
    assert world.answer("FA1a").value == 4
    assert world.answer("FA4").value == "yes"
    assert world.answer("FA1").revision == 1
    assert len(log_entries(world, "FA1")) == 1


# --- found while writing these tests ----------------------------------------------------------


def test_an_empty_save_of_an_unanswered_question_stores_nothing(world):
    before = world.snapshot()
    for code, fields in [("FA3", {}), ("RR1", {"RR1__rev": "0"}), ("FA7", {"FA7": [""]})]:
        response = post(world, code, fields)
        assert response.status_code == 200, code
        assert response.json["saved"] is True
        assert response.json["revision"] == 0
    assert world.snapshot() == before
    assert world.state() is AuditState.NOT_STARTED


def test_the_plain_form_of_a_submitted_audit_says_it_is_locked(small_world):
    set_state(small_world, AuditState.SUBMITTED)
    response = small_world.client("commander").post(
        f"/audits/{small_world.audit}/domains/AA", data={"AA3": "meets"}, follow_redirects=True
    )
    page = response.data.decode()
    assert "You are not allowed to do that." not in page
    assert "This audit is locked and can no longer be changed." in page
    assert small_world.answer("AA3") is None


def test_a_save_returns_the_domain_menu_counts(world):
    """The page updates the domain menu from the save's answer, without a reload."""
    before = post(world, "FA5", {"FA5": "yes"}).get_json()["progress"]
    after = post(world, "FA4", {"FA4": "partly"}).get_json()["progress"]
    assert after["FA"]["total"] == before["FA"]["total"]
    assert after["FA"]["done"] == before["FA"]["done"] + 1
    assert after["FA"]["count"] == f"{after['FA']['done']}/{after['FA']['total']}"
    label = f"{after['FA']['done']} of {after['FA']['total']} scored questions answered"
    assert after["FA"]["label"] == label  # the scorecard's words for its coverage
    assert set(after) == set(before)  # every domain with questions for this unit
    page = world.client("commander").get(f"/audits/{world.audit}/domains/FA").get_data(as_text=True)
    assert f'<span class="count">{after["FA"]["count"]}</span>' in page  # the same as a reload


# --- work done by one autosave ----------------------------------------------------------------


def test_one_autosave_loads_the_audit_once_and_evaluates_its_answers_once(world, monkeypatch):
    from audit.frameworks import evaluation
    from audit.frameworks import services as frameworks

    assert post(world, "FA3", {"FA3": "meets"}).status_code == 200  # warm the framework cache
    counts = {"answer_loads": 0, "framework_loads": 0, "evaluations": 0}
    evaluate, framework_of = evaluation.evaluate, frameworks.framework_of

    def counting_evaluate(*args, **kwargs):
        counts["evaluations"] += 1
        return evaluate(*args, **kwargs)

    def counting_framework_of(*args, **kwargs):
        counts["framework_loads"] += 1
        return framework_of(*args, **kwargs)

    def count_statement(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT") and "FROM answers" in statement:
            counts["answer_loads"] += 1

    monkeypatch.setattr(evaluation, "evaluate", counting_evaluate)
    monkeypatch.setattr(frameworks, "framework_of", counting_framework_of)
    with world.app.app_context():
        engine = db.engine
    client = world.client("commander")
    event.listen(engine, "before_cursor_execute", count_statement)
    try:
        response = client.post(
            f"/audits/{world.audit}/answers/FA4", data={"FA4": "yes", "FA4__rev": "0"}
        )
    finally:
        event.remove(engine, "before_cursor_execute", count_statement)
    assert response.status_code == 200, response.json
    assert response.json["saved"] is True
    assert counts == {"answer_loads": 1, "framework_loads": 1, "evaluations": 1}


def test_in_arabic_the_codes_a_rule_compares_keep_their_own_direction(world):
    """ "FA1: 10" inside an Arabic sentence: the Latin code is isolated (FSI … PDI) so the bidi
    algorithm cannot swap it with the number; English text carries no isolates."""
    with world.app.app_context(), unit_of_work():
        world.user("commander").locale = "ar"
    assert post(world, "FA1", {"FA1": "10"}).status_code == 200
    blocking = post(world, "FA1a", {"FA1a": "12"}).json["blocking"]
    assert len(blocking) == 1
    assert "\u2068FA1\u2069: 10" in blocking[0]
    assert "\u2068FA1a\u2069: 12" in blocking[0]
    with world.app.app_context(), unit_of_work():
        world.user("commander").locale = "en"
    english = post(world, "FA1a", {"FA1a": "13"}, who="commander").json["blocking"]
    assert english == [f"{FA1A_RULE} Now: FA1: 10; FA1a: 13."]
