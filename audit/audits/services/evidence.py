"""Evidence attached to answers: uploaded files (checked by size, type and content) and
references to documents kept elsewhere."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path
from typing import IO

from flask import current_app
from werkzeug.exceptions import NotFound

from audit import transactions
from audit.accounts.models import User
from audit.audits import values
from audit.audits.models import Audit, Evidence, EvidenceKind
from audit.audits.services import log
from audit.audits.services.checks import asked_indicator, clean_text, require_editable
from audit.audits.services.reading import audit_for, indicator_rows, load_data
from audit.extensions import db
from audit.refusals import Refused

ALLOWED_UPLOADS = {
    # extension: (content types browsers send, magic bytes at the start of the file)
    "pdf": ({"application/pdf"}, (b"%PDF-",)),
    "png": ({"image/png"}, (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ({"image/jpeg"}, (b"\xff\xd8\xff",)),
    "jpeg": ({"image/jpeg"}, (b"\xff\xd8\xff",)),
    "docx": (
        {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
        (b"PK\x03\x04",),
    ),
    "xlsx": (
        {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        (b"PK\x03\x04",),
    ),
}


def storage_folder() -> Path:
    """Where evidence files are kept (EVIDENCE_FOLDER; never under static/)."""
    folder = Path(
        current_app.config["EVIDENCE_FOLDER"] or Path(current_app.instance_path) / "evidence"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _checked_upload(filename: str, content_type: str, stream: IO[bytes]) -> tuple[str, bytes]:
    """The file's clean name and content, refused when its type, size or content is wrong."""
    limit = int(current_app.config["EVIDENCE_MAX_BYTES"])
    name = values.CONTROL_CHARACTERS.sub("", Path(filename or "").name).strip()[:255]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_UPLOADS:
        raise Refused("file_type")
    types, magics = ALLOWED_UPLOADS[extension]
    if content_type not in types:
        raise Refused("file_type")
    content = stream.read(limit + 1)
    if not content:
        raise Refused("file_empty")
    if len(content) > limit:
        raise Refused("file_too_large", max_mb=f"{limit / (1024 * 1024):.3g}")
    if not any(content.startswith(magic) for magic in magics):
        raise Refused("file_type")
    return name, content


def add_evidence_file(
    user: User, audit: Audit, code: str, filename: str, content_type: str, stream: IO[bytes]
) -> Evidence:
    """Keep an uploaded file under a random name after checking its size, type and content."""
    require_editable(user, audit)
    asked_indicator(load_data(audit), code)
    name, content = _checked_upload(filename, content_type, stream)
    extension = name.rsplit(".", 1)[-1].lower()
    stored = f"{secrets.token_hex(16)}.{extension}"
    target = storage_folder() / stored
    temporary = target.with_suffix(".part")
    temporary.write_bytes(content)
    temporary.replace(target)  # never a half-written file under the served name
    digest = hashlib.sha256(content).hexdigest()
    return _attach(
        user,
        audit,
        code,
        {"file": name, "sha256": digest},
        kind=EvidenceKind.FILE,
        filename=name,
        stored_name=stored,
        content_type=content_type,
        size_bytes=len(content),
        sha256=digest,
    )


def add_evidence_reference(user: User, audit: Audit, code: str, reference: str) -> Evidence:
    """Record a document kept elsewhere (e.g. an order number and date)."""
    require_editable(user, audit)
    asked_indicator(load_data(audit), code)
    reference = clean_text(reference)
    if not reference:
        raise Refused("reference_required", "reference")
    if len(reference) > 500:
        raise Refused("too_long", "reference", max=500)
    return _attach(
        user,
        audit,
        code,
        {"reference": reference},
        kind=EvidenceKind.REFERENCE,
        reference=reference,
    )


def _attach(
    user: User, audit: Audit, code: str, logged: dict[str, object], **fields: object
) -> Evidence:
    """Store the evidence on the question and log it."""
    evidence = Evidence(
        audit_id=audit.id,
        indicator_id=indicator_rows(audit.cycle.framework_version)[code].id,
        uploaded_by_id=user.id,
        **fields,
    )
    db.session.add(evidence)
    db.session.flush()
    log.write(audit, user, "evidence.added", indicator_id=evidence.indicator_id, new=logged)
    return evidence


def evidence_for(user: User, evidence_id: int) -> tuple[Evidence, Path | None]:
    """The evidence and its file path, if the user may see the audit it belongs to."""
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None:
        raise NotFound
    audit_for(user, evidence.audit_id)
    path = storage_folder() / evidence.stored_name if evidence.stored_name else None
    return evidence, path


def remove_evidence(user: User, evidence_id: int) -> Audit:
    """Remove evidence from an answer while the audit is editable (the log keeps its trace).
    The file itself is deleted once the removal has committed."""
    evidence, path = evidence_for(user, evidence_id)
    audit = audit_for(user, evidence.audit_id)
    require_editable(user, audit)
    log.write(
        audit,
        user,
        "evidence.removed",
        indicator_id=evidence.indicator_id,
        old={"file": evidence.filename, "reference": evidence.reference},
    )
    db.session.delete(evidence)
    if path is not None:
        transactions.after_commit(db.session(), lambda: path.unlink(missing_ok=True))
    return audit
