"""Where the donor workbook puts things: the pure layout helpers, then the real file read back
(chart anchors from xl/drawings/*.xml, cells and widths with openpyxl), in English and Arabic."""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from audit.exports.xlsx import DomainMean, RecommendationRow, TrendPoint, write_donor_summary
from audit.exports.xlsx.layout import (
    SCORE_FORMAT,
    Box,
    chart_box,
    column_px,
    fit_width,
    lines_needed,
    scaled,
    stack_below,
    wrapped_height,
)
from tests.exports.test_xlsx import ARABIC, donor_summary

# --- pure helpers ---------------------------------------------------------------------------


def test_boxes_overlap_only_when_they_share_a_cell() -> None:
    a = Box(0, 0, 10, 5)
    assert a.overlaps(Box(10, 5, 12, 7))
    assert a.overlaps(Box(3, 2, 4, 3))  # inside
    assert not a.overlaps(Box(11, 0, 20, 5))  # just below
    assert not a.overlaps(Box(0, 6, 10, 9))  # just beside


def test_a_chart_covers_the_rows_and_columns_of_its_size() -> None:
    # 576 x 374 px: 19 rows of 20 px; columns of 50 characters (355 px) and 24 (173 px) give 528,
    # so a third column is reached.
    box = chart_box((14, 0), (576, 374), [50, 24, 8])
    assert box == Box(14, 0, 32, 2)
    assert column_px(8.43) == 64


def test_charts_are_stacked_below_every_table_and_each_other() -> None:
    tables = [Box(3, 0, 11, 2), Box(3, 4, 5, 6)]
    sizes = [scaled((1.2, 1.3)), scaled((1.2, 1.3))]
    anchors = stack_below(tables, sizes, [50, 24, 8])
    boxes = [chart_box(at, size, [50, 24, 8]) for at, size in zip(anchors, sizes, strict=True)]
    assert anchors[0] == (14, 0)
    assert not boxes[0].overlaps(boxes[1])
    assert all(not b.overlaps(t) for b in boxes for t in tables)


def test_widths_fit_the_longest_text_within_the_caps() -> None:
    assert fit_width(["Domain", "Recruitment, retention and career progression"]) == 47
    assert fit_width(["Code"]) == 8
    assert fit_width(["x" * 200], maximum=60) == 60
    assert fit_width([]) == 8


def test_a_long_text_gets_a_row_tall_enough_to_wrap() -> None:
    text = "word " * 60  # 300 characters
    assert lines_needed("short", 90) == 1
    assert lines_needed(text, 90) == 4
    assert wrapped_height(text, 90) == 4 * 15 + 3


# --- the workbook read back -----------------------------------------------------------------

_ANCHOR = re.compile(
    r"<xdr:from><xdr:col>(\d+)</xdr:col>.*?<xdr:row>(\d+)</xdr:row>.*?</xdr:from>"
    r"<xdr:to><xdr:col>(\d+)</xdr:col>.*?<xdr:row>(\d+)</xdr:row>",
    re.S,
)


def chart_boxes(path: Path) -> list[Box]:
    """Every chart's anchor (two-cell, from/to) in the workbook's drawings."""
    boxes = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if re.fullmatch(r"xl/drawings/drawing\d+\.xml", name):
                xml = archive.read(name).decode()
                for left, top, right, bottom in _ANCHOR.findall(xml):
                    boxes.append(Box(int(top), int(left), int(bottom), int(right)))
    return boxes


def used_cells(ws: openpyxl.worksheet.worksheet.Worksheet) -> list[Box]:
    return [
        Box(cell.row - 1, cell.column - 1, cell.row - 1, cell.column - 1)
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None
    ]


def _many_domains() -> list[DomainMean]:
    """Eight domains (as the shipped framework has), one over too few units."""
    names = ["Facilities for women", "Recruitment, retention and career progression"] * 4
    return [
        DomainMean(f"D{i}", name, 40.0 + i * 7.25, 2 if i == 3 else 9, "meets")
        for i, name in enumerate(names)
    ]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_no_chart_covers_a_table_or_another_chart(tmp_path: Path, lang: str) -> None:
    data = replace(
        donor_summary(labels=ARABIC if lang == "ar" else None, rtl=lang == "ar"),
        domains=_many_domains(),
        trend=[TrendPoint(str(2020 + i), 50.0 + i, 9) for i in range(5)],
    )
    path = tmp_path / f"donor-{lang}.xlsx"
    write_donor_summary(path, data)
    boxes = chart_boxes(path)
    assert len(boxes) == 2
    assert not boxes[0].overlaps(boxes[1])
    ws = openpyxl.load_workbook(path).worksheets[1]  # the summary
    cells = used_cells(ws)
    assert len(cells) > 30
    assert not [(b, c) for b in boxes for c in cells if b.overlaps(c)]


def test_chart_labels_round_like_the_table(tmp_path: Path) -> None:
    path = tmp_path / "donor.xlsx"
    write_donor_summary(path, donor_summary())
    with zipfile.ZipFile(path) as archive:
        charts = [archive.read(n).decode() for n in archive.namelist() if "charts/chart" in n]
    assert len(charts) == 2
    for xml in charts:
        assert f'<c:numFmt formatCode="{SCORE_FORMAT}"' in xml
    ws = openpyxl.load_workbook(path)["Summary"]
    assert ws.cell(row=5, column=2).number_format == SCORE_FORMAT


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_texts_fit_their_columns(tmp_path: Path, lang: str) -> None:
    data = donor_summary(labels=ARABIC if lang == "ar" else None, rtl=lang == "ar")
    path = tmp_path / "donor.xlsx"
    write_donor_summary(path, replace(data, domains=_many_domains()))
    wb = openpyxl.load_workbook(path)
    summary, domains = wb.worksheets[1], wb.worksheets[3]
    longest = len("Recruitment, retention and career progression")
    assert summary.column_dimensions["A"].width >= longest
    assert domains.column_dimensions["B"].width >= longest
    withheld = domains.cell(row=5, column=3).value
    assert "3" in withheld
    assert domains.column_dimensions["C"].width >= len(withheld)
    # The disclosure note's row is tall enough for the wrapped note.
    sex = wb.worksheets[4]
    note = sex.cell(row=1, column=1).value
    width = sex.column_dimensions["A"].width
    assert sex.row_dimensions[1].height >= lines_needed(note, width) * 15


def test_every_recommendation_line_says_why_it_has_no_score(tmp_path: Path) -> None:
    recs = [
        RecommendationRow("R01", "Scored", 64.0, "meets", 100.0, units=9),
        RecommendationRow("R21", "Withheld", None, None, None, units=1),
        RecommendationRow("R22", "Nobody answered", None, None, None, units=0),
    ]
    path = tmp_path / "donor.xlsx"
    write_donor_summary(path, replace(donor_summary(), recommendations=recs))
    ws = openpyxl.load_workbook(path)["Benchmark"]
    rows = list(ws.iter_rows(min_row=2, max_col=5, values_only=True))
    assert rows == [
        ("R01", "Scored", 64, "Meets requirements", 100),
        ("R21", "Withheld", None, "withheld: fewer than 3 units", None),
        ("R22", "Nobody answered", None, "no score: no unit answered its questions", None),
    ]
