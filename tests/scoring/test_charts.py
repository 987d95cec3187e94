"""The SVG charts: valid, accessible, escaped, mirrored for right-to-left, no inline style."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from audit.scoring.charts import band_class, bar_chart, radar_chart

SVG = "{http://www.w3.org/2000/svg}"

ITEMS = [
    ("Facilities for women", 62.5, "meets"),
    ("Recruitment, retention and career progression", 33.3, "missing"),
    ("Gender advisers", None, None),
    ("Training", 45.0, "approaches"),
    ("Leadership", 100.0, "exceeds"),
]


def _parse(markup: Markup) -> ET.Element:
    return ET.fromstring(str(markup))


def _bars(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if "chart-bar" in g.get("class", "").split()]


def _fill(group: ET.Element) -> ET.Element | None:
    return next((r for r in group.iter(f"{SVG}rect") if r.get("class") == "bar-fill"), None)


def _texts(element: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in element.iter(f"{SVG}text")]


def test_band_class_names_every_band_and_none():
    assert band_class("missing") == "band-missing"
    assert band_class("approaches") == "band-approaches"
    assert band_class("meets") == "band-meets"
    assert band_class("exceeds") == "band-exceeds"
    assert band_class(None) == "band-none"
    assert band_class("bogus") == "band-none"


def test_bar_chart_is_accessible_svg_markup():
    chart = bar_chart(ITEMS, title="Score by domain")
    assert isinstance(chart, Markup)
    root = _parse(chart)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text == "Score by domain"
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    labelled_by = root.get("aria-labelledby", "").split()
    assert title.get("id") in labelled_by
    assert set(labelled_by) <= ids
    desc = root.find(f"{SVG}desc")
    assert desc is not None
    assert "Facilities for women: 62.5" in desc.text
    assert "Gender advisers: no score" in desc.text
    assert "style=" not in str(chart)  # the CSP forbids inline styles
    assert "<script" not in str(chart)


def test_one_bar_per_item_with_its_band_class():
    root = _parse(bar_chart(ITEMS))
    bars = _bars(root)
    assert len(bars) == len(ITEMS)
    classes = [g.get("class").split()[-1] for g in bars]
    assert classes == ["band-meets", "band-missing", "band-none", "band-approaches", "band-exceeds"]
    widths = [float(_fill(g).get("width")) for g in bars if _fill(g) is not None]
    assert widths[0] == pytest.approx(widths[-1] * 0.625)  # 62.5 of the 100 bar


def test_a_missing_score_renders_as_no_score_without_a_bar():
    root = _parse(bar_chart(ITEMS))
    missing = _bars(root)[2]
    assert _fill(missing) is None
    assert "no score" in _texts(missing)
    assert "Gender advisers" in _texts(missing)


def test_scores_are_clamped_to_the_scale():
    root = _parse(bar_chart([("over", 150.0, "exceeds"), ("full", 100.0, "exceeds")]))
    over, full = (_fill(g) for g in _bars(root))
    assert over.get("width") == full.get("width")


def test_rtl_mirrors_the_bars():
    width = 480
    ltr = _bars(_parse(bar_chart(ITEMS, width=width)))
    rtl_root = _parse(bar_chart(ITEMS, width=width, rtl=True))
    assert rtl_root.get("direction") == "rtl"
    rtl = _bars(rtl_root)
    for left, right in zip(ltr, rtl, strict=True):
        a, b = _fill(left), _fill(right)
        if a is None:
            assert b is None
            continue
        w = float(a.get("width"))
        assert float(b.get("width")) == pytest.approx(w)
        assert float(b.get("x")) == pytest.approx(width - float(a.get("x")) - w)
        label_l = next(t for t in left.iter(f"{SVG}text") if t.get("class") == "bar-label")
        label_r = next(t for t in right.iter(f"{SVG}text") if t.get("class") == "bar-label")
        assert float(label_r.get("x")) == pytest.approx(width - float(label_l.get("x")))
        # direction="rtl" swaps start and end, so the same anchor runs the mirrored way
        assert label_r.get("text-anchor") == label_l.get("text-anchor")


def test_labels_are_escaped():
    chart = bar_chart([("<script>alert(1)</script>", 50.0, "approaches")])
    text = str(chart)
    assert "<script>" not in text
    assert "&lt;script&gt;" in text
    root = _parse(chart)
    assert "<script>alert(1)</script>" in _texts(root)
    radar = str(radar_chart([('"><script>x', 10.0), ("b", 20.0), ("c", 30.0)]))
    assert "<script>" not in radar
    _parse(Markup(radar))


def test_long_labels_are_shortened_with_the_full_text_in_the_tooltip():
    label = "Indicators, monitoring and sex-disaggregated data " * 3
    root = _parse(bar_chart([(label, 70.0, "meets")], width=300))
    group = _bars(root)[0]
    shown = next(t for t in group.iter(f"{SVG}text") if t.get("class") == "bar-label")
    assert shown.text.endswith("…")
    assert len(shown.text) < len(label)
    assert label.strip() in group.find(f"{SVG}title").text


def test_empty_charts_are_still_valid():
    assert "No data" in _texts(_parse(bar_chart([])))
    assert "No data" in _texts(_parse(radar_chart([])))


def test_radar_has_one_axis_per_domain_and_rings_at_the_bands():
    items = [(f"Domain {n}", float(n * 10), None) for n in range(1, 9)]
    root = _parse(radar_chart([(label, score) for label, score, _ in items], size=320))
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title") is not None
    axes = [g for g in root.iter(f"{SVG}g") if g.get("class") == "radar-axis"]
    assert len(axes) == 8
    grid = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "chart-grid")
    assert len(grid.findall(f"{SVG}polygon")) == 4  # 40, 60, 80 and the 100 edge
    assert {"40", "60", "80"} <= set(_texts(grid))
    points = [c for c in root.iter(f"{SVG}circle") if c.get("class") == "radar-point"]
    assert len(points) == 8
    assert "style=" not in ET.tostring(root, encoding="unicode")


def test_radar_puts_a_full_score_on_the_edge_and_a_missing_one_nowhere():
    root = _parse(radar_chart([("top", 100.0), ("right", None), ("bottom", 0.0)], size=300))
    points = [c for c in root.iter(f"{SVG}circle") if c.get("class") == "radar-point"]
    assert len(points) == 2  # no point for the missing score
    top = points[0]
    assert float(top.get("cx")) == pytest.approx(150)
    assert float(top.get("cy")) < 150 - 50  # up, on the 100 ring
    texts = " ".join(_texts(root))
    assert "no score" in texts


def test_radar_rtl_runs_the_other_way():
    items = [("a", 50.0), ("b", 50.0), ("c", 50.0), ("d", 50.0)]
    ltr = list(_parse(radar_chart(items)).iter(f"{SVG}circle"))
    rtl = list(_parse(radar_chart(items, rtl=True)).iter(f"{SVG}circle"))
    # The second axis is on the right left-to-right and on the left right-to-left.
    assert float(ltr[1].get("cx")) == pytest.approx(320 - float(rtl[1].get("cx")))


def test_radar_with_two_domains_uses_circles():
    root = _parse(radar_chart([("a", 50.0), ("b", 70.0)]))
    grid = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "chart-grid")
    assert len(grid.findall(f"{SVG}circle")) == 4
