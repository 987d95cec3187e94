"""An export job's lease: who is running it, and the sign of life that keeps it theirs.

A worker takes a job by giving it a lease of EXPORT_LEASE_SECONDS (its attempt number says
whose lease it is) and renews it, from a small heartbeat thread, every third of the lease until
the finished workbook is renamed into place, whatever step it is in: gathering data, writing
rows, XlsxWriter zipping a big workbook, flushing it to disk. Each renewal also holds the job's
outbox message for as long (`outbox.hold`): the sweep does not send a job that is alive again,
and sends a job whose worker died as soon as its lease has run out, so takeover follows the
lease (within about EXPORT_LEASE_SECONDS + OUTBOX_SWEEP_SECONDS), not a fixed staleness.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from audit import transactions
from audit.db import utcnow
from audit.exports.models import Export, ExportStatus
from audit.outbox import services as outbox


def duration() -> dt.timedelta:
    """EXPORT_LEASE_SECONDS."""
    return dt.timedelta(seconds=int(current_app.config["EXPORT_LEASE_SECONDS"]))


def claim(export_id: int, message_id: int) -> int | None:
    """Take the job in a transaction of its own (so other workers see the lease at once); give
    this attempt's number, or None while another worker's lease still runs."""
    now = utcnow()
    with transactions.separately() as session:
        taken = session.execute(
            update(Export)
            .where(Export.id == export_id)
            .where(
                or_(
                    Export.status != ExportStatus.RUNNING,
                    Export.lease_until.is_(None),
                    Export.lease_until <= now,
                )
            )
            .values(
                status=ExportStatus.RUNNING,
                attempts=Export.attempts + 1,
                started_at=now,
                progress=0,
                error=None,
                lease_until=now + duration(),
            )
        )
        if not taken.rowcount:
            return None
        outbox.hold(message_id, now + duration(), session)
        return session.scalar(select(Export.attempts).where(Export.id == export_id))


def renew(session: Session, export_id: int, attempt: int, message_id: int, **values: Any) -> bool:
    """Push the lease of this attempt (and its outbox message's hold) one lease ahead, with
    any other `values`; False when the job is no longer this attempt's."""
    until = utcnow() + duration()
    renewed = session.execute(
        update(Export)
        .where(Export.id == export_id)
        .where(Export.status == ExportStatus.RUNNING, Export.attempts == attempt)
        .values(lease_until=until, **values)
    )
    if not renewed.rowcount:
        return False
    outbox.hold(message_id, until, session)
    return True


@contextmanager
def kept(export_id: int, attempt: int, message_id: int) -> Iterator[None]:
    """Renew the lease every third of EXPORT_LEASE_SECONDS, each time in a short transaction of
    its own, until the block ends (a heartbeat thread, so a step that reports no progress,
    such as XlsxWriter zipping the workbook, cannot let it run out)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    interval = max(0.05, duration().total_seconds() / 3)
    stop = threading.Event()

    def beat() -> None:
        with app.app_context():
            while not stop.wait(interval):
                try:
                    with transactions.separately() as session:
                        renew(session, export_id, attempt, message_id)
                except Exception as error:  # the next beat tries again
                    app.logger.warning("Export %s lease not renewed: %s", export_id, error)

    thread = threading.Thread(target=beat, name=f"export-{export_id}-lease", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
