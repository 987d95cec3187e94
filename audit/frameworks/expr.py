"""The expression language of framework files (`skip_if`, `rules[].check`, `formula`).

A hand-written tokenizer and recursive-descent parser turn the text into small frozen dataclass
nodes; nothing is ever handed to `eval` or Python's own parser, so an expression can only do what
this module implements. Evaluation uses three-valued logic: an unknown answer is `None` (`null`)
and propagates instead of raising, because incomplete answers are the normal state of a form.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

__all__ = [
    "CELL_PARTS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "PARTS",
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

MAX_LENGTH = 1000
MAX_DEPTH = 32
#: Literal numbers are capped so that arithmetic on literals cannot produce huge values.
MAX_NUMBER_DIGITS = 15

#: Parts of a sex-table answer; `total` is the sum of the three cells.
PARTS = ("women", "men", "not_recorded", "total")
CELL_PARTS = ("women", "men", "not_recorded")

CODE_RE = re.compile(r"[A-Z]{2}[0-9]+[a-z]?")
ROW_RE = re.compile(r"[a-z][a-z0-9_]*")

_KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false", "null"})
_CONSTANTS = {"true": True, "false": False, "null": None}
_COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})
_TWO_CHAR_OPS = ("==", "!=", "<=", ">=")
_ONE_CHAR_OPS = frozenset("<>+-*/().")

# Hints for characters people coming from Python, JavaScript or spreadsheets tend to type.
_HINTS = {
    "[": "indexing is not allowed",
    "]": "indexing is not allowed",
    "{": "braces are not allowed",
    "}": "braces are not allowed",
    ",": "lists and function calls are not allowed",
    ":": "slices, lambdas and dictionaries are not allowed",
    "=": "use == to compare",
    "!": "use != to compare or 'not' to negate",
    "&": "use 'and'",
    "|": "use 'or'",
    "%": "only + - * / are allowed",
    "^": "only + - * / are allowed",
    "~": "only + - * / are allowed",
    "@": "only + - * / are allowed",
    "`": "use single or double quotes for strings",
    ";": "an expression is a single formula",
    "#": "comments are not allowed",
    "\\": "backslashes are only allowed inside strings",
}


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


# --------------------------------------------------------------------------- tokenizer


@dataclass(frozen=True)
class _Token:
    kind: str  # "number", "string", "name", "op", "end"
    value: object
    pos: int  # 0-based offset


def _is_digit(c: str) -> bool:
    # str.isdigit() accepts superscripts and other scripts' digits; only ASCII is allowed.
    return "0" <= c <= "9"


def _is_name_start(c: str) -> bool:
    return c.isascii() and (c.isalpha() or c == "_")


def _is_name_char(c: str) -> bool:
    return c.isascii() and (c.isalnum() or c == "_")


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t\r\n":
            i += 1
        elif _is_digit(c):
            j = i
            while j < n and _is_digit(text[j]):
                j += 1
            is_float = False
            if j < n and text[j] == "." and j + 1 < n and _is_digit(text[j + 1]):
                is_float = True
                j += 1
                while j < n and _is_digit(text[j]):
                    j += 1
            elif j < n and text[j] == ".":
                raise ExpressionError("a decimal point must be followed by digits", j + 1)
            if j < n and (_is_name_char(text[j]) or text[j] == "."):
                raise ExpressionError(f"malformed number {text[i : j + 1]!r}", i + 1)
            digits = text[i:j]
            if sum(ch.isdigit() for ch in digits) > MAX_NUMBER_DIGITS:
                raise ExpressionError(
                    f"number too long (at most {MAX_NUMBER_DIGITS} digits)", i + 1
                )
            tokens.append(_Token("number", float(digits) if is_float else int(digits), i))
            i = j
        elif _is_name_start(c):
            j = i
            while j < n and _is_name_char(text[j]):
                j += 1
            tokens.append(_Token("name", text[i:j], i))
            i = j
        elif c in "'\"":
            value, end = _read_string(text, i)
            tokens.append(_Token("string", value, i))
            i = end
        elif text.startswith(_TWO_CHAR_OPS, i):
            tokens.append(_Token("op", text[i : i + 2], i))
            i += 2
        elif text.startswith("**", i):
            raise ExpressionError("powers are not allowed; only + - * / are", i + 1)
        elif c in _ONE_CHAR_OPS:
            tokens.append(_Token("op", c, i))
            i += 1
        else:
            raise ExpressionError(_unexpected_character(c), i + 1)
    tokens.append(_Token("end", None, n))
    return tokens


def _unexpected_character(c: str) -> str:
    hint = _HINTS.get(c)
    if hint is None and not c.isascii():
        hint = "only ASCII letters, digits and operators are allowed outside strings"
    shown = repr(c) if c.isprintable() else f"U+{ord(c):04X}"
    message = f"unexpected character {shown}"
    if not c.isascii() and c.isprintable():
        message += f" (U+{ord(c):04X})"
    return f"{message}: {hint}" if hint else message


def _read_string(text: str, start: int) -> tuple[str, int]:
    quote = text[start]
    parts: list[str] = []
    i, n = start + 1, len(text)
    while i < n:
        c = text[i]
        if c == quote:
            return "".join(parts), i + 1
        if c == "\\":
            if i + 1 < n and text[i + 1] in ("\\", "'", '"'):
                parts.append(text[i + 1])
                i += 2
                continue
            raise ExpressionError("only \\\\, \\' and \\\" escapes are allowed in strings", i + 1)
        if not c.isprintable():
            # Line breaks and control or invisible format characters hide what a string says.
            raise ExpressionError(f"invisible character U+{ord(c):04X} in a string", i + 1)
        parts.append(c)
        i += 1
    raise ExpressionError("string is not closed", start + 1)


# --------------------------------------------------------------------------- parser


class _Parser:
    """Recursive descent; every recursive rule goes through `_enter`, which bounds the depth."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.depth = 0

    # helpers
    def peek(self, offset: int = 0) -> _Token:
        return self.tokens[min(self.i + offset, len(self.tokens) - 1)]

    def advance(self) -> _Token:
        tok = self.tokens[self.i]
        if tok.kind != "end":
            self.i += 1
        return tok

    def at_op(self, *ops: str) -> bool:
        tok = self.peek()
        return tok.kind == "op" and tok.value in ops

    def at_word(self, word: str, offset: int = 0) -> bool:
        tok = self.peek(offset)
        return tok.kind == "name" and tok.value == word

    def fail(self, message: str, tok: _Token) -> ExpressionError:
        return ExpressionError(message, tok.pos + 1)

    def enter(self, tok: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(f"expression is nested more than {MAX_DEPTH} levels deep", tok)

    def describe(self, tok: _Token) -> str:
        if tok.kind == "end":
            return "end of expression"
        if tok.kind == "string":
            return f"string {tok.value!r}"
        return repr(tok.value)

    # grammar
    def parse(self) -> Node:
        node = self.or_expr()
        tok = self.peek()
        if tok.kind != "end":
            if tok.kind == "op" and tok.value == "(":
                raise self.fail("function calls are not allowed", tok)
            raise self.fail(f"unexpected {self.describe(tok)}", tok)
        return node

    def or_expr(self) -> Node:
        operands = [self.and_expr()]
        while self.at_word("or"):
            self.advance()
            operands.append(self.and_expr())
        return operands[0] if len(operands) == 1 else Logic("or", tuple(operands))

    def and_expr(self) -> Node:
        operands = [self.not_expr()]
        while self.at_word("and"):
            self.advance()
            operands.append(self.not_expr())
        return operands[0] if len(operands) == 1 else Logic("and", tuple(operands))

    def not_expr(self) -> Node:
        if self.at_word("not"):
            tok = self.advance()
            self.enter(tok)
            operand = self.not_expr()
            self.depth -= 1
            return Not(operand)
        return self.comparison()

    def comparison_op(self) -> tuple[str, int] | None:
        """The comparison operator at the cursor and how many tokens it takes, if any."""
        tok = self.peek()
        if tok.kind == "op" and tok.value in _COMPARISONS:
            return str(tok.value), 1
        if self.at_word("in"):
            return "in", 1
        if self.at_word("not") and self.at_word("in", 1):
            return "not in", 2
        return None

    def comparison(self) -> Node:
        left = self.additive()
        found = self.comparison_op()
        if found is None:
            return left
        op, width = found
        for _ in range(width):
            self.advance()
        right = self.additive()
        if self.comparison_op() is not None:
            raise self.fail("comparisons cannot be chained; combine them with 'and'", self.peek())
        return Compare(op, left, right)

    def additive(self) -> Node:
        first = self.term()
        rest: list[tuple[str, Node]] = []
        while self.at_op("+", "-"):
            op = str(self.advance().value)
            rest.append((op, self.term()))
        return Arith(first, tuple(rest)) if rest else first

    def term(self) -> Node:
        first = self.unary()
        rest: list[tuple[str, Node]] = []
        while self.at_op("*", "/"):
            op = str(self.advance().value)
            rest.append((op, self.unary()))
        return Arith(first, tuple(rest)) if rest else first

    def unary(self) -> Node:
        if self.at_op("-"):
            tok = self.advance()
            self.enter(tok)
            operand = self.unary()
            self.depth -= 1
            value = operand.value if isinstance(operand, Const) else None
            if isinstance(value, int | float) and not isinstance(value, bool):
                return Const(-value)  # fold `-3` into a literal
            return Neg(operand)
        if self.at_op("+"):
            raise self.fail("unary plus is not allowed", self.peek())
        node = self.primary()
        if self.at_op("("):
            raise self.fail("function calls are not allowed", self.peek())
        return node

    def primary(self) -> Node:
        tok = self.advance()
        if tok.kind in ("number", "string"):
            return Const(tok.value)  # type: ignore[arg-type]
        if tok.kind == "name":
            return self.name(tok)
        if tok.kind == "op" and tok.value == "(":
            self.enter(tok)
            node = self.or_expr()
            closing = self.peek()
            if not (closing.kind == "op" and closing.value == ")"):
                if closing.kind == "end":
                    raise self.fail("missing closing parenthesis", tok)
                raise self.fail(f"expected ')' but found {self.describe(closing)}", closing)
            self.advance()
            self.depth -= 1
            return node
        if tok.kind == "end":
            raise self.fail("expression ends unexpectedly", tok)
        raise self.fail(f"unexpected {self.describe(tok)}", tok)

    def name(self, tok: _Token) -> Node:
        word = str(tok.value)
        if word in _CONSTANTS:
            return Const(_CONSTANTS[word])
        if word in _KEYWORDS:
            raise self.fail(f"unexpected {word!r}", tok)
        if self.at_op("("):
            raise self.fail(f"function calls are not allowed ({word}(...))", tok)
        if not CODE_RE.fullmatch(word):
            raise self.fail(_unknown_name(word), tok)
        parts: list[tuple[str, _Token]] = []
        while self.at_op("."):
            dot = self.advance()
            part = self.peek()
            if part.kind != "name":
                raise self.fail("expected a part name after '.'", dot)
            self.advance()
            parts.append((str(part.value), part))
            if len(parts) > 2:
                raise self.fail(
                    f"too many parts after {word}: a reference is CODE, CODE.part or CODE.row.part",
                    part,
                )
        if not parts:
            return Ref(word)
        if len(parts) == 1:
            part, ptok = parts[0]
            if part not in PARTS:
                raise self.fail(
                    f"unknown part {part!r} of {word}: expected one of {', '.join(PARTS)} "
                    f"(or a row code followed by a part, as in {word}.officers.women)",
                    ptok,
                )
            return Ref(word, None, part)
        (row, rtok), (part, ptok) = parts
        if row in PARTS:
            raise self.fail(f"{row!r} is a part, not a row; nothing can follow it", ptok)
        if not ROW_RE.fullmatch(row):
            raise self.fail(
                f"invalid row code {row!r}: row codes are lower-case letters, digits and _",
                rtok,
            )
        if part not in PARTS:
            raise self.fail(
                f"unknown part {part!r} of {word}.{row}: expected one of {', '.join(PARTS)}",
                ptok,
            )
        return Ref(word, row, part)


def _unknown_name(word: str) -> str:
    if word.lower() in _KEYWORDS:
        return f"unknown name {word!r}: keywords are lower-case, write {word.lower()!r}"
    message = (
        f"unknown name {word!r}: a reference is an indicator code such as FA1 "
        "(two capital letters, a number, an optional lower-case letter)"
    )
    close = difflib.get_close_matches(word, sorted(_KEYWORDS), n=1)
    return f"{message}; did you mean {close[0]!r}?" if close else message


@lru_cache(maxsize=2048)
def _parse_cached(text: str) -> Node:
    return _Parser(_tokenize(text)).parse()


def parse(text: str) -> Node:
    """Parse an expression into a tree of nodes, raising ExpressionError when it is not valid."""
    if not isinstance(text, str):
        raise ExpressionError(f"an expression must be a string, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"expression is too long ({len(text)} characters; at most {MAX_LENGTH})"
        )
    if not text.strip():
        raise ExpressionError("expression is empty")
    return _parse_cached(text)


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


# --------------------------------------------------------------------------- evaluation


def _is_number(value: object) -> bool:
    # bool is a subclass of int, but true + 1 is a mistake rather than 2.
    return isinstance(value, int | float) and not isinstance(value, bool)


def _plain(value: object) -> object:
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
        cell = _plain(cells.get(name))
        if not _is_number(cell):
            return None  # an empty cell makes the sum unknown, not zero
        total += cell  # type: ignore[operator]
    return total


def _resolve(ref: Ref, answers: Mapping[str, object]) -> object:
    value = _plain(answers.get(ref.code))
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
