"""A percentage is skipped with its inputs, and `evaluation.tally` is the one count of answered
questions (the form's progress, the audit overview and the scorecard's coverage)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import cache

from audit.frameworks import evaluation, spec
from audit.frameworks.services import SHIPPED
from audit.scoring import engine

UNIT = {"service": "police", "unit_type": "station"}
#: Every typed gender-adviser question answered, with "no" female-engagement teams (GA9).
GA_NO_TEAMS: dict[str, object] = {
    "GA1": "yes",
    "GA2": "filled",
    "GA3": 4,
    "GA3a": 2,
    "GA4": "yes",
    "GA5": "full_time",
    "GA6": "direct",
    "GA7": "meets",
    "GA8": 3,
    "GA8a": 2,
    "GA9": "no",
}
TEAMS = {"members": {"women": 3, "men": 5, "not_recorded": 0}}


@cache
def shipped() -> spec.Framework:
    fw, problems = spec.read(SHIPPED / "wps-2026.1")
    assert fw is not None, problems
    return fw


def _ga(fw: spec.Framework) -> spec.Domain:
    return fw.domain("GA")


def _tally(answers: dict[str, object], not_applicable: frozenset[str] = frozenset()):
    fw = shipped()
    statuses = evaluation.evaluate(fw, answers, **UNIT, not_applicable=not_applicable)
    effective = evaluation.effective_answers(fw, answers, statuses)
    return evaluation.tally(
        _ga(fw).indicators, statuses, answered=effective, not_applicable=not_applicable
    )


# --- skip propagation -----------------------------------------------------------------------


def test_a_percentage_whose_input_is_skipped_is_skipped_too() -> None:
    statuses = evaluation.evaluate(shipped(), GA_NO_TEAMS, **UNIT)
    assert statuses["GA9a"].skipped
    assert statuses["GA9b"].skipped  # not left open as "—"
    assert statuses["GA9b"].value is None
    # With teams, the share is asked and computed as before.
    teams = {**GA_NO_TEAMS, "GA9": "yes", "GA9a": TEAMS}
    statuses = evaluation.evaluate(shipped(), teams, **UNIT)
    assert not statuses["GA9b"].skipped
    assert statuses["GA9b"].value == 37.5


def test_an_input_not_yet_answered_leaves_the_percentage_open() -> None:
    answers = {**GA_NO_TEAMS, "GA9": "yes"}  # GA9a still to fill in
    status = evaluation.evaluate(shipped(), answers, **UNIT)["GA9b"]
    assert (status.skipped, status.value) == (False, None)


def test_skipping_carries_down_a_chain_of_skips_and_percentages() -> None:
    # No complaint (AC3 total 0) skips AC4, so AC4a = AC4 / AC3.total and AC8b = AC8a / AC4 too.
    nobody = {
        "AC3": {
            r.code: {"women": 0, "men": 0, "not_recorded": 0}
            for r in shipped().indicator("AC3").rows
        }
    }
    statuses = evaluation.evaluate(shipped(), nobody, **UNIT)
    assert statuses["AC4"].skipped
    assert statuses["AC8a"].skipped
    assert statuses["AC4a"].skipped
    assert statuses["AC8b"].skipped


def test_an_input_marked_does_not_apply_skips_the_percentage() -> None:
    answers = {**GA_NO_TEAMS, "GA9": "yes"}
    statuses = evaluation.evaluate(shipped(), answers, **UNIT, not_applicable={"GA9a"})
    assert statuses["GA9b"].skipped
    assert not statuses["GA9a"].skipped  # the marked question itself stays as it is


def test_a_percentage_whose_condition_names_only_skipped_questions_is_skipped() -> None:
    fw = shipped()
    ga = _ga(fw)
    changed = dataclasses.replace(fw.indicator("GA8b"), skip_if="GA2 == 'vacant'")
    domain = dataclasses.replace(
        ga, indicators=tuple(changed if i.code == "GA8b" else i for i in ga.indicators)
    )
    fw = dataclasses.replace(fw, domains=tuple(domain if d.code == "GA" else d for d in fw.domains))
    no_post = {**GA_NO_TEAMS, "GA1": "no"}  # GA2 is skipped: GA8b's condition never known
    assert evaluation.evaluate(fw, no_post, **UNIT)["GA8b"].skipped
    assert not evaluation.evaluate(fw, GA_NO_TEAMS, **UNIT)["GA8b"].skipped


# --- the one count --------------------------------------------------------------------------


def test_tally_counts_scored_questions_that_are_asked_and_computed_percentages() -> None:
    # GA: 10 scored questions (the counts and the table feed percentages and are not scored).
    assert _tally({}) == evaluation.Tally(0, 10)
    done = _tally(GA_NO_TEAMS)  # GA9a and GA9b skipped: 9 count, all answered
    assert done == evaluation.Tally(9, 9)
    assert done.complete
    # A percentage is answered once its inputs are: GA3b needs GA3 and GA3a.
    partial = {k: v for k, v in GA_NO_TEAMS.items() if k != "GA3a"}
    assert _tally(partial) == evaluation.Tally(8, 9)


def test_tally_leaves_out_questions_marked_does_not_apply() -> None:
    answers = {k: v for k, v in GA_NO_TEAMS.items() if k != "GA4"}
    assert _tally(answers) == evaluation.Tally(8, 9)
    assert _tally(answers, frozenset({"GA4"})) == evaluation.Tally(8, 8)


def test_the_scorecard_counts_coverage_with_the_same_tally() -> None:
    fw = shipped()
    answers = {
        code: engine.AnswerInput(value, has_evidence=True) for code, value in GA_NO_TEAMS.items()
    }
    card = engine.score_audit(fw, answers, **UNIT, reference_date=dt.date(2026, 3, 15))
    ga = card.domains["GA"]
    assert (ga.answered, ga.applicable, ga.coverage) == (9, 9, 100.0)
    assert card.indicators["GA9b"].exclusion == engine.SKIPPED
    assert "GA9b" not in {c.code for c in ga.contributions}
    assert _tally(GA_NO_TEAMS) == evaluation.Tally(ga.answered, ga.applicable)
