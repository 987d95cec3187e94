"""The score of one question (rules 2-4): its answer read by type, then the evidence cap and the
reviewer's override. Exact fractions throughout."""

from __future__ import annotations

import calendar
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from audit.frameworks import evaluation, spec
from audit.scoring.engine.results import (
    MARKED_NOT_APPLICABLE,
    NOT_FOR_UNIT,
    SKIPPED,
    AnswerInput,
    IndicatorResult,
)

#: The rubric scores as exact fractions (spec.LEVEL_SCORES holds the same as floats).
LEVEL_FRACTIONS: dict[str, Fraction] = {
    "missing": Fraction(0),
    "approaches": Fraction(1, 3),
    "meets": Fraction(2, 3),
    "exceeds": Fraction(1),
}
_YES_NO = {"no": Fraction(0), "yes": Fraction(1)}
_NO_PARTLY_YES = {"no": Fraction(0), "partly": Fraction(1, 2), "yes": Fraction(1)}
#: Missing required evidence caps a score here ("approaches") ...
EVIDENCE_CAP = LEVEL_FRACTIONS["approaches"]
#: ... or, for a no/partly/yes question, here ("partly").
PARTLY_CAP = Fraction(1, 2)
# A number within this distance below a band's minimum reaches it (float noise from formulas).
_TOLERANCE = Fraction(1, 10**9)


def _number(value: object) -> Fraction | None:
    """A stored number as an exact fraction (its shortest decimal form), or None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return Fraction(repr(value))
    return Fraction(value)


def level_at(x: Fraction, bands: Sequence[spec.Band]) -> str | None:
    """The level of the last band whose minimum x reaches (the first band below every minimum)."""
    if not bands:
        return None
    level = bands[0].level
    for item in bands:
        minimum = _number(item.min)
        if minimum is not None and x >= minimum - _TOLERANCE:
            level = item.level
    return level


def numeric_level(ind: spec.Indicator, value: object) -> str | None:
    """The band level of a count, amount or percentage answer (None when it cannot be read).

    With a target the bands are read against value ÷ target × 100, else against the value.
    """
    number = _number(value)
    bands = ind.effective_bands
    if number is None or not bands:
        return None
    if ind.target is not None:
        target = _number(ind.target)
        if target is None or target <= 0:
            return None
        number = number * 100 / target
    return level_at(number, bands)


def _months_before(day: date, months: int) -> date:
    total = day.year * 12 + (day.month - 1) - months
    year, month_index = divmod(total, 12)
    if year < date.min.year:
        return date.min
    month = month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _date_score(ind: spec.Indicator, value: object, reference_date: date) -> Fraction | None:
    if not isinstance(value, str) or ind.max_age_months is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    oldest = _months_before(reference_date, ind.max_age_months)
    return Fraction(1) if day >= oldest else Fraction(0)


def _option_score(ind: spec.Indicator, code: object) -> Fraction | None:
    for option in ind.options:
        if option.code == code:
            return None if option.score is None else _number(option.score)
    return None


def indicator_score(ind: spec.Indicator, value: object, *, reference_date: date) -> Fraction | None:
    """The 0-1 score an answer earns by itself (rule 2), before evidence cap and override.

    None when the question is not scored, has no answer, or holds a value it cannot hold.
    """
    if value is None or not ind.is_scored:
        return None
    kind = ind.type
    if kind == "yes_no":
        return _YES_NO.get(value) if isinstance(value, str) else None
    if kind == "no_partly_yes":
        return _NO_PARTLY_YES.get(value) if isinstance(value, str) else None
    if kind == "rubric":
        return LEVEL_FRACTIONS.get(value) if isinstance(value, str) else None
    if kind in ("count", "amount", "percentage"):
        level = numeric_level(ind, value)
        return None if level is None else LEVEL_FRACTIONS[level]
    if kind == "date":
        return _date_score(ind, value, reference_date)
    if kind == "choice":
        return _option_score(ind, value)
    if kind == "multi_choice":
        if not isinstance(value, list | tuple) or not value:
            return None
        scores = [_option_score(ind, code) for code in value]
        if any(s is None for s in scores):
            return None
        return min(Fraction(1), sum((s for s in scores if s is not None), Fraction(0)))
    return None


def _cap(ind: spec.Indicator) -> Fraction:
    return PARTLY_CAP if ind.type == "no_partly_yes" else EVIDENCE_CAP


@dataclass(frozen=True)
class Scored:
    """An indicator result with its exact score, for the aggregates."""

    result: IndicatorResult
    exact: Fraction | None


def score_one(
    ind: spec.Indicator,
    status: evaluation.Status,
    answer: AnswerInput | None,
    value: object | None,
    reference_date: date,
) -> Scored:
    """One question's result: whether it counts (rule 1), its score (rule 2), then the evidence
    cap (rule 3) or the reviewer's override (rule 4). `value` is the effective answer."""
    exclusion = None
    if not status.applicable:
        exclusion = NOT_FOR_UNIT
    elif status.skipped:
        exclusion = SKIPPED
    elif answer is not None and answer.not_applicable:
        exclusion = MARKED_NOT_APPLICABLE
    applicable = exclusion is None
    shown = value if applicable else None
    raw = indicator_score(ind, shown, reference_date=reference_date) if applicable else None
    answered = shown is not None and (raw is not None or not ind.is_scored)
    final = raw
    capped = overridden = False
    if raw is not None and answer is not None:
        level = answer.override_level
        if level is not None:
            if level not in LEVEL_FRACTIONS:
                raise ValueError(f"unknown override level {level!r} for {ind.code}")
            final, overridden = LEVEL_FRACTIONS[level], True
        elif ind.evidence == "required" and not answer.has_evidence and raw > _cap(ind):
            final, capped = _cap(ind), True
    elif raw is not None and ind.evidence == "required" and raw > _cap(ind):
        # No stored answer row at all (a computed percentage): no evidence either.
        final, capped = _cap(ind), True
    result = IndicatorResult(
        code=ind.code,
        domain=ind.domain_code,
        applicable=applicable,
        answered=answered,
        scored=ind.is_scored,
        score=None if final is None else float(final),
        weight=ind.weight,
        capped=capped,
        overridden=overridden,
        value=shown,
        raw_score=None if raw is None else float(raw),
        exclusion=exclusion,
        comparability_key=ind.comparability_key or ind.code,
    )
    return Scored(result, final)
