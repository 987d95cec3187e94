"""The answers one audit will be given, checked like the server will check them.

Answers are drawn question by question in framework order (`draws`), then what the framework's
skip conditions hide is dropped and an answer that breaks a rule is made smaller, until the plan
would pass submission apart from the evidence it names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from audit.audits import values
from audit.demo import draws
from audit.demo.data import DemoError
from audit.demo.profiles import Draw, UnitProfile
from audit.frameworks import evaluation, spec

_NOT_APPLICABLE_BUDGET = (
    "The unit has no budget of its own; women, peace and security activities are paid from "
    "the directorate's budget."
)


@dataclass
class AnswerPlan:
    """The answers one audit will be given: values, questions marked not applicable, evidence."""

    values: dict[str, object]
    not_applicable: dict[str, str]
    evidence: list[str]


def _value(ind: spec.Indicator, d: Draw) -> object:
    if ind.type in ("yes_no", "no_partly_yes", "rubric"):
        return draws.level(ind, d.score(ind.code))
    if ind.type == "choice":
        return draws.choice(ind, d, d.score(ind.code))
    if ind.type == "multi_choice":
        return draws.multi_choice(ind, d, d.score(ind.code))
    if ind.type == "count":
        return draws.count(ind, d)
    if ind.type == "amount":
        return draws.amount(ind, d)
    if ind.type == "sex_table":
        return draws.sex_table(ind, d)
    if ind.type == "text":
        return "See the unit's annual report."
    if ind.type == "date":
        return (
            dt.date(2025 + d.cycle, 1, 1) - dt.timedelta(days=d.rng.randint(30, 600))
        ).isoformat()
    return None


def _smaller(ind: spec.Indicator, value: object) -> object:
    """A smaller answer, for a value that broke one of the framework's rules."""
    if isinstance(value, int):
        return value // 2
    if isinstance(value, Mapping):
        return {row: {k: int(v) // 2 for k, v in cells.items()} for row, cells in value.items()}
    if ind.type in spec.TYPE_LEVELS:
        return spec.TYPE_LEVELS[ind.type][0]
    return value


def _settle(fw: spec.Framework, plan: dict[str, object], service: str, unit_type: str) -> None:
    """Drop what skip conditions hide; answer a question that breaks a rule with a smaller value."""
    for _ in range(8):
        statuses = evaluation.evaluate(fw, plan, service=service, unit_type=unit_type)
        broken = [
            code
            for code, status in statuses.items()
            if any(problem.code == "rule_broken" for problem in status.problems)
        ]
        skipped = [code for code in plan if statuses[code].skipped]
        if not broken and not skipped:
            return
        for code in skipped:
            del plan[code]
        for code in broken:
            if code in plan:
                plan[code] = _smaller(fw.indicator(code), plan[code])


def plan_answers(fw: spec.Framework, profile: UnitProfile, cycle: int) -> AnswerPlan:
    """Answers for every question the unit is asked, checked like the server will check them.

    `cycle` counts from 0 (the first cycle); later cycles move by the profile's change. A unit
    without a budget of its own marks the money questions (the amounts) not applicable.
    """
    d = Draw(profile, fw, cycle)
    service, unit_type = profile.service, profile.unit_type
    plan = d.plan
    not_applicable: dict[str, str] = {}
    for ind in fw.indicators:
        if ind.type == "percentage" or not ind.applies(service, unit_type):
            continue
        if ind.type == "amount" and not profile.budget_of_its_own:
            not_applicable[ind.code] = _NOT_APPLICABLE_BUDGET
            continue
        value = _value(ind, d)
        if value is not None:
            plan[ind.code] = value
    _settle(fw, plan, service, unit_type)
    statuses = evaluation.evaluate(fw, plan, service=service, unit_type=unit_type)
    blocking = values.blocking(
        fw, statuses, plan, not_applicable=not_applicable, evidence=frozenset()
    )
    evidence = [code for code, problem in blocking if problem.code == "evidence_required"]
    others = [(code, problem) for code, problem in blocking if problem.code != "evidence_required"]
    if others:
        raise DemoError(f"{profile.code}: planned answers would not pass: {others[:5]}")
    return AnswerPlan(plan, not_applicable, evidence)
