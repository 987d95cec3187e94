"""Audit cycles, audits, answers, evidence, review queries and the audit log."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from audit.accounts.models import User
from audit.append_only import protect
from audit.db import Base, created_at, enum_column, intpk, str200, utcnow
from audit.frameworks.models import FrameworkIndicator, FrameworkVersion
from audit.frameworks.spec import LEVELS
from audit.orgs.models import Unit


class CycleStatus(enum.StrEnum):
    """Whether units may still work on a cycle's audits."""

    OPEN = "open"
    CLOSED = "closed"


class AuditState(enum.StrEnum):
    """Where an audit is in its review."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    VALIDATED = "validated"


class QueryStatus(enum.StrEnum):
    """A reviewer's question on one answer."""

    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"


class EvidenceKind(enum.StrEnum):
    """A file kept by us, or a reference to a document kept elsewhere."""

    FILE = "file"
    REFERENCE = "reference"


class AuditCycle(Base):
    """An audit round (e.g. "2026") pinned to one framework version."""

    __tablename__ = "audit_cycles"
    __table_args__ = (CheckConstraint("closes_on >= opens_on", name="closes_after_opening"),)

    id: Mapped[intpk]
    name: Mapped[str200] = mapped_column(unique=True)
    framework_version_id: Mapped[int] = mapped_column(
        ForeignKey("framework_versions.id", ondelete="RESTRICT")
    )
    opens_on: Mapped[dt.date] = mapped_column(Date)
    closes_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[CycleStatus] = mapped_column(
        enum_column(CycleStatus, "cycle_status"), default=CycleStatus.OPEN
    )
    created_at: Mapped[created_at]

    framework_version: Mapped[FrameworkVersion] = relationship()
    audits: Mapped[list[Audit]] = relationship(back_populates="cycle")


class Audit(Base):
    """One unit's audit in one cycle."""

    __tablename__ = "audits"
    __table_args__ = (
        UniqueConstraint("cycle_id", "unit_id"),
        # The review queue and the home page look for the few submitted audits among many.
        Index("ix_audits_state", "state"),
        CheckConstraint(
            "state NOT IN ('submitted', 'validated') OR submitted_at IS NOT NULL",
            name="submitted_has_time",
        ),
        CheckConstraint(
            "state <> 'validated' OR validated_at IS NOT NULL", name="validated_has_time"
        ),
    )

    id: Mapped[intpk]
    cycle_id: Mapped[int] = mapped_column(ForeignKey("audit_cycles.id", ondelete="RESTRICT"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    state: Mapped[AuditState] = mapped_column(
        enum_column(AuditState, "audit_state"), default=AuditState.NOT_STARTED
    )
    #: The commander's sign-off of the latest submission: the statement they confirmed, and the
    #: name and position they signed it with.
    sign_off: Mapped[str | None] = mapped_column(Text)
    sign_off_name: Mapped[str | None] = mapped_column(String(200))
    sign_off_position: Mapped[str | None] = mapped_column(String(200))
    sign_off_confirmed: Mapped[bool] = mapped_column(default=False)
    signed_off_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[dt.datetime | None]
    validated_at: Mapped[dt.datetime | None]
    validated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    cycle: Mapped[AuditCycle] = relationship(back_populates="audits")
    unit: Mapped[Unit] = relationship()
    answers: Mapped[list[Answer]] = relationship(back_populates="audit")

    @property
    def locked(self) -> bool:
        """Validated audits (and audits of a closed cycle) accept no edits."""
        return self.state is AuditState.VALIDATED or self.cycle.status is CycleStatus.CLOSED


class Answer(Base):
    """The current answer to one indicator; its history is in AuditLogEntry."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("audit_id", "indicator_id"),
        CheckConstraint("NOT not_applicable OR value IS NULL", name="na_has_no_value"),
        CheckConstraint("revision >= 1", name="revision_positive"),
        CheckConstraint(
            "override_level IS NULL OR override_level IN ("
            + ", ".join(f"'{level}'" for level in LEVELS)
            + ")",
            name="override_level_known",
        ),
        CheckConstraint(
            "override_level IS NULL OR override_reason IS NOT NULL", name="override_has_reason"
        ),
    )

    id: Mapped[intpk]
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id", ondelete="CASCADE"))
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("framework_indicators.id", ondelete="RESTRICT")
    )
    #: The typed value (see audit/audits/values.py for its shape per answer type).
    value: Mapped[Any | None] = mapped_column(JSON(none_as_null=True))
    currency: Mapped[str | None] = mapped_column(String(3))
    not_applicable: Mapped[bool] = mapped_column(default=False)
    na_reason: Mapped[str | None] = mapped_column(Text)
    #: A reviewer's rating that replaces the computed one, with the reason.
    override_level: Mapped[str | None] = mapped_column(String(12))
    override_reason: Mapped[str | None] = mapped_column(Text)
    #: Optimistic concurrency: a save names the revision it started from, and SQLAlchemy's version
    #: counter makes the UPDATE itself check it (two simultaneous saves cannot both win).
    revision: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    audit: Mapped[Audit] = relationship(back_populates="answers")
    indicator: Mapped[FrameworkIndicator] = relationship()
    updated_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": revision}


class Evidence(Base):
    """A file or a document reference of an audit, supporting one or more of its answers (one
    document may prove several questions: its links say which)."""

    __tablename__ = "evidence"
    __table_args__ = (
        CheckConstraint(
            "(kind = 'file' AND stored_name IS NOT NULL AND size_bytes IS NOT NULL)"
            " OR (kind = 'reference' AND reference IS NOT NULL)",
            name="kind_has_content",
        ),
    )

    id: Mapped[intpk]
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id", ondelete="CASCADE"), index=True)
    kind: Mapped[EvidenceKind] = mapped_column(enum_column(EvidenceKind, "evidence_kind"))
    #: The name the uploader gave the file (shown, never used as a path).
    filename: Mapped[str | None] = mapped_column(String(255))
    #: Random name in the storage folder.
    stored_name: Mapped[str | None] = mapped_column(String(80), unique=True)
    content_type: Mapped[str | None] = mapped_column(String(100))
    size_bytes: Mapped[int | None]
    sha256: Mapped[str | None] = mapped_column(String(64))
    reference: Mapped[str | None] = mapped_column(String(500))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]

    uploaded_by: Mapped[User | None] = relationship()
    links: Mapped[list[EvidenceLink]] = relationship(
        back_populates="evidence", cascade="all, delete-orphan"
    )


class EvidenceLink(Base):
    """One question a piece of evidence supports."""

    __tablename__ = "evidence_links"
    __table_args__ = (Index("ix_evidence_links_indicator_id", "indicator_id"),)

    evidence_id: Mapped[int] = mapped_column(
        ForeignKey("evidence.id", ondelete="CASCADE"), primary_key=True
    )
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("framework_indicators.id", ondelete="RESTRICT"), primary_key=True
    )

    evidence: Mapped[Evidence] = relationship(back_populates="links")
    indicator: Mapped[FrameworkIndicator] = relationship()


class ReviewQuery(Base):
    """A reviewer's question on one answer, with its thread of messages."""

    __tablename__ = "review_queries"

    id: Mapped[intpk]
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("framework_indicators.id", ondelete="RESTRICT")
    )
    status: Mapped[QueryStatus] = mapped_column(
        enum_column(QueryStatus, "query_status"), default=QueryStatus.OPEN
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]

    indicator: Mapped[FrameworkIndicator] = relationship()
    messages: Mapped[list[QueryMessage]] = relationship(
        back_populates="query", order_by="QueryMessage.id", cascade="all, delete-orphan"
    )


class QueryMessage(Base):
    """One message in a query thread."""

    __tablename__ = "query_messages"

    id: Mapped[intpk]
    query_id: Mapped[int] = mapped_column(ForeignKey("review_queries.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[created_at]

    query: Mapped[ReviewQuery] = relationship(back_populates="messages")
    author: Mapped[User | None] = relationship()


class AuditLogEntry(Base):
    """Append-only history: every change to an audit, an answer, evidence or a query."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_audit_indicator", "audit_id", "indicator_id"),)

    id: Mapped[intpk]
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id", ondelete="CASCADE"))
    indicator_id: Mapped[int | None] = mapped_column(
        ForeignKey("framework_indicators.id", ondelete="RESTRICT")
    )
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: e.g. "answer.saved", "audit.submitted", "evidence.added", "query.opened".
    action: Mapped[str] = mapped_column(String(40))
    old: Mapped[Any | None] = mapped_column(JSON(none_as_null=True))
    new: Mapped[Any | None] = mapped_column(JSON(none_as_null=True))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[created_at]

    actor: Mapped[User | None] = relationship()
    indicator: Mapped[FrameworkIndicator | None] = relationship()


#: The database itself refuses to rewrite the audit log (PostgreSQL; audit/append_only.py).
protect(AuditLogEntry.__table__)
