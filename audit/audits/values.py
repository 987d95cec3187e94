"""Answer values: turn what a person typed into stored values, and say what blocks submission.

Pure logic over plain data and the frozen framework dataclasses: no Flask, no translations, no
database. Problems are message keys with parameters (`Problem`, shared with
audit/frameworks/evaluation.py, which decides which questions count); the web layer translates
them.

Stored forms (JSON-serialisable, the shapes `expr.evaluate` reads):

- yes_no "yes"/"no"; no_partly_yes "no"/"partly"/"yes"; rubric "missing"/…/"exceeds";
  choice an option code; multi_choice a sorted, non-empty list of unique option codes;
- count an int ≥ 0; amount an int or float ≥ 0 with at most two decimals (the currency is kept
  apart, see `parse_currency`);
- sex_table `{row: {"women": int, "men": int, "not_recorded": int}}` with every row;
- date "YYYY-MM-DD"; text a stripped string; percentage is never stored (computed).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from audit.frameworks import spec
from audit.frameworks.evaluation import Problem, Status
from audit.frameworks.expr import CELL_PARTS

__all__ = [
    "CONTROL_CHARACTERS",
    "MAX_AMOUNT",
    "MAX_CELL",
    "MAX_COUNT",
    "MAX_DECIMALS",
    "MIN_DATE",
    "Problem",
    "blocking",
    "parse",
    "parse_currency",
    "rule_blocks",
    "table_totals",
    "to_input",
]

#: Largest count accepted when the indicator gives no max (far beyond any unit, still exact in JS).
MAX_COUNT = 10**12
#: Largest amount: below 2**53 / 100, so every amount with two decimals is exact as a float.
MAX_AMOUNT = 10**13
#: Largest number in one cell of a sex table.
MAX_CELL = 10_000_000
MAX_DECIMALS = 2
MIN_DATE = date(1900, 1, 1)
#: Longer number input is not a number anyone typed; refusing it early bounds the work.
MAX_NUMBER_CHARS = 64

_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CURRENCY_RE = re.compile(r"[A-Za-z]{3}")
# C0 and C1 controls (category Cc) and lone surrogates, which cannot be stored as UTF-8;
# newline and tab are the only controls a narrative needs.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
#: The same check for any other free text (reasons, messages, references).
CONTROL_CHARACTERS = _CONTROL_RE
# Digit grouping people type: spaces (also the no-break and thin ones French uses) and the
# Arabic thousands separator. Commas and points are not grouping: they are decimal separators.
_GROUPING = frozenset(" \u00a0\u202f\u2009\u066c")
# Point, comma (French and Spanish) and the Arabic decimal separator.
_DECIMAL_SEPARATORS = frozenset(".,\u066b")
_MINUS_SIGNS = frozenset("-\u2212")
_CHOICE_TYPES = ("yes_no", "no_partly_yes", "rubric", "choice")


WRONG_TYPE = Problem("wrong_type")


# --------------------------------------------------------------------------- numbers


class _Number(NamedTuple):
    value: Decimal
    decimals: int  # digits after the decimal separator
    has_separator: bool


def _read_number(text: str) -> _Number | None:
    """A number written with digits of any script, or None when it is not one.

    Our own reader instead of float(): float() accepts "nan", "1e999", "1_0" and "0x" forms
    nobody types into a count, and would turn them into values we would then have to refuse.
    """
    if len(text) > MAX_NUMBER_CHARS:
        return None
    negative = text[:1] in _MINUS_SIGNS
    body = text[1:].lstrip() if negative else text
    whole: list[str] = []
    fraction: list[str] = []
    separator = False
    previous_digit = False
    for index, char in enumerate(body):
        digit = unicodedata.decimal(char, None)
        if digit is not None:
            (fraction if separator else whole).append(str(digit))
            previous_digit = True
            continue
        following = body[index + 1 : index + 2]
        next_digit = bool(following) and unicodedata.decimal(following, None) is not None
        if char in _GROUPING and not separator and previous_digit and next_digit:
            previous_digit = False
            continue
        if char in _DECIMAL_SEPARATORS and not separator and previous_digit and next_digit:
            separator = True
            previous_digit = False
            continue
        return None
    if not whole:
        return None
    digits = "".join(whole) + ("." + "".join(fraction) if separator else "")
    value = Decimal(digits)
    return _Number(-value if negative else value, len(fraction), separator)


def _plain_number(value: Decimal) -> int | float:
    """An int when the value is whole, else a float (JSON has no decimals)."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _bounds(
    ind: spec.Indicator, value: Decimal, cap: int, part: str | None = None
) -> list[Problem]:
    if ind.min is not None and value < Decimal(str(ind.min)):
        return [Problem("too_small", {"min": ind.min}, part)]
    limit: float = cap if ind.max is None else min(ind.max, cap)
    if value > Decimal(str(limit)):
        return [Problem("too_large", {"max": limit}, part)]
    return []


def _parse_count(ind: spec.Indicator, text: str) -> tuple[object | None, list[Problem]]:
    number = _read_number(text)
    if number is None:
        return None, [Problem("not_a_number")]
    if number.value < 0:
        return None, [Problem("negative")]
    # Any separator is refused, even in "3.0": in Spanish "1.000" is a thousand, and a count
    # must never be silently read as a thousand times smaller.
    if number.has_separator:
        return None, [Problem("not_an_integer")]
    problems = _bounds(ind, number.value, MAX_COUNT)
    return (None, problems) if problems else (int(number.value), [])


def _parse_amount(ind: spec.Indicator, text: str) -> tuple[object | None, list[Problem]]:
    number = _read_number(text)
    if number is None:
        return None, [Problem("not_a_number")]
    if number.value < 0:
        return None, [Problem("negative")]
    # "1.000" has three decimals and is refused rather than read as one (or as a thousand).
    if number.decimals > MAX_DECIMALS:
        return None, [Problem("too_many_decimals", {"max": MAX_DECIMALS})]
    problems = _bounds(ind, number.value, MAX_AMOUNT)
    return (None, problems) if problems else (_plain_number(number.value), [])


# --------------------------------------------------------------------------- other types


def _parse_option(ind: spec.Indicator, text: str) -> tuple[object | None, list[Problem]]:
    if text in (ind.allowed_values or ()):
        return text, []
    return None, [Problem("unknown_option")]


def _parse_multi(ind: spec.Indicator, raw: object) -> tuple[object | None, list[Problem]]:
    items: Sequence[object]
    if isinstance(raw, str):
        items = [raw]  # a client sending one code instead of a list of one
    elif isinstance(raw, list | tuple):
        items = raw
    else:
        return None, [WRONG_TYPE]
    if not all(isinstance(item, str) for item in items):
        return None, [WRONG_TYPE]
    # Blank items are dropped: forms send a hidden empty value so that "none ticked" arrives.
    codes = {item.strip() for item in items if isinstance(item, str) and item.strip()}
    if not codes:
        return None, []
    allowed = set(ind.allowed_values or ())
    if not codes <= allowed:
        return None, [Problem("unknown_option")]
    return sorted(codes), []


def _parse_date(text: str, today: date) -> tuple[object | None, list[Problem]]:
    # fromisoformat alone would also take "20240101" and week dates; the browser sends this form.
    if not _DATE_RE.fullmatch(text):
        return None, [Problem("not_a_date")]
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None, [Problem("not_a_date")]
    if day > today:
        return None, [Problem("in_the_future", {"today": today.isoformat()})]
    if day < MIN_DATE:
        return None, [Problem("too_old", {"min": MIN_DATE.isoformat()})]
    return day.isoformat(), []


def _parse_text(ind: spec.Indicator, raw: str) -> tuple[object | None, list[Problem]]:
    # Browsers send textarea line breaks as \r\n; keep one form so lengths match what is shown.
    text = raw.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return None, []
    limit = ind.max_length or spec.DEFAULT_TEXT_MAX_LENGTH
    if len(text) > limit:
        return None, [Problem("too_long", {"max": limit, "length": len(text)})]
    if _CONTROL_RE.search(text):
        return None, [Problem("control_characters")]
    return text, []


def _parse_cell(text: str, row: str, column: str) -> tuple[int | None, list[Problem]]:
    where = {"row": row, "column": column}
    part = f"{row}.{column}"
    if not text:
        return None, [Problem("cell_required", where, part)]
    number = _read_number(text)
    if number is None:
        return None, [Problem("cell_not_a_number", where, part)]
    if number.value < 0:
        return None, [Problem("cell_negative", where, part)]
    if number.has_separator:
        return None, [Problem("cell_not_an_integer", where, part)]
    if number.value > MAX_CELL:
        return None, [Problem("cell_too_large", {**where, "max": MAX_CELL}, part)]
    return int(number.value), []


def _parse_sex_table(ind: spec.Indicator, raw: object) -> tuple[object | None, list[Problem]]:
    if not isinstance(raw, Mapping):
        return None, [WRONG_TYPE]
    rows = [row.code for row in ind.rows]
    problems: list[Problem] = []
    if any(key not in rows for key in raw):
        problems.append(WRONG_TYPE)
    texts: dict[tuple[str, str], str] = {}
    for row in rows:
        cells = raw.get(row, {})
        if not isinstance(cells, Mapping):
            problems.append(Problem("wrong_type", part=row))
            continue
        if any(key not in CELL_PARTS for key in cells):
            problems.append(Problem("wrong_type", part=row))
        for column in CELL_PARTS:
            cell = cells.get(column, "")
            if isinstance(cell, str):
                texts[row, column] = cell.strip()
            else:
                problems.append(Problem("wrong_type", part=f"{row}.{column}"))
    if problems:
        return None, problems
    if not any(texts.values()):
        return None, []  # an untouched table is no answer; a half-filled one is a mistake
    value: dict[str, dict[str, int]] = {}
    for row in rows:
        value[row] = {}
        for column in CELL_PARTS:
            number, cell_problems = _parse_cell(texts[row, column], row, column)
            problems.extend(cell_problems)
            if number is not None:
                value[row][column] = number
    return (None, problems) if problems else (value, [])


# --------------------------------------------------------------------------- parse


def parse(ind: spec.Indicator, raw: object, *, today: date) -> tuple[object | None, list[Problem]]:
    """What a person typed → (stored value, []) or (None, problems); blank input is (None, []).

    `raw` is a str for single fields, a list of str for multi_choice, and a mapping
    `{row: {"women": str, "men": str, "not_recorded": str}}` for sex_table. Anything else
    (None, numbers, nested structures) is a `wrong_type` problem, never an exception.
    """
    if ind.type == "multi_choice":
        return _parse_multi(ind, raw)
    if ind.type == "sex_table":
        return _parse_sex_table(ind, raw)
    if not isinstance(raw, str):
        if ind.type == "percentage":
            return None, [Problem("computed")]
        return None, [WRONG_TYPE]
    if ind.type == "text":
        return _parse_text(ind, raw)
    text = raw.strip()
    if not text:
        return None, []
    if ind.type == "percentage":
        return None, [Problem("computed")]
    if ind.type in _CHOICE_TYPES:
        return _parse_option(ind, text)
    if ind.type == "count":
        return _parse_count(ind, text)
    if ind.type == "amount":
        return _parse_amount(ind, text)
    if ind.type == "date":
        return _parse_date(text, today)
    raise ValueError(f"unknown answer type {ind.type!r} of {ind.code}")


def parse_currency(raw: object) -> tuple[str | None, list[Problem]]:
    """An ISO 4217-looking currency code (three letters, given in upper case), or a problem."""
    if not isinstance(raw, str):
        return None, [WRONG_TYPE]
    text = raw.strip()
    if not text:
        return None, []
    if not _CURRENCY_RE.fullmatch(text):
        return None, [Problem("bad_currency")]
    return text.upper(), []


def to_input(ind: spec.Indicator, value: object | None) -> object:
    """A stored value back in the form `parse` reads, to fill a form in again."""
    if ind.type == "multi_choice":
        return list(value) if isinstance(value, list | tuple) else []
    if ind.type == "sex_table":
        table = value if isinstance(value, Mapping) else {}
        return {
            row.code: {
                column: str(table.get(row.code, {}).get(column, "")) for column in CELL_PARTS
            }
            for row in ind.rows
        }
    if value is None or ind.type == "percentage":
        return ""
    if isinstance(value, float):
        return f"{value:.{MAX_DECIMALS}f}".rstrip("0").rstrip(".")
    return str(value)


def table_totals(value: Mapping[str, Mapping[str, int]]) -> dict[str, object]:
    """Totals of a stored sex table: per row, per column, and overall."""
    rows = {row: sum(cells.get(c, 0) for c in CELL_PARTS) for row, cells in value.items()}
    columns = {c: sum(cells.get(c, 0) for cells in value.values()) for c in CELL_PARTS}
    return {"rows": rows, "columns": columns, "total": sum(rows.values())}


def _option_needs_evidence(ind: spec.Indicator, code: object) -> bool:
    # An option worth nothing ("none", "unstaffed") states an absence; there is nothing to prove.
    if code == "none":
        return False
    option = next((o for o in ind.options if o.code == code), None)
    return option is None or option.score != 0


def _needs_evidence(ind: spec.Indicator, value: object) -> bool:
    """Whether an answer claims something a document could prove (not zero, "no", "missing")."""
    if ind.type in ("yes_no", "no_partly_yes"):
        return value != "no"
    if ind.type == "rubric":
        return value != "missing"
    if ind.type in ("count", "amount"):
        return value != 0
    if ind.type == "choice":
        return _option_needs_evidence(ind, value)
    if ind.type == "multi_choice":
        codes = value if isinstance(value, list | tuple) else ()
        return any(_option_needs_evidence(ind, code) for code in codes)
    if ind.type == "sex_table":
        if not isinstance(value, Mapping):
            return False
        return any(
            isinstance(cells, Mapping) and any(cells.get(c) for c in CELL_PARTS)
            for cells in value.values()
        )
    return ind.type != "percentage"


def rule_blocks(problem: Problem) -> bool:
    """Whether a problem is a broken rule that blocks submission (not one that only warns)."""
    rule = problem.params.get("rule") if problem.code == "rule_broken" else None
    return isinstance(rule, spec.Rule) and rule.blocks


def blocking(
    fw: spec.Framework,
    statuses: Mapping[str, Status],
    answers: Mapping[str, object],
    *,
    not_applicable: Mapping[str, str],
    evidence: AbstractSet[str],
) -> list[tuple[str, Problem]]:
    """What still blocks submission, in framework order, as (indicator code, problem).

    For each applicable, not skipped indicator: a required one (not percentage or text) with no
    answer and not marked not-applicable → `required`; marked not-applicable without a reason →
    `not_applicable_needs_reason`; evidence required but none attached while the answer claims
    something → `evidence_required`; and every broken rule whose severity is "error".
    """
    found: list[tuple[str, Problem]] = []
    for ind in fw.indicators:
        status = statuses.get(ind.code)
        if status is None or not status.applicable or status.skipped:
            continue
        if ind.type != "percentage":
            value = answers.get(ind.code)
            if ind.code in not_applicable:
                reason = not_applicable[ind.code]
                if not (isinstance(reason, str) and reason.strip()):
                    found.append((ind.code, Problem("not_applicable_needs_reason")))
            elif value is None:
                if ind.required and ind.type != "text":
                    found.append((ind.code, Problem("required")))
            elif (
                ind.evidence == "required"
                and ind.code not in evidence
                and _needs_evidence(ind, value)
            ):
                found.append((ind.code, Problem("evidence_required")))
        found.extend((ind.code, p) for p in status.problems if rule_blocks(p))
    return found
