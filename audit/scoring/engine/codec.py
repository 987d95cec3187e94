"""Scorecards as JSON, compactly: what a snapshot stores (`Scorecard.to_dict`/`from_dict`).

Format 2 (written since issue 14) stores each result as a list in a fixed field order instead
of an object repeating its keys, and a question's contribution to a domain or recommendation
as `[code, weight]` when it is exactly that question's result (its score, value, cap and
override), which it always is: the full form `[code, score, weight, value, capped,
overridden]` is kept for anything else (the overall result's domains). A full scorecard of the
shipped framework takes about a third of format 1's 70 kB.

`slim` drops the trace (every contribution, and each question's answer value) and keeps every
score, band, coverage, comparability key and basis (what `compare` matches cycles on): an
audit's older snapshots are kept that way, since every page reads an audit's newest snapshot.

Format 1 (objects with named keys, no "format" key) is still read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from audit.scoring.engine.results import Aggregate, Contribution, IndicatorResult, Scorecard

FORMAT = 2

_HEADER = ("framework_checksum", "framework_code", "framework_version", "rules_version")


def _json_ready(value: object) -> object:
    """A JSON-ready copy of a stored value (tuples become lists)."""
    if isinstance(value, Mapping):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    return value


# --- format 2 -------------------------------------------------------------------------------


def _result(r: IndicatorResult) -> list[Any]:
    return [
        r.domain,
        r.applicable,
        r.answered,
        r.scored,
        r.score,
        r.weight,
        r.capped,
        r.overridden,
        _json_ready(r.value),
        r.raw_score,
        r.exclusion,
        r.comparability_key,
    ]


def _contribution(c: Contribution, indicators: Mapping[str, IndicatorResult]) -> list[Any]:
    own = indicators.get(c.code)
    if (
        own is not None
        and own.score == c.score
        and own.value == c.value
        and own.capped == c.capped
        and own.overridden == c.overridden
    ):
        return [c.code, c.weight]
    return [c.code, c.score, c.weight, _json_ready(c.value), c.capped, c.overridden]


def _aggregate(a: Aggregate, indicators: Mapping[str, IndicatorResult]) -> list[Any]:
    return [
        a.score,
        a.band,
        a.coverage,
        a.answered,
        a.applicable,
        a.institution_only,
        list(a.basis),
        [_contribution(c, indicators) for c in a.contributions],
    ]


def encode(card: Scorecard) -> dict[str, Any]:
    """The scorecard in format 2, with its whole trace."""
    ind = card.indicators
    return {
        "format": FORMAT,
        "traced": True,
        **{key: getattr(card, key) for key in _HEADER},
        "reference_date": card.reference_date,
        "indicators": {code: _result(r) for code, r in ind.items()},
        "domains": {code: _aggregate(a, ind) for code, a in card.domains.items()},
        "recommendations": {code: _aggregate(a, ind) for code, a in card.recommendations.items()},
        "overall": [card.overall.code, *_aggregate(card.overall, ind)],
        "meets_or_exceeds_pct": card.meets_or_exceeds_pct,
    }


def slim(data: Mapping[str, Any]) -> dict[str, Any]:
    """A stored scorecard (either format) in format 2 without its trace: every score kept."""
    card = decode(data)
    slimmed = encode(card)
    slimmed["traced"] = False
    for item in slimmed["indicators"].values():
        item[8] = None  # the answer value
    for group in ("domains", "recommendations"):
        for item in slimmed[group].values():
            item[7] = []
    slimmed["overall"][8] = []
    return slimmed


def traced(data: Mapping[str, Any]) -> bool:
    """Whether a stored scorecard keeps its trace (format 1 always did)."""
    return bool(data.get("traced", True))


def _result_from(code: str, item: list[Any]) -> IndicatorResult:
    (
        domain,
        applicable,
        answered,
        scored,
        score,
        weight,
        capped,
        overridden,
        value,
        raw,
        excl,
        key,
    ) = item
    return IndicatorResult(
        code=code,
        domain=domain,
        applicable=applicable,
        answered=answered,
        scored=scored,
        score=score,
        weight=weight,
        capped=capped,
        overridden=overridden,
        value=value,
        raw_score=raw,
        exclusion=excl,
        comparability_key=key,
    )


def _contribution_from(item: list[Any], indicators: Mapping[str, IndicatorResult]) -> Contribution:
    if len(item) == 2:
        code, weight = item
        own = indicators[code]
        return Contribution(
            code=code,
            score=own.score,  # type: ignore[arg-type]
            weight=weight,
            value=own.value,
            capped=own.capped,
            overridden=own.overridden,
        )
    code, score, weight, value, capped, overridden = item
    return Contribution(code, score, weight, value, capped, overridden)


def _aggregate_from(
    code: str, item: list[Any], indicators: Mapping[str, IndicatorResult]
) -> Aggregate:
    score, band, coverage, answered, applicable, institution_only, basis, contributions = item
    return Aggregate(
        code=code,
        score=score,
        band=band,
        coverage=coverage,
        answered=answered,
        applicable=applicable,
        contributions=tuple(_contribution_from(c, indicators) for c in contributions),
        institution_only=institution_only,
        basis=tuple(basis),
    )


def decode(data: Mapping[str, Any]) -> Scorecard:
    """A scorecard from its stored form (format 2, or format 1 with named keys)."""
    if data.get("format") != FORMAT:
        return _decode_format_1(data)
    ind = {code: _result_from(code, item) for code, item in data["indicators"].items()}
    overall_code, *overall = data["overall"]
    return Scorecard(
        framework_checksum=data["framework_checksum"],
        rules_version=data["rules_version"],
        indicators=ind,
        domains={c: _aggregate_from(c, i, ind) for c, i in data["domains"].items()},
        recommendations={c: _aggregate_from(c, i, ind) for c, i in data["recommendations"].items()},
        overall=_aggregate_from(overall_code, overall, ind),
        meets_or_exceeds_pct=data["meets_or_exceeds_pct"],
        framework_code=data.get("framework_code", ""),
        framework_version=data.get("framework_version", ""),
        reference_date=data.get("reference_date"),
    )


# --- format 1 -------------------------------------------------------------------------------


def _aggregate_from_format_1(data: Mapping[str, Any]) -> Aggregate:
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


def _decode_format_1(data: Mapping[str, Any]) -> Scorecard:
    return Scorecard(
        framework_checksum=data["framework_checksum"],
        rules_version=data["rules_version"],
        indicators={code: IndicatorResult(**item) for code, item in data["indicators"].items()},
        domains={code: _aggregate_from_format_1(i) for code, i in data["domains"].items()},
        recommendations={
            code: _aggregate_from_format_1(i) for code, i in data["recommendations"].items()
        },
        overall=_aggregate_from_format_1(data["overall"]),
        meets_or_exceeds_pct=data["meets_or_exceeds_pct"],
        framework_code=data.get("framework_code", ""),
        framework_version=data.get("framework_version", ""),
        reference_date=data.get("reference_date"),
    )


def encode_format_1(card: Scorecard) -> dict[str, Any]:
    """The scorecard as format 1 wrote it (the migration's downgrade writes it back)."""

    def result(r: IndicatorResult) -> dict[str, Any]:
        return {
            "code": r.code,
            "domain": r.domain,
            "applicable": r.applicable,
            "answered": r.answered,
            "scored": r.scored,
            "score": r.score,
            "weight": r.weight,
            "capped": r.capped,
            "overridden": r.overridden,
            "value": _json_ready(r.value),
            "raw_score": r.raw_score,
            "exclusion": r.exclusion,
            "comparability_key": r.comparability_key,
        }

    def aggregate(a: Aggregate) -> dict[str, Any]:
        return {
            "code": a.code,
            "score": a.score,
            "band": a.band,
            "coverage": a.coverage,
            "answered": a.answered,
            "applicable": a.applicable,
            "contributions": [
                {
                    "code": c.code,
                    "score": c.score,
                    "weight": c.weight,
                    "value": _json_ready(c.value),
                    "capped": c.capped,
                    "overridden": c.overridden,
                }
                for c in a.contributions
            ],
            "institution_only": a.institution_only,
            "basis": list(a.basis),
        }

    return {
        **{key: getattr(card, key) for key in _HEADER},
        "reference_date": card.reference_date,
        "indicators": {code: result(r) for code, r in card.indicators.items()},
        "domains": {code: aggregate(a) for code, a in card.domains.items()},
        "recommendations": {code: aggregate(a) for code, a in card.recommendations.items()},
        "overall": aggregate(card.overall),
        "meets_or_exceeds_pct": card.meets_or_exceeds_pct,
    }
