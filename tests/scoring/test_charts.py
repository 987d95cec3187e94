"""Chart specs (plain data for Chart.js) and the macro that puts them in a page, escaped."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from audit.scoring.charts import (
    BAND_FILLS,
    BAND_STROKES,
    BANDS,
    GRID_STEPS,
    band_class,
    bar_spec,
    line_spec,
    radar_spec,
)
from tests.conftest import make_app

ITEMS = [
    ("Facilities for women", 62.5, "meets"),
    ("Recruitment, retention and career progression", 33.3, "missing"),
    ("Gender advisers", None, None),
    ("Training", 45.0, "approaches"),
    ("Leadership", 100.0, "exceeds"),
]

HOSTILE = "</script><script>alert(1)</script>"


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    """The app for its Jinja environment and request context (no database is touched)."""
    return make_app(f"sqlite:///{tmp_path / 'unused.sqlite'}", tmp_path / "instance")


def test_band_class_names_every_band_and_none():
    assert band_class("missing") == "band-missing"
    assert band_class("approaches") == "band-approaches"
    assert band_class("meets") == "band-meets"
    assert band_class("exceeds") == "band-exceeds"
    assert band_class(None) == "band-none"
    assert band_class("bogus") == "band-none"


def test_bar_spec_holds_labels_values_and_bands_in_order():
    spec = bar_spec(ITEMS, title="Score by domain")
    assert spec["kind"] == "bar"
    assert spec["title"] == "Score by domain"
    assert spec["labels"] == [label for label, _, _ in ITEMS]
    assert spec["values"] == [62.5, 33.3, None, 45.0, 100.0]
    assert spec["bands"] == ["meets", "missing", None, "approaches", "exceeds"]
    assert spec["band_names"][2] == "no score"
    assert spec["band_names"][0] == "Meets requirements"


def test_the_scale_and_the_band_thresholds():
    spec = bar_spec(ITEMS)
    assert (spec["min"], spec["max"]) == (0, 100)
    assert spec["thresholds"] == [40, 60, 80] == list(GRID_STEPS)


def test_colours_are_the_band_palette():
    spec = bar_spec(ITEMS)
    for band in BANDS:
        assert spec["colours"][band] == BAND_FILLS[band]
    assert BAND_FILLS == {
        "missing": "#a4161a",
        "approaches": "#f0b429",
        "meets": "#4c9a2a",
        "exceeds": "#1e6b34",
    }
    assert "none" in spec["colours"]
    assert "series" in spec["colours"]
    assert spec["borders"] == BAND_STROKES  # amber needs its dark outline on white
    assert [item["band"] for item in spec["legend"]] == list(BANDS)
    assert [item["colour"] for item in spec["legend"]] == [BAND_FILLS[b] for b in BANDS]


def test_scores_are_clamped_and_a_band_needs_a_score():
    spec = bar_spec([("over", 150.0, "exceeds"), ("under", -5.0, "missing"), ("x", None, "meets")])
    assert spec["values"] == [100.0, 0.0, None]
    assert spec["bands"] == ["exceeds", "missing", None]
    assert bar_spec([("odd", 50.0, "bogus")])["bands"] == [None]


def test_specs_are_plain_json():
    for spec in (bar_spec(ITEMS), radar_spec(ITEMS), line_spec(ITEMS, rtl=True, locale="ar")):
        assert json.loads(json.dumps(spec)) == spec
        assert {"id", "kind", "labels", "values", "bands", "rtl", "locale", "summary"} <= set(spec)


def test_summary_reads_out_every_value():
    spec = bar_spec(ITEMS, title="Score by domain")
    summary = spec["summary"]
    assert summary.startswith("Score by domain: ")
    assert "Facilities for women: 62.5 (Meets requirements)" in summary
    assert "Gender advisers: no score" in summary
    assert "Leadership: 100" in summary


def test_empty_specs_say_no_data():
    spec = bar_spec([], title="Nothing")
    assert spec["labels"] == spec["values"] == spec["bands"] == []
    assert spec["summary"] == "Nothing: No data"
    assert radar_spec([])["values"] == []


def test_rtl_and_locale_are_carried_not_applied():
    ltr = bar_spec(ITEMS)
    rtl = bar_spec(ITEMS, rtl=True, locale="ar")
    assert (ltr["rtl"], ltr["locale"]) == (False, "en")
    assert (rtl["rtl"], rtl["locale"]) == (True, "ar")
    # The data stays in the table's order: the browser mirrors the drawing.
    assert rtl["labels"] == ltr["labels"]
    assert rtl["values"] == ltr["values"]


def test_radar_takes_pairs_or_triples_and_line_keeps_gaps():
    radar = radar_spec([("a", 10.0), ("b", None), ("c", 30.0)])
    assert radar["kind"] == "radar"
    assert radar["values"] == [10.0, None, 30.0]
    assert radar["bands"] == [None, None, None]
    line = line_spec([("2025", 41.0, "approaches"), ("2026", None, None), ("2027", 70.0, "meets")])
    assert line["kind"] == "line"
    assert line["values"] == [41.0, None, 70.0]


def test_ids_are_stable_and_can_be_given():
    assert bar_spec(ITEMS)["id"] == bar_spec(ITEMS)["id"]
    assert bar_spec(ITEMS)["id"] != bar_spec(ITEMS[:2])["id"]
    assert bar_spec(ITEMS, chart_id="chart-x")["id"] == "chart-x"


# --- the macro ----------------------------------------------------------------------------------


class _Elements(HTMLParser):
    """Every start tag with its attributes, and the text of each <script>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script, self._text = dict(attrs), []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._text)))
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._text.append(data)


def _render(app: Flask, source: str, **context: Any) -> str:
    with app.test_request_context():
        return app.jinja_env.from_string(source).render(**context)


def _chart_html(app: Flask, spec: dict[str, Any], caption: str = "Caption") -> str:
    return _render(
        app,
        '{% from "scoring/_chart.html" import chart %}{{ chart(spec, caption) }}',
        spec=spec,
        caption=caption,
    )


def _parse(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser


def test_macro_renders_a_figure_a_canvas_and_a_json_block(app: Flask):
    spec = bar_spec(ITEMS, title="Score by domain", chart_id="chart-domain-bars")
    html = _chart_html(app, spec, "Score by domain")
    found = _parse(html)
    tags = dict(found.tags)
    assert "hidden" in tags["figure"]  # shown by charts.js once drawn
    canvas = tags["canvas"]
    assert canvas["id"] == "chart-domain-bars"
    assert canvas["role"] == "img"
    assert canvas["aria-label"] == spec["summary"]
    assert canvas["data-chart"] == "chart-domain-bars-data"
    [(attrs, data)] = found.scripts
    assert attrs == {"type": "application/json", "id": "chart-domain-bars-data"}
    assert json.loads(data) == spec
    assert "<figcaption>Score by domain</figcaption>" in html
    assert "style=" not in html
    # The bar chart's height comes from a class of app.css: a row per bar (at most 24).
    assert tags["div"]["class"] == "chart-box chart-box-bar chart-rows-5"
    many = bar_spec([(f"d{n}", 50.0, "approaches") for n in range(30)], chart_id="c")
    assert "chart-rows-24" in _chart_html(app, many)
    assert "chart-rows-1" in _chart_html(app, bar_spec([], chart_id="c"))
    assert "chart-rows" not in _chart_html(app, radar_spec(ITEMS, chart_id="c"))


@pytest.mark.parametrize(
    "label",
    [
        HOSTILE,
        "</SCRIPT ><img src=x onerror=alert(1)>",
        "<!--<script>",
        '" onmouseover="alert(1)',
        "' & \u2028 \u2029",
    ],
)
def test_hostile_labels_cannot_break_out_of_the_data_block(app: Flask, label: str):
    spec = bar_spec([(label, 50.0, "approaches"), ("b", 60.0, "meets")], chart_id="chart-h")
    html = _chart_html(app, spec, caption=label)
    found = _parse(html)
    # One script element only: the JSON block, never executed, holding exactly the spec.
    [(attrs, data)] = found.scripts
    assert attrs["type"] == "application/json"
    assert json.loads(data) == spec
    assert json.loads(data)["labels"][0] == label
    # tojson writes < > & ' as \u003c \u003e \u0026 \u0027: nothing in the block can end it
    assert "<" not in data
    assert ">" not in data
    assert [tag for tag, _ in found.tags] == ["figure", "figcaption", "div", "canvas", "script"]
    canvas = dict(found.tags)["canvas"]
    assert canvas["aria-label"] is not None
    assert label in canvas["aria-label"]  # escaped in the attribute, intact when read
    assert set(canvas) == {"id", "class", "role", "aria-label", "data-chart"}


def test_hostile_titles_are_escaped_too(app: Flask):
    spec = line_spec([("2025", 40.0, "approaches"), ("2026", 50.0, "approaches")], title=HOSTILE)
    found = _parse(_chart_html(app, spec))
    [(_, data)] = found.scripts
    assert json.loads(data)["title"] == HOSTILE
    assert len(found.scripts) == 1


def test_chart_scripts_are_files_with_defer_in_order(app: Flask):
    html = _render(
        app, '{% from "scoring/_chart.html" import chart_scripts %}{{ chart_scripts() }}'
    )
    scripts = _parse(html).scripts
    sources = [attrs["src"] for attrs, _ in scripts]
    assert sources == ["/static/vendor/chart.umd.min.js", "/static/js/charts.js"]
    assert all("defer" in attrs and text == "" for attrs, text in scripts)
