"""The full data workbook's "Read me": how to recompute every score from the workbook and the
framework file alone, step by step, naming the columns as the workbook heads them.

The steps restate the scoring rules of `audit.scoring.engine` (its package docstring) in terms
of the workbook's columns; a test recomputes the scores from the read-back rows the same way.
"""

from __future__ import annotations

from flask_babel import gettext as _

from audit.exports import xlsx
from audit.scoring import engine


def _column(key: str) -> str:
    """A column's heading in the current language, quoted."""
    return "«" + _(xlsx.DEFAULT_LABELS[key]) + "»"


def recompute_steps(framework: str) -> list[tuple[str, str]]:
    """(heading, text) pairs for the "Read me" sheet."""
    return [*_counting(framework), *_questions(), *_aggregates()]


def _counting(framework: str) -> list[tuple[str, str]]:
    c = _column
    return [
        (
            _("What this is"),
            _(
                "One row per question of every audit: every question that applies to the unit, "
                "and any other question with a stored answer. A table of counts by sex gives one "
                "row per category and column. Scores were computed with the framework file "
                "%(framework)s and scoring rules %(rules)s.",
                framework=framework,
                rules=engine.SCORING_RULES_VERSION,
            ),
        ),
        (
            _("Step 1: which questions count"),
            _(
                "Only rows whose %(counts)s is TRUE enter any score. %(status)s says why a row "
                "does not: skipped by the question's skip rule (a stored value it hides is marked "
                '"skipped — stored value not counted"), not for this unit (the framework\'s '
                "applies_to does not list the unit's %(service)s or %(unit_type)s), or marked "
                "not applicable. Text answers and tables of counts by sex are never scored.",
                counts=c("counts"),
                status=c("status"),
                service=c("service"),
                unit_type=c("unit_type"),
            ),
        ),
    ]


def _questions() -> list[tuple[str, str]]:
    c = _column
    return [
        (
            _("Step 2: the score of one question"),
            _(
                "From %(codes)s and the question's definition in the framework file (type, "
                "bands, target, options' scores): yes 1, no 0; no 0, partly ½, yes 1; rubric "
                "missing 0, approaches ⅓, meets ⅔, exceeds 1; a number with a target: value ÷ "
                "target × 100 read against the question's bands (the last band whose minimum "
                "it reaches), without a target the value itself; a date: 1 when no older than "
                "the question's maximum age in months before %(date)s, else 0; choices: the "
                "option's score, several options (codes separated by %(separator)s) the sum, at "
                "most 1. A percentage is computed by its formula in the framework file (a "
                "table of counts by sex has one row per category and column, coded "
                "question.category.column). The result is %(raw)s.",
                codes=c("codes"),
                date=c("reference_date"),
                separator='"' + xlsx.CODE_SEPARATOR + '"',
                raw=c("raw_score"),
            ),
        ),
        (
            _("Step 3: evidence and the reviewer's override"),
            _(
                'When %(rule)s is "Evidence required" and %(count)s is 0, the score is capped '
                "at ⅓ (½ for a no/partly/yes question) and %(capped)s is TRUE. When "
                "%(level)s is filled in, that level's score (missing 0, approaches ⅓, meets ⅔, "
                "exceeds 1) replaces the score instead, with the reason and the reviewer "
                "beside it. The result is %(score)s.",
                rule=c("evidence_rule"),
                count=c("evidence_count"),
                capped=c("capped"),
                level=c("override_level"),
                score=c("score"),
            ),
        ),
    ]


def _aggregates() -> list[tuple[str, str]]:
    c = _column
    return [
        (
            _("Step 4: domain scores"),
            _(
                "For each audit and %(domain)s: Σ(%(weight)s × %(score)s) ÷ Σ(%(weight)s) × 100 "
                "over the counting rows that have a score. Coverage: rows with a score ÷ "
                "counting scored rows × 100. No scored row: no domain score.",
                domain=c("domain"),
                weight=c("weight"),
                score=c("score"),
            ),
        ),
        (
            _("Step 5: overall and recommendation scores"),
            _(
                "Overall: the plain mean of the audit's domain scores. A recommendation: the "
                "same weighted mean over the questions the framework file links to it, a "
                "primary link doubling the question's weight. Bands: the last of the "
                "framework's bands whose minimum the 0-100 score reaches (by default 40 "
                "approaches, 60 meets, 80 exceeds)."
            ),
        ),
        (
            _("Step 6: check against the stored scores"),
            _(
                'The sheet "%(sheet)s" holds each audit\'s scores as the application stored '
                "them (domains, recommendations and the overall result, 0-100, with band and "
                "coverage): a recomputation gives the same numbers.",
                sheet=_(xlsx.DEFAULT_LABELS["sheet_scores"]),
            ),
        ),
    ]
