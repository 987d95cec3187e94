"""The full data workbook: one row per answer, streamed.

XlsxWriter's `constant_memory` mode writes each row as it comes and never revisits it, so memory
stays flat however many rows the iterable yields; past Excel's row limit the rows go on in a
further sheet.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import IO

from xlsxwriter.worksheet import Worksheet

from audit.exports.xlsx.book import Book, Value, finish_table, write_headers, write_value

#: Rows on one Excel sheet (header included); the full data spills onto further sheets.
MAX_ROWS = 1_048_576

#: The full data columns, in order (keys of `AnswerRow` and of the labels).
FULL_DATA_COLUMNS = (
    "audit_id",
    "unit",
    "institution",
    "country",
    "cycle",
    "indicator_code",
    "indicator_label",
    "domain",
    "answer_type",
    "value",
    "score",
    "not_applicable",
    "note_text",
)
_FULL_DATA_WIDTHS = (10, 28, 24, 14, 10, 12, 60, 10, 14, 20, 8, 8, 40)


@dataclass(frozen=True)
class AnswerRow:
    """One answer of the full data workbook."""

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


def write_full_data(
    target: str | IO[bytes],
    rows: Iterable[AnswerRow],
    labels: Mapping[str, str],
    rtl: bool,
    *,
    tmpdir: str | None = None,
) -> int:
    """Stream one row per answer (constant memory); give the number of answer rows written.

    Rows are written in order and never revisited, so `rows` may be a generator of any length;
    past Excel's 1,048,576 rows a sheet, the rows go on in a further "Answers (2)" sheet.
    Memory stays flat, but each sheet's XML waits in a temporary file (in `tmpdir`, default the
    system's) until the workbook is zipped: about 60 bytes a cell, ~0.7 GB a full sheet.
    """
    book = Book(target, labels, rtl, constant_memory=True, tmpdir=tmpdir)
    written = 0
    try:
        ws, row = _answers_sheet(book), 1
        write_string = book.text_writer(ws)
        write_number = ws.write_number
        score_format = book.fraction
        for answer in rows:
            if row == MAX_ROWS:
                finish_table(ws, 0, row - 1, len(FULL_DATA_COLUMNS) - 1)
                ws, row = _answers_sheet(book), 1
                write_string = book.text_writer(ws)
                write_number = ws.write_number
            audit_id = answer.audit_id
            if type(audit_id) is int:
                write_number(row, 0, audit_id)
            else:
                write_string(row, 0, str(audit_id))
            write_string(row, 1, answer.unit)
            write_string(row, 2, answer.institution)
            write_string(row, 3, answer.country)
            write_string(row, 4, answer.cycle)
            write_string(row, 5, answer.indicator_code)
            write_string(row, 6, answer.indicator_label)
            write_string(row, 7, answer.domain)
            write_string(row, 8, answer.answer_type)
            value = answer.value
            if type(value) is str:
                write_string(row, 9, value)
            else:
                write_value(book, ws, row, 9, value)
            score = answer.score
            if score is not None and math.isfinite(score):
                write_number(row, 10, score, score_format)
            ws.write_boolean(row, 11, answer.not_applicable)
            if answer.note_text is not None:
                write_string(row, 12, answer.note_text)
            row += 1
            written += 1
        finish_table(ws, 0, row - 1, len(FULL_DATA_COLUMNS) - 1)
    finally:
        book.close()
    return written


def _answers_sheet(book: Book) -> Worksheet:
    ws = book.sheet("sheet_answers")
    write_headers(book, ws, 0, FULL_DATA_COLUMNS, _FULL_DATA_WIDTHS)
    return ws
