"""Framework versions as loaded into the database; published versions never change."""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from audit.db import Base, created_at, enum_column, intpk


class LinkStrength(enum.StrEnum):
    """How strongly an indicator evidences a recommendation (primary links count double)."""

    PRIMARY = "primary"
    SUPPORTING = "supporting"


class FrameworkVersion(Base):
    """One published framework version: the validated document and its checksum.

    Rows are only ever inserted. A changed file becomes a new row (a new revision when its version
    label was not changed), so audits pinned to an older row are re-scored by exactly the
    framework they were answered under.
    """

    __tablename__ = "framework_versions"
    __table_args__ = (
        UniqueConstraint("code", "version", "revision"),
        CheckConstraint("revision >= 1", name="revision_positive"),
    )

    id: Mapped[intpk]
    #: Framework family, e.g. "wps-gnwp"; trends compare versions of one family.
    code: Mapped[str] = mapped_column(String(60))
    #: The label written in the file, e.g. "2026.1".
    version: Mapped[str] = mapped_column(String(40))
    #: 1 for the first load of a label; a changed file with the same label gets 2, 3, …
    revision: Mapped[int] = mapped_column(default=1)
    #: sha256 of the canonical document: the identity of the content.
    checksum: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[dict[str, Any]]
    #: The whole validated framework (spec.to_dict), enough to rebuild it without the file.
    document: Mapped[dict[str, Any]]
    source: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[created_at]

    indicators: Mapped[list[FrameworkIndicator]] = relationship(
        back_populates="framework_version",
        order_by="FrameworkIndicator.position",
        cascade="all, delete-orphan",
    )

    @property
    def label(self) -> str:
        """The version as people read it."""
        return self.version if self.revision == 1 else f"{self.version} (r{self.revision})"


class FrameworkIndicator(Base):
    """One indicator of one framework version, so answers can reference it by foreign key."""

    __tablename__ = "framework_indicators"
    __table_args__ = (
        UniqueConstraint("framework_version_id", "code"),
        CheckConstraint("weight >= 1", name="weight_positive"),
    )

    id: Mapped[intpk]
    framework_version_id: Mapped[int] = mapped_column(
        ForeignKey("framework_versions.id", ondelete="CASCADE")
    )
    code: Mapped[str] = mapped_column(String(12))
    domain_code: Mapped[str] = mapped_column(String(4))
    #: Order in the framework (forms and exports follow it).
    position: Mapped[int]
    answer_type: Mapped[str] = mapped_column(String(20))
    weight: Mapped[int] = mapped_column(default=1)
    sensitive: Mapped[bool] = mapped_column(default=False)
    comparability_key: Mapped[str] = mapped_column(String(120), index=True)

    framework_version: Mapped[FrameworkVersion] = relationship(back_populates="indicators")
    links: Mapped[list[IndicatorLink]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan"
    )


class IndicatorLink(Base):
    """Indicator → recommendation link, for SQL roll-ups by recommendation."""

    __tablename__ = "framework_indicator_links"
    __table_args__ = (UniqueConstraint("indicator_id", "recommendation_code"),)

    id: Mapped[intpk]
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("framework_indicators.id", ondelete="CASCADE")
    )
    recommendation_code: Mapped[str] = mapped_column(String(4))
    strength: Mapped[LinkStrength] = mapped_column(enum_column(LinkStrength, "link_strength"))

    indicator: Mapped[FrameworkIndicator] = relationship(back_populates="links")
