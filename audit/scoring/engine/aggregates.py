"""Aggregates (rules 5-11): domains, recommendations and the overall result, and `score_audit`,
which scores every question of one audit and builds them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from audit.frameworks import evaluation, spec
from audit.scoring.engine.question import LEVEL_FRACTIONS, Scored, level_at, score_one
from audit.scoring.engine.results import (
    SCORING_RULES_VERSION,
    Aggregate,
    AnswerInput,
    Contribution,
    IndicatorResult,
    Scorecard,
)

#: A question "meets or exceeds" from this score on.
MEETS_OR_EXCEEDS = LEVEL_FRACTIONS["meets"]
#: A primary link to a recommendation multiplies the question's weight by this.
PRIMARY_FACTOR = 2


def band(score: float | None, bands: Sequence[spec.Band]) -> str | None:
    """The band level of a 0-100 score: the last band whose minimum it reaches (rule 10)."""
    if score is None or not bands:
        return None
    return level_at(Fraction(score), bands)


def _percent(part: int, whole: int) -> float | None:
    return None if whole == 0 else float(Fraction(part * 100, whole))


#: Answered of counted among some questions (rule 5), by `evaluation.tally`.
Counter = Callable[[Iterable[spec.Indicator]], evaluation.Tally]


@dataclass(frozen=True)
class _Questions:
    """Every question scored by itself, and how coverage counts any group of them."""

    scored: dict[str, Scored]
    count: Counter


def _aggregate(
    code: str,
    members: Iterable[tuple[Scored, int]],
    bands: Sequence[spec.Band],
    tally: evaluation.Tally,
    *,
    institution_only: bool = False,
) -> tuple[Aggregate, Fraction | None]:
    """A weighted mean ×100 over the answered members; coverage is `tally` (rule 5)."""
    numerator = Fraction(0)
    denominator = 0
    contributions: list[Contribution] = []
    basis: list[str] = []
    for scored, weight in members:
        result = scored.result
        basis.append(f"{result.comparability_key}*{weight}")
        if not result.applicable or scored.exact is None:
            continue
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
        coverage=_percent(tally.answered, tally.counted),
        answered=tally.answered,
        applicable=tally.counted,
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
    questions = _score_questions(
        fw, answers, service=service, unit_type=unit_type, reference_date=reference_date
    )
    scored, count = questions.scored, questions.count
    bands = fw.bands or spec.DEFAULT_FRAMEWORK_BANDS
    # Only scored questions enter an aggregate (rule 1).
    counted = {code: s for code, s in scored.items() if s.result.scored}
    domains, domain_exact = _domains(fw, counted, bands, count)
    overall, rated = _overall(fw, counted, domain_exact, bands, count)
    meeting = sum(1 for s in rated if s.exact is not None and s.exact >= MEETS_OR_EXCEEDS)
    return Scorecard(
        framework_checksum=fw.checksum,
        rules_version=SCORING_RULES_VERSION,
        indicators={code: s.result for code, s in scored.items()},
        domains=domains,
        recommendations=_recommendations(fw, counted, bands, count),
        overall=overall,
        meets_or_exceeds_pct=_percent(meeting, len(rated)),
        framework_code=fw.code,
        framework_version=fw.version,
        reference_date=reference_date.isoformat(),
    )


def score_questions(
    fw: spec.Framework,
    answers: Mapping[str, AnswerInput],
    *,
    service: str,
    unit_type: str,
    reference_date: date,
) -> dict[str, IndicatorResult]:
    """Each question's result as `score_audit` gives it, without the domains, recommendations
    and overall result built over them (the full-data export reads questions only)."""
    questions = _score_questions(
        fw, answers, service=service, unit_type=unit_type, reference_date=reference_date
    )
    return {code: s.result for code, s in questions.scored.items()}


def _score_questions(
    fw: spec.Framework,
    answers: Mapping[str, AnswerInput],
    *,
    service: str,
    unit_type: str,
    reference_date: date,
) -> _Questions:
    """Every question of the framework scored by itself (rules 1-4), by code, and the counter
    of coverage over them (rule 5: the same `evaluation.tally` as the audit form's progress)."""
    marked = {code for code, answer in answers.items() if answer.not_applicable}
    stored = {
        code: answer.value
        for code, answer in answers.items()
        if answer.value is not None and not answer.not_applicable
    }
    statuses = evaluation.evaluate(
        fw, stored, service=service, unit_type=unit_type, not_applicable=marked
    )
    effective = evaluation.effective_answers(fw, stored, statuses)
    scored = {
        ind.code: score_one(
            ind, statuses[ind.code], answers.get(ind.code), effective.get(ind.code), reference_date
        )
        for ind in fw.indicators
    }
    answered = {code for code, s in scored.items() if s.exact is not None}

    def count(indicators: Iterable[spec.Indicator]) -> evaluation.Tally:
        return evaluation.tally(indicators, statuses, answered=answered, not_applicable=marked)

    return _Questions(scored, count)


def _domains(
    fw: spec.Framework, counted: Mapping[str, Scored], bands: Sequence[spec.Band], count: Counter
) -> tuple[dict[str, Aggregate], dict[str, Fraction | None]]:
    """Each domain's aggregate (rule 7), with its exact score for the overall mean."""
    domains: dict[str, Aggregate] = {}
    exact: dict[str, Fraction | None] = {}
    for domain in fw.domains:
        members = [(counted[i.code], i.weight) for i in domain.indicators if i.code in counted]
        domains[domain.code], exact[domain.code] = _aggregate(
            domain.code, members, bands, count(domain.indicators)
        )
    return domains, exact


def _recommendations(
    fw: spec.Framework, counted: Mapping[str, Scored], bands: Sequence[spec.Band], count: Counter
) -> dict[str, Aggregate]:
    """Each recommendation's aggregate over its linked questions (rule 9)."""
    linked: dict[str, list[tuple[Scored, int]]] = {rec.code: [] for rec in fw.recommendations}
    questions: dict[str, list[spec.Indicator]] = {rec.code: [] for rec in fw.recommendations}
    for ind in fw.indicators:
        if ind.code not in counted:
            continue
        for code in ind.links_primary:  # a primary link doubles the weight
            linked.setdefault(code, []).append((counted[ind.code], ind.weight * PRIMARY_FACTOR))
        for code in ind.links_supporting:
            if code not in ind.links_primary:
                linked.setdefault(code, []).append((counted[ind.code], ind.weight))
        for code in {*ind.links_primary, *ind.links_supporting}:
            questions.setdefault(code, []).append(ind)
    return {
        rec.code: _aggregate(
            rec.code,
            linked[rec.code],
            bands,
            count(questions[rec.code]),
            institution_only=rec.level == "institution",
        )[0]
        for rec in fw.recommendations
    }


def _overall(
    fw: spec.Framework,
    counted: Mapping[str, Scored],
    domain_exact: Mapping[str, Fraction | None],
    bands: Sequence[spec.Band],
    count: Counter,
) -> tuple[Aggregate, list[Scored]]:
    """The plain mean of the domain scores (rule 8), with the answered scored questions."""
    present = [(code, exact) for code, exact in domain_exact.items() if exact is not None]
    overall_exact = sum((e for _, e in present), Fraction(0)) / len(present) if present else None
    overall_score = None if overall_exact is None else float(overall_exact)
    rated = [s for s in counted.values() if s.result.applicable and s.exact is not None]
    tally = count(fw.indicators)
    overall = Aggregate(
        code="overall",
        score=overall_score,
        band=band(overall_score, bands),
        coverage=_percent(tally.answered, tally.counted),
        answered=tally.answered,
        applicable=tally.counted,
        contributions=tuple(
            Contribution(code=code, score=float(exact / 100), weight=1.0) for code, exact in present
        ),
        basis=tuple(d.code for d in fw.domains),
    )
    return overall, rated
