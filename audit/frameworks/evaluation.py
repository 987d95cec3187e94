"""Which questions count for a unit and a set of answers: applicability, skips, percentages, rules.

This is framework logic over plain data and the frozen framework dataclasses (no Flask, no
database): the answers' own form is checked in audit/audits/values.py, which also says what
still blocks submission. A `Problem` is a message key with parameters; the web layer translates
it. `Status` is what this module gives for each indicator and what scoring reads.

A computed question (a percentage) is skipped with its inputs: when an answer its formula uses
is skipped, not asked of the unit, or marked "does not apply", the formula can never be computed
(null goes through arithmetic), so the question is skipped too, not left open as "—". So is a
percentage whose own skip condition names only such questions.

`tally()` is the one definition of "answered of counted" that the form's progress, the audit
overview and the scorecard's coverage all use.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from audit.frameworks import expr, spec

__all__ = [
    "Compared",
    "Problem",
    "Status",
    "Tally",
    "counts",
    "effective_answers",
    "evaluate",
    "tally",
]


@dataclass(frozen=True)
class Problem:
    """A message key and its parameters; `part` names a sub-field such as "officers.women"."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)
    part: str | None = None

    def __hash__(self) -> int:
        # params is a dict (unhashable); its keys are enough for a hash consistent with ==.
        return hash((self.code, self.part, tuple(sorted(self.params))))


class Compared(NamedTuple):
    """One answer a broken rule compares, as the rule read it: `RR1.total` was 120."""

    ref: expr.Ref
    row_label: Mapping[str, str] | None  # the sex-table row it names, if any
    value: object


@dataclass(frozen=True)
class Status:
    """One indicator for one unit and one set of answers; `value` is what scoring reads."""

    applicable: bool
    skipped: bool
    value: object | None
    problems: tuple[Problem, ...]


def _compute(formulas: Iterable[spec.Indicator], values: dict[str, object]) -> None:
    """Fill in percentages in place; formulas come each after those it uses, so one pass does."""
    for ind in formulas:
        value = ind.compute(values)
        if value is None:
            values.pop(ind.code, None)
        else:
            values[ind.code] = value


def _uses(text: str | None) -> frozenset[str]:
    return frozenset(expr.references(expr.parse(text))) if text else frozenset()


def _skip_uncomputable(
    fw: spec.Framework,
    flags: dict[str, tuple[bool, bool]],
    active: dict[str, bool],
    not_applicable: Collection[str],
) -> None:
    """Skip, in place, the percentages that can never be computed: one of the answers the formula
    uses is dropped (skipped, not for the unit, or marked "does not apply"), or every question
    their skip condition names is. Formulas come in computation order, so this carries down a
    chain of percentages."""

    def dropped(code: str) -> bool:
        return not active.get(code, True) or code in not_applicable

    for ind in fw.formulas:
        if not active[ind.code]:
            continue
        condition = _uses(ind.skip_if)
        if any(map(dropped, _uses(ind.formula))) or (condition and all(map(dropped, condition))):
            flags[ind.code] = (flags[ind.code][0], True)
            active[ind.code] = False


def evaluate(
    fw: spec.Framework,
    answers: Mapping[str, object],
    *,
    service: str,
    unit_type: str,
    not_applicable: Collection[str] = (),
) -> dict[str, Status]:
    """The status of every indicator, in framework order, for a unit's answers.

    Applicability comes from the unit's service and type; skip conditions are evaluated in
    order, with answers of skipped or inapplicable indicators counting as null; a percentage
    that can never be computed is skipped (see the module docstring; `not_applicable` are the
    codes marked "does not apply"); percentages are computed from what remains; rules are
    checked against that same effective set of answers. A skipped indicator that still has a
    stored answer gets a `skipped` problem (the answer is ignored, not an error: it does not
    block submission).
    """
    current: dict[str, object] = {
        ind.code: answers[ind.code]
        for ind in fw.indicators
        if ind.type != "percentage" and answers.get(ind.code) is not None
    }
    formulas = fw.formulas  # in the order they can be computed
    percentages = {ind.code for ind in formulas}
    active: dict[str, bool] = {}
    flags: dict[str, tuple[bool, bool]] = {}
    for ind in fw.indicators:
        applicable = ind.applies(service, unit_type)
        skipped = False
        if applicable and ind.skip_if:
            context = current
            if ind.references() & percentages:
                # Percentages of indicators already dropped stay null for this condition.
                context = dict(current)
                _compute((f for f in formulas if active.get(f.code, True)), context)
            skipped = ind.skipped(context)
        flags[ind.code] = (applicable, skipped)
        active[ind.code] = applicable and not skipped
        if not active[ind.code]:
            current.pop(ind.code, None)
    _skip_uncomputable(fw, flags, active, not_applicable)
    _compute((f for f in formulas if active[f.code]), current)

    statuses: dict[str, Status] = {}
    for ind in fw.indicators:
        applicable, skipped = flags[ind.code]
        problems: tuple[Problem, ...] = ()
        if active[ind.code]:
            problems = tuple(_rule_broken(fw, r, current) for r in ind.broken_rules(current))
        elif skipped and ind.type != "percentage" and answers.get(ind.code) is not None:
            problems = (Problem("skipped", {"condition": ind.skip_if}),)
        statuses[ind.code] = Status(applicable, skipped, current.get(ind.code), problems)
    return statuses


def _row_label(fw: spec.Framework, ref: expr.Ref) -> Mapping[str, str] | None:
    if ref.row is None:
        return None
    rows = fw.indicator(ref.code).rows
    return next((row.label for row in rows if row.code == ref.row), None)


def _rule_broken(fw: spec.Framework, rule: spec.Rule, answers: Mapping[str, object]) -> Problem:
    """A broken rule, with the value of each answer it compares (`RR1.total` → 120) as the
    answers stood, so that the message can show what disagrees."""
    refs = sorted(
        {n for n in expr.walk(expr.parse(rule.check)) if isinstance(n, expr.Ref)}, key=str
    )
    compared = tuple(
        Compared(ref, _row_label(fw, ref), expr.evaluate(ref, answers)) for ref in refs
    )
    return Problem("rule_broken", {"rule": rule, "compared": compared})


def effective_answers(
    fw: spec.Framework, answers: Mapping[str, object], statuses: Mapping[str, Status]
) -> dict[str, object]:
    """Answers without skipped and inapplicable ones, with percentages filled in (for scoring)."""
    result: dict[str, object] = {}
    for ind in fw.indicators:
        status = statuses.get(ind.code)
        if status is None or not status.applicable or status.skipped:
            continue
        value = status.value if ind.type == "percentage" else answers.get(ind.code)
        if value is not None:
            result[ind.code] = value
    return result


# --------------------------------------------------------------------------- counting


@dataclass(frozen=True)
class Tally:
    """How many of the questions that count have an answer (coverage = answered ÷ counted)."""

    answered: int = 0
    counted: int = 0

    @property
    def complete(self) -> bool:
        """Whether every question that counts is answered."""
        return self.answered == self.counted


def counts(ind: spec.Indicator, status: Status | None, *, marked_not_applicable: bool) -> bool:
    """Whether a question counts: it is scored, asked of the unit, not skipped (a percentage
    that cannot be computed is skipped, see `evaluate`) and not marked "does not apply"."""
    return (
        ind.is_scored
        and status is not None
        and status.applicable
        and not status.skipped
        and not marked_not_applicable
    )


def tally(
    indicators: Iterable[spec.Indicator],
    statuses: Mapping[str, Status],
    *,
    answered: Collection[str],
    not_applicable: Collection[str],
) -> Tally:
    """Answered of counted among these questions: the one definition behind the form's progress,
    the audit overview and the scorecard's coverage.

    `answered` are the codes whose answer scores: a typed answer the question can hold, or a
    computed percentage (`effective_answers` gives them for answers checked on saving);
    `not_applicable` the codes marked "does not apply".
    """
    done = total = 0
    for ind in indicators:
        if counts(ind, statuses.get(ind.code), marked_not_applicable=ind.code in not_applicable):
            total += 1
            done += ind.code in answered
    return Tally(done, total)
