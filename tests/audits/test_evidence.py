"""Evidence on several questions, several files at once, and the outcome shown at the question
(issue 12, item 5). The access matrix (test_access.py) covers who may reach each route."""

from __future__ import annotations

import html
import io
from typing import Any

import pytest
from sqlalchemy import func, select
from werkzeug.exceptions import NotFound

from audit.audits import services
from audit.audits.models import Audit, AuditLogEntry, Evidence, EvidenceLink
from audit.extensions import db
from audit.refusals import Refused
from audit.transactions import unit_of_work
from tests.audits.conftest import SIGNED, World, fill_small
from tests.evidence_files import PDF, PNG


def text(response: Any) -> str:
    return html.unescape(response.data.decode())


def stored_files(world: World) -> list[str]:
    with world.app.app_context(), unit_of_work():
        return sorted(p.name for p in services.storage_folder().iterdir())


def links(world: World) -> dict[str, list[str]]:
    """Each evidence's label and the questions it supports."""
    with world.app.app_context(), unit_of_work():
        audit = db.session.get(Audit, world.audit)
        found: dict[str, list[str]] = {}
        for code, items in services.load_data(audit).evidence.items():
            for ev in items:
                found.setdefault(ev.filename or ev.reference, []).append(code)
        return {k: sorted(v) for k, v in found.items()}


def act(world: World, do: Any, *args: Any, read: Any = None, **kw: Any) -> Any:
    """do(commander, audit, ...) in one unit of work; `read` picks what to keep from its result
    while it is still attached to the session."""
    with world.app.app_context(), unit_of_work():
        audit = db.session.get(Audit, world.audit)
        result = do(world.user("commander"), audit, *args, **kw)
        return read(result) if read else result


def blocked(world: World) -> list[str]:
    with world.app.app_context(), unit_of_work():
        return [code for code, _p in services.blocking(db.session.get(Audit, world.audit))]


def upload(name: str, content: bytes, kind: str = "application/pdf") -> services.Upload:
    return services.Upload(name, kind, io.BytesIO(content))


# --- services ---------------------------------------------------------------------------------


def test_one_file_supports_several_questions_and_leaves_them_one_by_one(small_world):
    w = small_world
    fill_small(w, evidence=False)
    evidence = act(
        w, services.add_evidence_file, "AA1", "plan.pdf", "application/pdf", io.BytesIO(PDF),
        also=["AA3", "AA1", "BB1"], read=lambda e: e.id,
    )  # fmt: skip
    evidence_id = evidence
    assert links(w) == {"plan.pdf": ["AA1", "AA3", "BB1"]}
    assert len(stored_files(w)) == 1  # one file kept, whatever the number of questions
    with w.app.app_context(), unit_of_work():
        assert db.session.scalar(select(func.count()).select_from(Evidence)) == 1
        logged = db.session.scalars(
            select(AuditLogEntry).where(AuditLogEntry.action == "evidence.added")
        ).all()
        assert len(logged) == 3
    assert blocked(w) == []  # AA1's evidence requirement is met

    # Removed from AA1: AA3 and BB1 keep it, and the file stays.
    with w.app.app_context(), unit_of_work():
        services.remove_evidence(w.user("commander"), evidence_id, "AA1")
    assert links(w) == {"plan.pdf": ["AA3", "BB1"]}
    assert len(stored_files(w)) == 1
    assert blocked(w) == ["AA1"]
    # A question it is not on: nothing to remove.
    with w.app.app_context(), unit_of_work(), pytest.raises(NotFound):
        services.remove_evidence(w.user("commander"), evidence_id, "AA1")
    with w.app.app_context(), unit_of_work():
        services.remove_evidence(w.user("commander"), evidence_id, "AA3")
        services.remove_evidence(w.user("commander"), evidence_id, "BB1")
    # On no question any more: the evidence and its file are gone.
    assert links(w) == {}
    assert stored_files(w) == []
    with w.app.app_context(), unit_of_work():
        assert db.session.scalar(select(func.count()).select_from(EvidenceLink)) == 0


def test_kept_evidence_can_be_linked_to_more_questions(small_world):
    w = small_world
    evidence_id = act(
        w, services.add_evidence_reference, "AA1", "Order 7/2026", read=lambda e: e.id
    )
    with w.app.app_context(), unit_of_work():
        _audit, added = services.link_evidence(w.user("commander"), evidence_id, ["AA3", "AA1"])
    assert added == ["AA3"]  # AA1 holds it already
    assert links(w) == {"Order 7/2026": ["AA1", "AA3"]}
    before = w.snapshot()
    with w.app.app_context(), unit_of_work(), pytest.raises(Refused) as refused:
        services.link_evidence(w.user("commander"), evidence_id, [])
    assert refused.value.key == "choose_questions"
    with w.app.app_context(), unit_of_work(), pytest.raises(NotFound):
        services.link_evidence(w.user("commander"), evidence_id, ["ZZ9"])
    # Not the unit's commander, or not editable any more: refused.
    with w.app.app_context(), unit_of_work(), pytest.raises(Refused):
        services.link_evidence(w.user("adviser"), evidence_id, ["BB1"])
    assert w.snapshot() == before


def test_several_files_at_once_and_one_bad_file_keeps_them_all_out(small_world):
    w = small_world
    before = w.snapshot()
    files = [
        upload("photos.pdf", PDF),
        upload("notes.exe", b"MZ\x90\x00", "application/octet-stream"),
        upload("plan.png", PNG, "image/png"),
        upload("empty.pdf", b""),
    ]
    with pytest.raises(services.UploadsRefused) as refused:
        act(w, services.add_evidence_files, "AA1", files)
    assert [(name, e.key) for name, e in refused.value.files] == [
        ("notes.exe", "file_type"),
        ("empty.pdf", "file_empty"),
    ]
    assert w.snapshot() == before
    assert stored_files(w) == []

    good = [upload("photos.pdf", PDF), upload("plan.png", PNG, "image/png")]
    kept = act(w, services.add_evidence_files, "AA1", good, read=lambda r: [e.filename for e in r])
    assert kept == ["photos.pdf", "plan.png"]
    assert links(w) == {"photos.pdf": ["AA1"], "plan.png": ["AA1"]}
    assert len(stored_files(w)) == 2
    with pytest.raises(Refused) as refused:
        act(w, services.add_evidence_files, "AA1", [upload(f"{n}.pdf", PDF) for n in range(21)])
    assert refused.value.key == "too_many_files"


# --- pages ------------------------------------------------------------------------------------


def post(world: World, path: str, data: dict[str, Any], *, script: bool = False, who="commander"):
    headers = {"X-Requested-With": "fetch"} if script else {}
    return world.client(who).post(
        path, data=data, headers=headers, content_type="multipart/form-data"
    )


def block(page: str, code: str) -> str:
    """One question's evidence block (up to the next block)."""
    start = page.index(f'id="evidence-{code}"')
    end = page.find("data-evidence-block=", start + 40)
    return page[start : end if end > 0 else len(page)]


def test_evidence_required_is_shown_at_the_question_from_the_start(small_world):
    w = small_world
    page = text(w.client("commander").get(f"/audits/{w.audit}/domains/AA"))
    aa1 = page[page.index('id="evidence-AA1"') :]
    assert '<span class="tag tag-evidence-required">Evidence required</span>' in aa1
    assert "Attach a file or a document reference before submitting." in aa1
    assert 'id="evidence-AA3"' not in page  # no evidence is asked there
    assert "multiple>" in aa1  # several files at once
    act(w, services.add_evidence_reference, "AA1", "Photo album")
    page = text(w.client("adviser").get(f"/audits/{w.audit}/domains/AA"))
    aa1 = page[page.index('id="evidence-AA1"') :]
    assert "Evidence is attached." in aa1
    assert "Add evidence" not in aa1  # the adviser reads; only the commander adds


def test_a_plain_post_comes_back_to_the_question_with_its_outcome(small_world):
    w = small_world
    files = [
        (io.BytesIO(PDF), "one.pdf", "application/pdf"),
        (io.BytesIO(PNG), "two.png", "image/png"),
    ]
    response = post(w, f"/audits/{w.audit}/answers/AA1/evidence", {"file": files})
    assert response.status_code == 302
    assert response.location == f"/audits/{w.audit}/domains/AA#q-AA1"
    page = text(w.client("commander").get(response.location))
    outcome = page[page.index("data-evidence-outcome") :]
    assert outcome.index("The evidence has been added.") < outcome.index("</div>")
    assert page.index('id="evidence-AA1"') < page.index("The evidence has been added.")
    assert '<p class="flash flash-success">' not in page  # not at the top of the page
    assert links(w) == {"one.pdf": ["AA1"], "two.png": ["AA1"]}
    # Shown once.
    assert "The evidence has been added." not in text(w.client("commander").get(response.location))

    # A bad file among good ones: nothing is added, and each bad file is named at the question.
    before = w.snapshot()
    files = [
        (io.BytesIO(PDF), "three.pdf", "application/pdf"),
        (io.BytesIO(b"<script>"), "evil.pdf", "application/pdf"),
    ]
    response = post(w, f"/audits/{w.audit}/answers/AA1/evidence", {"file": files})
    page = text(w.client("commander").get(response.location))
    outcome = page[page.index("data-evidence-outcome") :]
    outcome = outcome[: outcome.index("</div>")]
    assert "No file was added: correct or leave out the files named below." in outcome
    assert (
        "<bdi>evil.pdf</bdi>: This file is named .pdf but its content is not a PDF file." in outcome
    )
    assert "three.pdf" not in outcome
    assert w.snapshot() == before


def test_the_script_gets_the_question_block_and_the_blocks_of_questions_it_also_supports(world):
    w = world  # the shipped framework: domain FA has several questions that take evidence
    url = f"/audits/{w.audit}/answers/FA5/evidence"
    response = post(w, url, {"reference": "Order 7/2026", "also": ["FA6", "FA4"]}, script=True)
    assert response.status_code == 200
    assert response.headers["X-Evidence-Fragment"] == "1"
    body = text(response)
    assert "<html" not in body  # a fragment, not a page
    assert body.count("data-evidence-block=") == 3
    fa5 = block(body, "FA5")
    assert "The evidence has been added." in fa5
    assert "Also supports:" in fa5
    assert "Evidence is attached." in fa5
    assert "The evidence has been added." not in block(body, "FA6")
    assert links(w) == {"Order 7/2026": ["FA4", "FA5", "FA6"]}

    # The domain page lists the other questions of the domain that take evidence to tick.
    page = text(w.client("commander").get(f"/audits/{w.audit}/domains/FA"))
    fa5 = page[page.index('id="evidence-FA5"') :]
    assert 'name="also" value="FA6" form="ev-FA5"' in fa5
    assert 'name="also" value="FA5"' not in fa5[: fa5.index("Add evidence")]

    # Removing from FA5 through the script: FA5's block (with the outcome) and the others'.
    with w.app.app_context(), unit_of_work():
        evidence_id = db.session.scalar(select(Evidence.id))
    response = post(w, f"/audits/evidence/{evidence_id}/delete", {"code": "FA5"}, script=True)
    assert response.status_code == 200
    body = text(response)
    assert "The evidence has been removed." in block(body, "FA5")
    assert "No evidence yet." in block(body, "FA5")
    assert links(w) == {"Order 7/2026": ["FA4", "FA6"]}

    # Refused: the block again, with the message, and status 422.
    before = w.snapshot()
    response = post(w, url, {"reference": "  "}, script=True)
    assert response.status_code == 422
    assert "Describe the document, for example its number and date." in block(text(response), "FA5")
    assert w.snapshot() == before


def test_once_submitted_the_commander_is_told_at_the_question_and_nothing_changes(filled):
    w = filled
    w.act(services.submit, "commander", SIGNED)
    before = w.snapshot()
    response = post(w, f"/audits/{w.audit}/answers/AA1/evidence", {"reference": "Late"})
    assert response.status_code == 302
    page = text(w.client("commander").get(response.location))
    assert "That is not possible" in page or "locked" in page or "not allowed" in page.lower()
    aa1 = page[page.index('id="evidence-AA1"') :]
    assert "This audit is locked and can no longer be changed." in aa1
    assert w.snapshot() == before
    # Someone who is not the unit's commander is forbidden outright.
    for who in ("adviser", "admin"):
        assert (
            post(
                w, f"/audits/{w.audit}/answers/AA1/evidence", {"reference": "x"}, who=who
            ).status_code
            == 403
        )
    assert w.snapshot() == before
