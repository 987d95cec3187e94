"""Worker heartbeats: ask for one, record one, read the latest."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from audit.extensions import db
from audit.system.models import WorkerHeartbeat


def record_heartbeat(token: str, requested_at: str, hostname: str) -> WorkerHeartbeat:
    """Store the heartbeat once; a redelivered task finds it and changes nothing."""
    existing = db.session.scalar(select(WorkerHeartbeat).where(WorkerHeartbeat.token == token))
    if existing is not None:
        return existing
    beat = WorkerHeartbeat(
        token=token, hostname=hostname[:200], requested_at=dt.datetime.fromisoformat(requested_at)
    )
    db.session.add(beat)
    db.session.commit()
    return beat


def latest_heartbeat() -> WorkerHeartbeat | None:
    """The most recent heartbeat any worker recorded."""
    return db.session.scalar(select(WorkerHeartbeat).order_by(WorkerHeartbeat.seen_at.desc()))
