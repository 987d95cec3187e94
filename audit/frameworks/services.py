"""Loading framework files into the database and reading versions back."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from audit.extensions import db
from audit.frameworks import spec
from audit.frameworks.models import (
    FrameworkIndicator,
    FrameworkVersion,
    IndicatorLink,
    LinkStrength,
)
from audit.paths import SHIPPED_FRAMEWORKS
from audit.refusals import Refused

#: The framework versions shipped with WPS Audit.
SHIPPED = SHIPPED_FRAMEWORKS


@dataclass(frozen=True)
class LoadResult:
    """What loading a file did."""

    version: FrameworkVersion
    created: bool


def load(path: str | Path) -> LoadResult:
    """Load a framework file. The same content twice changes nothing; changed content (even under
    the same version label) becomes a new version, and published versions stay as they were."""
    framework, problems = spec.read(path)
    if framework is None or problems:
        # The problems travel with the refusal: the command prints each with its file and place.
        raise Refused("framework_invalid", count=len(problems), problems=problems)
    existing = db.session.scalar(
        select(FrameworkVersion).where(FrameworkVersion.checksum == framework.checksum)
    )
    if existing is not None:
        return LoadResult(existing, created=False)
    revision = (
        db.session.scalar(
            select(func.max(FrameworkVersion.revision)).where(
                FrameworkVersion.code == framework.code,
                FrameworkVersion.version == framework.version,
            )
        )
        or 0
    ) + 1
    version = FrameworkVersion(
        code=framework.code,
        version=framework.version,
        revision=revision,
        checksum=framework.checksum,
        title=framework.title,
        document=spec.to_dict(framework),
        source=str(path)[:500],
    )
    for position, indicator in enumerate(framework.indicators, start=1):
        row = FrameworkIndicator(
            code=indicator.code,
            domain_code=indicator.domain_code,
            position=position,
            answer_type=indicator.type,
            weight=indicator.weight,
            sensitive=indicator.sensitive,
            comparability_key=indicator.comparability_key or indicator.code,
        )
        row.links = [
            IndicatorLink(recommendation_code=code, strength=LinkStrength.PRIMARY)
            for code in indicator.links_primary
        ] + [
            IndicatorLink(recommendation_code=code, strength=LinkStrength.SUPPORTING)
            for code in indicator.links_supporting
            if code not in indicator.links_primary
        ]
        version.indicators.append(row)
    db.session.add(version)
    db.session.flush()
    return LoadResult(version, created=True)


def load_shipped() -> list[LoadResult]:
    """Load every framework folder shipped in audit/frameworks/data (idempotent)."""
    return [load(folder) for folder in sorted(SHIPPED.iterdir()) if folder.is_dir()]


def versions() -> list[FrameworkVersion]:
    """Every loaded version, newest first."""
    return list(db.session.scalars(select(FrameworkVersion).order_by(FrameworkVersion.id.desc())))


_CACHE: dict[str, spec.Framework] = {}


def framework_of(version: FrameworkVersion) -> spec.Framework:
    """The parsed framework of a stored version (cached by checksum: versions never change)."""
    cached = _CACHE.get(version.checksum)
    if cached is None:
        cached = _CACHE[version.checksum] = spec.from_dict(version.document)
    return cached
