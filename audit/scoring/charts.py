"""Charts as server-rendered SVG: no script, no CDN, no inline style.

Every chart is an `<svg role="img">` named by its `<title>` and described by a `<desc>` that reads
out every value (`aria-labelledby` points at both), so a screen reader hears the data; pages still
put a table of the same numbers beside it. Colours are presentation attributes (`fill`, `stroke`)
plus band classes (`band-missing`, `band-approaches`, `band-meets`, `band-exceeds`, `band-none`)
that app.css styles the same way; the Content-Security-Policy forbids `style=` attributes, so
there are none. Every text is escaped here: the result is `markupsafe.Markup`, safe to put in a
template as it is.

Right-to-left: `bar_chart(..., rtl=True)` mirrors the horizontal layout (labels on the right,
bars growing leftwards) and sets `direction="rtl"`, so text anchors keep their meaning.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence

from flask_babel import format_decimal, gettext
from markupsafe import Markup, escape

from audit.frameworks.labels import LEVEL_LABELS

__all__ = ["BANDS", "BAND_FILLS", "band_class", "bar_chart", "radar_chart"]

#: The band levels, lowest first.
BANDS = ("missing", "approaches", "meets", "exceeds")

#: Bar fills by band (app.css gives the band classes the same colours). Amber bars get a dark
#: amber outline so they stand out from the white page at 3:1 (WCAG 1.4.11).
BAND_FILLS = {
    "missing": "#a4161a",
    "approaches": "#f0b429",
    "meets": "#4c9a2a",
    "exceeds": "#1e6b34",
}
BAND_STROKES = {"approaches": "#8a5300"}
_INK = "#1b1f24"
_MUTED = "#4a5560"
_GRID = "#c9d1d9"
_TRACK = "#f4f6f8"
_BRAND = "#1f4e79"

#: The band thresholds drawn as grid lines / rings.
GRID_STEPS = (40, 60, 80)


def band_class(band: str | None) -> str:
    """The CSS class of a band: `band-meets`, …; `band-none` when there is no band."""
    return f"band-{band}" if band in BANDS else "band-none"


def _band_label(band: str | None) -> str:
    return str(LEVEL_LABELS[band]) if band in BANDS else gettext("no score")


def _number(score: float) -> str:
    return format_decimal(score, format="#,##0.#")


def _clamp(score: float) -> float:
    return max(0.0, min(100.0, float(score)))


def _short(label: str, limit: int) -> str:
    """The label cut to `limit` characters with an ellipsis (the full text is in <title>)."""
    limit = max(limit, 4)
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _fmt(value: float) -> str:
    """A coordinate: at most two decimals, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _attrs(**attributes: object) -> str:
    """Escaped attributes; a trailing underscore is dropped and `_` becomes `-`."""
    parts = []
    for name, value in attributes.items():
        if value is None:
            continue
        key = name.rstrip("_").replace("_", "-")
        if isinstance(value, float):
            value = _fmt(value)
        parts.append(f' {key}="{escape(str(value))}"')
    return "".join(parts)


def _chart_id(kind: str, *parts: object) -> str:
    digest = hashlib.sha1(repr((kind, *parts)).encode(), usedforsecurity=False).hexdigest()
    return f"chart-{kind}-{digest[:10]}"


def _anchor(extends: str, rtl: bool) -> str:
    """The text-anchor that makes text extend `right`, `left` or both ways (`middle`) from its x.

    Under direction="rtl" the start of a text is its right end, so the names swap.
    """
    if extends == "middle":
        return "middle"
    if extends == "right":
        return "end" if rtl else "start"
    return "start" if rtl else "end"


def _wrap(label: str, width: int, lines: int) -> list[str]:
    """The label in lines of at most `width` characters, broken between words; at most `lines`
    lines, the last one cut with an ellipsis when the label is longer."""
    words = label.split()
    out: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if len(candidate) <= width or not current:
            current = candidate
        else:
            out.append(current)
            current = word
    if current:
        out.append(current)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = _short(out[-1] + " …", width) if len(out[-1]) + 2 > width else out[-1] + " …"
    return [_short(line, width) for line in out] or [""]


def _open_svg(chart_id: str, css: str, width: float, height: float, rtl: bool) -> str:
    return (
        "<svg"
        + _attrs(
            xmlns="http://www.w3.org/2000/svg",
            class_=f"chart {css}",
            role="img",
            aria_labelledby=f"{chart_id}-title {chart_id}-desc",
            width=width,
            height=height,
            viewBox=f"0 0 {_fmt(width)} {_fmt(height)}",
            direction="rtl" if rtl else "ltr",
            font_size=13,
            fill=_INK,
        )
        + ">"
    )


def _title_desc(chart_id: str, title: str, desc: str) -> str:
    return (
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
    )


def _described(label: str, score: float | None, band: str | None = None) -> str:
    if score is None:
        return gettext("%(label)s: no score", label=label)
    if band is None:
        return gettext("%(label)s: %(score)s", label=label, score=_number(score))
    return gettext(
        "%(label)s: %(score)s (%(band)s)", label=label, score=_number(score), band=_band_label(band)
    )


def _finish(out: list[str]) -> Markup:
    """The parts as one SVG document. Every text and attribute value in them went through
    `escape()` (or `_attrs`, which escapes), so the joined string is safe markup."""
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 - built from escaped parts only


def bar_chart(
    items: Sequence[tuple[str, float | None, str | None]],
    *,
    rtl: bool = False,
    width: int = 480,
    title: str | None = None,
    chart_id: str | None = None,
) -> Markup:
    """Horizontal bars, one per (label, score 0-100 or None, band), on a 0-100 scale.

    Grid lines mark the band thresholds (40, 60, 80) so a bar's band shows by its length as well
    as its colour; the score is written after each bar ("no score" when None). `rtl` mirrors the
    layout. `title` names the chart (default "Scores from 0 to 100").
    """
    title = title or gettext("Scores from 0 to 100")
    chart_id = chart_id or _chart_id("bars", tuple(items), rtl, width)
    # Each row: the label on its own line (long domain names fit), the bar below it.
    label_height, bar_height, gap, top, bottom = 16, 18, 12, 22, 4
    row_height = label_height + bar_height + gap
    value_width = 76
    bar_start = 10
    bar_width = max(width - bar_start - value_width, 40)
    rows = max(len(items), 1)
    height = top + row_height * rows + bottom

    def x(position: float, length: float = 0.0) -> float:
        """A left edge in the left-to-right layout, mirrored for right-to-left."""
        return width - position - length if rtl else position

    desc = "; ".join(_described(label, score, band) for label, score, band in items)
    out = [_open_svg(chart_id, "chart-bars", width, height, rtl)]
    out.append(_title_desc(chart_id, title, desc or gettext("No data")))
    grid_bottom = top + row_height * rows - gap / 2
    out.append('<g class="chart-grid" aria-hidden="true">')
    for step in (0, *GRID_STEPS, 100):
        gx = float(x(bar_start + bar_width * step / 100))
        edge = step in (0, 100)
        out.append(
            "<line"
            + _attrs(
                x1=gx,
                y1=float(top - 4),
                x2=gx,
                y2=float(grid_bottom),
                stroke=_MUTED if edge else _GRID,
                stroke_dasharray=None if edge else "3 3",
            )
            + "/>"
        )
        out.append(
            "<text"
            + _attrs(
                class_="chart-tick",
                x=gx,
                y=float(top - 8),
                text_anchor="middle",
                font_size=11,
                fill=_MUTED,
            )
            + f">{escape(_number(step))}</text>"
        )
    out.append("</g>")
    limit = int(width / 7)
    # Text runs the way the bars grow: rightwards, or leftwards when mirrored.
    forward = _anchor("left" if rtl else "right", rtl)
    if not items:
        out.append(
            "<text"
            + _attrs(x=float(x(bar_start)), y=float(top + 18), text_anchor=forward)
            + f">{escape(gettext('No data'))}</text>"
        )
    for index, (label, score, band) in enumerate(items):
        row_top = top + index * row_height
        y = row_top + label_height
        css = band_class(band if score is not None else None)
        out.append(f'<g class="chart-bar {css}">')
        out.append(f"<title>{escape(_described(label, score, band))}</title>")
        out.append(
            "<text"
            + _attrs(
                class_="bar-label",
                x=float(x(bar_start)),
                y=float(row_top + label_height - 4),
                text_anchor=forward,
            )
            + f">{escape(_short(label, limit))}</text>"
        )
        out.append(
            "<rect"
            + _attrs(
                class_="bar-track",
                x=float(x(bar_start, bar_width)),
                y=float(y),
                width=float(bar_width),
                height=float(bar_height),
                fill=_TRACK,
            )
            + "/>"
        )
        value_at = bar_start + 6
        if score is not None:
            length = bar_width * _clamp(score) / 100
            out.append(
                "<rect"
                + _attrs(
                    class_="bar-fill",
                    x=float(x(bar_start, length)),
                    y=float(y),
                    width=float(length),
                    height=float(bar_height),
                    fill=BAND_FILLS.get(band or "", _MUTED),
                    stroke=BAND_STROKES.get(band or ""),
                )
                + "/>"
            )
            value_at = bar_start + length + 6
            value_text = _number(score)
        else:
            value_text = gettext("no score")
        out.append(
            "<text"
            + _attrs(
                class_="bar-value" if score is not None else "bar-value bar-no-score",
                x=float(x(value_at)),
                y=float(y + bar_height / 2 + 4.5),
                text_anchor=forward,
                font_weight=600 if score is not None else None,
            )
            + f">{escape(value_text)}</text>"
        )
        out.append("</g>")
    return _finish(out)


def radar_chart(
    items: Sequence[tuple[str, float | None]],
    *,
    size: int = 320,
    rtl: bool = False,
    title: str | None = None,
    chart_id: str | None = None,
) -> Markup:
    """A radar with one axis per (label, score 0-100 or None), rings at 40, 60, 80 and 100.

    The first axis points up; the others follow clockwise (anticlockwise when `rtl`). A missing
    score sits at the centre and its axis label says "no score".
    """
    title = title or gettext("Scores by domain, from 0 at the centre to 100 at the edge")
    chart_id = chart_id or _chart_id("radar", tuple(items), size, rtl)
    count = len(items)
    margin = max(size * 0.27, 60)
    radius = size / 2 - margin
    cx = cy = size / 2
    direction = -1 if rtl else 1

    def point(index: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + direction * 2 * math.pi * index / max(count, 1)
        r = radius * value / 100
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    def points(values: Sequence[float]) -> str:
        return " ".join(
            f"{_fmt(px)},{_fmt(py)}" for px, py in (point(i, v) for i, v in enumerate(values))
        )

    desc = "; ".join(_described(label, score) for label, score in items)
    out = [_open_svg(chart_id, "chart-radar", size, size, rtl)]
    out.append(_title_desc(chart_id, title, desc or gettext("No data")))
    out.append('<g class="chart-grid" aria-hidden="true" fill="none">')
    for step in (*GRID_STEPS, 100):
        attrs = {"stroke": _MUTED if step == 100 else _GRID}
        if step != 100:
            attrs["stroke_dasharray"] = "3 3"
        if count >= 3:
            out.append("<polygon" + _attrs(points=points([step] * count), **attrs) + "/>")
        else:
            out.append(
                "<circle"
                + _attrs(cx=float(cx), cy=float(cy), r=float(radius * step / 100), **attrs)
                + "/>"
            )
    for index in range(count):
        ax, ay = point(index, 100)
        out.append(
            "<line"
            + _attrs(x1=float(cx), y1=float(cy), x2=float(ax), y2=float(ay), stroke=_GRID)
            + "/>"
        )
    for step in GRID_STEPS:
        out.append(
            "<text"
            + _attrs(
                class_="chart-tick",
                x=float(cx + 3 * direction),
                y=float(cy - radius * step / 100 - 2),
                text_anchor=_anchor("left" if rtl else "right", rtl),
                font_size=10,
                fill=_MUTED,
                stroke="none",
            )
            + f">{escape(_number(step))}</text>"
        )
    out.append("</g>")
    if not items:
        out.append(
            "<text"
            + _attrs(x=float(cx), y=float(cy), text_anchor="middle")
            + f">{escape(gettext('No data'))}</text>"
        )
    else:
        values = [_clamp(score) if score is not None else 0.0 for _, score in items]
        out.append(
            "<polygon"
            + _attrs(
                class_="radar-area",
                points=points(values),
                fill=_BRAND,
                fill_opacity="0.2",
                stroke=_BRAND,
                stroke_width=2,
                stroke_linejoin="round",
            )
            + "/>"
        )
    chars = max(int(margin / 6.2), 8)
    line_height = 14.0
    for index, (label, score) in enumerate(items):
        out.append('<g class="radar-axis">')
        out.append(f"<title>{escape(_described(label, score))}</title>")
        if score is not None:
            px, py = point(index, _clamp(score))
            out.append(
                "<circle"
                + _attrs(
                    class_="radar-point",
                    cx=float(px),
                    cy=float(py),
                    r=4,
                    fill=_BRAND,
                    stroke="#ffffff",
                    stroke_width=1.5,
                )
                + "/>"
            )
        lx, ly = point(index, 100)
        dx, dy = lx - cx, ly - cy
        extends = "middle" if abs(dx) < radius * 0.2 else ("right" if dx > 0 else "left")
        tx = lx + (0.0 if extends == "middle" else (8.0 if dx > 0 else -8.0))
        lines = _wrap(label, chars, 3)
        lines.append(_number(score) if score is not None else gettext("no score"))
        block = line_height * len(lines)
        if dy < -radius * 0.2:  # above the top of the radar
            first = ly - 6 - block + line_height
        elif dy > radius * 0.2:  # below the bottom
            first = ly + 6 + line_height
        else:  # beside it, centred on the axis end
            first = ly - block / 2 + line_height - 3
        out.append(
            "<text"
            + _attrs(class_="radar-label", y=float(first), text_anchor=_anchor(extends, rtl))
            + ">"
        )
        for number, line in enumerate(lines):
            is_value = number == len(lines) - 1
            out.append(
                "<tspan"
                + _attrs(
                    x=float(tx),
                    y=float(first + number * line_height),
                    class_="radar-value" if is_value else None,
                    font_weight=600 if is_value and score is not None else None,
                )
                + f">{escape(line)}</tspan>"
            )
        out.append("</text></g>")
    return _finish(out)
