"""Countries, institutions and the tree of units inside each institution."""

from __future__ import annotations

import enum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from audit.db import Base, created_at, enum_column, intpk
from audit.orgs.names import LocalizedName


class InstitutionKind(enum.StrEnum):
    """The kind of security institution; it decides which indicators apply."""

    POLICE = "police"
    ARMED_FORCES = "armed_forces"
    GENDARMERIE = "gendarmerie"

    @property
    def service(self) -> str:
        """The framework's service name for this kind (police, military or gendarmerie)."""
        return {"police": "police", "armed_forces": "military", "gendarmerie": "gendarmerie"}[
            self.value
        ]


class UnitType(enum.StrEnum):
    """Where a unit sits and what it does; frameworks use these codes for applicability."""

    HQ = "hq"
    REGION = "region"
    DISTRICT = "district"
    STATION = "station"
    BARRACKS = "barracks"
    ACADEMY = "academy"
    DEPLOYING = "deploying"
    SPECIALISED = "specialised"


class Country(LocalizedName, Base):
    """A country whose institutions take part."""

    __tablename__ = "countries"
    __table_args__ = (CheckConstraint("length(code) = 2", name="code_is_iso2"),)

    id: Mapped[intpk]
    #: ISO 3166-1 alpha-2, upper case.
    code: Mapped[str] = mapped_column(String(2), unique=True)
    #: The name as entered, unique (`name` gives it in the reader's language: LocalizedName).
    entered_name: Mapped[str] = mapped_column("name", String(200), unique=True)
    created_at: Mapped[created_at]

    institutions: Mapped[list[Institution]] = relationship(
        back_populates="country", order_by="Institution.name"
    )


class Institution(LocalizedName, Base):
    """A police service, armed force or gendarmerie of one country."""

    __tablename__ = "institutions"
    __table_args__ = (UniqueConstraint("country_id", "name"),)

    id: Mapped[intpk]
    country_id: Mapped[int] = mapped_column(ForeignKey("countries.id", ondelete="RESTRICT"))
    kind: Mapped[InstitutionKind] = mapped_column(enum_column(InstitutionKind, "institution_kind"))
    created_at: Mapped[created_at]

    country: Mapped[Country] = relationship(back_populates="institutions")
    units: Mapped[list[Unit]] = relationship(back_populates="institution", order_by="Unit.path")


class Unit(LocalizedName, Base):
    """One unit of an institution; units form a tree (HQ → region → station …)."""

    __tablename__ = "units"
    __table_args__ = (
        UniqueConstraint("institution_id", "code"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        Index("ix_units_path", "path"),
    )

    id: Mapped[intpk]
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id", ondelete="RESTRICT"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"))
    #: Short code, unique within the institution (e.g. "BEI-ST-03").
    code: Mapped[str] = mapped_column(String(40))
    unit_type: Mapped[UnitType] = mapped_column(enum_column(UnitType, "unit_type"))
    #: Materialised path of ids, "/1/4/9/": a subtree is one indexed prefix query on any database.
    path: Mapped[str] = mapped_column(String(400), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[created_at]

    institution: Mapped[Institution] = relationship(back_populates="units")
    parent: Mapped[Unit | None] = relationship(remote_side="Unit.id", back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent", order_by="Unit.name")

    @property
    def depth(self) -> int:
        """How deep the unit sits in its tree (0 for a root)."""
        return max(self.path.count("/") - 2, 0)

    @property
    def service(self) -> str:
        """The framework service of the unit's institution."""
        return self.institution.kind.service
