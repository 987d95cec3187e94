"""Scorecard snapshots: computed once per submission or validation, never changed afterwards."""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from audit.audits.models import Audit
from audit.db import Base, created_at, enum_column, intpk


class Trigger(enum.StrEnum):
    """What the snapshot was taken for."""

    SUBMITTED = "submitted"
    VALIDATED = "validated"


class ScorecardSnapshot(Base):
    """An audit's scorecard as computed by one framework version and one scoring-rules version."""

    __tablename__ = "scorecards"
    __table_args__ = (Index("ix_scorecards_audit_trigger", "audit_id", "trigger", "id"),)

    id: Mapped[intpk]
    audit_id: Mapped[int] = mapped_column(ForeignKey("audits.id", ondelete="CASCADE"))
    trigger: Mapped[Trigger] = mapped_column(enum_column(Trigger, "scorecard_trigger"))
    #: The outbox message that asked for it: a redelivered task finds it and does nothing.
    outbox_id: Mapped[int] = mapped_column(
        ForeignKey("outbox.id", ondelete="RESTRICT"), unique=True
    )
    framework_version_id: Mapped[int] = mapped_column(ForeignKey("framework_versions.id"))
    rules_version: Mapped[str] = mapped_column(String(20))
    overall_score: Mapped[float | None]
    overall_coverage: Mapped[float | None]
    #: engine.Scorecard.to_dict(): every indicator, domain and recommendation with its trace;
    #: an older snapshot of the audit keeps the scores only (`slimming`, traced false).
    data: Mapped[dict[str, Any]]
    traced: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[created_at]

    audit: Mapped[Audit] = relationship()
    domains: Mapped[list[DomainScore]] = relationship(cascade="all, delete-orphan")
    sex_counts: Mapped[list[SexCount]] = relationship(cascade="all, delete-orphan")
    recommendations: Mapped[list[RecommendationScore]] = relationship(cascade="all, delete-orphan")


class DomainScore(Base):
    """One domain's score in a snapshot, as a row so roll-ups are one SQL GROUP BY."""

    __tablename__ = "scorecard_domains"
    __table_args__ = (UniqueConstraint("scorecard_id", "domain_code"),)

    id: Mapped[intpk]
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecards.id", ondelete="CASCADE"))
    domain_code: Mapped[str] = mapped_column(String(4))
    score: Mapped[float | None]
    coverage: Mapped[float | None]


class RecommendationScore(Base):
    """One recommendation's score in a snapshot (R01-R30), a row for the same GROUP BY roll-ups."""

    __tablename__ = "scorecard_recommendations"
    __table_args__ = (UniqueConstraint("scorecard_id", "recommendation_code"),)

    id: Mapped[intpk]
    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecards.id", ondelete="CASCADE"))
    recommendation_code: Mapped[str] = mapped_column(String(12))
    score: Mapped[float | None]
    coverage: Mapped[float | None]


class SexCount(Base):
    """One row of a sex-disaggregated table in a snapshot, so totals are summed in SQL."""

    __tablename__ = "scorecard_sex_counts"
    __table_args__ = (UniqueConstraint("scorecard_id", "indicator_code", "row_code"),)

    id: Mapped[intpk]
    scorecard_id: Mapped[int] = mapped_column(
        ForeignKey("scorecards.id", ondelete="CASCADE"), index=True
    )
    indicator_code: Mapped[str] = mapped_column(String(12))
    row_code: Mapped[str] = mapped_column(String(60))
    women: Mapped[int]
    men: Mapped[int]
    not_recorded: Mapped[int]
    sensitive: Mapped[bool] = mapped_column(default=False)
