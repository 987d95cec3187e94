"""The donor summary workbook of one funded institution or country and cycle.

Sheets: "Read me", "Summary" (the domain and trend tables with native bar and line charts),
"Benchmark" (R01-R30 with traffic lights, one column per institution for a country),
"Domains", "Sex-disaggregated" and "Trend". Every count and mean follows the disclosure rules
(`audit.scoring.disclosure`): a withheld count is the text "<k" (small) or "withheld"
(secondary suppression), never a number, and a mean over fewer than `min_units` units is
withheld too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import IO

from xlsxwriter.worksheet import Worksheet

from audit.exports.xlsx.book import (
    Book,
    coerce,
    domain_bars,
    finish_table,
    traffic_lights,
    withheld_text,
    write_headers,
    write_mean,
    write_number,
    write_readme,
    write_text,
    write_units,
)
from audit.exports.xlsx.layout import (
    SCORE_FORMAT,
    Box,
    fit_width,
    scaled,
    stack_below,
    wrapped_height,
)
from audit.frameworks.spec import DEFAULT_THRESHOLDS, LEVELS
from audit.scoring.disclosure import (
    COLUMNS,
    DEFAULT_K,
    MIN_UNITS,
    SMALL,
    Cell,
    SuppressedTable,
    suppress_table,
)

# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class DomainMean:
    """A domain across units: mean score 0-100 over `units` units (withheld below min_units)."""

    code: str
    label: str
    mean: float | None
    units: int
    band: str | None


@dataclass(frozen=True)
class RecommendationRow:
    """One line of the benchmark: a recommendation's score, band, coverage.

    `by_group` holds one score per column of `DonorSummary.groups` (e.g. per institution), so the
    benchmark is a recommendations x groups matrix.
    """

    code: str
    label: str
    score: float | None
    band: str | None
    coverage: float | None
    by_group: tuple[float | None, ...] = ()
    #: How many units have a score for it (0: none, so no score; below min_units: withheld).
    units: int | None = None


@dataclass(frozen=True)
class TrendPoint:
    """The mean score of one cycle over `units` units."""

    cycle: str
    mean: float | None
    units: int


@dataclass(frozen=True)
class SexTable:
    """A sex-disaggregated table: already suppressed, or raw counts (suppressed when written).

    `table` is a `SuppressedTable` or rows of counts ({"officers": {"women": 3, "men": 40}});
    `row_labels` names the rows (the row key is shown when missing).
    """

    title: str
    table: SuppressedTable | Mapping[str, Mapping[str, int]]
    row_labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DonorSummary:
    """Everything the donor summary workbook shows (texts already in the user's language)."""

    title: str
    cycle: str
    framework_version: str
    scoring_rules: str
    disclosure_note: str
    generated_at: datetime
    app_version: str
    labels: Mapping[str, str]
    rtl: bool
    domains: Sequence[DomainMean]
    recommendations: Sequence[RecommendationRow]
    trend: Sequence[TrendPoint]
    sex_tables: Sequence[SexTable]
    groups: Sequence[str] = ()
    k: int = DEFAULT_K
    min_units: int = MIN_UNITS
    band_thresholds: tuple[float, float, float] = DEFAULT_THRESHOLDS  # type: ignore[assignment]


# --------------------------------------------------------------------------- sheets


def write_donor_summary(
    target: str | IO[bytes], data: DonorSummary, *, tmpdir: str | None = None
) -> None:
    """Write the donor summary workbook for one institution or country and cycle.

    The sequences of `data` may also hold plain tuples in the dataclasses' field order.
    """
    data = replace(
        data,
        domains=[coerce(DomainMean, item) for item in data.domains],
        recommendations=[coerce(RecommendationRow, item) for item in data.recommendations],
        trend=[coerce(TrendPoint, item) for item in data.trend],
        sex_tables=[coerce(SexTable, item) for item in data.sex_tables],
    )
    book = Book(target, data.labels, data.rtl, tmpdir=tmpdir)
    try:
        write_readme(
            book,
            data.title,
            [
                ("framework_version", data.framework_version),
                ("cycle", data.cycle),
                ("scoring_rules", data.scoring_rules),
                ("disclosure", data.disclosure_note),
                ("generated_at", data.generated_at),
                ("app_version", data.app_version),
            ],
        )
        _donor_summary(book, data)
        _donor_benchmark(book, data)
        _donor_domains(book, data)
        _donor_sex_tables(book, data)
        _donor_trend(book, data)
    finally:
        book.close()


#: The size of the summary's charts (x, y scale of the default chart).
_CHART_SCALE = (1.2, 1.3)


def _donor_summary(book: Book, data: DonorSummary) -> None:
    """The "Summary" sheet: the domain and trend tables side by side, their charts below,
    one under the other (`layout.stack_below`), so no chart covers a table or a chart."""
    ws = book.sheet("sheet_summary")
    write_text(ws, 0, 0, data.title, book.title)
    write_text(ws, 1, 0, f"{book.label('cycle')}: {data.cycle}")
    withheld = withheld_text(book, 0, data.min_units)
    widths = [
        fit_width([book.label("domain"), *(d.label for d in data.domains)], maximum=50),
        fit_width([book.label("mean"), withheld], maximum=34),
        fit_width([book.label("units")]),
        3.0,
        fit_width([book.label("cycle"), *(p.cycle for p in data.trend)], maximum=30),
        fit_width([book.label("mean"), withheld], maximum=34),
        fit_width([book.label("units")]),
    ]
    top = 3
    write_headers(book, ws, top, ("domain", "mean", "units"), widths[:3])
    for i, domain in enumerate(data.domains, start=top + 1):
        write_text(ws, i, 0, domain.label, book.wrap)
        shown = write_mean(book, ws, i, 1, domain.mean, domain.units, data.min_units)
        write_units(book, ws, i, 2, domain.units, shown)
    ws.set_column(3, 3, widths[3])
    for col, key in enumerate(("cycle", "mean", "units"), start=4):
        ws.write_string(top, col, book.label(key), book.header)
        ws.set_column(col, col, widths[col])
    for i, point in enumerate(data.trend, start=top + 1):
        write_text(ws, i, 4, point.cycle)
        shown = write_mean(book, ws, i, 5, point.mean, point.units, data.min_units)
        write_units(book, ws, i, 6, point.units, shown)
    tables = [
        Box(0, 0, 1, 0),
        Box(top, 0, top + len(data.domains), 2),
        Box(top, 4, top + len(data.trend), 6),
    ]
    _summary_charts(book, ws, top, data, stack_below(tables, _chart_sizes(data), widths))


def _chart_sizes(data: DonorSummary) -> list[tuple[int, int]]:
    """The size of each chart the summary draws, in order: domain bars, then the trend."""
    return [scaled(_CHART_SCALE) for items in (data.domains, data.trend) if items]


def _summary_charts(
    book: Book, ws: Worksheet, top: int, data: DonorSummary, anchors: list[tuple[int, int]]
) -> None:
    """A bar chart of the domain means and a line chart of the trend, drawn from the tables
    whose header row is `top`, at `anchors` (one per chart drawn)."""
    name = ws.get_name()
    places = iter(anchors)
    if data.domains:
        last = top + len(data.domains)
        at = next(places)
        domain_bars(book, ws, "mean", (top + 1, last), (0, 1), at, rtl=data.rtl, scale=_CHART_SCALE)
    if data.trend:
        last = top + len(data.trend)
        line = book.wb.add_chart({"type": "line"})
        line.add_series(
            {
                "name": book.label("mean"),
                "categories": [name, top + 1, 4, last, 4],
                "values": [name, top + 1, 5, last, 5],
                "marker": {"type": "circle"},
                "data_labels": {"value": True, "num_format": SCORE_FORMAT, "position": "above"},
            }
        )
        line.set_title({"name": book.label("chart_trend")})
        line.set_y_axis({"min": 0, "max": 100})
        line.set_x_axis({"reverse": data.rtl})
        line.set_legend({"none": True})
        row, col = next(places)
        ws.insert_chart(row, col, line, {"x_scale": _CHART_SCALE[0], "y_scale": _CHART_SCALE[1]})


def _donor_benchmark(book: Book, data: DonorSummary) -> None:
    """R01-R30: each recommendation's mean, band and coverage, or why there is none."""
    ws = book.sheet("sheet_benchmark")
    keys = ("code", "label", "score", "band", "coverage")
    withheld = withheld_text(book, 0, data.min_units)
    bands = [book.band(band) for band in LEVELS]
    widths = (
        fit_width([book.label("code")]),
        fit_width([r.label for r in data.recommendations], maximum=70),
        fit_width([book.label("score")]),
        fit_width([book.label("band"), *bands, withheld, book.label("no_score")], maximum=45),
        fit_width([book.label("coverage")]),
    )
    write_headers(book, ws, 0, keys, widths)
    for offset, group in enumerate(data.groups):
        col = len(keys) + offset
        ws.write_string(0, col, group, book.header)
        ws.set_column(col, col, fit_width([group], minimum=12, maximum=24))
    last_col = len(keys) + len(data.groups) - 1
    for row, rec in enumerate(data.recommendations, start=1):
        write_text(ws, row, 0, rec.code)
        write_text(ws, row, 1, rec.label, book.wrap)
        write_number(ws, row, 2, rec.score, book.score)
        write_text(ws, row, 3, _benchmark_band(book, rec, data.min_units))
        write_number(ws, row, 4, rec.coverage, book.score)
        for offset, score in enumerate(rec.by_group):
            write_number(ws, row, len(keys) + offset, score, book.score)
    last_row = len(data.recommendations)
    finish_table(ws, 0, last_row, last_col)
    ws.freeze_panes(1, 2)
    traffic_lights(book, ws, (1, 2, last_row, 2), data.band_thresholds)
    if data.groups:
        traffic_lights(book, ws, (1, len(keys), last_row, last_col), data.band_thresholds)


def _benchmark_band(book: Book, rec: RecommendationRow, min_units: int) -> str:
    """The band of a published score; else why there is no score (no unit has one, or too few)."""
    if rec.score is not None:
        return book.band(rec.band)
    if rec.units == 0:
        return book.label("no_score")
    return withheld_text(book, rec.units if rec.units is not None else 0, min_units)


def _donor_domains(book: Book, data: DonorSummary) -> None:
    ws = book.sheet("sheet_domains")
    withheld = withheld_text(book, 0, data.min_units)
    widths = (
        fit_width([book.label("code")]),
        fit_width([book.label("label"), *(d.label for d in data.domains)], maximum=50),
        fit_width([book.label("mean"), withheld], maximum=34),
        fit_width([book.label("units")]),
        fit_width([book.label("band"), *(book.band(b) for b in LEVELS)], maximum=30),
    )
    write_headers(book, ws, 0, ("code", "label", "mean", "units", "band"), widths)
    for row, domain in enumerate(data.domains, start=1):
        write_text(ws, row, 0, domain.code)
        write_text(ws, row, 1, domain.label, book.wrap)
        shown = write_mean(book, ws, row, 2, domain.mean, domain.units, data.min_units)
        write_units(book, ws, row, 3, domain.units, shown)
        write_text(ws, row, 4, book.band(domain.band) if shown else "")
    finish_table(ws, 0, len(data.domains), 4)
    traffic_lights(book, ws, (1, 2, len(data.domains), 2), data.band_thresholds)


def _withheld_text(book: Book, cell: Cell, k: int) -> str:
    return f"<{k}" if cell.reason == SMALL else book.label("withheld")


def _donor_sex_tables(book: Book, data: DonorSummary) -> None:
    ws = book.sheet("sheet_sex")
    first = fit_width(
        [
            book.label("category"),
            *(label for item in data.sex_tables for label in item.row_labels.values()),
        ],
        minimum=36,
        maximum=60,
    )
    ws.set_column(0, 0, first)
    counts = fit_width([book.label(c) for c in (*COLUMNS, "total", "withheld")], minimum=13)
    ws.set_column(1, 4, counts)
    # The note spans the table's five columns: merged cells would not wrap reliably, so the
    # note wraps in column A and its row is as high as the wrapped text needs.
    write_text(ws, 0, 0, data.disclosure_note, book.wrap)
    ws.set_row(0, wrapped_height(data.disclosure_note, first))
    ws.freeze_panes(1, 0)
    row = 2
    for item in data.sex_tables:
        table = (
            item.table
            if isinstance(item.table, SuppressedTable)
            else suppress_table(item.table, k=data.k)
        )
        write_text(ws, row, 0, item.title, book.bold)
        row += 1
        ws.write_string(row, 0, book.label("category"), book.header)
        for col, column in enumerate((*table.columns, "total"), start=1):
            ws.write_string(row, col, book.label(column), book.header)
        row += 1
        lines: list[tuple[str, str | None]] = [
            (item.row_labels.get(name, name), name) for name in table.rows
        ]
        lines.append((book.label("total"), None))
        for label, name in lines:
            write_text(ws, row, 0, label, book.bold if name is None else None)
            for col, column in enumerate((*table.columns, None), start=1):
                _count_cell(book, ws, row, col, table.entry(name, column), table.k)
            row += 1
        row += 1


def _count_cell(book: Book, ws: Worksheet, row: int, col: int, cell: Cell, k: int) -> None:
    """A published count as a number; a withheld one (or one below k, defensively) as text."""
    value = cell.value
    if cell.suppressed or value is None:
        ws.write_string(row, col, _withheld_text(book, cell, k), book.withheld)
    elif 0 < value < k:
        ws.write_string(row, col, f"<{k}", book.withheld)
    else:
        ws.write_number(row, col, value, book.count)


def _donor_trend(book: Book, data: DonorSummary) -> None:
    ws = book.sheet("sheet_trend")
    widths = (
        fit_width([book.label("cycle"), *(p.cycle for p in data.trend)], maximum=30),
        fit_width([book.label("mean"), withheld_text(book, 0, data.min_units)], maximum=34),
        fit_width([book.label("units")]),
    )
    write_headers(book, ws, 0, ("cycle", "mean", "units"), widths)
    for row, point in enumerate(data.trend, start=1):
        write_text(ws, row, 0, point.cycle)
        shown = write_mean(book, ws, row, 1, point.mean, point.units, data.min_units)
        write_units(book, ws, row, 2, point.units, shown)
    finish_table(ws, 0, len(data.trend), 2)
