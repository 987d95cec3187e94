"""The reviewer's side of issue 12: the return note reaches the unit (item 13), and validating
asks for a confirmation the server checks (item 15).

These run on the small test framework (see `fill_small` in conftest.py).
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from audit.audits import services
from audit.audits.models import AuditState, ReviewQuery
from audit.extensions import db
from audit.transactions import unit_of_work
from tests.audits.conftest import SIGN_OFF_FORM, World
from tests.audits.test_review import send, text

NOTE = "Check the number of beds (AA5) against the register."
UNCONFIRMED = "Tick the box to confirm that validating locks this audit. Nothing has been changed."


def note_box(page: str, audit_id: int) -> str:
    """The return-note box of one audit on a page ('' when there is none)."""
    found = re.search(
        rf'<div class="notice return-note"[^>]*data-return-note="{audit_id}".*?</div>', page, re.S
    )
    return found.group(0) if found else ""


@pytest.fixture
def submitted(filled: World) -> World:
    send(filled, "commander", "submit", SIGN_OFF_FORM)
    assert filled.state() is AuditState.SUBMITTED
    return filled


@pytest.fixture
def returned(submitted: World) -> World:
    w = submitted
    send(w, "adviser", "answers/AA5/queries", {"body": "Only 4 beds for 14 women?"})
    assert "returned to the unit" in send(w, "adviser", "return", {"reason": NOTE})
    assert w.state() is AuditState.RETURNED
    return w


# --- item 13: the return note -----------------------------------------------------------------


def test_the_return_note_is_shown_to_the_commander_until_the_audit_is_resubmitted(returned):
    w = returned
    home = text(w.client("commander").get("/"))
    box = note_box(home, w.audit)
    assert 'role="status"' in box
    assert "The reviewer returned this audit" in box
    assert NOTE in box
    show = text(w.client("commander").get(f"/audits/{w.audit}"))
    assert NOTE in note_box(show, w.audit)
    # The adviser reading the audit page sees what was asked of the unit too.
    assert NOTE in note_box(text(w.client("adviser").get(f"/audits/{w.audit}")), w.audit)

    # Another unit's commander sees neither the note nor the audit.
    assert NOTE not in text(w.client("other_commander").get("/"))
    assert w.client("other_commander").get(f"/audits/{w.audit}").status_code == 404

    # The commander answers the question and submits again: the note has done its work.
    with w.app.app_context(), unit_of_work():
        query_id = db.session.scalar(select(ReviewQuery.id))
    send(w, "commander", f"/audits/queries/{query_id}/reply", {"body": "Six beds now."})
    assert NOTE in note_box(text(w.client("commander").get("/")), w.audit)  # still returned
    send(w, "commander", "submit", SIGN_OFF_FORM)
    assert w.state() is AuditState.SUBMITTED
    assert NOTE not in text(w.client("commander").get("/"))
    assert NOTE not in text(w.client("commander").get(f"/audits/{w.audit}"))
    # It stays in the history.
    assert NOTE in text(w.client("commander").get(f"/audits/{w.audit}/history"))


def test_a_return_without_a_note_still_tells_the_unit_what_to_do(submitted):
    w = submitted
    send(w, "adviser", "answers/AA5/queries", {"body": "Only 4 beds?"})
    send(w, "adviser", "return", {"reason": "  "})
    box = note_box(text(w.client("commander").get("/")), w.audit)
    assert "The reviewer returned this audit" in box
    assert "Answer the open queries, correct what is needed, then sign off and submit again." in box
    assert "<blockquote" not in box


def test_an_audit_reopened_by_an_administrator_shows_the_reason(submitted):
    w = submitted
    send(w, "adviser", "validate", {"confirm": "y"})
    w.act(services.reopen, "admin", "The women officers figure was wrong.")
    box = note_box(text(w.client("commander").get("/")), w.audit)
    assert "An administrator reopened this audit" in box
    assert "The women officers figure was wrong." in box


# --- item 15: validating asks first -----------------------------------------------------------


def test_the_review_area_says_what_validating_locks_and_weighs_the_buttons_differently(submitted):
    w = submitted
    page = text(w.client("adviser").get(f"/audits/{w.audit}"))
    validate = re.search(r'<section class="review-validate".*?</section>', page, re.S).group(0)
    assert "locks the answers, the evidence and the sign-off" in validate
    assert "Only an administrator can reopen the audit" in validate
    checkbox = re.search(r'<input[^>]*id="validate-confirm"[^>]*>', validate).group(0)
    assert 'type="checkbox"' in checkbox
    assert "required" in checkbox
    assert 'name="confirm"' in checkbox
    # The confirmation is the primary (filled) button; Return is the secondary one.
    assert re.search(r'<button type="submit">Validate the audit</button>', validate)
    back = re.search(r'<section class="review-return".*?</section>', page, re.S).group(0)
    assert '<button type="submit" class="button-secondary">Return to the unit</button>' in back


def test_validating_without_the_confirmation_is_refused_and_changes_nothing(submitted):
    w = submitted
    before = w.snapshot()
    for data in ({}, {"confirm": ""}, {"confirm": "false"}):
        page = send(w, "adviser", "validate", data)
        assert UNCONFIRMED in page, data
        assert w.snapshot() == before
    page = send(w, "adviser", "validate", {"confirm": "y"})
    assert "The audit has been validated." in page
    assert w.state() is AuditState.VALIDATED


def test_open_queries_are_answered_before_the_confirmation_is_asked(submitted):
    w = submitted
    send(w, "adviser", "answers/AA5/queries", {"body": "Only 4 beds?"})
    page = text(w.client("adviser").get(f"/audits/{w.audit}"))
    assert "Validation is possible once the unit has answered every open query." in page
    assert 'id="validate-confirm"' not in page
    before = w.snapshot()
    page = send(w, "adviser", "validate", {"confirm": "y"})
    assert "Some review questions are still open: answer them first." in page
    assert w.snapshot() == before


def test_only_advisers_in_scope_may_validate_or_return(submitted):
    w = submitted
    send(w, "adviser", "answers/AA5/queries", {"body": "Only 4 beds?"})
    before = w.snapshot()
    for who in ("commander", "other_commander", "other_adviser", "donor", "admin", None):
        for path, data in (("validate", {"confirm": "y"}), ("return", {"reason": "No."})):
            response = w.client(who).post(f"/audits/{w.audit}/{path}", data=data)
            assert response.status_code in (302, 403, 404), (who, path)
            assert w.snapshot() == before, (who, path)
    page = text(w.client("commander").get(f"/audits/{w.audit}"))
    assert 'id="validate-confirm"' not in page
    assert "review-return" not in page
    assert "returned to the unit" in send(w, "adviser", "return", {"reason": NOTE})
