"""The expression language: parsing, evaluation with nulls, and hostile input."""

from __future__ import annotations

import random

import pytest

from audit.frameworks.expr import (
    MAX_DEPTH,
    MAX_LENGTH,
    Arith,
    Compare,
    Const,
    ExpressionError,
    Logic,
    Not,
    Ref,
    evaluate,
    evaluate_text,
    parse,
    references,
)

ANSWERS: dict[str, object] = {
    "FA1": "yes",
    "FA2": "no",
    "FA3": "meets",
    "FA9a": 10,
    "FA9b": 4,
    "AM1": 2.5,
    "ZE1": 0,
    "RR1": {
        "officers": {"women": 3, "men": 7, "not_recorded": 0},
        "ncos": {"women": 5, "men": 15, "not_recorded": 2},
    },
    "RR2": {"all": {"women": 1, "men": None, "not_recorded": 0}},
    "WD7": ["health", "legal_aid"],
    "DA5": "2025-03-01",
}


# --------------------------------------------------------------------------- parsing


def test_parse_builds_small_nodes() -> None:
    assert parse("FA1 == 'no'") == Compare("==", Ref("FA1"), Const("no"))
    assert parse("RR1.officers.women") == Ref("RR1", "officers", "women")
    assert parse("RR1.total") == Ref("RR1", None, "total")
    assert parse("-3") == Const(-3)
    assert parse("not FA1") == Not(Ref("FA1"))
    assert parse("1 + 2 - 3") == Arith(Const(1), (("+", Const(2)), ("-", Const(3))))


def test_long_and_chains_stay_flat() -> None:
    node = parse(" and ".join(["true"] * 100))
    assert isinstance(node, Logic)
    assert len(node.operands) == 100


def test_references() -> None:
    node = parse("FA9b <= FA9a and (RR1.officers.women > 0 or 'x' in WD7) and not FA1")
    assert references(node) == {"FA9b", "FA9a", "RR1", "WD7", "FA1"}
    assert references(parse("1 + 2")) == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("10 - 4 - 3", 3),  # left to right
        ("12 / 3 / 2", 2.0),
        ("-2 * -3", 6),
        ("- (1 + 2)", -3),
        ("1 + 2 == 3", True),
        ("not 1 == 2", True),  # not binds looser than comparison
        ("true or false and false", True),  # and binds tighter than or
        ("(true or false) and false", False),
        ("not true or true", True),
        ("2.5 * 2", 5.0),
    ],
)
def test_precedence_and_arithmetic(text: str, expected: object) -> None:
    assert evaluate_text(text, {}) == expected


# --------------------------------------------------------------------------- evaluation


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("FA1 == 'yes'", True),
        ('FA2 != "no"', False),
        ("FA9b <= FA9a", True),
        ("FA9a / FA9b", 2.5),
        ("FA9a * AM1", 25.0),
        ("FA9a / ZE1", None),  # division by zero is null, not an error
        ("RR1.women", 8),
        ("RR1.men", 22),
        ("RR1.not_recorded", 2),
        ("RR1.total", 32),
        ("RR1.officers.women", 3),
        ("RR1.ncos.total", 22),
        ("RR1.women / RR1.total * 100", 25.0),
        ("RR1.generals.women", None),  # a row that is not in the answer
        ("RR2.women", 1),
        ("RR2.men", None),  # an empty cell makes the sum unknown
        ("RR2.total", None),
        ("'health' in WD7", True),
        ("'shelter' in WD7", False),
        ("'shelter' not in WD7", True),
        ("DA5 >= '2025-01-01'", True),  # ISO dates compare as text
        ("FA3 == 'meets' and FA1 == 'yes'", True),
    ],
)
def test_evaluate(text: str, expected: object) -> None:
    assert evaluate_text(text, ANSWERS) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("XX1", None),
        ("XX1 + 1", None),
        ("XX1 * 0", None),
        ("XX1 == 1", None),
        ("XX1 != 1", None),
        ("XX1 < 1", None),
        ("-XX1", None),
        ("not XX1", None),
        ("'a' in XX1", None),
        ("XX1.total", None),
        ("XX1.row.women", None),
        ("null == null", None),
        # Kleene logic: false decides `and`, true decides `or`, otherwise null wins.
        ("XX1 == 1 and false", False),
        ("false and XX1 == 1", False),
        ("XX1 == 1 and true", None),
        ("XX1 == 1 or true", True),
        ("true or XX1 == 1", True),
        ("XX1 == 1 or false", None),
        ("not (XX1 == 1 and false)", True),
    ],
)
def test_null_logic(text: str, expected: object) -> None:
    assert evaluate_text(text, ANSWERS) == expected


@pytest.mark.parametrize(
    ("text", "answers"),
    [
        ("FA1 < 3", {"FA1": "yes"}),  # string with number
        ("FA1 + 1", {"FA1": "yes"}),
        ("FA1 == 1", {"FA1": "yes"}),
        ("FA1 + 1", {"FA1": True}),  # booleans are not numbers
        ("RR1 == 1", {"RR1": {"a": {"women": 1, "men": 1, "not_recorded": 0}}}),
        ("RR1.total", {"RR1": "not a table"}),
        ("RR1.total", {"RR1": {}}),
        ("'a' in FA1", {"FA1": "abc"}),  # `in` is for lists, not substrings
        ("FA1 and true", {"FA1": "yes"}),  # a string is not a truth value
        ("FA1 * 2.5", {"FA1": 10**400}),  # too large for a float
        ("FA1 / 3", {"FA1": 10**400}),
        ("FA1 + 1", {"FA1": float("nan")}),
        ("FA1 * FA2 * FA2", {"FA1": 1.0, "FA2": 1e300}),  # would overflow to infinity
        ("FA1 == 1", {"FA1": object()}),
    ],
)
def test_incompatible_data_gives_null_not_errors(text: str, answers: dict[str, object]) -> None:
    assert evaluate_text(text, answers) is None


def test_decimal_and_tuple_answers_are_accepted() -> None:
    from decimal import Decimal

    assert evaluate_text("AM1 * 2", {"AM1": Decimal("1.25")}) == 2.5
    assert evaluate_text("'b' in WD7", {"WD7": ("a", "b")}) is True


# --------------------------------------------------------------------------- errors


def error_of(text: str) -> ExpressionError:
    with pytest.raises(ExpressionError) as info:
        parse(text)
    return info.value


@pytest.mark.parametrize(
    ("text", "fragment", "position"),
    [
        ("__import__('os')", "function calls are not allowed", 1),
        ("FA1.__class__", "unknown part '__class__' of FA1", 5),
        ("FA1.__class__.__bases__", "invalid row code '__class__'", 5),
        ("a[0]", "unexpected character '['", 2),
        ("FA1[0]", "indexing is not allowed", 4),
        ("f(1)", "function calls are not allowed", 1),
        ("FA1(1)", "function calls are not allowed", 1),
        ("(FA1)(2)", "function calls are not allowed", 6),
        ("lambda: 1", "unexpected character ':'", 7),
        ("lambda x", "unknown name 'lambda'", 1),
        ("x", "unknown name 'x'", 1),
        ("os.system", "unknown name 'os'", 1),
        ("True", "keywords are lower-case, write 'true'", 1),
        ("FA1 = 1", "use == to compare", 5),
        ("FA1 && FA2", "use 'and'", 5),
        ("FA1 ** 2", "powers are not allowed", 5),
        ("FA1 % 2", "only + - * / are allowed", 5),
        ("FA1 == 1 < 2", "comparisons cannot be chained", 10),
        ("'abc", "string is not closed", 1),
        ("(FA1", "missing closing parenthesis", 1),
        ("FA1)", "unexpected ')'", 4),
        ("FA1 and", "expression ends unexpectedly", 8),
        ("FA1 FA2", "unexpected 'FA2'", 5),
        ("1.", "a decimal point must be followed by digits", 2),
        ("1e5", "malformed number", 1),
        ("0x10", "malformed number", 1),
        ("1234567890123456", "number too long", 1),
        ("+1", "unary plus is not allowed", 1),
        ("FA1.", "expected a part name after '.'", 4),
        ("FA1.officers", "unknown part 'officers' of FA1", 5),
        ("RR1.a.b.women", "too many parts", 9),
        ("RR1.women.men", "'women' is a part, not a row", 11),
        ("RR1.officers.boss", "unknown part 'boss'", 14),
        ("{'a': 1}", "braces are not allowed", 1),
        ("[1, 2]", "indexing is not allowed", 1),
        ("FA1 if FA2 else 3", "unexpected 'if'", 5),
        ("'a\\n'", "only \\\\, \\' and \\\" escapes", 3),
        ("'line\nbreak'", "invisible character U+000A", 6),
    ],
)
def test_syntax_errors_are_clear(text: str, fragment: str, position: int) -> None:
    error = error_of(text)
    assert fragment in str(error)
    assert error.position == position
    assert f"(at position {position})" in str(error)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (
            "\uff26\uff211",
            "unexpected character '\uff26' (U+FF26)",
        ),  # full-width letters look like ASCII
        ("FA1 == 'yes'\u200b", "U+200B"),  # zero-width space after the expression
        ("FA\u0031\u0301", "U+0301"),  # combining accent
        ("\u03dcA1", "U+03DC"),  # Greek digamma
        ("FA\uff11", "U+FF11"),  # full-width digit
        ("FA1 == \u00b2", "U+00B2"),  # superscript two is a digit to str.isdigit()
        ("FA1\u00a0== 1", "U+00A0"),  # non-breaking space
        ("'yes\u202e' == FA1", "invisible character U+202E"),  # right-to-left override
        ("FA1 == 'a\x00'", "invisible character U+0000"),
        ("\ufeffFA1", "U+FEFF"),
    ],
)
def test_unicode_tricks_are_rejected(text: str, fragment: str) -> None:
    assert fragment in str(error_of(text))


def test_keywords_and_strings_with_unicode_content_are_fine() -> None:
    assert evaluate_text("FA1 == 'نعم'", {"FA1": "نعم"}) is True


def test_empty_input() -> None:
    assert str(error_of("")) == "expression is empty"
    assert str(error_of("   \n ")) == "expression is empty"
    assert error_of("").position is None


def test_non_string_input() -> None:
    assert "must be a string" in str(error_of(42))  # type: ignore[arg-type]


def test_too_long_input() -> None:
    text = "FA1 + " * 1000 + "1"
    assert len(text) > MAX_LENGTH
    error = error_of(text)
    assert "too long" in str(error)
    assert "(6001 characters; at most 1000)" in str(error)
    assert "too long" in str(error_of("1" + " " * MAX_LENGTH))


def test_longest_allowed_input_parses() -> None:
    text = "1" + " + 1" * ((MAX_LENGTH - 1) // 4)
    assert len(text) <= MAX_LENGTH
    assert evaluate_text(text, {}) == (MAX_LENGTH - 1) // 4 + 1


@pytest.mark.parametrize(
    "text",
    [
        "(" * 10000 + "1" + ")" * 10000,  # over the length limit first
        "(" * 499 + "1" + ")" * 499,  # within the length limit, far too deep
        "(" * 33 + "1" + ")" * 33,
        "not " * 33 + "true",
        "-" * 33 + "1",
        "- " * 40 + "FA1",
        "(" * 600,  # never closed
        "not (" * 100 + "true" + ")" * 100,
    ],
)
def test_deep_nesting_is_an_expression_error_not_a_recursion_error(text: str) -> None:
    error = error_of(text)  # a RecursionError would fail the test
    assert "nested more than 32 levels" in str(error) or "too long" in str(error)


def test_nesting_up_to_the_limit_is_allowed() -> None:
    text = "(" * MAX_DEPTH + "1" + ")" * MAX_DEPTH
    assert evaluate_text(text, {}) == 1
    assert evaluate_text("not " * MAX_DEPTH + "true", {}) is True
    deep = "(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1)
    assert "nested more than 32 levels" in str(error_of(deep))


def test_expression_error_is_a_value_error() -> None:
    assert issubclass(ExpressionError, ValueError)


def test_random_input_only_ever_raises_expression_error() -> None:
    rng = random.Random(1325)
    pieces = [
        "FA1", "RR1", ".", "women", "total", "officers", "(", ")", "not", "and", "or", "in",
        "==", "!=", "<", ">=", "+", "-", "*", "/", "'x'", '"y"', "1", "2.5", "0", "true",
        "null", "[", ",", "f", "__", "\u00e9", "\u200b", " ", "'",
    ]  # fmt: skip
    answers: dict[str, object] = {
        "FA1": 0,
        "RR1": {"officers": {"women": 1, "men": 0, "not_recorded": 0}},
    }
    parsed = 0
    for _ in range(3000):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        try:
            node = parse(text)
        except ExpressionError:
            continue
        parsed += 1
        evaluate(node, answers)  # never raises for data
    assert parsed > 50  # enough valid ones to exercise evaluation too
