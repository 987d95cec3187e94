"""Chart specs: scores turned into plain data that Chart.js draws in the browser.

Nothing here renders markup. Each function returns a JSON-serialisable dict (a "spec") that the
macro in templates/scoring/_chart.html writes into the page as a `<script type="application/json">`
data block (escaped by Flask's `tojson`, so no label can end the block) beside a
`<canvas role="img">` whose `aria-label` is the spec's `summary`. audit/static/js/charts.js reads
the block and draws the chart with the Chart.js build served from audit/static/vendor/ (installed
from npm by `make install`). Without JavaScript, or without that file, the figure stays hidden and
the table of the same numbers that every page puts beside a chart says it all.

A spec:

- ``id``: the canvas id (the data block is ``id + "-data"``); ``kind``: "bar", "radar" or "line";
- ``title``, ``labels``, ``values`` (0-100, clamped, or None when there is no score);
- ``bands`` (one per value: a band of BANDS or None) and ``band_names`` (their names, translated,
  "no score" without a value), ``colours`` (a fill per band, "none" for a value without a band,
  "series" for the radar and line), ``borders`` (outlines a fill needs to stand out from the page),
  ``legend`` (the bands in order with their names and colours);
- ``min`` 0, ``max`` 100 and ``thresholds`` (40, 60, 80: drawn as grid lines);
- ``rtl`` (mirror the chart for right-to-left pages), ``locale`` (for numbers);
- ``summary``: every value read out, for screen readers (the canvas's accessible name).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from flask_babel import format_decimal, gettext

from audit.frameworks import labels, spec

__all__ = [
    "BANDS",
    "BAND_FILLS",
    "BAND_STROKES",
    "GRID_STEPS",
    "SCALE_MAX",
    "SCALE_MIN",
    "band_class",
    "bar_spec",
    "line_spec",
    "radar_spec",
]

#: The band levels, lowest first (the framework's rating levels).
BANDS = spec.LEVELS

#: Bar fills by band (app.css gives the band classes the same colours). Amber bars get a dark
#: amber outline so they stand out from the white page at 3:1 (WCAG 1.4.11).
BAND_FILLS = {
    "missing": "#a4161a",
    "approaches": "#f0b429",
    "meets": "#4c9a2a",
    "exceeds": "#1e6b34",
}
BAND_STROKES = {"approaches": "#8a5300"}
#: A value without a band (muted), and the series colour of radars and lines (the brand blue).
NO_BAND_FILL = "#4a5560"
SERIES = "#1f4e79"

#: The band thresholds drawn as grid lines / rings.
GRID_STEPS = spec.DEFAULT_THRESHOLDS
SCALE_MIN = 0
SCALE_MAX = 100

KINDS = ("bar", "radar", "line")

Item = tuple[str, float | None, str | None]


def band_class(band: str | None) -> str:
    """The CSS class of a band: `band-meets`, …; `band-none` when there is no band."""
    return f"band-{band}" if band in BANDS else "band-none"


def _band_label(band: str | None) -> str:
    return labels.band_label(band) or gettext("no score")


def _number(score: float) -> str:
    return format_decimal(score, format="#,##0.#")


def _clamp(score: float | None) -> float | None:
    if score is None:
        return None
    return max(float(SCALE_MIN), min(float(SCALE_MAX), float(score)))


def _described(label: str, score: float | None, band: str | None) -> str:
    if score is None:
        return gettext("%(label)s: no score", label=label)
    if band is None:
        return gettext("%(label)s: %(score)s", label=label, score=_number(score))
    return gettext(
        "%(label)s: %(score)s (%(band)s)", label=label, score=_number(score), band=_band_label(band)
    )


def _chart_id(kind: str, *parts: object) -> str:
    digest = hashlib.sha1(repr((kind, *parts)).encode(), usedforsecurity=False).hexdigest()
    return f"chart-{kind}-{digest[:10]}"


def _items(items: Sequence[tuple[Any, ...]]) -> list[Item]:
    """(label, score, band) triples: a band only with a score, and only one of BANDS."""
    out: list[Item] = []
    for item in items:
        label, score = str(item[0]), item[1]
        band = item[2] if len(item) > 2 else None
        value = _clamp(score)
        out.append((label, value, band if value is not None and band in BANDS else None))
    return out


def _spec(
    kind: str,
    items: Sequence[tuple[Any, ...]],
    *,
    title: str,
    rtl: bool,
    locale: str,
    chart_id: str | None,
) -> dict[str, Any]:
    rows = _items(items)
    described = [_described(label, score, band) for label, score, band in rows]
    values = "; ".join(described) or gettext("No data")
    return {
        "id": chart_id or _chart_id(kind, tuple(rows), rtl, locale),
        "kind": kind,
        "title": title,
        "labels": [label for label, _, _ in rows],
        "values": [score for _, score, _ in rows],
        "bands": [band for _, _, band in rows],
        "band_names": [
            _band_label(band) if score is not None else gettext("no score")
            for _, score, band in rows
        ],
        "colours": {**BAND_FILLS, "none": NO_BAND_FILL, "series": SERIES},
        "borders": dict(BAND_STROKES),
        "legend": [
            {"band": band, "name": _band_label(band), "colour": BAND_FILLS[band]} for band in BANDS
        ],
        "min": SCALE_MIN,
        "max": SCALE_MAX,
        "thresholds": list(GRID_STEPS),
        "rtl": bool(rtl),
        "locale": locale,
        "no_score": gettext("no score"),
        # "Title: label: value (band); …" (the catalog's "label: value" message, reused).
        "summary": gettext("%(label)s: %(score)s", label=title, score=values),
    }


def bar_spec(
    items: Sequence[tuple[str, float | None, str | None]],
    *,
    title: str | None = None,
    rtl: bool = False,
    locale: str = "en",
    chart_id: str | None = None,
) -> dict[str, Any]:
    """Horizontal bars, one per (label, score 0-100 or None, band), coloured by band.

    The browser draws grid lines at the band thresholds (40, 60, 80) so a bar's band shows by its
    length as well as its colour, and writes each score after its bar ("no score" when None).
    """
    return _spec(
        "bar",
        items,
        title=title or gettext("Scores from 0 to 100"),
        rtl=rtl,
        locale=locale,
        chart_id=chart_id,
    )


def radar_spec(
    items: Sequence[tuple[str, float | None] | tuple[str, float | None, str | None]],
    *,
    title: str | None = None,
    rtl: bool = False,
    locale: str = "en",
    chart_id: str | None = None,
) -> dict[str, Any]:
    """A radar with one axis per (label, score 0-100 or None[, band]), rings at 40, 60, 80, 100.

    The first axis points up; the others follow clockwise (anticlockwise when `rtl`).
    """
    return _spec(
        "radar",
        items,
        title=title or gettext("Scores by domain, from 0 at the centre to 100 at the edge"),
        rtl=rtl,
        locale=locale,
        chart_id=chart_id,
    )


def line_spec(
    items: Sequence[tuple[str, float | None, str | None]],
    *,
    title: str | None = None,
    rtl: bool = False,
    locale: str = "en",
    chart_id: str | None = None,
) -> dict[str, Any]:
    """A line through (label, score 0-100 or None, band) in order, e.g. one point per cycle.

    A missing score (None: withheld, or no score) leaves a gap in the line. When `rtl` the
    first point is on the right.
    """
    return _spec(
        "line",
        items,
        title=title or gettext("Scores from 0 to 100"),
        rtl=rtl,
        locale=locale,
        chart_id=chart_id,
    )
