"""Answer values: parsing what people type, and checking whole answer sets against a framework."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any, cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.audits import values
from audit.audits.values import (
    MAX_AMOUNT,
    MAX_CELL,
    MAX_COUNT,
    Problem,
    blocking,
    parse,
    parse_currency,
    table_totals,
    to_input,
)
from audit.frameworks import expr, spec
from audit.frameworks.evaluation import Status, effective_answers, evaluate

SHIPPED = Path(__file__).resolve().parents[2] / "audit" / "frameworks" / "data" / "wps-2026.1"
TODAY = date(2026, 3, 15)
T = {"en": "x", "ar": "x", "fr": "x", "es": "x"}
POLICE_STATION = {"service": "police", "unit_type": "station"}
ARMY_BARRACKS = {"service": "military", "unit_type": "barracks"}


@cache
def shipped() -> spec.Framework:
    """The shipped framework, read once for the whole module."""
    fw, problems = spec.read(SHIPPED)
    assert fw is not None, problems
    return fw


def ind(answer_type: str, code: str = "XA1", **extra: Any) -> spec.Indicator:
    """A small indicator built directly, with only what a case needs."""
    return spec.Indicator(code=code, type=answer_type, text=T, **extra)


def options(*codes: str, scores: Sequence[float | None] = ()) -> tuple[spec.Option, ...]:
    scored = list(scores) or [None] * len(codes)
    return tuple(spec.Option(c, T, s) for c, s in zip(codes, scored, strict=True))


def rows(*codes: str) -> tuple[spec.Row, ...]:
    return tuple(spec.Row(c, T) for c in codes)


def framework(*indicators: spec.Indicator) -> spec.Framework:
    """A one-domain framework around inline indicators (not validated: evaluate needs no more)."""
    domain = spec.Domain("XA", T, T, tuple(indicators))
    return spec.Framework("test", "1", T, spec.DEFAULT_FRAMEWORK_BANDS, (), (), (domain,), "0")


def codes(problems: Sequence[Problem]) -> list[str]:
    return [p.code for p in problems]


def ok(indicator: spec.Indicator, raw: object) -> object:
    """The parsed value, asserting that there were no problems."""
    value, problems = parse(indicator, raw, today=TODAY)
    assert problems == []
    return value


def problem_codes(indicator: spec.Indicator, raw: object) -> list[str]:
    """The problem codes, asserting that no value came back with them."""
    value, problems = parse(indicator, raw, today=TODAY)
    assert value is None
    return codes(problems)


# --------------------------------------------------------------------------- choices


@pytest.mark.parametrize(
    ("answer_type", "raw", "expected"),
    [
        ("yes_no", "yes", "yes"),
        ("yes_no", "  no\n", "no"),
        ("no_partly_yes", "partly", "partly"),
        ("rubric", "missing", "missing"),
        ("rubric", "exceeds", "exceeds"),
    ],
)
def test_levels_are_stored_as_their_codes(answer_type: str, raw: str, expected: str) -> None:
    assert ok(ind(answer_type), raw) == expected


@pytest.mark.parametrize(
    ("answer_type", "raw"),
    [
        ("yes_no", "maybe"),
        ("yes_no", "Yes"),
        ("yes_no", "partly"),
        ("no_partly_yes", "meets"),
        ("rubric", "partly"),
        ("rubric", "yes"),
    ],
)
def test_unknown_levels_are_refused(answer_type: str, raw: str) -> None:
    assert problem_codes(ind(answer_type), raw) == ["unknown_option"]


@pytest.mark.parametrize(
    "answer_type",
    ["yes_no", "no_partly_yes", "rubric", "choice", "count", "amount", "date", "text"],
)
@pytest.mark.parametrize("raw", ["", "   ", "\t\n"])
def test_blank_input_is_no_answer(answer_type: str, raw: str) -> None:
    assert parse(ind(answer_type, options=options("a")), raw, today=TODAY) == (None, [])


def test_choice_takes_one_option_code() -> None:
    choice = ind("choice", options=options("a", "b"))
    assert ok(choice, " b ") == "b"
    assert problem_codes(choice, "c") == ["unknown_option"]


def test_multi_choice_is_a_sorted_list_of_unique_codes() -> None:
    multi = ind("multi_choice", options=options("a", "b", "c"))
    assert ok(multi, ["c", "a", "a"]) == ["a", "c"]
    assert ok(multi, "b") == ["b"]
    assert ok(multi, ["", "a"]) == ["a"]
    assert parse(multi, [], today=TODAY) == (None, [])
    assert parse(multi, ["", " "], today=TODAY) == (None, [])
    assert problem_codes(multi, ["a", "zz"]) == ["unknown_option"]


@pytest.mark.parametrize("raw", [None, 3, ["a", 3], [["a"]], {"a": "a"}, ("a", None)])
def test_multi_choice_refuses_other_shapes(raw: object) -> None:
    assert problem_codes(ind("multi_choice", options=options("a")), raw) == ["wrong_type"]


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12),
        ("0", 0),
        (" 007 ", 7),
        ("1 234", 1234),
        ("1\u202f234\u00a0567", 1234567),
        ("١٢", 12),  # Arabic-Indic digits
        ("१२", 12),  # Devanagari digits (Nepal)
        ("-0", 0),
    ],
)
def test_count_accepts_digits_of_any_script_and_space_grouping(raw: str, expected: int) -> None:
    value = ok(ind("count"), raw)
    assert value == expected
    assert type(value) is int


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("-3", "negative"),
        ("\u22123", "negative"),
        ("3.5", "not_an_integer"),
        ("3.0", "not_an_integer"),
        ("1.000", "not_an_integer"),  # a thousand in Spanish, one in English: refused
        ("1,000", "not_an_integer"),
        ("abc", "not_a_number"),
        ("1e3", "not_a_number"),
        ("nan", "not_a_number"),
        ("inf", "not_a_number"),
        ("0x10", "not_a_number"),
        ("1_000", "not_a_number"),
        ("12abc", "not_a_number"),
        ("1..2", "not_a_number"),
        ("1.2.3", "not_a_number"),
        (".5", "not_a_number"),
        ("5.", "not_a_number"),
        ("+5", "not_a_number"),
        ("1  000", "not_a_number"),
        ("²", "not_a_number"),
        ("9" * 65, "not_a_number"),
    ],
)
def test_count_refuses_what_is_not_a_whole_number(raw: str, problem: str) -> None:
    assert problem_codes(ind("count"), raw) == [problem]


def test_count_bounds() -> None:
    bounded = ind("count", min=1, max=10)
    assert ok(bounded, "1") == 1
    assert ok(bounded, "10") == 10
    assert parse(bounded, "0", today=TODAY) == (None, [Problem("too_small", {"min": 1})])
    assert parse(bounded, "11", today=TODAY) == (None, [Problem("too_large", {"max": 10})])
    unbounded = ind("count")
    assert ok(unbounded, str(MAX_COUNT)) == MAX_COUNT
    too_big = parse(unbounded, str(MAX_COUNT + 1), today=TODAY)
    assert too_big == (None, [Problem("too_large", {"max": MAX_COUNT})])
    assert problem_codes(unbounded, "9" * 40) == ["too_large"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12.5", 12.5), ("12,50", 12.5), ("12.00", 12), ("0", 0), ("1 500,75", 1500.75)],
)
def test_amount_takes_up_to_two_decimals(raw: str, expected: float) -> None:
    value = ok(ind("amount"), raw)
    assert value == expected
    assert type(value) is type(expected)


def test_amount_problems() -> None:
    amount = ind("amount", min=10, max=1000)
    assert parse(amount, "1.234", today=TODAY) == (None, [Problem("too_many_decimals", {"max": 2})])
    assert problem_codes(amount, "-1") == ["negative"]
    assert problem_codes(amount, "1e5") == ["not_a_number"]
    assert parse(amount, "9.99", today=TODAY) == (None, [Problem("too_small", {"min": 10})])
    assert parse(amount, "1000.01", today=TODAY) == (None, [Problem("too_large", {"max": 1000})])
    assert problem_codes(ind("amount"), str(MAX_AMOUNT + 1)) == ["too_large"]


def test_currency_is_three_letters_in_upper_case() -> None:
    assert parse_currency("USD") == ("USD", [])
    assert parse_currency(" eur ") == ("EUR", [])
    assert parse_currency("") == (None, [])
    assert parse_currency("US") == (None, [Problem("bad_currency")])
    assert parse_currency("US$") == (None, [Problem("bad_currency")])
    assert parse_currency("ÉUR") == (None, [Problem("bad_currency")])
    assert parse_currency(840) == (None, [Problem("wrong_type")])


# --------------------------------------------------------------------------- sex tables


def table_input(**cells: tuple[str, str, str]) -> dict[str, dict[str, str]]:
    return {row: dict(zip(expr.CELL_PARTS, texts, strict=True)) for row, texts in cells.items()}


def test_sex_table_is_stored_as_integers_per_row_and_totals_follow() -> None:
    table = ind("sex_table", code="XA9", rows=rows("officers", "ncos"))
    value = ok(table, table_input(officers=("3", " 7 ", "0"), ncos=("5", "15", "2")))
    assert value == {
        "officers": {"women": 3, "men": 7, "not_recorded": 0},
        "ncos": {"women": 5, "men": 15, "not_recorded": 2},
    }
    assert table_totals(cast(dict[str, dict[str, int]], value)) == {
        "rows": {"officers": 10, "ncos": 22},
        "columns": {"women": 8, "men": 22, "not_recorded": 2},
        "total": 32,
    }
    answers = {"XA9": value}
    assert expr.evaluate_text("XA9.total", answers) == 32
    assert expr.evaluate_text("XA9.women", answers) == 8
    assert expr.evaluate_text("XA9.ncos.total", answers) == 22


def test_an_untouched_sex_table_is_no_answer() -> None:
    table = ind("sex_table", rows=rows("a", "b"))
    assert parse(table, table_input(a=("", " ", ""), b=("", "", "")), today=TODAY) == (None, [])
    assert parse(table, {}, today=TODAY) == (None, [])
    assert parse(table, {"a": {}}, today=TODAY) == (None, [])


def test_a_half_filled_sex_table_names_each_empty_cell() -> None:
    table = ind("sex_table", rows=rows("a", "b"))
    value, problems = parse(
        table, {"a": {"women": "3", "men": "", "not_recorded": "0"}}, today=TODAY
    )
    assert value is None
    assert [p.part for p in problems] == ["a.men", "b.women", "b.men", "b.not_recorded"]
    assert set(codes(problems)) == {"cell_required"}
    assert problems[0].params == {"row": "a", "column": "men"}


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ("x", Problem("cell_not_a_number", {"row": "a", "column": "men"}, "a.men")),
        ("-1", Problem("cell_negative", {"row": "a", "column": "men"}, "a.men")),
        ("1.5", Problem("cell_not_an_integer", {"row": "a", "column": "men"}, "a.men")),
        (
            str(MAX_CELL + 1),
            Problem("cell_too_large", {"row": "a", "column": "men", "max": MAX_CELL}, "a.men"),
        ),
    ],
)
def test_sex_table_cell_problems(cell: str, problem: Problem) -> None:
    table = ind("sex_table", rows=rows("a"))
    assert parse(table, table_input(a=("1", cell, "0")), today=TODAY) == (None, [problem])


def test_sex_table_cell_limit_is_inclusive() -> None:
    table = ind("sex_table", rows=rows("a"))
    assert ok(table, table_input(a=(str(MAX_CELL), "0", "0"))) == {
        "a": {"women": MAX_CELL, "men": 0, "not_recorded": 0}
    }


@pytest.mark.parametrize(
    ("raw", "part"),
    [
        (None, None),
        ("3", None),
        (["a"], None),
        ({"zzz": {"women": "1"}}, None),
        ({1: {"women": "1"}}, None),
        ({"a": "3"}, "a"),
        ({"a": ["3"]}, "a"),
        ({"a": {"women": "1", "total": "1"}}, "a"),
        ({"a": {"women": 3}}, "a.women"),
        ({"a": {"women": None}}, "a.women"),
        ({"a": {"women": {"x": "1"}}}, "a.women"),
    ],
)
def test_sex_table_refuses_other_shapes(raw: object, part: str | None) -> None:
    value, problems = parse(ind("sex_table", rows=rows("a")), raw, today=TODAY)
    assert value is None
    assert Problem("wrong_type", part=part) in problems
    assert set(codes(problems)) == {"wrong_type"}


# --------------------------------------------------------------------------- dates and text


def test_dates() -> None:
    day = ind("date")
    assert ok(day, " 2024-02-29 ") == "2024-02-29"
    assert ok(day, TODAY.isoformat()) == TODAY.isoformat()
    assert ok(day, "1900-01-01") == "1900-01-01"
    for raw in (
        "2023-02-29",
        "20240101",
        "2024-1-5",
        "2024-01-01T00:00",
        "٢٠٢٤-٠١-٠١",
        "0000-01-01",
    ):
        assert problem_codes(day, raw) == ["not_a_date"], raw
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    assert parse(day, tomorrow, today=TODAY) == (
        None,
        [Problem("in_the_future", {"today": TODAY.isoformat()})],
    )
    assert parse(day, "1899-12-31", today=TODAY) == (
        None,
        [Problem("too_old", {"min": "1900-01-01"})],
    )


def test_text_is_stripped_with_one_kind_of_line_break() -> None:
    text = ind("text", max_length=20)
    assert ok(text, "  hello\r\nworld\tok \n") == "hello\nworld\tok"
    assert ok(ind("text", max_length=3), "a\r\nb") == "a\nb"  # \r\n counts as one character


def test_text_length() -> None:
    assert parse(ind("text", max_length=10), "x" * 11, today=TODAY) == (
        None,
        [Problem("too_long", {"max": 10, "length": 11})],
    )
    default = ind("text")  # max_length None: the format's default of 4000
    assert ok(default, "x" * 4000) == "x" * 4000
    assert problem_codes(default, "x" * 4001) == ["too_long"]
    assert problem_codes(default, "x" * 1_000_000) == ["too_long"]


@pytest.mark.parametrize("raw", ["a\x00b", "a\x1bb", "a\x7fb", "a\x85b", "a\x0bb", "a\ud800b"])
def test_text_refuses_control_characters(raw: str) -> None:
    assert problem_codes(ind("text"), raw) == ["control_characters"]


def test_percentages_are_never_typed() -> None:
    percentage = ind("percentage", formula="XA2 / XA3 * 100")
    assert problem_codes(percentage, "50") == ["computed"]
    assert problem_codes(percentage, 50) == ["computed"]
    assert parse(percentage, "", today=TODAY) == (None, [])


@pytest.mark.parametrize(
    "answer_type",
    ["yes_no", "no_partly_yes", "rubric", "choice", "count", "amount", "date", "text"],
)
@pytest.mark.parametrize("raw", [None, 3, 3.5, True, ["yes"], {"yes": "yes"}, b"yes"])
def test_single_fields_refuse_anything_but_text(answer_type: str, raw: object) -> None:
    assert problem_codes(ind(answer_type, options=options("yes")), raw) == ["wrong_type"]


def test_an_unknown_answer_type_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown answer type"):
        parse(ind("bogus"), "1", today=TODAY)


@pytest.mark.parametrize(
    ("indicator", "value"),
    [
        (ind("yes_no"), "yes"),
        (ind("count"), 1234),
        (ind("amount"), 12.5),
        (ind("amount"), 0.07),
        (ind("amount"), 300),
        (ind("date"), "2020-01-31"),
        (ind("text"), "two\nlines"),
        (ind("multi_choice", options=options("a", "b")), ["a", "b"]),
        (
            ind("sex_table", rows=rows("a", "b")),
            {
                "a": {"women": 1, "men": 2, "not_recorded": 0},
                "b": {"women": 0, "men": 0, "not_recorded": 9},
            },
        ),
    ],
)
def test_to_input_gives_back_what_parse_reads(indicator: spec.Indicator, value: object) -> None:
    assert ok(indicator, to_input(indicator, value)) == value


def test_to_input_of_no_answer_is_an_empty_form() -> None:
    assert to_input(ind("count"), None) == ""
    assert to_input(ind("multi_choice"), None) == []
    assert to_input(ind("sex_table", rows=rows("a")), None) == {
        "a": {"women": "", "men": "", "not_recorded": ""}
    }


def test_problems_compare_by_value_and_can_be_hashed() -> None:
    first = Problem("too_large", {"max": 10})
    assert first == Problem("too_large", {"max": 10})
    assert first != Problem("too_large", {"max": 11})
    assert len({first, Problem("too_large", {"max": 10}), Problem("required")}) == 2


# --------------------------------------------------------------------------- property


json_like = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.text(alphabet="0123456789-.,: ١٢e\u202f\u066b", max_size=12)
    | st.sampled_from(["yes", "no", "partly", "meets", "health", "none", "2024-01-01", ""]),
    lambda children: (
        st.lists(children, max_size=6)
        | st.dictionaries(
            st.sampled_from(["officers", "trained", "a", "women", "men", "not_recorded", "total"])
            | st.text(max_size=8),
            children,
            max_size=6,
        )
    ),
    max_leaves=25,
)


@settings(max_examples=400, deadline=None, database=None)
@given(data=st.data(), raw=json_like)
def test_parse_never_raises_on_any_shipped_indicator(data: st.DataObject, raw: object) -> None:
    indicator = data.draw(st.sampled_from(shipped().indicators))
    value, problems = parse(indicator, raw, today=TODAY)
    assert all(isinstance(p, Problem) for p in problems)
    if problems:
        assert value is None
    if value is not None:
        json.dumps(value, allow_nan=False)
        assert parse(indicator, to_input(indicator, value), today=TODAY) == (value, [])


@settings(max_examples=100, deadline=None, database=None)
@given(data=st.data())
def test_sex_tables_of_the_shipped_framework_parse_whatever_counts_are_typed(
    data: st.DataObject,
) -> None:
    tables = [i for i in shipped().indicators if i.type == "sex_table"]
    indicator = data.draw(st.sampled_from(tables))
    cell = st.integers(0, MAX_CELL)
    raw = {row.code: {c: str(data.draw(cell)) for c in expr.CELL_PARTS} for row in indicator.rows}
    value = ok(indicator, raw)
    assert value == {r: {c: int(t) for c, t in cells.items()} for r, cells in raw.items()}


# --------------------------------------------------------------------------- evaluate


def test_womens_desk_questions_apply_to_police_stations_only() -> None:
    fw = shipped()
    station = evaluate(fw, {}, **POLICE_STATION)
    barracks = evaluate(fw, {"WD1": "yes", "WD9": 3}, **ARMY_BARRACKS)
    assert list(station) == [i.code for i in fw.indicators]
    wd = [i.code for i in fw.domain("WD").indicators]
    assert all(station[c].applicable for c in wd)
    assert not any(barracks[c].applicable for c in wd)
    assert barracks["WD1"] == Status(applicable=False, skipped=False, value=None, problems=())
    # FA8 (living quarters) is asked of barracks and deploying units only.
    assert barracks["FA8"].applicable
    assert not station["FA8"].applicable


def test_womens_desk_no_skips_the_rest_of_the_section() -> None:
    fw = shipped()
    answers = {"WD1": "no", "WD2": "around_the_clock", "WD9": 3, "FA5": "yes"}
    statuses = evaluate(fw, answers, **POLICE_STATION)
    assert not statuses["WD1"].skipped
    assert statuses["WD1"].value == "no"
    later = [i.code for i in fw.domain("WD").indicators if i.code != "WD1"]
    assert all(statuses[c].skipped for c in later)
    assert statuses["WD2"].value is None
    # A stale answer to a skipped question is reported, and ignored.
    assert statuses["WD2"].problems == (Problem("skipped", {"condition": "WD1 == 'no'"}),)
    assert statuses["WD3"].problems == ()
    assert effective_answers(fw, answers, statuses) == {"WD1": "no", "FA5": "yes"}

    yes = evaluate(fw, {**answers, "WD1": "yes"}, **POLICE_STATION)
    assert not any(yes[c].skipped for c in later)
    assert yes["WD2"].value == "around_the_clock"


def test_skipped_answers_count_as_null_for_later_conditions() -> None:
    fw = framework(
        ind("yes_no", "XA1"),
        ind("choice", "XA2", options=options("filled", "vacant"), skip_if="XA1 == 'no'"),
        ind("yes_no", "XA3", skip_if="XA2 == 'vacant'"),
        ind("yes_no", "XA4", skip_if="XA2 != 'vacant'"),
    )
    statuses = evaluate(fw, {"XA1": "no", "XA2": "vacant"}, service="police", unit_type="hq")
    assert statuses["XA2"].skipped
    # XA2 is null, so neither condition on it is true: null does not skip.
    assert not statuses["XA3"].skipped
    assert not statuses["XA4"].skipped
    direct = evaluate(fw, {"XA1": "yes", "XA2": "vacant"}, service="police", unit_type="hq")
    assert direct["XA3"].skipped
    assert not direct["XA4"].skipped


def test_inapplicable_answers_count_as_null_too() -> None:
    fw = framework(
        ind("yes_no", "XA1", unit_types=("academy",)),
        ind("yes_no", "XA2", skip_if="XA1 == 'no'"),
    )
    assert not evaluate(fw, {"XA1": "no"}, service="police", unit_type="hq")["XA2"].skipped
    assert evaluate(fw, {"XA1": "no"}, service="police", unit_type="academy")["XA2"].skipped


def test_trained_desk_officers_cannot_outnumber_assigned_ones() -> None:
    fw = shipped()
    assigned = {
        "full_time": {"women": 1, "men": 2, "not_recorded": 0},
        "additional_duty": {"women": 0, "men": 0, "not_recorded": 0},
    }
    trained = {"trained": {"women": 3, "men": 0, "not_recorded": 0}}
    answers = {"WD1": "yes", "WD3": assigned, "WD5": trained}
    statuses = evaluate(fw, answers, **POLICE_STATION)
    rule = fw.indicator("WD5").rules[0]
    (problem,) = statuses["WD5"].problems
    assert (problem.code, problem.params["rule"]) == ("rule_broken", rule)
    # The answers it compared, with the values the rule read (for the message to show them).
    compared = {str(c.ref): c.value for c in problem.params["compared"]}
    assert compared == {"WD3.men": 2, "WD3.women": 1, "WD5.men": 0, "WD5.women": 3}
    assert statuses["WD3"].problems == ()
    # A skipped question's rules are not checked.
    skipped = evaluate(fw, {**answers, "WD1": "no"}, **POLICE_STATION)
    assert skipped["WD5"].problems == (Problem("skipped", {"condition": "WD1 == 'no'"}),)
    fine = {"trained": {"women": 1, "men": 2, "not_recorded": 0}}
    assert evaluate(fw, {**answers, "WD5": fine}, **POLICE_STATION)["WD5"].problems == ()


def test_rules_wait_for_the_answers_they_need() -> None:
    statuses = evaluate(shipped(), {"FA1a": 6}, **POLICE_STATION)
    assert statuses["FA1a"].problems == ()
    broken = evaluate(shipped(), {"FA1": 5, "FA1a": 6}, **POLICE_STATION)
    assert codes(broken["FA1a"].problems) == ["rule_broken"]
    rule = cast(spec.Rule, broken["FA1a"].problems[0].params["rule"])
    assert rule.check == "FA1a <= FA1"


def test_percentages_are_computed_from_effective_answers() -> None:
    fw = shipped()
    statuses = evaluate(fw, {"FA1": 8, "FA1a": 2, "FA1b": 99}, **POLICE_STATION)
    assert statuses["FA1b"].value == 25
    assert statuses["FA1b"].problems == ()
    assert evaluate(fw, {"FA1": 8}, **POLICE_STATION)["FA1b"].value is None
    # FA9b is for academies only: the same inputs give nothing at a station.
    at_station = evaluate(fw, {"FA9": 3, "FA9a": 12}, **POLICE_STATION)
    assert at_station["FA9b"].value is None
    assert (
        evaluate(fw, {"FA9": 3, "FA9a": 12}, service="police", unit_type="academy")["FA9b"].value
        == 25
    )
    desk = {
        "WD1": "yes",
        "WD3": {
            "full_time": {"women": 2, "men": 1, "not_recorded": 0},
            "additional_duty": {"women": 1, "men": 0, "not_recorded": 0},
        },
        "WD5": {"trained": {"women": 1, "men": 1, "not_recorded": 0}},
    }
    assert evaluate(fw, desk, **POLICE_STATION)["WD5a"].value == 50
    assert evaluate(fw, {**desk, "WD1": "no"}, **POLICE_STATION)["WD5a"].value is None
    assert evaluate(fw, desk, **ARMY_BARRACKS)["WD5a"].value is None


def test_skipped_inputs_are_removed_before_computing() -> None:
    fw = framework(
        ind("yes_no", "XA1"),
        ind("count", "XA2", skip_if="XA1 == 'no'"),
        ind("count", "XA3"),
        ind("percentage", "XA4", formula="XA3 / XA2 * 100"),
        ind("percentage", "XA5", formula="XA4 / 2"),
        ind("yes_no", "XA6", skip_if="XA5 < 10"),
    )
    answers = {"XA1": "yes", "XA2": 10, "XA3": 1}
    statuses = evaluate(fw, answers, service="police", unit_type="hq")
    assert statuses["XA4"].value == 10
    assert statuses["XA5"].value == 5
    assert statuses["XA6"].skipped  # a condition may read a percentage
    skipped = evaluate(fw, {**answers, "XA1": "no"}, service="police", unit_type="hq")
    assert skipped["XA4"].value is None
    assert skipped["XA5"].value is None
    assert not skipped["XA6"].skipped


def test_effective_answers_are_what_scoring_reads() -> None:
    fw = shipped()
    answers = {"FA1": 8, "FA1a": 2, "FA1b": 99, "FA9": 3, "WD1": "yes", "ZZ9": "stray"}
    statuses = evaluate(fw, answers, **ARMY_BARRACKS)
    assert effective_answers(fw, answers, statuses) == {"FA1": 8, "FA1a": 2, "FA1b": 25}


# --------------------------------------------------------------------------- blocking


def test_an_empty_audit_is_blocked_by_every_required_question() -> None:
    fw = shipped()
    statuses = evaluate(fw, {}, **POLICE_STATION)
    found = blocking(fw, statuses, {}, not_applicable={}, evidence=set())
    expected = [
        i.code
        for i in fw.indicators
        if i.applies("police", "station") and i.required and i.type not in ("percentage", "text")
    ]
    assert [code for code, _ in found] == expected
    assert {p for _, p in found} == {Problem("required")}
    assert "WD1" in expected
    assert "FA1b" not in expected
    assert "FA8" not in expected


def test_text_and_skipped_questions_are_never_required() -> None:
    fw = framework(
        ind("yes_no", "XA1"),
        ind("yes_no", "XA2", skip_if="XA1 == 'no'"),
        ind("text", "XA3", required=True),
        ind("percentage", "XA4", formula="1 / 0"),
    )
    answers = {"XA1": "no"}
    statuses = evaluate(fw, answers, service="police", unit_type="hq")
    assert blocking(fw, statuses, answers, not_applicable={}, evidence=set()) == []
    statuses = evaluate(fw, {}, service="police", unit_type="hq")
    assert blocking(fw, statuses, {}, not_applicable={}, evidence=set()) == [
        ("XA1", Problem("required")),
        ("XA2", Problem("required")),
    ]


def test_not_applicable_needs_a_reason() -> None:
    fw = shipped()
    statuses = evaluate(fw, {}, **POLICE_STATION)

    def blockers(reason: str) -> list[Problem]:
        found = blocking(fw, statuses, {}, not_applicable={"FA1": reason}, evidence=set())
        return [p for code, p in found if code == "FA1"]

    assert blockers("The station has no staff of its own") == []
    assert blockers("  ") == [Problem("not_applicable_needs_reason")]
    assert blockers("") == [Problem("not_applicable_needs_reason")]


@pytest.mark.parametrize(
    ("indicator", "value", "needs"),
    [
        (ind("yes_no", evidence="required"), "yes", True),
        (ind("yes_no", evidence="required"), "no", False),
        (ind("no_partly_yes", evidence="required"), "partly", True),
        (ind("rubric", evidence="required"), "missing", False),
        (ind("rubric", evidence="required"), "approaches", True),
        (ind("count", evidence="required"), 0, False),
        (ind("count", evidence="required"), 3, True),
        (ind("amount", evidence="required"), 0.5, True),
        (ind("choice", evidence="required", options=options("a", "b", scores=(1, 0))), "a", True),
        (ind("choice", evidence="required", options=options("a", "b", scores=(1, 0))), "b", False),
        (ind("multi_choice", evidence="required", options=options("a", "none")), ["none"], False),
        (ind("multi_choice", evidence="required", options=options("a", "none")), ["a"], True),
        (
            ind("sex_table", evidence="required", rows=rows("r")),
            {"r": {"women": 0, "men": 0, "not_recorded": 0}},
            False,
        ),
        (
            ind("sex_table", evidence="required", rows=rows("r")),
            {"r": {"women": 0, "men": 1, "not_recorded": 0}},
            True,
        ),
        (ind("date", evidence="required"), "2025-01-01", True),
        (ind("yes_no", evidence="optional"), "yes", False),
    ],
)
def test_evidence_is_required_for_answers_that_claim_something(
    indicator: spec.Indicator, value: object, needs: bool
) -> None:
    fw = framework(indicator)
    answers = {indicator.code: value}
    statuses = evaluate(fw, answers, service="police", unit_type="hq")
    without = blocking(fw, statuses, answers, not_applicable={}, evidence=set())
    assert without == ([(indicator.code, Problem("evidence_required"))] if needs else [])
    attached = blocking(fw, statuses, answers, not_applicable={}, evidence={indicator.code})
    assert attached == []


def test_blocking_on_the_shipped_framework_lists_evidence_and_broken_rules() -> None:
    fw = shipped()
    answers = {"FA1": 5, "FA1a": 6, "FA5": "yes", "WD1": "no"}
    statuses = evaluate(fw, answers, **POLICE_STATION)
    found = dict(
        (code, p)
        for code, p in blocking(fw, statuses, answers, not_applicable={}, evidence=set())
        if p.code != "required"
    )
    assert found["FA5"] == Problem("evidence_required")
    assert found["FA1a"].code == "rule_broken"
    assert set(found) == {"FA1a", "FA5"}  # WD1 "no" claims nothing a document could prove
    with_evidence = blocking(fw, statuses, answers, not_applicable={}, evidence={"FA5"})
    assert [c for c, p in with_evidence if p.code == "evidence_required"] == []
    # Skipped WD questions do not block, answered or not.
    assert not any(code.startswith("WD") for code, _ in with_evidence)


def test_values_module_is_pure() -> None:
    source = Path(values.__file__).read_text(encoding="utf-8")
    for name in ("flask", "sqlalchemy", "audit.extensions", "audit.models"):
        assert f"import {name}" not in source
        assert f"from {name}" not in source
