"""The workbooks: plain data in, an .xlsx file out (XlsxWriter).

Nothing here touches Flask, the database or Celery: a worker gathers what a workbook needs into
frozen dataclasses (labels already translated into the user's language) and calls one of

- `write_donor_summary(target, DonorSummary)` (`donor.py`): "Read me", "Summary" (native bar and
  line charts), "Benchmark" (R01-R30 with traffic lights), "Domains", "Sex-disaggregated", "Trend";
- `write_unit_scorecard(target, UnitScorecardBook)` (`unit.py`): "Read me", "Scorecard" (bar
  chart), "Benchmark", "Indicators";
- `write_full_data(target, rows, labels, rtl)` (`full_data.py`): one row per answer, streamed in
  XlsxWriter's `constant_memory` mode, so memory stays flat however many rows the iterable yields.

`target` is a path or a binary file object. Rules every workbook follows (`book.py`):

- Text typed by users is always written with `write_string` and the workbook is opened with
  `strings_to_formulas`, `strings_to_urls` and `strings_to_numbers` off, so `=cmd|' /C calc'!A0`,
  `+1`, `@SUM(1)`, `{=1+1}` or `http://…` stay plain text (no formula, no hyperlink).
- Numbers are written as numbers, dates as dates (with a date format), booleans as booleans.
- Donor-facing counts follow the disclosure rules (`audit.scoring.disclosure`): a withheld count is
  written as the text "<k" (small) or "withheld" (secondary suppression), never as a number, and a
  mean over fewer than `min_units` units is withheld too.
- Arabic (and any right-to-left) workbooks get right-to-left sheets; tables have a frozen header
  row, an autofilter and column widths; formats are created once per workbook.
"""

from audit.exports.xlsx.book import DEFAULT_LABELS, FORMULA_STARTS, WORKBOOK_OPTIONS, Value
from audit.exports.xlsx.donor import (
    DomainMean,
    DonorSummary,
    RecommendationRow,
    SexTable,
    TrendPoint,
    write_donor_summary,
)
from audit.exports.xlsx.full_data import (
    CODE_SEPARATOR,
    FULL_DATA_COLUMNS,
    MAX_ROWS,
    SCORE_COLUMNS,
    AnswerRow,
    ScoreLine,
    write_full_data,
)
from audit.exports.xlsx.unit import IndicatorRow, ScoreRow, UnitScorecardBook, write_unit_scorecard

__all__ = [
    "CODE_SEPARATOR",
    "DEFAULT_LABELS",
    "FORMULA_STARTS",
    "FULL_DATA_COLUMNS",
    "MAX_ROWS",
    "SCORE_COLUMNS",
    "WORKBOOK_OPTIONS",
    "AnswerRow",
    "DomainMean",
    "DonorSummary",
    "IndicatorRow",
    "RecommendationRow",
    "ScoreLine",
    "ScoreRow",
    "SexTable",
    "TrendPoint",
    "UnitScorecardBook",
    "Value",
    "write_donor_summary",
    "write_full_data",
    "write_unit_scorecard",
]
