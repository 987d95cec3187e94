"""Export jobs: who may ask for which workbook, the worker's run, downloads and clean-up.

A request writes the Export row and its outbox message in one transaction; the worker
(`workers.exports.build_export`) takes the job, writes the workbook in a work folder of its
own (`workspace`), renames it into the export folder when complete (a half-written file is
never served) and records size, SHA-256 and expiry. Until the rename it renews a lease
(`lease`): a job whose worker was killed keeps status "running" with a lease that runs out, and
the outbox sweep sends it again at once, to be taken over. After EXPORT_MAX_ATTEMPTS attempts
the job fails with a message instead of trying for ever.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.exceptions import NotFound

from audit import transactions
from audit.access.scope import Can, abilities, funded_scope, visible_unit_ids
from audit.accounts.models import Role, User
from audit.audits.models import Audit, AuditCycle
from audit.db import utcnow
from audit.exports import content, lease, workspace, xlsx
from audit.exports.models import Export, ExportKind, ExportStatus
from audit.extensions import db
from audit.frameworks.models import FrameworkIndicator
from audit.orgs.models import Country, Institution
from audit.outbox import services as outbox
from audit.outbox.models import OutboxMessage

#: The Celery task that builds an export from an outbox message.
TASK = "audit.exports.build"
#: Temporary files of an older version (`*.part` at the top of the folder) go after this long.
PARTIAL_MAX_AGE = dt.timedelta(days=1)


#: The user may not ask for (or see) this export: it does not exist for them (a 404).
NotAllowed = NotFound


#: Where workbooks are kept (EXPORT_FOLDER, default instance/exports).
folder = workspace.folder


# --- who may ask and see --------------------------------------------------------------------


def _institution_allowed(user: User, institution: Institution) -> bool:
    if user.has_role(Role.ADMIN):
        return True
    institutions, countries = funded_scope(user)
    return institution.id in institutions or institution.country_id in countries


def _country_allowed(user: User, country: Country) -> bool:
    return user.has_role(Role.ADMIN) or country.id in funded_scope(user)[1]


def check(user: User, kind: ExportKind, params: dict[str, Any]) -> None:
    """Raise NotAllowed unless `user` may see what an export with these parameters holds.

    - unit scorecard: anyone who may view the audit's unit (commanders, advisers, admins);
    - full data: advisers and administrators, over units they still see;
    - donor summary: donors funding the institution or country, and administrators.
    """
    if kind is ExportKind.UNIT_SCORECARD:
        audit = db.session.get(Audit, params.get("audit_id") or 0)
        if audit is None or Can.VIEW not in abilities(user, audit.unit):
            raise NotAllowed
    elif kind is ExportKind.FULL_DATA:
        if not (user.has_role(Role.ADVISER) or user.has_role(Role.ADMIN)):
            raise NotAllowed
        if db.session.get(AuditCycle, params.get("cycle_id") or 0) is None:
            raise NotAllowed
        # A finished workbook holds the units the requester saw when it was written: it is
        # offered only while they still see exactly those (older jobs kept the ids themselves).
        wanted = params.get("unit_ids")
        if wanted is not None and set(wanted) - set(db.session.scalars(visible_unit_ids(user))):
            raise NotAllowed
        digest = params.get("scope_digest")
        if digest is not None and digest != scope_digest(user):
            raise NotAllowed
    elif kind is ExportKind.DONOR_SUMMARY:
        if not (user.has_role(Role.DONOR) or user.has_role(Role.ADMIN)):
            raise NotAllowed
        if db.session.get(AuditCycle, params.get("cycle_id") or 0) is None:
            raise NotAllowed
        scope_id = params.get("scope_id") or 0
        if params.get("scope") == "institution":
            institution = db.session.get(Institution, scope_id)
            if institution is None or not _institution_allowed(user, institution):
                raise NotAllowed
        elif params.get("scope") == "country":
            country = db.session.get(Country, scope_id)
            if country is None or not _country_allowed(user, country):
                raise NotAllowed
        else:
            raise NotAllowed
    else:  # pragma: no cover - the enum has no other member
        raise NotAllowed


def scope_digest(user: User) -> str:
    """A fingerprint (SHA-256) of the units the user sees, read as a stream in id order: a
    full-data job keeps it instead of the ids themselves, whose number has no bound."""
    digest = hashlib.sha256()
    ids = visible_unit_ids(user).order_by(None)
    stmt = select(ids.subquery().c.id).order_by("id")
    for unit_id in db.session.scalars(stmt, execution_options={"yield_per": 10_000}):
        digest.update(b"%d," % unit_id)
    return digest.hexdigest()


@dataclass(frozen=True)
class FullDataAdvice:
    """The full data's likely size, and the format that suits it."""

    audits: int
    rows: int
    format: str

    @property
    def too_big_for_excel(self) -> bool:
        return self.rows >= xlsx.MAX_ROWS


def full_data_advice(user: User, cycle_id: int) -> FullDataAdvice:
    """How many audits and about how many rows the user's full data of a cycle holds (two
    counts in SQL): past Excel's row limit on a sheet, CSV is the format offered first."""
    cycle = db.session.get(AuditCycle, cycle_id)
    if cycle is None:
        return FullDataAdvice(0, 0, "xlsx")
    audits = int(
        db.session.scalar(
            select(func.count(Audit.id)).where(
                Audit.cycle_id == cycle_id,
                Audit.unit_id.in_(visible_unit_ids(user).scalar_subquery()),
            )
        )
        or 0
    )
    questions = int(
        db.session.scalar(
            select(func.count(FrameworkIndicator.id)).where(
                FrameworkIndicator.framework_version_id == cycle.framework_version_id
            )
        )
        or 0
    )
    rows = audits * questions
    return FullDataAdvice(audits, rows, "csv" if rows >= xlsx.MAX_ROWS else "xlsx")


def request_export(user: User, kind: ExportKind, params: dict[str, Any], locale: str) -> Export:
    """Record an export and its outbox message; the worker is asked once this commits."""
    check(user, kind, params)
    export = Export(kind=kind, params=params, locale=locale, requested_by_id=user.id)
    db.session.add(export)
    db.session.flush()
    message = outbox.add(TASK, export_id=export.id)
    export.params = {**params, "outbox_id": message.id}
    return export


def visible(user: User, export_id: int) -> Export:
    """The user's own export, if they may still see what it holds (else NotAllowed)."""
    export = db.session.get(Export, export_id)
    if export is None or export.requested_by_id != user.id:
        raise NotAllowed
    check(user, export.kind, export.params)
    return export


def mine(user: User, limit: int = 50) -> list[Export]:
    """The user's newest exports."""
    return list(
        db.session.scalars(
            select(Export)
            .where(Export.requested_by_id == user.id)
            .order_by(Export.id.desc())
            .limit(limit)
        )
    )


def file_path(export: Export) -> Path | None:
    """The finished file of a done export, if it is still there."""
    if export.status is not ExportStatus.DONE or not export.path:
        return None
    path = folder() / export.path
    return path if path.is_file() else None


# --- the worker's side ---------------------------------------------------------------------


def _fresh(export_id: int) -> Export | None:
    """The export as stored now (None if it was deleted with its requester meanwhile)."""
    return db.session.scalar(
        select(Export).where(Export.id == export_id).execution_options(populate_existing=True)
    )


def run(message_id: int, split: Callable[[int, int, int], bool] | None = None) -> Export | None:
    """Do one outbox message's export. Idempotent: a done, failed or expired job is left alone,
    a job another worker is running is left to it, a job whose worker was lost is taken over.
    `split(export_id, attempt, message_id)` may hand the job to several workers instead
    (`parts.split`): True when it has, and the last of them finishes the job."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        return None
    export = db.session.get(Export, message.payload.get("export_id") or 0)
    if export is None or export.finished or message.done_at is not None:
        outbox.complete(message_id)
        return export
    if export.attempts >= int(current_app.config["EXPORT_MAX_ATTEMPTS"]):
        export.status = ExportStatus.FAILED
        export.finished_at = utcnow()
        export.error = export.error or "gave up"
        outbox.complete(message_id)
        return export
    export_id = export.id
    attempt = lease.claim(export_id, message_id)
    if attempt is None:
        return export
    if split is not None and split(export_id, attempt, message_id):
        return _fresh(export_id)
    zipped = export.kind is ExportKind.FULL_DATA and export.params.get("format", "xlsx") != "xlsx"
    final_name = f"{export_id}-{secrets.token_hex(16)}.{'zip' if zipped else 'xlsx'}"
    work = workspace.open_job(export_id, attempt)  # the lost attempts' folders are removed
    try:
        with lease.kept(export_id, attempt, message_id):
            progress = _progress_reporter(export_id, attempt, message_id)
            filename, extra = _build(export_id, work / final_name, progress)
            os.replace(work / final_name, folder() / final_name)
    except Exception as error:
        db.session.rollback()
        refused = isinstance(error, NotFound | content.NothingToExport)
        if not _record_failure(export_id, attempt, message_id, error, final=refused):
            return None  # deleted with its requester meanwhile
        if refused:  # trying again would not change the answer
            return _fresh(export_id)
        raise
    finally:
        workspace.discard(work)
    return _finish(export_id, attempt, message_id, final_name, filename, extra)


def _build(
    export_id: int, partial: Path, progress: Callable[[float], None]
) -> tuple[str, dict[str, Any]]:
    """Write the workbook to its temporary name (flushed to disk); give its download name and
    what the job's parameters gain (a full data's scope fingerprint, taken before writing)."""
    export = _fresh(export_id)
    requester = db.session.get(User, export.requested_by_id) if export else None
    if export is None or requester is None:
        raise NotAllowed
    check(requester, export.kind, export.params)  # still allowed when it runs
    extra = {}
    if export.kind is ExportKind.FULL_DATA:
        extra["scope_digest"] = scope_digest(requester)
    with force_locale(export.locale):
        filename = _write(export, requester, partial, progress)
    with partial.open("rb") as handle:
        os.fsync(handle.fileno())
    return filename, extra


def _record_failure(
    export_id: int, attempt: int, message_id: int, error: Exception, *, final: bool
) -> bool:
    """Store what went wrong on its own (the task's transaction rolls back when it raises): the
    job fails when `final` or out of attempts, else the sweep sends it again once the failed
    attempt's hold on the outbox message has run out (at most a lease later). Nothing is
    stored when a later attempt has taken the job over meanwhile (it is theirs now).
    False when the export is gone (deleted with its requester meanwhile)."""
    with transactions.separately() as session:
        export = session.get(Export, export_id)
        if export is None:
            outbox.complete(message_id, session)
            return False
        if export.attempts != attempt:
            current_app.logger.warning("Export %s attempt %s lost: %s", export_id, attempt, error)
            return True
        export.lease_until = None
        if final or export.attempts >= int(current_app.config["EXPORT_MAX_ATTEMPTS"]):
            export.status = ExportStatus.FAILED
            export.finished_at = utcnow()
            outbox.complete(message_id, session)
        else:
            export.status = ExportStatus.PENDING  # the outbox sweep sends it again
        export.error = f"{error.__class__.__name__}: {error}"[:2000]
    current_app.logger.warning("Export %s failed: %s", export_id, error)
    return True


def _finish(
    export_id: int,
    attempt: int,
    message_id: int,
    final_name: str,
    filename: str,
    extra: dict[str, Any],
) -> Export | None:
    """Record the finished file (committed with the task), unless a later attempt has taken
    the job over meanwhile: then this file goes and the job is left to that attempt."""
    stored = folder() / final_name
    export = _fresh(export_id)
    if export is not None and export.attempts != attempt:
        stored.unlink(missing_ok=True)
        return export
    outbox.complete(message_id)
    if export is None:  # deleted with its requester meanwhile
        stored.unlink(missing_ok=True)
        return None
    export.status = ExportStatus.DONE
    export.params = {**export.params, **extra}
    export.progress = 100
    export.path = final_name
    export.filename = filename
    export.size = stored.stat().st_size
    with stored.open("rb") as handle:
        export.checksum = hashlib.file_digest(handle, "sha256").hexdigest()
    export.finished_at = utcnow()
    export.lease_until = None
    export.expires_at = export.finished_at + dt.timedelta(
        hours=int(current_app.config["EXPORT_TTL_HOURS"])
    )
    return export


def _progress_reporter(export_id: int, attempt: int, message_id: int) -> Callable[[float], None]:
    """A callback for the content builders: stores progress (0-1) and renews the lease, each
    time in a short transaction of its own so the page that polls sees it at once."""
    delay = int(current_app.config["EXPORT_STEP_DELAY_MS"]) / 1000
    last = {"percent": -1}

    def report(fraction: float) -> None:
        percent = max(0, min(99, int(fraction * 100)))
        if percent == last["percent"]:
            return
        last["percent"] = percent
        with transactions.separately() as session:
            lease.renew(session, export_id, attempt, message_id, progress=percent)
        if delay:
            time.sleep(delay)

    return report


def _write(export: Export, requester: User, target: Path, progress: Callable[[float], None]) -> str:
    """Gather the data and write the workbook; give the file name offered for download."""
    cycle = db.session.get(AuditCycle, export.params.get("cycle_id") or 0)
    if export.kind is ExportKind.UNIT_SCORECARD:
        audit = db.session.get(Audit, export.params["audit_id"])
        if audit is None:
            raise NotAllowed
        content.write_unit_scorecard(target, audit, progress)
        return content.filename(_("scorecard"), audit.unit.code, audit.cycle.name)
    if cycle is None:
        raise NotAllowed
    if export.kind is ExportKind.FULL_DATA:
        fmt = export.params.get("format", "xlsx")
        if fmt == "xlsx":
            content.write_full_data(target, cycle, visible_unit_ids(requester), progress)
            return content.filename(_("answers"), cycle.name)
        units = visible_unit_ids(requester)
        content.write_full_data_part(target.parent, "all", cycle, units, fmt, progress)
        content.assemble_full_data(target, target.parent, ["all"], fmt, cycle)
        return content.filename(_("answers"), cycle.name, fmt, ext="zip")
    scope, scope_id = export.params["scope"], export.params["scope_id"]
    name = content.write_donor_summary(target, requester, cycle, scope, scope_id, progress)
    return content.filename(_("donor-summary"), name, cycle.name)


def cleanup(now: dt.datetime | None = None) -> int:
    """Delete expired workbooks, the work folders of lost attempts (older than the lease, with
    no running lease) and old temporary files; give how many jobs expired."""
    now = now or utcnow()
    expired = list(
        db.session.scalars(
            select(Export).where(Export.status == ExportStatus.DONE, Export.expires_at < now)
        )
    )
    files = [folder() / export.path for export in expired if export.path]
    for export in expired:
        export.status = ExportStatus.EXPIRED
        export.path = None
    # The files go once the rows say "expired": a rolled-back clean-up leaves both in place.
    transactions.after_commit(db.session(), lambda: [f.unlink(missing_ok=True) for f in files])
    running = db.session.execute(
        select(Export.id, Export.attempts).where(
            Export.status == ExportStatus.RUNNING, Export.lease_until > now
        )
    )
    workspace.sweep({(row.id, row.attempts) for row in running}, lease.duration().total_seconds())
    cutoff = time.time() - PARTIAL_MAX_AGE.total_seconds()
    for partial in folder().glob("*.part"):
        if partial.stat().st_mtime < cutoff:
            partial.unlink(missing_ok=True)
    return len(expired)
