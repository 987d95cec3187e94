"""Evaluation of parsed expressions with three-valued logic: unknown answers are None (null).

An unknown value propagates instead of raising, because incomplete answers are the normal state
of a form: arithmetic or comparison with null is null, division by zero is null, and `and`/`or`
follow Kleene's rules.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal

from audit.frameworks.expr.nodes import (
    CELL_PARTS,
    Arith,
    Compare,
    Const,
    Logic,
    Neg,
    Node,
    Not,
    Ref,
)
from audit.frameworks.expr.parser import parse


def _is_number(value: object) -> bool:
    # bool is a subclass of int, but true + 1 is a mistake rather than 2.
    return isinstance(value, int | float) and not isinstance(value, bool)


def _as_operand(value: object) -> object:
    """An answer value in the forms the evaluator works with; anything else becomes null."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, list | tuple):
        return tuple(value)
    if isinstance(value, Mapping):
        return value
    return None


def _cell_sum(cells: object, part: str) -> int | float | None:
    if not isinstance(cells, Mapping):
        return None
    total: int | float = 0
    for name in CELL_PARTS if part == "total" else (part,):
        cell = _as_operand(cells.get(name))
        if not _is_number(cell):
            return None  # an empty cell makes the sum unknown, not zero
        total += cell  # type: ignore[operator]
    return total


def _resolve(ref: Ref, answers: Mapping[str, object]) -> object:
    value = _as_operand(answers.get(ref.code))
    if ref.part is None:
        return value
    if not isinstance(value, Mapping):
        return None
    if ref.row is not None:
        return _cell_sum(value.get(ref.row), ref.part)
    if not value:
        return None
    total: int | float = 0
    for cells in value.values():
        row_sum = _cell_sum(cells, ref.part)
        if row_sum is None:
            return None
        total += row_sum
    return total


def _arith(op: str, left: object, right: object) -> object:
    if not (_is_number(left) and _is_number(right)):
        return None
    a, b = left, right  # numbers, checked above
    try:
        if op == "+":
            result = a + b  # type: ignore[operator]
        elif op == "-":
            result = a - b  # type: ignore[operator]
        elif op == "*":
            result = a * b  # type: ignore[operator]
        else:
            if b == 0:
                return None
            result = a / b  # type: ignore[operator]
    except (OverflowError, ValueError):
        return None  # huge integer answers do not fit a float
    if isinstance(result, float) and not math.isfinite(result):
        return None
    return result


def _same_kind(left: object, right: object) -> bool:
    if _is_number(left) and _is_number(right):
        return True
    return any(isinstance(left, t) and isinstance(right, t) for t in (bool, str, tuple))


def _equal(left: object, right: object) -> bool | None:
    return left == right if _same_kind(left, right) else None


def _compare(op: str, left: object, right: object) -> bool | None:
    if left is None or right is None:
        return None
    if op in ("in", "not in"):
        if not isinstance(right, tuple) or isinstance(left, tuple | Mapping):
            return None
        found = any(_equal(left, item) is True for item in right)
        return found if op == "in" else not found
    if op in ("==", "!="):
        equal = _equal(left, right)
        if equal is None:
            return None
        return equal if op == "==" else not equal
    # Ordering: numbers with numbers, strings with strings (ISO dates sort as text).
    if not (_is_number(left) and _is_number(right)) and not (
        isinstance(left, str) and isinstance(right, str)
    ):
        return None
    a, b = left, right
    if op == "<":
        return a < b  # type: ignore[operator]
    if op == "<=":
        return a <= b  # type: ignore[operator]
    if op == ">":
        return a > b  # type: ignore[operator]
    return a >= b  # type: ignore[operator]


def _truth(value: object) -> bool | None:
    # Only true and false are truth values; a number or a string in a condition is unknown.
    return value if isinstance(value, bool) else None


def evaluate(node: Node, answers: Mapping[str, object]) -> object:
    """Evaluate a parsed expression against answers; unknown answers give None (null)."""
    if isinstance(node, Const):
        return node.value
    if isinstance(node, Ref):
        return _resolve(node, answers)
    if isinstance(node, Neg):
        value = evaluate(node.operand, answers)
        return _arith("-", 0, value)
    if isinstance(node, Not):
        truth = _truth(evaluate(node.operand, answers))
        return None if truth is None else not truth
    if isinstance(node, Arith):
        result = evaluate(node.first, answers)
        for op, operand in node.rest:
            result = _arith(op, result, evaluate(operand, answers))
        return result
    if isinstance(node, Compare):
        left = evaluate(node.left, answers)
        return _compare(node.op, left, evaluate(node.right, answers))
    if isinstance(node, Logic):
        # Kleene logic: false decides `and`, true decides `or`; otherwise unknown wins.
        decisive = node.op == "or"
        unknown = False
        for operand in node.operands:
            truth = _truth(evaluate(operand, answers))
            if truth is decisive:
                return decisive
            if truth is None:
                unknown = True
        return None if unknown else not decisive
    raise TypeError(f"not an expression node: {node!r}")


def evaluate_text(text: str, answers: Mapping[str, object]) -> object:
    """Parse and evaluate an expression in one step."""
    return evaluate(parse(text), answers)
