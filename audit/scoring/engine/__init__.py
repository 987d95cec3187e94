"""The scoring rules: an audit's answers in, a scorecard out.

Plain data in, plain data out: no Flask, no database, no workers. `score_audit()` takes a framework
version and the answers as `AnswerInput`s and gives a `Scorecard`; `band()` names the band of a
0-100 score; `compare()` sets a scorecard beside the same unit's previous one.

The rules, in the words a gender adviser can follow with a calculator
---------------------------------------------------------------------

1. Which questions count. A question counts for a unit when it applies to the unit's service and
   type, it is not hidden by its skip condition, and it was not marked "does not apply" (with a
   reason). A percentage the tool computes is skipped when an answer its formula uses is skipped,
   not asked of the unit or marked "does not apply" (it could never be computed), or when every
   question its own skip condition names is. Questions that do not count are left out of every
   score and every coverage figure: they are neither a good nor a bad mark. Only *scored*
   questions ever count: text answers, sex-disaggregated tables and numbers without a target or
   bands are shown, never scored.

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
   is visible). A percentage the tool cannot compute (its inputs are not answered yet, or it
   would divide by zero) is an unanswered question. The count is `evaluation.tally`, the same
   the audit form's progress shows.

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
    60 is "meets". People read the lowest band as "Early stage" (labels.band_label), never as
    missing data.

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

The package is cut where the rules are: `results` (the data classes and their JSON form),
`question` (rules 2-4), `aggregates` (rules 5-12 and `score_audit`) and `trends` (rule 13).
Callers import from here: `from audit.scoring import engine; engine.score_audit(...)`.
"""

from audit.scoring.engine.aggregates import (
    MEETS_OR_EXCEEDS,
    PRIMARY_FACTOR,
    band,
    score_audit,
    score_questions,
)
from audit.scoring.engine.question import (
    EVIDENCE_CAP,
    LEVEL_FRACTIONS,
    PARTLY_CAP,
    indicator_score,
    numeric_level,
)
from audit.scoring.engine.results import (
    MARKED_NOT_APPLICABLE,
    NOT_FOR_UNIT,
    SCORING_RULES_VERSION,
    SKIPPED,
    Aggregate,
    AnswerInput,
    Contribution,
    IndicatorResult,
    Scorecard,
)
from audit.scoring.engine.trends import compare

__all__ = [
    "EVIDENCE_CAP",
    "LEVEL_FRACTIONS",
    "MARKED_NOT_APPLICABLE",
    "MEETS_OR_EXCEEDS",
    "NOT_FOR_UNIT",
    "PARTLY_CAP",
    "PRIMARY_FACTOR",
    "SCORING_RULES_VERSION",
    "SKIPPED",
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
    "score_questions",
]
