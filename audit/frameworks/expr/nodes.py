"""The parts of a parsed expression: limits, the error type, the node classes and tree walks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

MAX_LENGTH = 1000
MAX_DEPTH = 32
#: Literal numbers are capped so that arithmetic on literals cannot produce huge values.
MAX_NUMBER_DIGITS = 15

#: Parts of a sex-table answer; `total` is the sum of the three cells.
PARTS = ("women", "men", "not_recorded", "total")
CELL_PARTS = ("women", "men", "not_recorded")

CODE_RE = re.compile(r"[A-Z]{2}[0-9]+[a-z]?")
ROW_RE = re.compile(r"[a-z][a-z0-9_]*")


class ExpressionError(ValueError):
    """A malformed or disallowed expression; `position` is a 1-based character column or None."""

    def __init__(self, message: str, position: int | None = None) -> None:
        self.message = message
        self.position = position
        text = message if position is None else f"{message} (at position {position})"
        super().__init__(text)


# --------------------------------------------------------------------------- nodes


@dataclass(frozen=True)
class Const:
    """A literal: number, string, true, false or null."""

    value: bool | int | float | str | None


@dataclass(frozen=True)
class Ref:
    """A reference to an answer: `FA1`, `RR1.total` (a part), `RR1.officers.women` (row, part)."""

    code: str
    row: str | None = None
    part: str | None = None

    def __str__(self) -> str:
        return ".".join(p for p in (self.code, self.row, self.part) if p is not None)


@dataclass(frozen=True)
class Neg:
    """Unary minus."""

    operand: Node


@dataclass(frozen=True)
class Not:
    """Logical `not` (three-valued)."""

    operand: Node


@dataclass(frozen=True)
class Arith:
    """A left-to-right chain of operators of one precedence level: `a + b - c` or `a * b / c`."""

    first: Node
    rest: tuple[tuple[str, Node], ...]


@dataclass(frozen=True)
class Compare:
    """A single comparison; `op` is one of == != < <= > >= in, not in."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Logic:
    """`and` / `or` over two or more operands (kept flat so long chains do not nest deeply)."""

    op: str
    operands: tuple[Node, ...]


Node = Const | Ref | Neg | Not | Arith | Compare | Logic


# --------------------------------------------------------------------------- analysis


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, parents before children (iterative, so depth never matters)."""
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, Neg | Not):
            stack.append(current.operand)
        elif isinstance(current, Arith):
            stack.extend(reversed([current.first, *(n for _, n in current.rest)]))
        elif isinstance(current, Compare):
            stack.extend((current.right, current.left))
        elif isinstance(current, Logic):
            stack.extend(reversed(current.operands))


def references(node: Node) -> set[str]:
    """The indicator codes an expression refers to."""
    return {n.code for n in walk(node) if isinstance(n, Ref)}
