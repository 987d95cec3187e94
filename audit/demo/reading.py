"""What the demo reads from the framework, so that it names no indicator code.

Codes change between framework versions; the demo relies only on what a version says about its
questions:

- a question's comparability key (FORMAT.md: the name a question keeps across versions, the one
  trends compare on) tells what it asks about, e.g. the unit's sites or its strength by rank;
- its rules and formulas tell which other answer it is a part of: `FA1a <= FA1` (sites
  compliant out of all sites), `RR1.total == DA1` (the official strength is the table's total),
  a percentage `LB5a / LB5 * 100` (spent out of allocated);
- the order of domains and questions, and the answer types.

A question the demo has no purpose-made draw for still gets a plausible answer from its type and
from the answer it is a part of.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from audit.frameworks import expr, spec

#: Comparisons in a rule that bound a question by another answer (`<` counts as `<=` here).
_BOUNDS = {"<=": False, "<": False, "==": True}


@dataclass(frozen=True)
class Whole:
    """The answer a question is a part of: `ref` names it as the rule does (`WD8.total`)."""

    ref: expr.Ref
    equal: bool  # the question must equal it (`RR1.total == DA1`), not only stay below it

    @property
    def code(self) -> str:
        return self.ref.code


def _single_ref(node: expr.Node) -> expr.Ref | None:
    return node if isinstance(node, expr.Ref) else None


def _from_rules(ind: spec.Indicator) -> Whole | None:
    """The other answer one of the question's own rules bounds it by, if any."""
    for rule in ind.rules:
        for node in expr.walk(expr.parse(rule.check)):
            if not isinstance(node, expr.Compare) or node.op not in _BOUNDS:
                continue
            left, right = _single_ref(node.left), _single_ref(node.right)
            if left is None or right is None or left.code == right.code:
                continue
            if right.code == ind.code and _BOUNDS[node.op]:  # `RR1.total == DA1`
                return Whole(left, equal=True)
            if left.code == ind.code:
                return Whole(right, equal=_BOUNDS[node.op])
    return None


def _from_formula(ind: spec.Indicator) -> tuple[str, Whole] | None:
    """A percentage `A / B * 100` makes B the whole of A (what was spent, of what was allocated)."""
    node = expr.parse(ind.formula) if ind.formula else None
    if not isinstance(node, expr.Arith) or not node.rest or node.rest[0][0] != "/":
        return None
    part, whole = _single_ref(node.first), _single_ref(node.rest[0][1])
    if part is None or whole is None or part.code == whole.code:
        return None
    return part.code, Whole(whole, equal=False)


@functools.lru_cache(maxsize=8)
def wholes(fw: spec.Framework) -> Mapping[str, Whole]:
    """Indicator code → the answer it is a part of; its own rules first, then percentages."""
    found = {ind.code: whole for ind in fw.indicators if (whole := _from_rules(ind))}
    for ind in fw.indicators:
        pair = _from_formula(ind)
        if pair is not None:
            found.setdefault(*pair)
    return found


def whole_table(fw: spec.Framework, code: str) -> str | None:
    """The sex table a question is drawn out of, following wholes (TR3 ≤ DA1 = RR1.total → RR1)."""
    seen = {code}
    whole = wholes(fw).get(code)
    while whole is not None and whole.code not in seen:
        if fw.indicator(whole.code).type == "sex_table":
            return whole.code
        seen.add(whole.code)
        whole = wholes(fw).get(whole.code)
    return None


@functools.lru_cache(maxsize=8)
def codes_by_key(fw: spec.Framework) -> Mapping[str, str]:
    """Comparability key → indicator code in this version."""
    return {ind.comparability_key or ind.code: ind.code for ind in fw.indicators}


def in_progress_domains(fw: spec.Framework, count: int) -> tuple[str, ...]:
    """The domains an audit half-way through has answered: the first `count`, in order."""
    return tuple(domain.code for domain in fw.domains[:count])


def query_question(fw: spec.Framework, answered: Mapping[str, object]) -> tuple[str, str | None]:
    """The question an adviser queries, and the table of people to check it against.

    An adviser checks a yes/no claim against the table it rests on: the first answered yes/no
    question that directly follows an answered sex table (at a station, who staffs the women's
    desk and then whether a woman officer is on every shift). Without one, the first answered
    question, with no table.
    """
    previous: spec.Indicator | None = None
    for ind in fw.indicators:
        if (
            ind.type == "yes_no"
            and previous is not None
            and previous.type == "sex_table"
            and ind.code in answered
            and previous.code in answered
        ):
            return ind.code, previous.code
        previous = ind
    return next(iter(answered)), None
