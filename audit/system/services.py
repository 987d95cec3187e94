"""Worker heartbeats: ask for one, record one, read the latest."""

from __future__ import annotations

import datetime as dt
import secrets

from flask import current_app
from sqlalchemy import select

from audit.db import utcnow
from audit.extensions import db
from audit.system.models import WorkerHeartbeat

#: The Celery task a worker answers a heartbeat request with (workers/system.py).
HEARTBEAT_TASK = "audit.system.heartbeat"


def request_heartbeat() -> None:
    """Ask the workers for a sign of life, by task name (the web app does not import workers)."""
    task = current_app.extensions["celery"].tasks[HEARTBEAT_TASK]
    task.delay(secrets.token_hex(16), utcnow().isoformat())


def record_heartbeat(token: str, requested_at: str, hostname: str) -> WorkerHeartbeat:
    """Store the heartbeat once; a redelivered task finds it and changes nothing."""
    existing = db.session.scalar(select(WorkerHeartbeat).where(WorkerHeartbeat.token == token))
    if existing is not None:
        return existing
    beat = WorkerHeartbeat(
        token=token, hostname=hostname[:200], requested_at=dt.datetime.fromisoformat(requested_at)
    )
    db.session.add(beat)
    return beat


def latest_heartbeat() -> WorkerHeartbeat | None:
    """The most recent heartbeat any worker recorded."""
    return db.session.scalar(select(WorkerHeartbeat).order_by(WorkerHeartbeat.seen_at.desc()))
