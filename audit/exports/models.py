"""Export jobs: one row per workbook asked for, from the request to the file (or the failure)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from audit.accounts.models import User
from audit.db import Base, created_at, enum_column, intpk


class ExportKind(enum.StrEnum):
    """Which workbook."""

    DONOR_SUMMARY = "donor_summary"  # an institution or country and a cycle, aggregates only
    UNIT_SCORECARD = "unit_scorecard"  # one audit's scorecard
    FULL_DATA = "full_data"  # every answer of a cycle in the adviser's units


class ExportStatus(enum.StrEnum):
    """Where the job is. `running` with a lease that ran out means its worker was lost."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    EXPIRED = "expired"


class Export(Base):
    """A workbook job. Written with its outbox message in one transaction, so it cannot be lost;
    the worker writes the file under a temporary name and renames it when it is complete."""

    __tablename__ = "exports"
    __table_args__ = (
        Index("ix_exports_requested_by", "requested_by_id", "id"),
        Index("ix_exports_status_expires", "status", "expires_at"),
    )

    id: Mapped[intpk]
    kind: Mapped[ExportKind] = mapped_column(enum_column(ExportKind, "export_kind"))
    status: Mapped[ExportStatus] = mapped_column(
        enum_column(ExportStatus, "export_status"), default=ExportStatus.PENDING
    )
    #: 0-100, updated by the worker as it goes.
    progress: Mapped[int] = mapped_column(default=0)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: What to export: {"cycle_id": …, "audit_id": …, "scope": "institution"|"country",
    #: "scope_id": …, "unit_ids": [...] (the units the requester could see when asking)}.
    params: Mapped[dict[str, Any]]
    #: The language of the labels (the requester's at the time of asking).
    locale: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[created_at]
    started_at: Mapped[dt.datetime | None]
    #: Refreshed with every progress step: a running job whose lease ran out is taken over.
    lease_until: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    #: The file name offered to the browser.
    filename: Mapped[str | None] = mapped_column(String(200))
    #: The stored file, relative to the export folder (random, never derived from user input).
    path: Mapped[str | None] = mapped_column(String(200))
    size: Mapped[int | None] = mapped_column(BigInteger)
    #: SHA-256 of the file, hex.
    checksum: Mapped[str | None] = mapped_column(String(64))
    expires_at: Mapped[dt.datetime | None]

    requested_by: Mapped[User] = relationship()

    @property
    def finished(self) -> bool:
        """Whether nothing more will happen to it."""
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED, ExportStatus.EXPIRED)
