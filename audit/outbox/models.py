"""Outbox messages: one row per piece of background work, until a worker has done it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from audit.db import Base, created_at, intpk


class OutboxMessage(Base):
    """Work to do. Written with the state change that needs it, so it cannot be lost; sent to
    the broker after the commit; re-sent by the sweep until a worker marks it done (after a
    fixed staleness, or once the hold of the worker that had it runs out)."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "done_at", "sent_at"),)

    id: Mapped[intpk]
    #: The Celery task name, e.g. "audit.scoring.build_scorecard".
    task: Mapped[str] = mapped_column(String(120))
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[created_at]
    #: Last time it was handed to the broker (None: never reached it).
    sent_at: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    #: Set by the worker in the same transaction as the work's result.
    done_at: Mapped[dt.datetime | None]
    #: While a worker holds the work (an export's lease) it keeps pushing this forward; the
    #: sweep leaves the message alone until then and sends it again as soon as it has passed.
    held_until: Mapped[dt.datetime | None]
