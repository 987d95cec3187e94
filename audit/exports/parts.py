"""A large CSV or Parquet full data, split per institution across the workers (a Celery chord).

When the job's worker takes it (`services.run`), `split` decides: a full data in CSV or Parquet
of at least EXPORT_SPLIT_AUDITS audits over two institutions or more is written as one part per
institution, each by whichever worker is free (`build_part`, a chord's header), and the last
step (`assemble`, the chord's body) joins the parts, in the download's order, into one zip.
Two workers take about half the time of one.

The job keeps its one lease and its one outbox message throughout: every part renews the lease
while it writes, and the message is completed only when the download is in place. A lost part
(its worker killed) lets the lease run out; the outbox sweep sends the job again, the next
attempt takes it over with a fresh work folder and a new chord, and anything the lost attempt
still does is refused (its attempt number is no longer the job's). A part that is delivered
twice finds its marker and does nothing. Set EXPORT_SPLIT_AUDITS to 0 to write every export in
one piece.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path
from typing import Any

from celery import chord, group, signature
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from audit import transactions
from audit.access.scope import visible_unit_ids
from audit.accounts.models import User
from audit.audits.models import Audit, AuditCycle
from audit.exports import content, lease, services, workspace
from audit.exports.models import Export, ExportKind, ExportStatus
from audit.extensions import db
from audit.orgs.models import Country, Institution, Unit

PART_TASK = "audit.exports.build_part"
ASSEMBLE_TASK = "audit.exports.assemble"


class Lost(Exception):
    """This attempt no longer holds the job (a later one took it over, or it was deleted)."""


def plan(export: Export, requester: User) -> list[int] | None:
    """The institutions to write apart, in the download's order (country, then institution
    name); None when one worker writes the export in one piece."""
    minimum = int(current_app.config["EXPORT_SPLIT_AUDITS"])
    fmt = export.params.get("format", "xlsx")
    if export.kind is not ExportKind.FULL_DATA or fmt == "xlsx" or minimum <= 0:
        return None
    rows = db.session.execute(
        select(Institution.id, func.count(Audit.id))
        .select_from(Audit)
        .join(Unit, Audit.unit_id == Unit.id)
        .join(Institution, Unit.institution_id == Institution.id)
        .join(Country, Institution.country_id == Country.id)
        .where(
            Audit.cycle_id == export.params.get("cycle_id"),
            Audit.unit_id.in_(visible_unit_ids(requester).scalar_subquery()),
        )
        .group_by(Institution.id, Country.name, Institution.name)
        .order_by(Country.name, Institution.name, Institution.id)
    ).all()
    if len(rows) < 2 or sum(count for _id, count in rows) < minimum:
        return None
    return [institution_id for institution_id, _count in rows]


def split(export_id: int, attempt: int, message_id: int) -> bool:
    """Start the chord if the job is to be split (True); False to write it in one piece."""
    export = services._fresh(export_id)
    requester = db.session.get(User, export.requested_by_id) if export else None
    if export is None or requester is None:
        return False
    institutions = plan(export, requester)
    if institutions is None:
        return False
    work = workspace.open_job(export_id, attempt)
    export.params = {
        **export.params,
        "scope_digest": services.scope_digest(requester),
        "parts": len(institutions),
    }
    args = (export_id, attempt, message_id)
    header = group(
        signature(PART_TASK, args=(*args, institution, str(work))) for institution in institutions
    )
    body = signature(ASSEMBLE_TASK, args=(*args, institutions, str(work)))

    def send() -> None:
        try:
            chord(header)(body)
        except Exception:  # the broker is down: the lease runs out and the sweep sends it again
            current_app.logger.exception("Export %s: the parts could not be sent", export_id)

    transactions.after_commit(db.session(), send)
    return True


def _held(export_id: int, attempt: int) -> Export:
    export = services._fresh(export_id)
    if export is None or export.attempts != attempt or export.status is not ExportStatus.RUNNING:
        raise Lost(f"export {export_id} attempt {attempt}")
    return export


def _marker(work: Path, institution_id: int) -> Path:
    return work / f"{institution_id}.done"


def build_part(
    export_id: int, attempt: int, message_id: int, institution_id: int, work_path: str
) -> int:
    """Write one institution's part into the job's work folder (nothing if it is there)."""
    work = Path(work_path)
    export = _held(export_id, attempt)
    if _marker(work, institution_id).exists():
        return institution_id
    requester = db.session.get(User, export.requested_by_id)
    cycle = db.session.get(AuditCycle, export.params.get("cycle_id") or 0)
    try:
        if requester is None or cycle is None:
            raise services.NotAllowed
        services.check(requester, export.kind, export.params)
        units = select(Unit.id).where(
            Unit.id.in_(visible_unit_ids(requester).scalar_subquery()),
            Unit.institution_id == institution_id,
        )
        total = int(export.params.get("parts") or 1)
        progress = _reporter(export_id, attempt, message_id, work, total)
        with force_locale(export.locale), lease.kept(export_id, attempt, message_id):
            content.write_full_data_part(
                work, str(institution_id), cycle, units, export.params["format"], progress
            )
    except services.NotAllowed as error:
        db.session.rollback()
        services._record_failure(export_id, attempt, message_id, error, final=True)
        raise
    _marker(work, institution_id).touch()
    return institution_id


def _reporter(export_id: int, attempt: int, message_id: int, work: Path, total: int) -> Any:
    """Progress of the whole job from one part: finished parts plus this one's share."""
    delay = int(current_app.config["EXPORT_STEP_DELAY_MS"]) / 1000
    last = {"percent": -1}

    def report(fraction: float) -> None:
        done = sum(1 for _marker in work.glob("*.done"))
        percent = max(0, min(99, int((done + fraction) / total * 100)))
        if percent == last["percent"]:
            return
        last["percent"] = percent
        with transactions.separately() as session:
            if not lease.renew(session, export_id, attempt, message_id, progress=percent):
                raise Lost(f"export {export_id} attempt {attempt}")
        if delay:
            time.sleep(delay)

    return report


def assemble(
    _results: Any,
    export_id: int,
    attempt: int,
    message_id: int,
    institutions: list[int],
    work_path: str,
) -> None:
    """Join the parts into the download and finish the job (the chord's last step)."""
    work = Path(work_path)
    try:
        export = _held(export_id, attempt)
    except Lost:
        return  # a later attempt owns the job now
    requester = db.session.get(User, export.requested_by_id)
    cycle = db.session.get(AuditCycle, export.params.get("cycle_id") or 0)
    fmt = export.params["format"]
    try:
        if requester is None or cycle is None:
            raise services.NotAllowed
        services.check(requester, export.kind, export.params)
        missing = [i for i in institutions if not _marker(work, i).exists()]
        if missing:
            raise RuntimeError(f"parts missing: {missing}")
        final_name = f"{export_id}-{secrets.token_hex(16)}.zip"
        with force_locale(export.locale), lease.kept(export_id, attempt, message_id):
            stems = [str(i) for i in institutions]
            content.assemble_full_data(work / final_name, work, stems, fmt, cycle)
            with (work / final_name).open("rb") as handle:
                os.fsync(handle.fileno())
            filename = content.filename(_("answers"), cycle.name, fmt, ext="zip")
        os.replace(work / final_name, services.folder() / final_name)
    except Exception as error:
        db.session.rollback()
        refused = isinstance(error, services.NotAllowed)
        services._record_failure(export_id, attempt, message_id, error, final=refused)
        if refused:
            return
        raise
    workspace.discard(work)
    services._finish(export_id, attempt, message_id, final_name, filename, {})
