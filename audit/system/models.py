"""Traces the background workers leave, so administrators can see they are alive."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from audit.db import Base, intpk, utcnow


class WorkerHeartbeat(Base):
    """Written by a worker when it runs the heartbeat task."""

    __tablename__ = "worker_heartbeats"

    id: Mapped[intpk]
    #: Identifies the request that asked for this heartbeat (checked by tests and the status page).
    token: Mapped[str] = mapped_column(String(64), unique=True)
    hostname: Mapped[str] = mapped_column(String(200))
    requested_at: Mapped[dt.datetime]
    seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
