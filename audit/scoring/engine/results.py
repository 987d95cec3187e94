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
        """The scorecard as JSON-serialisable data (`from_dict` rebuilds it)."""
        return {
            "framework_checksum": self.framework_checksum,
            "framework_code": self.framework_code,
            "framework_version": self.framework_version,
            "rules_version": self.rules_version,
            "reference_date": self.reference_date,
            "indicators": {code: _result_dict(r) for code, r in self.indicators.items()},
            "domains": {code: _aggregate_dict(a) for code, a in self.domains.items()},
            "recommendations": {
                code: _aggregate_dict(a) for code, a in self.recommendations.items()
            },
            "overall": _aggregate_dict(self.overall),
            "meets_or_exceeds_pct": self.meets_or_exceeds_pct,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scorecard:
        """Rebuild a scorecard from `to_dict()` output (also after a JSON round trip)."""
        return cls(
            framework_checksum=data["framework_checksum"],
            rules_version=data["rules_version"],
            indicators={code: IndicatorResult(**item) for code, item in data["indicators"].items()},
            domains={code: _aggregate_from(item) for code, item in data["domains"].items()},
            recommendations={
                code: _aggregate_from(item) for code, item in data["recommendations"].items()
            },
            overall=_aggregate_from(data["overall"]),
            meets_or_exceeds_pct=data["meets_or_exceeds_pct"],
            framework_code=data.get("framework_code", ""),
            framework_version=data.get("framework_version", ""),
            reference_date=data.get("reference_date"),
        )


# --------------------------------------------------------------------------- JSON codec


def _json_ready(value: object) -> object:
    """A JSON-ready copy of a stored value (tuples become lists)."""
    if isinstance(value, Mapping):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    return value


def _result_dict(result: IndicatorResult) -> dict[str, Any]:
    return {
        "code": result.code,
        "domain": result.domain,
        "applicable": result.applicable,
        "answered": result.answered,
        "scored": result.scored,
        "score": result.score,
        "weight": result.weight,
        "capped": result.capped,
        "overridden": result.overridden,
        "value": _json_ready(result.value),
        "raw_score": result.raw_score,
        "exclusion": result.exclusion,
        "comparability_key": result.comparability_key,
    }


def _aggregate_dict(agg: Aggregate) -> dict[str, Any]:
    return {
        "code": agg.code,
        "score": agg.score,
        "band": agg.band,
        "coverage": agg.coverage,
        "answered": agg.answered,
        "applicable": agg.applicable,
        "contributions": [
            {
                "code": c.code,
                "score": c.score,
                "weight": c.weight,
                "value": _json_ready(c.value),
                "capped": c.capped,
                "overridden": c.overridden,
            }
            for c in agg.contributions
        ],
        "institution_only": agg.institution_only,
        "basis": list(agg.basis),
    }


def _aggregate_from(data: Mapping[str, Any]) -> Aggregate:
    return Aggregate(
        code=data["code"],
        score=data["score"],
        band=data["band"],
        coverage=data["coverage"],
        answered=data["answered"],
        applicable=data["applicable"],
        contributions=tuple(Contribution(**c) for c in data["contributions"]),
        institution_only=data.get("institution_only", False),
        basis=tuple(data.get("basis", ())),
    )
