"""The tokenizer: expression text into numbers, strings, names and operators.

Only ASCII outside strings; characters people bring from other languages get a hint saying
what to write instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from audit.frameworks.expr.nodes import MAX_NUMBER_DIGITS, ExpressionError

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


@dataclass(frozen=True)
class Token:
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


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
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
            tokens.append(Token("number", float(digits) if is_float else int(digits), i))
            i = j
        elif _is_name_start(c):
            j = i
            while j < n and _is_name_char(text[j]):
                j += 1
            tokens.append(Token("name", text[i:j], i))
            i = j
        elif c in "'\"":
            value, end = _read_string(text, i)
            tokens.append(Token("string", value, i))
            i = end
        elif text.startswith(_TWO_CHAR_OPS, i):
            tokens.append(Token("op", text[i : i + 2], i))
            i += 2
        elif text.startswith("**", i):
            raise ExpressionError("powers are not allowed; only + - * / are", i + 1)
        elif c in _ONE_CHAR_OPS:
            tokens.append(Token("op", c, i))
            i += 1
        else:
            raise ExpressionError(_unexpected_character(c), i + 1)
    tokens.append(Token("end", None, n))
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
