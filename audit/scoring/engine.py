"""The scoring rules: an audit's answers in, a scorecard out.

Plain data in, plain data out: no Flask, no database, no workers. `score_audit()` takes a framework
version and the answers as `AnswerInput`s and gives a `Scorecard`; `band()` names the band of a
0-100 score; `compare()` sets a scorecard beside the same unit's previous one.

The rules, in the words a gender adviser can follow with a calculator
---------------------------------------------------------------------

1. Which questions count. A question counts for a unit when it applies to the unit's service and
   type, it is not hidden by its skip condition, and it was not marked "does not apply" (with a
   reason). Questions that do not count are left out of every score and every coverage figure:
   they are neither a good nor a bad mark. Only *scored* questions ever count: text answers,
   sex-disaggregated tables and numbers without a target or bands are shown, never scored.

2. The score of one question, from 0 to 1:
   - yes/no: yes 1, no 0;
   - no/partly/yes: no 0, partly ½, yes 1;
   - rubric: missing 0, approaches ⅓, meets ⅔, exceeds 1;
   - a number (count, amount, or a percentage the tool computes) with a target: work out the
     share of the target achieved, value ÷ target × 100, and read it against the question's bands
     (by default 0 missing, 25 approaches, 75 meets, 100 exceeds); without a target, read the value
     itself against the bands. Reading a band list: take the last band whose minimum the number
     reaches. Each band runs from its minimum up to the next band's minimum. The score is the
     band level's rubric score (0, ⅓, ⅔, 1). The same reading works for "lower is better"
     questions, whose levels fall down the list: "roles closed to women" has bands 0 exceeds,
     1 approaches, 3 missing, so 0 closed roles scores 1, one or two score ⅓, three or more
     score 0. A number a formula computes as 28.999999999999996 counts as reaching 29: a value
     within a billionth of a minimum reaches it;
   - a date with a maximum age of N months: 1 when the date is no older than N months before the
     cycle's reference date (24 months before 15 March 2026 is 15 March 2024, which still scores
     1), else 0;
   - a single choice: the chosen option's score; several choices: the sum of the chosen options'
     scores, at most 1 (three options worth 0.34 give 1, not 1.02).
   An answer the question cannot hold (an unknown option, a word where a number belongs) is
   treated as no answer.

3. Evidence. When the framework requires evidence for a question and none is attached, the score
   is capped at ⅓ ("approaches"); for a no/partly/yes question the cap is ½ ("partly"). So an
   unproven "yes" on a yes/no question scores ⅓, an unproven "yes" on a no/partly/yes question ½,
   an unproven "meets" ⅓. A score already at or below the cap is unchanged. A capped score is
   marked "not verified".

4. Reviewer override. When the gender adviser overrides an answered question's rating with a
   written reason, the chosen level's score (missing 0, approaches ⅓, meets ⅔, exceeds 1)
   replaces the computed one, also when the evidence cap had lowered it: the override is the
   reviewer's verified judgement, so it is not marked "not verified". An override on a question
   that does not count or has no answer changes nothing.

5. Coverage. Coverage = answered scored questions ÷ counting scored questions × 100. Scores are
   worked out over the answered questions only, so an unanswered question lowers coverage, not
   the score; that is why coverage is always shown beside a score (a high score on few answers
   is visible). A percentage the tool cannot compute (its inputs are missing, or it would divide
   by zero) is an unanswered question.

6. Weights. A question's weight is 1, or 2 for a priority question.

7. Domain score = Σ(weight × score) ÷ Σ(weight) × 100 over the domain's answered scored questions.
   Example: yes (1, weight 2), partly (½, weight 1), missing (0, weight 1) give
   (2×1 + 1×½ + 1×0) ÷ (2+1+1) × 100 = 62.5. No answered scored question: no domain score.

8. Overall score = the plain average of the domain scores that exist (every domain counts the
   same, however many questions it has). Overall coverage is worked out over all questions.

9. Recommendation score = the same weighted average over the questions linked to the
   recommendation, where a *primary* link doubles the question's weight (weight × 2) and a
   supporting link keeps it. A priority question that is a primary link weighs 4. Coverage is
   answered linked ÷ counting linked. Recommendations the framework marks institution-level are
   computed too, but flagged so a unit's scorecard can leave them out.

10. Bands for 0-100 scores come from the framework (by default 0 missing, 40 approaches, 60 meets,
    80 exceeds): a score gets the last band whose minimum it reaches, so 59.9 is "approaches" and
    60 is "meets".

11. Headline: the share of answered scored questions that meet or exceed (score ⅔ or more, after
    the evidence cap and any override), and how many recommendations are in each band
    (`Scorecard.headline()`).

12. Tracing. Every domain, recommendation and the overall result lists what it was computed from
    (`contributions`): for a question its code, the value shown, the score, the weight used, and
    whether it was capped or overridden; for the overall result, each domain's score ÷ 100 with
    weight 1. Every result is Σ(weight × score) ÷ Σ(weight) × 100 over its contributions.

13. Trends (`compare`). Two scorecards are compared only when they come from the same framework
    family and the same version of these rules (rescore an older audit with `score_audit` to
    compare across a rules change). The overall score is then always compared; a domain or a
    recommendation only when it is built from the same questions (the same comparability keys)
    with the same weights in both; a question when its comparability key appears in both.
    Anything else is a break in the series, with the reason.

Arithmetic is exact (fractions) until the end, so the bands are read without rounding noise.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from audit.frameworks import evaluation, spec

__all__ = [
    "EVIDENCE_CAP",
    "LEVEL_FRACTIONS",
    "MEETS_OR_EXCEEDS",
    "PARTLY_CAP",
    "PRIMARY_FACTOR",
    "SCORING_RULES_VERSION",
    "Aggregate",
    "AnswerInput",
    "Contribution",
    "IndicatorResult",
    "Scorecard",
    "band",
    "compare",
    "indicator_score",
    "numeric_level",
    "score_audit",
]

#: Changes whenever a rule above changes; stored with every scorecard.
SCORING_RULES_VERSION = "2026.1"

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
#: A question "meets or exceeds" from this score on.
MEETS_OR_EXCEEDS = LEVEL_FRACTIONS["meets"]
#: A primary link to a recommendation multiplies the question's weight by this.
PRIMARY_FACTOR = 2
# A number within this distance below a band's minimum reaches it (float noise from formulas).
_TOLERANCE = Fraction(1, 10**9)

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


def _plain(value: object) -> object:
    """A JSON-ready copy of a stored value (tuples become lists)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
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
        "value": _plain(result.value),
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
                "value": _plain(c.value),
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


# --------------------------------------------------------------------------- one question


def _number(value: object) -> Fraction | None:
    """A stored number as an exact fraction (its shortest decimal form), or None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return Fraction(repr(value))
    return Fraction(value)


def _level_at(x: Fraction, bands: Sequence[spec.Band]) -> str | None:
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
    return _level_at(number, bands)


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
class _Scored:
    """An indicator result with its exact score, for the aggregates."""

    result: IndicatorResult
    exact: Fraction | None


def _score_one(
    ind: spec.Indicator,
    status: evaluation.Status,
    answer: AnswerInput | None,
    value: object | None,
    reference_date: date,
) -> _Scored:
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
    return _Scored(result, final)


# --------------------------------------------------------------------------- aggregates


def band(score: float | None, bands: Sequence[spec.Band]) -> str | None:
    """The band level of a 0-100 score: the last band whose minimum it reaches (rule 10)."""
    if score is None or not bands:
        return None
    return _level_at(Fraction(score), bands)


def _percent(part: int, whole: int) -> float | None:
    return None if whole == 0 else float(Fraction(part * 100, whole))


def _aggregate(
    code: str,
    members: Iterable[tuple[_Scored, int]],
    bands: Sequence[spec.Band],
    *,
    institution_only: bool = False,
) -> tuple[Aggregate, Fraction | None]:
    """A weighted mean ×100 over the answered members; coverage over the applicable ones."""
    applicable = answered = 0
    numerator = Fraction(0)
    denominator = 0
    contributions: list[Contribution] = []
    basis: list[str] = []
    for scored, weight in members:
        result = scored.result
        basis.append(f"{result.comparability_key}*{weight}")
        if not result.applicable:
            continue
        applicable += 1
        if scored.exact is None:
            continue
        answered += 1
        numerator += weight * scored.exact
        denominator += weight
        contributions.append(
            Contribution(
                code=result.code,
                score=float(scored.exact),
                weight=float(weight),
                value=result.value,
                capped=result.capped,
                overridden=result.overridden,
            )
        )
    exact = None if denominator == 0 else numerator * 100 / denominator
    score = None if exact is None else float(exact)
    aggregate = Aggregate(
        code=code,
        score=score,
        band=band(score, bands),
        coverage=_percent(answered, applicable),
        answered=answered,
        applicable=applicable,
        contributions=tuple(contributions),
        institution_only=institution_only,
        basis=tuple(sorted(basis)),
    )
    return aggregate, exact


def score_audit(
    fw: spec.Framework,
    answers: Mapping[str, AnswerInput],
    *,
    service: str,
    unit_type: str,
    reference_date: date,
) -> Scorecard:
    """Score one audit's answers (by indicator code) for a unit of this service and type.

    Applicability, skip conditions and computed percentages come from `evaluation.evaluate` and
    `evaluation.effective_answers`, with answers marked not applicable counting as no answer (as in
    the stored data). `reference_date` is the cycle's date that date answers are measured from.
    """
    stored = {
        code: answer.value
        for code, answer in answers.items()
        if answer.value is not None and not answer.not_applicable
    }
    statuses = evaluation.evaluate(fw, stored, service=service, unit_type=unit_type)
    effective = evaluation.effective_answers(fw, stored, statuses)
    scored: dict[str, _Scored] = {
        ind.code: _score_one(
            ind, statuses[ind.code], answers.get(ind.code), effective.get(ind.code), reference_date
        )
        for ind in fw.indicators
    }
    bands = fw.bands or spec.DEFAULT_FRAMEWORK_BANDS

    scored_codes = {code for code, s in scored.items() if s.result.scored}

    domains: dict[str, Aggregate] = {}
    domain_exact: dict[str, Fraction | None] = {}
    for domain in fw.domains:
        members = [(scored[i.code], i.weight) for i in domain.indicators if i.code in scored_codes]
        domains[domain.code], domain_exact[domain.code] = _aggregate(domain.code, members, bands)

    linked: dict[str, list[tuple[_Scored, int]]] = {rec.code: [] for rec in fw.recommendations}
    for ind in fw.indicators:
        if ind.code not in scored_codes:
            continue
        for code in ind.links_primary:  # a primary link doubles the weight
            linked.setdefault(code, []).append((scored[ind.code], ind.weight * PRIMARY_FACTOR))
        for code in ind.links_supporting:
            if code not in ind.links_primary:
                linked.setdefault(code, []).append((scored[ind.code], ind.weight))
    recommendations: dict[str, Aggregate] = {}
    for rec in fw.recommendations:
        recommendations[rec.code], _ = _aggregate(
            rec.code, linked[rec.code], bands, institution_only=rec.level == "institution"
        )

    present = [(code, exact) for code, exact in domain_exact.items() if exact is not None]
    overall_exact = sum((e for _, e in present), Fraction(0)) / len(present) if present else None
    overall_score = None if overall_exact is None else float(overall_exact)
    results = [s.result for s in scored.values() if s.result.scored]
    applicable = sum(1 for r in results if r.applicable)
    rated = [s for s in scored.values() if s.result.scored and s.exact is not None]
    overall = Aggregate(
        code="overall",
        score=overall_score,
        band=band(overall_score, bands),
        coverage=_percent(len(rated), applicable),
        answered=len(rated),
        applicable=applicable,
        contributions=tuple(
            Contribution(code=code, score=float(exact / 100), weight=1.0) for code, exact in present
        ),
        basis=tuple(d.code for d in fw.domains),
    )
    meeting = sum(1 for s in rated if s.exact is not None and s.exact >= MEETS_OR_EXCEEDS)
    return Scorecard(
        framework_checksum=fw.checksum,
        rules_version=SCORING_RULES_VERSION,
        indicators={code: s.result for code, s in scored.items()},
        domains=domains,
        recommendations=recommendations,
        overall=overall,
        meets_or_exceeds_pct=_percent(meeting, len(rated)),
        framework_code=fw.code,
        framework_version=fw.version,
        reference_date=reference_date.isoformat(),
    )


# --------------------------------------------------------------------------- trends


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
