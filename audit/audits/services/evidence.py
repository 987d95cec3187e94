"""Evidence attached to answers: uploaded files (checked by size, type and content) and
references to documents kept elsewhere.

One piece of evidence belongs to an audit and supports one or more of its questions (its
links). Several files may be sent at once: each is checked, and if any of them is refused none
is kept, and the refusal names every file that was refused and why. Removing evidence from one
question keeps it for the others; the file itself goes once no question holds it any more.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask import current_app
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from audit import transactions
from audit.accounts.models import User
from audit.audits import file_checks
from audit.audits.models import Audit, Evidence, EvidenceKind, EvidenceLink
from audit.audits.services import log
from audit.audits.services.checks import asked_indicator, clean_text, require_editable
from audit.audits.services.reading import audit_for, indicator_rows, load_data
from audit.extensions import db
from audit.refusals import Refused

#: The most files one upload may carry.
MAX_FILES = 20


@dataclass(frozen=True)
class Upload:
    """One file as the browser sent it."""

    filename: str
    content_type: str
    stream: IO[bytes]


class UploadsRefused(Refused):
    """Some files of an upload were refused, so none was kept: `files` says which and why."""

    def __init__(self, files: Sequence[tuple[str, Refused]]) -> None:
        super().__init__("files_refused", "file", count=len(files))
        self.files = list(files)


def storage_folder() -> Path:
    """Where evidence files are kept (EVIDENCE_FOLDER; never under static/)."""
    folder = Path(
        current_app.config["EVIDENCE_FOLDER"] or Path(current_app.instance_path) / "evidence"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _checked_upload(filename: str, content_type: str, stream: IO[bytes]) -> tuple[str, bytes]:
    """The file's clean name and content, refused when its name, type, size or content is
    wrong (the rules are in audit/audits/file_checks.py)."""
    config = current_app.config
    limits = file_checks.Limits(
        max_bytes=int(config["EVIDENCE_MAX_BYTES"]),
        max_unzipped_bytes=int(config["EVIDENCE_MAX_UNZIPPED_BYTES"]),
        max_pixels=int(config["EVIDENCE_MAX_PIXELS"]),
    )
    checked = file_checks.check_upload(filename, content_type, stream, limits)
    return checked.name, checked.content


def _questions(audit: Audit, code: str, also: Iterable[str]) -> list[str]:
    """The question the evidence is added to, then the others it should support, each once;
    every one must be asked of this unit (else NotFound)."""
    data = load_data(audit)
    codes = list(dict.fromkeys([code, *also]))
    for each in codes:
        asked_indicator(data, each)
    return codes


def add_evidence_files(
    user: User, audit: Audit, code: str, uploads: Sequence[Upload], also: Iterable[str] = ()
) -> list[Evidence]:
    """Keep several uploaded files for a question (and the other questions in `also`).

    Every file is checked before any is kept: one refused file refuses the upload
    (:class:`UploadsRefused`, naming each refused file), and nothing is stored."""
    require_editable(user, audit)
    codes = _questions(audit, code, also)
    if not uploads:
        raise Refused("reference_required", "reference")
    if len(uploads) > MAX_FILES:
        raise Refused("too_many_files", "file", max=MAX_FILES)
    checked: list[tuple[str, bytes, str]] = []
    refused: list[tuple[str, Refused]] = []
    for upload in uploads:
        try:
            name, content = _checked_upload(upload.filename, upload.content_type, upload.stream)
        except Refused as error:
            shown = file_checks.clean_name(upload.filename)
            refused.append((shown[:255] or "?", error))
        else:
            checked.append((name, content, upload.content_type))
    if refused:
        raise UploadsRefused(refused)
    return [_keep_file(user, audit, codes, *item) for item in checked]


def _keep_file(
    user: User, audit: Audit, codes: list[str], name: str, content: bytes, content_type: str
) -> Evidence:
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
        codes,
        {"file": name, "sha256": digest},
        kind=EvidenceKind.FILE,
        filename=name,
        stored_name=stored,
        content_type=content_type,
        size_bytes=len(content),
        sha256=digest,
    )


def add_evidence_file(
    user: User,
    audit: Audit,
    code: str,
    filename: str,
    content_type: str,
    stream: IO[bytes],
    also: Iterable[str] = (),
) -> Evidence:
    """Keep one uploaded file after checking its size, type and content."""
    try:
        (evidence,) = add_evidence_files(
            user, audit, code, [Upload(filename, content_type, stream)], also
        )
    except UploadsRefused as error:
        raise error.files[0][1] from None
    return evidence


def add_evidence_reference(
    user: User, audit: Audit, code: str, reference: str, also: Iterable[str] = ()
) -> Evidence:
    """Record a document kept elsewhere (e.g. an order number and date)."""
    require_editable(user, audit)
    codes = _questions(audit, code, also)
    reference = clean_text(reference)
    if not reference:
        raise Refused("reference_required", "reference")
    if len(reference) > 500:
        raise Refused("too_long", "reference", max=500)
    return _attach(
        user,
        audit,
        codes,
        {"reference": reference},
        kind=EvidenceKind.REFERENCE,
        reference=reference,
    )


def _attach(
    user: User, audit: Audit, codes: list[str], logged: dict[str, object], **fields: object
) -> Evidence:
    """Store the evidence on its questions and log it on each."""
    rows = indicator_rows(audit.cycle.framework_version)
    evidence = Evidence(audit_id=audit.id, uploaded_by_id=user.id, **fields)
    evidence.links = [EvidenceLink(indicator_id=rows[code].id) for code in codes]
    db.session.add(evidence)
    db.session.flush()
    for code in codes:
        log.write(audit, user, "evidence.added", indicator_id=rows[code].id, new=logged)
    return evidence


def link_evidence(user: User, evidence_id: int, codes: Iterable[str]) -> tuple[Audit, list[str]]:
    """Let evidence already kept support more questions; gives the questions newly linked."""
    evidence, _path = evidence_for(user, evidence_id)
    audit = audit_for(user, evidence.audit_id)
    require_editable(user, audit)
    evidence = _under_lock(evidence)
    wanted = list(dict.fromkeys(codes))
    if not wanted:
        raise Refused("choose_questions", "link")
    data = load_data(audit)
    for code in wanted:
        asked_indicator(data, code)
    rows = indicator_rows(audit.cycle.framework_version)
    held = {link.indicator_id for link in evidence.links}
    added = [code for code in wanted if rows[code].id not in held]
    for code in added:
        evidence.links.append(EvidenceLink(indicator_id=rows[code].id))
        log.write(audit, user, "evidence.added", indicator_id=rows[code].id, new=_logged(evidence))
    db.session.flush()
    return audit, added


def _under_lock(evidence: Evidence) -> Evidence:
    """The evidence as it stands now that its audit is locked: another request may have removed
    it, or changed its questions, while this one waited."""
    fresh = db.session.scalar(
        select(Evidence).where(Evidence.id == evidence.id).execution_options(populate_existing=True)
    )
    if fresh is None:
        raise NotFound
    db.session.expire(fresh, ["links"])
    return fresh


def _logged(evidence: Evidence) -> dict[str, object]:
    if evidence.kind is EvidenceKind.FILE:
        return {"file": evidence.filename, "sha256": evidence.sha256}
    return {"reference": evidence.reference}


def evidence_for(user: User, evidence_id: int) -> tuple[Evidence, Path | None]:
    """The evidence and its file path, if the user may see the audit it belongs to."""
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None:
        raise NotFound
    audit_for(user, evidence.audit_id)
    path = storage_folder() / evidence.stored_name if evidence.stored_name else None
    return evidence, path


def remove_evidence(user: User, evidence_id: int, code: str | None = None) -> Audit:
    """Remove evidence from one question (`code`), or from every question when no code is
    given, while the audit is editable; the log keeps its trace. Evidence no question holds any
    more is deleted, and its file once the removal has committed."""
    evidence, path = evidence_for(user, evidence_id)
    audit = audit_for(user, evidence.audit_id)
    require_editable(user, audit)
    evidence = _under_lock(evidence)
    if code is None:
        removed = list(evidence.links)
    else:
        rows = indicator_rows(audit.cycle.framework_version)
        if code not in rows:
            raise NotFound
        removed = [link for link in evidence.links if link.indicator_id == rows[code].id]
        if not removed:
            raise NotFound
    old = {"file": evidence.filename, "reference": evidence.reference}
    for link in removed:
        log.write(audit, user, "evidence.removed", indicator_id=link.indicator_id, old=old)
        evidence.links.remove(link)
    if not evidence.links:
        db.session.delete(evidence)
        if path is not None:
            transactions.after_commit(db.session(), lambda: path.unlink(missing_ok=True))
    db.session.flush()
    return audit
