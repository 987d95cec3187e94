"""What the rules read and what they produce, and the JSON form of a scorecard.

Frozen data classes only: one stored answer going in; an indicator's result, an aggregate with
the contributions it was computed from, and the scorecard holding them all coming out.
`Scorecard.to_dict()` and `from_dict()` round-trip a scorecard through JSON (the snapshot).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from audit.frameworks import spec

#: Changes whenever a rule in the package docstring changes; stored with every scorecard.
SCORING_RULES_VERSION = "2026.1"

# Why a question does not count (IndicatorResult.exclusion).
NOT_FOR_UNIT = "not_for_unit"
SKIPPED = "skipped"
MARKED_NOT_APPLICABLE = "not_applicable"

# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class AnswerInput:
    """What the caller knows about one stored answer."""

    value: object | None
    not_applicable: bool = False
    has_evidence: bool = False
    override_level: str | None = None


@dataclass(frozen=True)
class IndicatorResult:
    """One question for one audit.

    `applicable` is false when the question does not count (see `exclusion`: not for this unit,
    skipped, or marked not applicable); `score` is the final 0-1 score (None when not scored or
    not answered); `raw_score` the score from the answer before the evidence cap and override;
    `value` the answer shown (for a percentage, the computed value).
    """

    code: str
    domain: str
    applicable: bool
    answered: bool
    scored: bool
    score: float | None
    weight: int
    capped: bool
    overridden: bool
    value: object | None
    raw_score: float | None = None
    exclusion: str | None = None
    comparability_key: str = ""


@dataclass(frozen=True)
class Contribution:
    """One part of an aggregate: a question (score 0-1) or, for the overall result, a domain."""

    code: str
    score: float
    weight: float
    value: object | None = None
    capped: bool = False
    overridden: bool = False


@dataclass(frozen=True)
class Aggregate:
    """A domain, recommendation or overall result: score and coverage 0-100 (None when none).

    `basis` says what the score is built from, per the framework: `comparability_key*weight` of
    every scored question it may contain (domain codes for the overall result); `compare` only
    compares aggregates with the same basis.
    """

    code: str
    score: float | None
    band: str | None
    coverage: float | None
    answered: int
    applicable: int
    contributions: tuple[Contribution, ...]
    institution_only: bool = False
    basis: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scorecard:
    """Every result for one audit, with the framework and rules it was computed by."""

    framework_checksum: str
    rules_version: str
    indicators: dict[str, IndicatorResult]
    domains: dict[str, Aggregate]
    recommendations: dict[str, Aggregate]
    overall: Aggregate
    meets_or_exceeds_pct: float | None
    framework_code: str = ""
    framework_version: str = ""
    reference_date: str | None = None

    def headline(self, *, include_institution: bool = False) -> dict[str, Any]:
        """The donor headline: overall score, coverage, share meeting, recommendations by band.

        Institution-level recommendations are left out unless asked for (a unit's scorecard).
        """
        by_band: dict[str, int] = {level: 0 for level in spec.LEVELS}
        unscored = 0
        for rec in self.recommendations.values():
            if rec.institution_only and not include_institution:
                continue
            if rec.band is None:
                unscored += 1
            else:
                by_band[rec.band] = by_band.get(rec.band, 0) + 1
        return {
            "overall": self.overall.score,
            "band": self.overall.band,
            "coverage": self.overall.coverage,
            "meets_or_exceeds_pct": self.meets_or_exceeds_pct,
            "recommendations_by_band": by_band,
            "recommendations_without_score": unscored,
        }

    def to_dict(self) -> dict[str, Any]:
        """The scorecard as JSON-serialisable data, compactly (`codec`, format 2)."""
        from audit.scoring.engine import codec

        return codec.encode(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scorecard:
        """Rebuild a scorecard from its stored data (either format; `codec`)."""
        from audit.scoring.engine import codec

        return codec.decode(data)
