"""The recursive-descent parser: tokens into nodes, with the depth of nesting bounded."""

from __future__ import annotations

import difflib
from functools import lru_cache

from audit.frameworks.expr.nodes import (
    CODE_RE,
    MAX_DEPTH,
    MAX_LENGTH,
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
)
from audit.frameworks.expr.tokens import Token, tokenize

_KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false", "null"})
_CONSTANTS = {"true": True, "false": False, "null": None}
_COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})


class _Parser:
    """Recursive descent; every recursive rule goes through `_enter`, which bounds the depth."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.depth = 0

    # helpers
    def peek(self, offset: int = 0) -> Token:
        return self.tokens[min(self.i + offset, len(self.tokens) - 1)]

    def advance(self) -> Token:
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

    def fail(self, message: str, tok: Token) -> ExpressionError:
        return ExpressionError(message, tok.pos + 1)

    def enter(self, tok: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(f"expression is nested more than {MAX_DEPTH} levels deep", tok)

    def describe(self, tok: Token) -> str:
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

    def name(self, tok: Token) -> Node:
        word = str(tok.value)
        if word in _CONSTANTS:
            return Const(_CONSTANTS[word])
        if word in _KEYWORDS:
            raise self.fail(f"unexpected {word!r}", tok)
        if self.at_op("("):
            raise self.fail(f"function calls are not allowed ({word}(...))", tok)
        if not CODE_RE.fullmatch(word):
            raise self.fail(_unknown_name(word), tok)
        parts: list[tuple[str, Token]] = []
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
    return _Parser(tokenize(text)).parse()


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
