"""Crafted files posted through the evidence page are refused with their reason, and nothing is
kept: no Evidence row, no file on disk (issue 13, item 8; the checker's own tests are in
test_file_checks.py)."""

from __future__ import annotations

import html
import io
from typing import Any

from audit.audits import services
from audit.audits.models import Audit, Evidence
from audit.extensions import db
from audit.transactions import unit_of_work
from tests.audits.conftest import World
from tests.evidence_files import DOCX, DOCX_TYPE, PDF, PNG, XLSX, docx, pdf, plain_zip


def post(world: World, content: bytes, name: str, kind: str, *, script: bool = False) -> Any:
    headers = {"X-Requested-With": "fetch"} if script else {}
    return world.client("commander").post(
        f"/audits/{world.audit}/answers/AA1/evidence",
        data={"file": [(io.BytesIO(content), name, kind)]},
        headers=headers,
        content_type="multipart/form-data",
    )


def outcome(world: World, response: Any) -> str:
    assert response.status_code == 302
    page = html.unescape(world.client("commander").get(response.location).data.decode())
    part = page[page.index("data-evidence-outcome") :]
    return part[: part.index("</div>")]


def kept(world: World) -> tuple[int, list[str]]:
    with world.app.app_context(), unit_of_work():
        rows = db.session.query(Evidence).count()
        return rows, sorted(p.name for p in services.storage_folder().iterdir())


def test_crafted_files_are_refused_at_the_question_with_their_reason(small_world):
    w = small_world
    macro = docx(
        overrides={"/word/document.xml": "application/vnd.ms-word.document.macroEnabled.main+xml"}
    )
    cases = [
        (
            pdf(b"\n<html><script>alert(1)</script>"),
            "poly.pdf",
            "application/pdf",
            "contains web page code",
        ),
        (PNG + b"<svg onload=alert(1)>", "poly.png", "image/png", "contains web page code"),
        (plain_zip(), "notes.docx", DOCX_TYPE, "is named .docx but its content is not a DOCX"),
        (XLSX, "staff.docx", DOCX_TYPE, "is named .docx but its content is not a DOCX"),
        (macro, "macro.docx", DOCX_TYPE, "contains macros"),
        (pdf(b"\n<< /S /JavaScript >>"), "act.pdf", "application/pdf", "scripts or actions"),
        (
            PDF,
            "a" * 300 + ".pdf",
            "application/pdf",
            "The file name is too long (at most 255 characters).",
        ),
    ]
    for content, name, kind, reason in cases:
        shown = outcome(w, post(w, content, name, kind))
        assert "No file was added" in shown, name
        assert reason in shown, name
        assert "This type of file is not accepted" not in shown, name
    assert kept(w) == (0, [])


def test_a_bidi_name_is_kept_without_its_controls(small_world):
    w = small_world
    shown = outcome(w, post(w, DOCX, "plan\u202excod.docx", DOCX_TYPE))
    assert "The evidence has been added." in shown
    with w.app.app_context(), unit_of_work():
        audit = db.session.get(Audit, w.audit)
        names = [e.filename for e in db.session.query(Evidence).filter_by(audit_id=audit.id)]
    assert names == ["planxcod.docx"]


def test_an_upload_over_the_request_limit_is_told_at_the_question(small_world):
    w = small_world
    w.app.config["MAX_CONTENT_LENGTH"] = 4000
    w.app.config["EVIDENCE_MAX_BYTES"] = 3 * 1024 * 1024
    response = post(w, PDF + b"%" * 5000, "big.pdf", "application/pdf")
    assert "The file is too large: at most 3 MB." in outcome(w, response)
    response = post(w, PDF + b"%" * 5000, "big.pdf", "application/pdf", script=True)
    assert response.status_code == 422
    assert "The file is too large: at most 3 MB." in response.data.decode()
    assert kept(w) == (0, [])


def test_evidence_is_downloaded_never_rendered(small_world):
    w = small_world
    outcome(w, post(w, PDF, "plan.pdf", "application/pdf"))
    with w.app.app_context(), unit_of_work():
        evidence_id = db.session.query(Evidence.id).scalar()
    response = w.client("commander").get(f"/audits/evidence/{evidence_id}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data == PDF
    response.close()
