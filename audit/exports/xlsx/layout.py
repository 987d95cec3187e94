"""Where things go on a sheet: column widths that fit their text, row heights for wrapped text,
and chart anchors that never cover a table or another chart.

Pure arithmetic on cells and pixels (no workbook), so it can be tested on its own. Sizes follow
Excel's defaults as XlsxWriter writes them: a column `w` characters wide is `int(w * 7 + 0.5) + 5`
pixels, a row is 20 pixels high, and a line of 11-point text takes 15 points.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: A default row, in pixels.
ROW_PX = 20
#: One line of wrapped text, in points (a row height is set in points).
LINE_PT = 15
#: XlsxWriter's default chart, in pixels.
CHART_PX = (480, 288)
#: The number format of every 0-100 score, in tables and in chart data labels alike.
SCORE_FORMAT = "0.0"


@dataclass(frozen=True)
class Box:
    """A block of cells, first and last row and column included (zero-based)."""

    top: int
    left: int
    bottom: int
    right: int

    def overlaps(self, other: Box) -> bool:
        """Whether the two blocks share at least one cell."""
        return not (
            self.bottom < other.top
            or other.bottom < self.top
            or self.right < other.left
            or other.right < self.left
        )


def column_px(width: float) -> int:
    """A column `width` characters wide, in pixels (as Excel draws it)."""
    return int(width * 7 + 0.5) + 5 if width >= 1 else int(width * 12 + 0.5)


def fit_width(texts: Iterable[str | None], *, minimum: float = 8, maximum: float = 60) -> float:
    """A column width (characters) for the longest text, two characters of margin, within
    [minimum, maximum]; a longer text wraps."""
    longest = max((len(t) for t in texts if t), default=0)
    return float(min(max(longest + 2, minimum), maximum))


def lines_needed(text: str, width: float) -> int:
    """How many lines `text` takes when wrapped in a column `width` characters wide (a slight
    overestimate: words do not break)."""
    per_line = max(int(width) - 1, 1)
    return sum(max(1, math.ceil(len(part) * 1.1 / per_line)) for part in text.split("\n"))


def wrapped_height(text: str, width: float) -> float:
    """The row height (points) that shows all of `text` wrapped in a column `width` wide."""
    return lines_needed(text, width) * LINE_PT + 3


def chart_box(
    anchor: tuple[int, int],
    size_px: tuple[int, int],
    widths: Sequence[float],
    *,
    default_width: float = 8.43,
    row_px: int = ROW_PX,
) -> Box:
    """The cells a chart of `size_px` (width, height) covers when its top-left is `anchor`
    (row, col); `widths` are the sheet's column widths in characters from column 0."""
    row, col = anchor
    width_px, height_px = size_px
    rows = max(1, math.ceil(height_px / row_px))
    right, covered = col, 0
    while True:
        width = widths[right] if right < len(widths) else default_width
        covered += column_px(width)
        if covered >= width_px:
            break
        right += 1
    return Box(row, col, row + rows - 1, right)


def stack_below(
    tables: Sequence[Box],
    sizes_px: Sequence[tuple[int, int]],
    widths: Sequence[float],
    *,
    gap: int = 2,
    col: int = 0,
) -> list[tuple[int, int]]:
    """Anchors (row, col) for charts of `sizes_px`, one under the other below every table,
    `gap` empty rows apart: none covers a table or another chart."""
    row = max((t.bottom for t in tables), default=-1) + gap + 1
    anchors = []
    for size in sizes_px:
        anchors.append((row, col))
        row = chart_box((row, col), size, widths).bottom + gap + 1
    return anchors


def scaled(scale: tuple[float, float]) -> tuple[int, int]:
    """The size in pixels of a default chart scaled by (x, y)."""
    return int(CHART_PX[0] * scale[0]), int(CHART_PX[1] * scale[1])
