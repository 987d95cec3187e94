"""The expression language of framework files (`skip_if`, `rules[].check`, `formula`).

A hand-written tokenizer (`tokens`) and recursive-descent parser (`parser`) turn the text into
small frozen dataclass nodes (`nodes`); nothing is ever handed to `eval` or Python's own parser,
so an expression can only do what this package implements. Evaluation (`interpreter`) uses
three-valued logic: an unknown answer is `None` (`null`) and propagates instead of raising,
because incomplete answers are the normal state of a form.
"""

from __future__ import annotations

from audit.frameworks.expr.interpreter import evaluate, evaluate_text
from audit.frameworks.expr.nodes import (
    CELL_PARTS,
    CODE_RE,
    MAX_DEPTH,
    MAX_LENGTH,
    MAX_NUMBER_DIGITS,
    PARTS,
    ROW_RE,
    Arith,
    Compare,
    Const,
    ExpressionError,
    Logic,
    Neg,
    Node,
    Not,
    Ref,
    references,
    walk,
)
from audit.frameworks.expr.parser import parse

__all__ = [
    "CELL_PARTS",
    "CODE_RE",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_NUMBER_DIGITS",
    "PARTS",
    "ROW_RE",
    "Arith",
    "Compare",
    "Const",
    "ExpressionError",
    "Logic",
    "Neg",
    "Node",
    "Not",
    "Ref",
    "evaluate",
    "evaluate_text",
    "parse",
    "references",
    "walk",
]
