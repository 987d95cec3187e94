"""Submission and review: sign-off, queries, return, validation, overrides, reopening, evidence.

These run on the small test framework (tests/frameworks/fixtures/valid): station A's audit can be
answered completely in a dozen saves (see `fill_small` in conftest.py).
"""

from __future__ import annotations

import hashlib
import html
import io
from typing import Any

import pytest
from sqlalchemy import select

from audit.audits import services
from audit.audits.models import (
    Answer,
    Audit,
    AuditLogEntry,
    AuditState,
    Evidence,
    EvidenceKind,
    QueryStatus,
    ReviewQuery,
)
from audit.extensions import db
from audit.refusals import Refused
from audit.transactions import unit_of_work
from tests.audits.conftest import SIGN_OFF_FORM, SIGNED, World, fill_small
from tests.evidence_files import PDF, PNG

STATEMENT_SHOWN = (
    "I confirm that these answers are accurate and complete to the best of my knowledge."
)


def text(response: Any) -> str:
    return html.unescape(response.data.decode())


def send(world: World, who: str, path: str, data: dict[str, Any] | None = None) -> str:
    """POST to /audits/<audit>/<path> as `who`, follow the redirect, return the page's text."""
    url = f"/audits/{world.audit}/{path}" if not path.startswith("/") else path
    response = world.client(who).post(url, data=data or {}, follow_redirects=True)
    assert response.status_code == 200, (who, url, response.status_code)
    return text(response)


def actions(world: World) -> list[tuple[str, str | None]]:
    """The audit-level log (actions and notes), oldest first."""
    with world.app.app_context(), unit_of_work():
        return [
            (e.action, e.note)
            for e in db.session.scalars(
                select(AuditLogEntry)
                .where(AuditLogEntry.audit_id == world.audit, AuditLogEntry.action.like("audit.%"))
                .order_by(AuditLogEntry.id)
            )
        ]


def query_status(world: World) -> list[QueryStatus]:
    with world.app.app_context(), unit_of_work():
        return list(db.session.scalars(select(ReviewQuery.status).order_by(ReviewQuery.id)))


# --- submission -------------------------------------------------------------------------------


def test_submit_is_blocked_until_everything_is_answered_and_signed_off(small_world):
    w = small_world
    page = text(w.client("commander").get(f"/audits/{w.audit}"))
    assert "These still block submission (10):" in page
    assert 'AA1</span> Are there separate toilets?</a><br><span class="blocking-problem">' in page
    assert "This question must be answered." in page
    assert "BB7</span>" in page
    assert "BB5</span>" not in page  # a text question is never required
    assert f'action="/audits/{w.audit}/submit"' not in page
    before = w.snapshot()
    page = send(w, "commander", "submit", SIGN_OFF_FORM)
    assert "The audit cannot be submitted yet. Answers that still need attention: 10." in page
    assert w.snapshot() == before

    # Every answer, but AA1 ("yes", evidence required) has no evidence yet.
    fill_small(w, evidence=False)
    page = send(w, "commander", "submit", SIGN_OFF_FORM)
    assert "Answers that still need attention: 1." in page
    assert "This answer needs evidence: attach a file or a document reference." in page
    assert w.state() is AuditState.IN_PROGRESS

    page = send(w, "commander", "answers/AA1/evidence", {"reference": "Photo album 12/2025"})
    assert "The evidence has been added." in page
    page = text(w.client("commander").get(f"/audits/{w.audit}"))
    assert "These still block submission" not in page
    assert f'action="/audits/{w.audit}/submit"' in page
    assert STATEMENT_SHOWN in page  # the statement is shown in full, not in a box to type in
    assert 'name="statement"' not in page
    before = w.snapshot()
    for form, problem in [
        ({}, "Give your full name to sign off."),
        ({**SIGN_OFF_FORM, "name": "   "}, "Give your full name to sign off."),
        ({**SIGN_OFF_FORM, "position": ""}, "Give your position (rank and post) to sign off."),
        ({"name": "ok", "position": "ok"}, "Tick the box to confirm the statement"),
        ({**SIGN_OFF_FORM, "confirm": ""}, "Tick the box to confirm the statement"),
    ]:
        response = w.client("commander").post(f"/audits/{w.audit}/submit", data=form)
        assert response.status_code == 200, form  # the page again, the message at its field
        page = text(response)
        assert '<ul class="errors" id="' in page, form
        assert problem in page, form
        assert 'aria-invalid="true"' in page or "confirm-errors" in page, form
        assert w.snapshot() == before, form

    page = send(w, "commander", "submit", {**SIGN_OFF_FORM, "name": "  Amina Test  "})
    assert "The audit has been submitted for review." in page
    with w.app.app_context(), unit_of_work():
        audit = db.session.get(Audit, w.audit)
        assert audit.state is AuditState.SUBMITTED
        assert audit.sign_off == STATEMENT_SHOWN
        assert (audit.sign_off_name, audit.sign_off_position) == ("Amina Test", "Station commander")
        assert audit.sign_off_confirmed is True
        assert audit.signed_off_by_id == w.user("commander").id
        assert audit.submitted_at is not None
    assert actions(w)[-1] == (
        "audit.submitted",
        f"{STATEMENT_SHOWN}\n— Amina Test, Station commander",
    )
    page = text(w.client("adviser").get(f"/audits/{w.audit}"))
    assert "Signed by Amina Test, Station commander · statement confirmed" in page
    history = text(w.client("adviser").get(f"/audits/{w.audit}/history"))
    assert "— Amina Test, Station commander" in history
    # Submitted: the commander can no longer change answers or submit again.
    response = w.client("commander").post(
        f"/audits/{w.audit}/answers/AA3", data={"AA3": "exceeds", "AA3__rev": "1"}
    )
    assert response.status_code == 409
    page = send(w, "commander", "submit", SIGN_OFF_FORM)
    assert "This audit has already been submitted: nothing more was done." in page


def test_the_sign_off_service_refuses_what_is_missing(filled):
    w = filled
    for signed, key in [
        (services.SignOff("", "A", "B", True), "sign_off_required"),
        (services.SignOff("S", "", "B", True), "sign_off_name_required"),
        (services.SignOff("S", "A", " ", True), "sign_off_position_required"),
        (services.SignOff("S", "A", "B", False), "sign_off_not_confirmed"),
        (services.SignOff("S", "A" * 201, "B", True), "too_long"),
    ]:
        with pytest.raises(Refused) as refused:
            w.act(services.submit, "commander", signed)
        assert refused.value.key == key, signed
    assert w.state() is AuditState.IN_PROGRESS


def test_every_blocker_is_listed_grouped_by_domain_with_its_question(world):
    """The shipped framework has far more than 40 required questions: all of them are listed,
    under their domain's title, each with its text and a link to it on its domain page."""
    w = world
    with w.app.app_context(), unit_of_work():
        audit = db.session.get(Audit, w.audit)
        data = services.load_data(audit)
        blocking = services.blocking(audit, data)
        expected = [(data.framework.indicator(code), problem) for code, problem in blocking]
        codes = {ind.domain_code for ind, _problem in expected}
        domains = [d for d in data.framework.domains if d.code in codes]
    assert len(expected) > 40
    page = text(w.client("commander").get(f"/audits/{w.audit}"))
    assert "more." not in page
    assert f"These still block submission ({len(expected)}):" in page
    listed = page[page.index('<div class="blocking">') :]
    for ind, _problem in expected:
        link = f'href="/audits/{w.audit}/domains/{ind.domain_code}#q-{ind.code}"'
        assert link in listed, ind.code
        assert ind.text["en"] in listed, ind.code
    headings = [listed.index(f"<h3>{d.title['en']}</h3>") for d in domains]
    assert headings == sorted(headings)
    # Each question sits under its own domain's heading.
    for ind, _problem in expected:
        position = listed.index(f'#q-{ind.code}"')
        own = next(i for i, d in enumerate(domains) if d.code == ind.domain_code)
        assert headings[own] < position, ind.code
        if own + 1 < len(headings):
            assert position < headings[own + 1], ind.code


def test_a_query_return_reply_resubmit_and_validate(filled):
    w = filled
    assert "submitted for review" in send(w, "commander", "submit", SIGN_OFF_FORM)

    # Returning needs a question first.
    page = send(w, "adviser", "return", {"reason": "Please check."})
    assert "Ask at least one question before returning the audit to the unit." in page
    assert w.state() is AuditState.SUBMITTED
    page = send(w, "adviser", "answers/AA5/queries", {"body": "   "})
    assert "Write a message." in page
    assert w.counts()["review_queries"] == 0

    page = send(w, "adviser", "answers/AA5/queries", {"body": "Only 4 beds for 14 women?"})
    assert "The query has been sent." in page
    assert "Only 4 beds for 14 women?" in page  # listed under the open queries
    assert query_status(w) == [QueryStatus.OPEN]

    # Validation waits for the answer.
    page = send(w, "adviser", "validate")
    assert "Some review questions are still open: answer them first." in page
    assert w.state() is AuditState.SUBMITTED

    page = send(w, "adviser", "return", {"reason": "See the question on beds."})
    assert "The audit has been returned to the unit." in page
    assert w.state() is AuditState.RETURNED
    assert actions(w)[-1] == ("audit.returned", "See the question on beds.")

    # The commander cannot resubmit over an unanswered question ...
    page = send(w, "commander", "submit", SIGN_OFF_FORM)
    assert "Some review questions are still open: answer them first." in page
    assert w.state() is AuditState.RETURNED
    # ... replies, which answers it, corrects the answer and resubmits.
    with w.app.app_context(), unit_of_work():
        query_id = db.session.scalar(select(ReviewQuery.id))
    page = send(w, "commander", f"/audits/queries/{query_id}/reply", {"body": "Two more rooms."})
    assert "Your reply has been sent." in page
    assert query_status(w) == [QueryStatus.ANSWERED]
    assert w.save("AA5", "6").saved
    assert "submitted for review" in send(w, "commander", "submit", SIGN_OFF_FORM)
    page = text(w.client("adviser").get(f"/audits/{w.audit}/domains/AA"))
    assert page.count("Changed since it was returned") == 1  # AA5 only
    assert "Two more rooms." in page

    page = send(w, "adviser", "validate", {"confirm": "y"})
    assert "The audit has been validated." in page
    assert query_status(w) == [QueryStatus.CLOSED]
    with w.app.app_context(), unit_of_work():
        audit = db.session.get(Audit, w.audit)
        assert audit.state is AuditState.VALIDATED
        assert audit.validated_at is not None
        assert audit.validated_by_id == w.user("adviser").id
    assert [a for a, _ in actions(w)] == [
        "audit.created",
        "audit.submitted",
        "audit.returned",
        "audit.submitted",
        "audit.validated",
    ]

    # Locked: nothing the unit sends changes it.
    before = w.snapshot()
    response = w.client("commander").post(
        f"/audits/{w.audit}/answers/AA5", data={"AA5": "7", "AA5__rev": "2"}
    )
    assert response.status_code == 409
    assert response.json["problems"] == ["This audit is locked and can no longer be changed."]
    page = send(w, "commander", "answers/AA5/evidence", {"reference": "Late document"})
    assert "This audit is locked and can no longer be changed." in page
    page = send(w, "commander", f"/audits/queries/{query_id}/reply", {"body": "One more thing"})
    assert "That is not possible while the audit is in its current state." in page
    page = text(w.client("commander").get(f"/audits/{w.audit}/domains/AA"))
    assert "This audit is locked: it can be read but not changed." in page
    assert w.snapshot() == before


def test_an_override_needs_a_reason_and_a_submitted_audit(filled):
    w = filled

    def overrides() -> dict[str, tuple[str | None, str | None]]:
        with w.app.app_context(), unit_of_work():
            return {
                str(a.indicator.code): (a.override_level, a.override_reason)
                for a in db.session.scalars(
                    select(Answer).where(Answer.override_level.is_not(None))
                )
            }

    page = send(w, "adviser", "answers/AA3/override", {"level": "exceeds", "reason": "Funded."})
    assert "That is not possible while the audit is in its current state." in page
    assert overrides() == {}
    w.act(services.submit, "commander", SIGNED)
    before = w.snapshot()
    for who, data, message in [
        ("commander", {"level": "exceeds", "reason": "x"}, "You are not allowed to do that."),
        ("admin", {"level": "exceeds", "reason": "x"}, "You are not allowed to do that."),
        ("adviser", {"level": "exceeds", "reason": ""}, "Give a reason."),
        ("adviser", {"level": "exceeds", "reason": "  "}, "Give a reason."),
        ("adviser", {"level": "superb", "reason": "x"}, "Choose a level from the list."),
    ]:
        assert message in send(w, who, "answers/AA3/override", data), (who, data)
    assert w.snapshot() == before

    page = send(w, "adviser", "answers/AA3/override", {"level": "approaches", "reason": "Draft."})
    assert "The rating has been recorded." in page
    assert overrides() == {"AA3": ("approaches", "Draft.")}
    page = text(w.client("commander").get(f"/audits/{w.audit}/domains/AA"))
    assert "Reviewer's rating: Approaches requirements — Draft." in page
    # Taking it back needs no reason.
    assert "recorded" in send(w, "adviser", "answers/AA3/override", {"level": "", "reason": ""})
    assert overrides() == {}

    w.act(services.validate, "adviser")
    page = send(w, "adviser", "answers/AA3/override", {"level": "meets", "reason": "Late."})
    assert "That is not possible while the audit is in its current state." in page
    assert overrides() == {}


def test_an_administrator_reopens_a_validated_audit_with_a_reason(filled):
    w = filled
    page = send(w, "admin", "reopen", {"reason": "Wrong unit strength."})
    assert "That is not possible while the audit is in its current state." in page
    w.act(services.submit, "commander", SIGNED)
    w.act(services.validate, "adviser")
    before = w.snapshot()
    assert "You are not allowed to do that." in send(w, "adviser", "reopen", {"reason": "x"})
    assert "You are not allowed to do that." in send(w, "commander", "reopen", {"reason": "x"})
    assert "Give a reason." in send(w, "admin", "reopen", {"reason": ""})
    assert "Give a reason." in send(w, "admin", "reopen", {"reason": " \n "})
    assert w.snapshot() == before

    page = send(w, "admin", "reopen", {"reason": "The strength return was last year's."})
    assert "The audit has been reopened." in page
    with w.app.app_context(), unit_of_work():
        audit = db.session.get(Audit, w.audit)
        assert audit.state is AuditState.RETURNED
        assert audit.validated_at is None
    assert actions(w)[-1] == ("audit.reopened", "The strength return was last year's.")
    # The unit may correct and resubmit.
    assert w.save("AA5", "5").saved
    w.act(services.submit, "commander", SIGNED)
    assert w.state() is AuditState.SUBMITTED


# --- evidence ---------------------------------------------------------------------------------


def upload(world: World, who: str, data: bytes, name: str, kind: str, code: str = "AA1") -> Any:
    return world.client(who).post(
        f"/audits/{world.audit}/answers/{code}/evidence",
        data={"file": (io.BytesIO(data), name, kind), "next": f"/audits/{world.audit}/domains/AA"},
        content_type="multipart/form-data",
    )


def stored_files(world: World) -> list[str]:
    with world.app.app_context(), unit_of_work():
        return sorted(p.name for p in services.storage_folder().iterdir())


def test_an_evidence_file_is_kept_and_shown_only_to_those_who_see_the_audit(small_world):
    w = small_world
    response = upload(w, "commander", PDF, "Toilets photos.pdf", "application/pdf")
    assert response.status_code == 302
    assert response.location == f"/audits/{w.audit}/domains/AA#q-AA1"
    assert "The evidence has been added." in text(w.client("commander").get(response.location))
    with w.app.app_context(), unit_of_work():
        evidence = db.session.scalars(select(Evidence)).one()
        assert evidence.kind is EvidenceKind.FILE
        assert evidence.filename == "Toilets photos.pdf"
        assert evidence.size_bytes == len(PDF)
        assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
        evidence_id, stored_name = evidence.id, evidence.stored_name
    assert stored_files(w) == [stored_name]
    assert "Toilets" not in stored_name
    page = text(w.client("commander").get(f"/audits/{w.audit}/domains/AA"))
    assert f'href="/audits/evidence/{evidence_id}"><bdi>Toilets photos.pdf</bdi></a>' in page

    url = f"/audits/evidence/{evidence_id}"
    for who in ("commander", "adviser", "admin"):
        response = w.client(who).get(url)
        assert response.status_code == 200, who
        assert response.data == PDF
        assert response.mimetype == "application/pdf"
        assert response.headers["Content-Disposition"].startswith("attachment;")
        response.close()  # send_file keeps the file open until the response is closed
    for who in ("other_commander", "other_adviser", "donor"):
        assert w.client(who).get(url).status_code == 404, who
    response = w.client(None).get(url)
    assert response.status_code == 302
    assert "/login" in response.location
    assert w.client("commander").get(f"/audits/evidence/{evidence_id + 1}").status_code == 404

    # Removing it removes the file too; the log keeps the trace.
    page = send(w, "commander", f"/audits/evidence/{evidence_id}/delete")
    assert "The evidence has been removed." in page
    assert w.counts()["evidence"] == 0
    assert stored_files(w) == []
    assert w.client("commander").get(url).status_code == 404
    with w.app.app_context(), unit_of_work():
        entry = db.session.scalars(
            select(AuditLogEntry).where(AuditLogEntry.action == "evidence.removed")
        ).one()
        assert entry.old == {"file": "Toilets photos.pdf", "reference": None}


def test_bad_files_are_refused_with_a_message_and_nothing_is_kept(small_world):
    w = small_world
    w.app.config["EVIDENCE_MAX_BYTES"] = 1000
    wrong_type = "This type of file is not accepted. Use PDF, PNG, JPEG, DOCX or XLSX."
    before = w.snapshot()
    for data, name, kind, message in [
        (PDF + b"0" * 1000, "big.pdf", "application/pdf", "The file is too large"),
        (PNG, "scan.pdf", "application/pdf", "its content is not a PDF file"),  # a PNG called PDF
        (PDF, "scan.png", "image/png", "its content is not a PNG file"),  # the other way round
        (PDF, "report.pdf", "image/png", wrong_type),  # the browser says it is an image
        (b"MZ\x90\x00" + b"\x00" * 60, "tool.exe", "application/x-msdownload", wrong_type),
        (PDF, "report", "application/pdf", wrong_type),  # no extension
        (PDF, "report.pdf.exe", "application/pdf", wrong_type),
        (b"", "empty.pdf", "application/pdf", "The file is empty."),
    ]:
        response = upload(w, "commander", data, name, kind)
        assert response.status_code == 302, name
        assert message in text(w.client("commander").get(response.location)), name
    assert w.snapshot() == before
    assert stored_files(w) == []
    # Exactly at the limit is fine.
    data = PDF + b"%" * (1000 - len(PDF))
    response = upload(w, "commander", data, "exact.pdf", "application/pdf")
    assert "The evidence has been added." in text(w.client("commander").get(response.location))
    assert len(stored_files(w)) == 1


def test_a_document_reference(small_world):
    w = small_world
    before = w.snapshot()
    page = send(w, "commander", "answers/AA1/evidence", {"reference": "  "})
    assert "Describe the document, for example its number and date." in page
    page = send(w, "commander", "answers/AA1/evidence", {"reference": "x" * 501})
    assert "The text is too long: at most 500 characters." in page
    assert w.snapshot() == before

    reference = "Order 12/2026 of the station commander, kept in the station registry"
    page = send(w, "commander", "answers/AA1/evidence", {"reference": f" {reference} "})
    assert "The evidence has been added." in page
    with w.app.app_context(), unit_of_work():
        evidence = db.session.scalars(select(Evidence)).one()
        assert evidence.kind is EvidenceKind.REFERENCE
        assert evidence.reference == reference
        assert evidence.stored_name is None
    page = text(w.client("adviser").get(f"/audits/{w.audit}/domains/AA"))
    assert reference in page
    assert stored_files(w) == []
