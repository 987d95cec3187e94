"""The full data workbook: a "Read me" that says how to recompute every score, then one row per
question of every audit, streamed.

Each row carries what the scoring rules read (`audit.scoring.engine`): the stored value in
codes, whether the question counts and why not (skip rule, not for the unit, marked not
applicable), the evidence attached, the reviewer's override (level, reason, who), the weight,
the unit's service and type and the reference date; and what they gave: the score before and
after the evidence cap and the override. With the framework file, that is enough to recompute
every domain, recommendation and overall score (the "Read me" says how, step by step).

XlsxWriter's `constant_memory` mode writes each row as it comes and never revisits it, so memory
stays flat however many rows the iterable yields; past Excel's row limit the rows go on in a
further sheet.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

from xlsxwriter.worksheet import Worksheet

from audit.exports.xlsx.book import (
    README_WIDTH,
    Book,
    Value,
    finish_table,
    fit_row,
    write_headers,
    write_text,
    write_value,
)

#: Rows on one Excel sheet (header included); the full data spills onto further sheets.
MAX_ROWS = 1_048_576

#: What joins the codes of several chosen options in the "codes" column: option codes are
#: letters, digits and "_" only (audit.frameworks.spec.terms.OPTION_RE), so it never occurs in one.
CODE_SEPARATOR = ";"

#: The full data columns, in order (keys of `AnswerRow` and of the labels), with their widths.
_COLUMNS: tuple[tuple[str, float], ...] = (
    ("audit_id", 10),
    ("unit", 28),
    ("institution", 24),
    ("country", 14),
    ("cycle", 10),
    ("indicator_code", 14),
    ("indicator_label", 60),
    ("domain", 10),
    ("answer_type", 14),
    ("value", 24),
    ("score", 10),
    ("not_applicable", 12),
    ("note_text", 40),
    ("service", 14),
    ("unit_type", 14),
    ("reference_date", 14),
    ("status", 30),
    ("counts", 10),
    ("codes", 20),
    ("raw_score", 12),
    ("weight", 8),
    ("evidence_rule", 20),
    ("evidence_count", 12),
    ("capped", 12),
    ("override_level", 24),
    ("override_reason", 40),
    ("override_by", 24),
)
FULL_DATA_COLUMNS = tuple(key for key, _width in _COLUMNS)
_WIDTHS = tuple(width for _key, width in _COLUMNS)


@dataclass(slots=True)  # not frozen: millions are made per export, and frozen init is slow
class AnswerRow:
    """One question of one audit in the full data workbook.

    `value` is the answer as people read it (option labels, typed numbers and dates); `codes`
    the stored value the rules read (level or option codes, several joined by
    `CODE_SEPARATOR`; numbers as numbers). `status` says whether the question counts and, if
    not, why; `counts` is true when it enters the scores. `raw_score` is the score from the
    answer alone, `score` the one used (after the evidence cap or the override), both 0-1.
    """

    audit_id: int | str
    unit: str
    institution: str
    country: str
    cycle: str
    indicator_code: str
    indicator_label: str
    domain: str
    answer_type: str
    value: Value
    score: float | None
    not_applicable: bool
    note_text: str | None
    service: str = ""
    unit_type: str = ""
    reference_date: Value = None
    status: str = ""
    counts: bool | None = None
    codes: Value = None
    raw_score: float | None = None
    weight: int | None = None
    evidence_rule: str = ""
    evidence_count: int | None = None
    capped: bool | None = None
    override_level: str = ""
    override_reason: str | None = None
    override_by: str | None = None


@dataclass(frozen=True)
class ScoreLine:
    """One score of an audit's newest scorecard (a domain, a recommendation or the overall
    result, 0-100), to check a recomputation against."""

    audit_id: int | str
    unit: str
    level: str
    code: str
    score: float | None
    band: str
    coverage: float | None


_SCORE_COLUMNS: tuple[tuple[str, float], ...] = (
    ("audit_id", 10),
    ("unit", 28),
    ("score_level", 18),
    ("code", 10),
    ("score_100", 12),
    ("band", 26),
    ("coverage", 12),
)

SCORE_COLUMNS = tuple(key for key, _width in _SCORE_COLUMNS)


#: How each column is written: text, a typed value, a 0-1 score, a whole number or a boolean.
_KINDS = {
    "audit_id": "value",
    "value": "value",
    "codes": "value",
    "reference_date": "value",
    "score": "fraction",
    "raw_score": "fraction",
    "weight": "number",
    "evidence_count": "number",
    "not_applicable": "boolean",
    "counts": "boolean",
    "capped": "boolean",
}


def write_full_data(
    target: str | IO[bytes],
    rows: Iterable[AnswerRow],
    labels: Mapping[str, str],
    rtl: bool,
    *,
    tmpdir: str | None = None,
    readme: Sequence[tuple[str, str]] = (),
    scores: Callable[[], Iterable[ScoreLine]] | None = None,
    split_note: Callable[[int], tuple[str, str]] | None = None,
) -> int:
    """Stream one row per question (constant memory); give the number of rows written.

    `readme` holds the "Read me" sheet's (heading, text) pairs, already translated; the sheet
    comes first when there are any. `scores`, when given, is called once the rows are written
    and its lines fill a last "Scores" sheet (the stored scores a recomputation should give).
    Rows are written in order and never revisited, so `rows`
    may be a generator of any length; past Excel's 1,048,576 rows a sheet, the rows go on in a
    further "Answers (2)" sheet, and `split_note(sheets)` gives the (heading, text) line the
    "Read me" then ends with. Memory stays flat, but each sheet's XML waits in a temporary
    file (in `tmpdir`, default the system's) until the workbook is zipped.
    """
    book = Book(target, labels, rtl, constant_memory=True, tmpdir=tmpdir)
    written = 0
    last_col = len(FULL_DATA_COLUMNS) - 1
    try:
        readme_end = _readme(book, readme) if readme else None
        ws, row, sheets = _answers_sheet(book), 1, 1
        write = _row_writer(book, ws)
        for answer in rows:
            if row == MAX_ROWS:
                finish_table(ws, 0, row - 1, last_col)
                ws, row, sheets = _answers_sheet(book), 1, sheets + 1
                write = _row_writer(book, ws)
            write(row, answer)
            row += 1
            written += 1
        finish_table(ws, 0, row - 1, last_col)
        if sheets > 1 and readme_end is not None and split_note is not None:
            # constant_memory keeps one open row per sheet: a later row of the Read me is fine.
            _readme_line(book, *readme_end, *split_note(sheets))
        if scores is not None:
            _scores_sheet(book, scores())
    finally:
        book.close()
    return written


def _scores_sheet(book: Book, lines: Iterable[ScoreLine]) -> None:
    """The "Scores" sheet: one line per stored score (0-100), in the order given."""
    ws = book.sheet("sheet_scores")
    keys = tuple(key for key, _width in _SCORE_COLUMNS)
    write_headers(book, ws, 0, keys, tuple(width for _key, width in _SCORE_COLUMNS))
    write_string = book.text_writer(ws)
    row = 0
    for row, line in enumerate(lines, start=1):
        write_value(book, ws, row, 0, line.audit_id)
        write_string(row, 1, line.unit)
        write_string(row, 2, line.level)
        write_string(row, 3, line.code)
        if line.score is not None and math.isfinite(line.score):
            ws.write_number(row, 4, line.score, book.score)
        if line.band:
            write_string(row, 5, line.band)
        if line.coverage is not None and math.isfinite(line.coverage):
            ws.write_number(row, 6, line.coverage, book.score)
    finish_table(ws, 0, row, len(keys) - 1)


def _readme(book: Book, pairs: Sequence[tuple[str, str]]) -> tuple[Worksheet, int]:
    """The "Read me" sheet: a heading and its text per line, the first pair as the title;
    give the sheet and its next free row."""
    ws = book.sheet("sheet_readme")
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, README_WIDTH)
    (title, subtitle), *rest = pairs
    write_text(ws, 0, 0, title, book.title)
    write_text(ws, 1, 0, subtitle)
    row = 3
    for heading, text in rest:
        _readme_line(book, ws, row, heading, text)
        row += 1
    return ws, row


def _readme_line(book: Book, ws: Worksheet, row: int, heading: str, text: str) -> None:
    write_text(ws, row, 0, heading, book.bold_wrap)
    write_text(ws, row, 1, text, book.wrap)
    fit_row(ws, row, text, README_WIDTH)


def _row_writer(book: Book, ws: Worksheet) -> Callable[[int, AnswerRow], None]:
    """`write(row, answer)` for this sheet: each column by its kind, text always as text."""
    write_string = book.text_writer(ws)
    write_number = ws.write_number
    fraction, count = book.fraction, book.count
    columns = tuple(enumerate(FULL_DATA_COLUMNS))

    def write(row: int, answer: AnswerRow) -> None:
        for col, key in columns:
            value: Any = getattr(answer, key)
            if value is None or value == "":
                continue
            kind = _KINDS.get(key, "text")
            if kind == "text" or type(value) is str:
                write_string(row, col, str(value))
            elif kind == "boolean":
                ws.write_boolean(row, col, bool(value))
            elif kind == "value":
                write_value(book, ws, row, col, value)
            elif isinstance(value, int | float) and math.isfinite(value):
                write_number(row, col, value, fraction if kind == "fraction" else count)

    return write


def _answers_sheet(book: Book) -> Worksheet:
    ws = book.sheet("sheet_answers")
    write_headers(book, ws, 0, FULL_DATA_COLUMNS, _WIDTHS)
    return ws
