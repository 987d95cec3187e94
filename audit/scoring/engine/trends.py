"""Trends (rule 13): a scorecard beside the same unit's previous one, compared only where the two
are built alike."""

from __future__ import annotations

from typing import Any

from audit.scoring.engine.results import Aggregate, IndicatorResult, Scorecard


def _change(current: float | None, previous: float | None) -> float | None:
    return None if current is None or previous is None else current - previous


def _entry(
    current: float | None, previous: float | None, reason: str | None, **extra: object
) -> dict[str, Any]:
    comparable = reason is None
    return {
        **extra,
        "current": current,
        "previous": previous if comparable else None,
        "change": _change(current, previous) if comparable else None,
        "comparable": comparable,
        "reason": reason,
    }


def compare(current: Scorecard, previous: Scorecard | None) -> dict[str, Any]:
    """The change from the previous scorecard, only where the two are comparable (rule 13).

    Every entry has `current`, `previous`, `change` (current - previous, on the 0-100 scale for
    aggregates and 0-1 for questions; None when either score is missing), `comparable` and,
    when not comparable, `reason`: `no_previous`, `other_framework`, `rules_changed`, `new`
    (not in the previous scorecard) or `definition_changed` (other questions or weights).
    Questions are keyed by comparability key.
    """
    family_reason: str | None = None
    if previous is None:
        family_reason = "no_previous"
    elif previous.framework_code != current.framework_code:
        family_reason = "other_framework"
    elif previous.rules_version != current.rules_version:
        family_reason = "rules_changed"

    def aggregate_entry(agg: Aggregate, old: Aggregate | None, check_basis: bool) -> dict:
        reason = family_reason
        if reason is None and old is None:
            reason = "new"
        elif reason is None and check_basis and old is not None and old.basis != agg.basis:
            reason = "definition_changed"
        return _entry(agg.score, None if old is None else old.score, reason)

    prev_domains = previous.domains if previous else {}
    prev_recs = previous.recommendations if previous else {}
    prev_by_key: dict[str, IndicatorResult] = {}
    if previous is not None:
        prev_by_key = {r.comparability_key: r for r in previous.indicators.values() if r.scored}
    indicators: dict[str, dict[str, Any]] = {}
    for result in current.indicators.values():
        if not result.scored:
            continue
        old = prev_by_key.get(result.comparability_key)
        reason = family_reason or (None if old is not None else "new")
        indicators[result.comparability_key] = _entry(
            result.score,
            None if old is None else old.score,
            reason,
            code=result.code,
            previous_code=None if old is None else old.code,
        )
    return {
        "comparable": family_reason is None,
        "reason": family_reason,
        "previous_checksum": None if previous is None else previous.framework_checksum,
        "overall": aggregate_entry(
            current.overall, None if previous is None else previous.overall, False
        ),
        "domains": {
            code: aggregate_entry(agg, prev_domains.get(code), True)
            for code, agg in current.domains.items()
        },
        "recommendations": {
            code: aggregate_entry(agg, prev_recs.get(code), True)
            for code, agg in current.recommendations.items()
        },
        "indicators": indicators,
    }
