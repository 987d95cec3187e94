"""The scorecard workbook of one unit, for its commander and advisers.

Sheets: "Read me", "Scorecard" (overall and domain scores with a bar chart and the change
against the previous cycle), "Benchmark" (the recommendations with traffic lights) and
"Indicators" (every question's answer, typed, and its 0-1 score).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import IO

from xlsxwriter.worksheet import Worksheet

from audit.exports.xlsx.book import (
    Book,
    Value,
    coerce,
    domain_bars,
    finish_table,
    traffic_lights,
    write_headers,
    write_number,
    write_readme,
    write_text,
    write_value,
)
from audit.exports.xlsx.layout import fit_width
from audit.frameworks.spec import DEFAULT_THRESHOLDS, LEVELS

# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class ScoreRow:
    """A unit's domain or recommendation result; `change` against the previous cycle."""

    code: str
    label: str
    score: float | None
    band: str | None
    coverage: float | None
    change: float | None = None


@dataclass(frozen=True)
class IndicatorRow:
    """One question on a unit's scorecard: the answer shown and its 0-1 score."""

    code: str
    label: str
    domain: str
    answer_type: str
    value: Value
    score: float | None
    weight: int = 1
    capped: bool = False
    overridden: bool = False
    not_applicable: bool = False


@dataclass(frozen=True)
class UnitScorecardBook:
    """Everything the unit scorecard workbook shows (texts already in the user's language)."""

    title: str
    unit: str
    institution: str
    country: str
    cycle: str
    framework_version: str
    scoring_rules: str
    generated_at: datetime
    app_version: str
    labels: Mapping[str, str]
    rtl: bool
    overall: ScoreRow
    domains: Sequence[ScoreRow]
    recommendations: Sequence[ScoreRow]
    indicators: Sequence[IndicatorRow]
    previous_cycle: str | None = None
    band_thresholds: tuple[float, float, float] = DEFAULT_THRESHOLDS  # type: ignore[assignment]


# --------------------------------------------------------------------------- sheets


def write_unit_scorecard(
    target: str | IO[bytes], data: UnitScorecardBook, *, tmpdir: str | None = None
) -> None:
    """Write one unit's scorecard workbook (for its commander and advisers).

    The sequences of `data` may also hold plain tuples in the dataclasses' field order.
    """
    data = replace(
        data,
        overall=coerce(ScoreRow, data.overall),
        domains=[coerce(ScoreRow, item) for item in data.domains],
        recommendations=[coerce(ScoreRow, item) for item in data.recommendations],
        indicators=[coerce(IndicatorRow, item) for item in data.indicators],
    )
    book = Book(target, data.labels, data.rtl, tmpdir=tmpdir)
    try:
        pairs: list[tuple[str, object]] = [
            ("unit", data.unit),
            ("institution", data.institution),
            ("country", data.country),
            ("cycle", data.cycle),
            ("framework_version", data.framework_version),
            ("scoring_rules", data.scoring_rules),
            ("generated_at", data.generated_at),
            ("app_version", data.app_version),
        ]
        if data.previous_cycle:
            pairs.insert(4, ("previous_cycle", data.previous_cycle))
        write_readme(book, data.title, pairs)
        _unit_scores(book, data)
        _unit_benchmark(book, data)
        _unit_indicators(book, data)
    finally:
        book.close()


_SCORE_KEYS = ("code", "label", "score", "band", "coverage", "change")
_SCORE_WIDTHS = (8, 50, 9, 13, 11, 9)


def _score_widths(book: Book) -> tuple[float, ...]:
    """The score tables' widths, the band column as wide as the longest band name."""
    bands = [book.label("band"), *(book.band(level) for level in LEVELS)]
    widths = list(_SCORE_WIDTHS)
    widths[3] = fit_width(bands, minimum=13, maximum=30)
    return tuple(widths)


def _score_rows(book: Book, ws: Worksheet, start: int, rows: Sequence[ScoreRow]) -> int:
    """Write score rows from `start`; give the last row written."""
    row = start - 1
    for row, item in enumerate(rows, start=start):
        write_text(ws, row, 0, item.code)
        write_text(ws, row, 1, item.label, book.wrap)
        write_number(ws, row, 2, item.score, book.score)
        write_text(ws, row, 3, book.band(item.band))
        write_number(ws, row, 4, item.coverage, book.score)
        write_number(ws, row, 5, item.change, book.change)
    return row


def _unit_scores(book: Book, data: UnitScorecardBook) -> None:
    ws = book.sheet("sheet_scorecard")
    write_headers(book, ws, 0, _SCORE_KEYS, _score_widths(book))
    overall = ScoreRow(
        data.overall.code or "",
        data.overall.label or book.label("overall"),
        data.overall.score,
        data.overall.band,
        data.overall.coverage,
        data.overall.change,
    )
    _score_rows(book, ws, 1, [overall])
    ws.set_row(1, None, book.bold)
    last = _score_rows(book, ws, 2, data.domains)
    finish_table(ws, 0, max(last, 1), len(_SCORE_KEYS) - 1)
    traffic_lights(book, ws, (1, 2, max(last, 1), 2), data.band_thresholds)
    if data.domains:
        domain_bars(book, ws, "score", (2, last), (1, 2), (last + 2, 1), rtl=data.rtl)


def _unit_benchmark(book: Book, data: UnitScorecardBook) -> None:
    ws = book.sheet("sheet_benchmark")
    write_headers(book, ws, 0, _SCORE_KEYS, _score_widths(book))
    last = _score_rows(book, ws, 1, data.recommendations)
    finish_table(ws, 0, last, len(_SCORE_KEYS) - 1)
    ws.freeze_panes(1, 2)
    traffic_lights(book, ws, (1, 2, last, 2), data.band_thresholds)


def _unit_indicators(book: Book, data: UnitScorecardBook) -> None:
    ws = book.sheet("sheet_indicators")
    keys = (
        "code",
        "label",
        "domain",
        "answer_type",
        "value",
        "score",
        "weight",
        "capped",
        "overridden",
        "not_applicable",
    )
    write_headers(book, ws, 0, keys, (10, 60, 9, 14, 22, 8, 8, 10, 10, 10))
    for row, item in enumerate(data.indicators, start=1):
        write_text(ws, row, 0, item.code)
        write_text(ws, row, 1, item.label, book.wrap)
        write_text(ws, row, 2, item.domain)
        write_text(ws, row, 3, item.answer_type)
        write_value(book, ws, row, 4, item.value)
        write_number(ws, row, 5, item.score, book.fraction)
        ws.write_number(row, 6, item.weight)
        ws.write_boolean(row, 7, item.capped)
        ws.write_boolean(row, 8, item.overridden)
        ws.write_boolean(row, 9, item.not_applicable)
    finish_table(ws, 0, len(data.indicators), len(keys) - 1)
