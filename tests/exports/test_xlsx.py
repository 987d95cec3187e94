"""The workbook writers, read back with openpyxl (pure: no app, no database)."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.escape import unescape

from audit.exports.xlsx import (
    FULL_DATA_COLUMNS,
    AnswerRow,
    DomainMean,
    DonorSummary,
    IndicatorRow,
    RecommendationRow,
    ScoreRow,
    SexTable,
    TrendPoint,
    UnitScorecardBook,
    write_donor_summary,
    write_full_data,
    write_unit_scorecard,
)
from audit.scoring.disclosure import suppress_table

PAYLOADS = (
    "=cmd|' /C calc'!A0",
    "=1+1",
    "+1",
    "-1",
    "@SUM(1)",
    "\t=1",
    "\r=1",
    "{=1+1}",
    "http://evil.example",
    "external:c:\\x.xlsx",
    '=HYPERLINK("http://evil.example","click")',
    "0042",
    "1e5",
)

ARABIC = {
    "sheet_readme": "اقرأني",
    "sheet_summary": "الملخص",
    "sheet_benchmark": "المقارنة",
    "sheet_domains": "المجالات",
    "sheet_sex": "حسب الجنس",
    "sheet_trend": "الاتجاه",
    "sheet_answers": "الإجابات",
    "sheet_scorecard": "بطاقة الأداء",
    "sheet_indicators": "المؤشرات",
    "withheld": "محجوب",
    "withheld_units": "محجوب: أقل من %(n)d وحدات",
}

GENERATED = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)


def donor_summary(*, labels: dict[str, str] | None = None, rtl: bool = False) -> DonorSummary:
    domains = [
        DomainMean("GP", "Gender policy", 72.5, 12, "meets"),
        DomainMean("RC", "Recruitment", 38.0, 12, "missing"),
        DomainMean("TR", "Training", 55.0, 2, "approaches"),  # too few units: withheld
    ]
    recommendations = [
        RecommendationRow(
            f"R{i:02d}",
            f"Recommendation {i}",
            float(i * 3),
            "missing",
            80.0,
            by_group=(float(i * 3), None),
        )
        for i in range(1, 31)
    ]
    return DonorSummary(
        title="Lebanon — Internal Security Forces",
        cycle="2026",
        framework_version="wps-2026.1",
        scoring_rules="Rules 2026.1: domain score = weighted mean × 100.",
        disclosure_note="Counts below 5 are withheld; means need at least 3 units.",
        generated_at=GENERATED,
        app_version="1.0.0",
        labels=labels or {},
        rtl=rtl,
        domains=domains,
        recommendations=recommendations,
        trend=[
            TrendPoint("2024", 51.0, 10),
            TrendPoint("2025", 58.5, 11),
            TrendPoint("2026", 61.0, 12),
        ],
        sex_tables=[
            SexTable(
                "Personnel by rank",
                {"officers": {"women": 3, "men": 40}, "ranks": {"women": 12, "men": 200}},
                row_labels={"officers": "Officers", "ranks": "Other ranks"},
            ),
            SexTable(
                "Complaints",
                suppress_table(
                    {"received": {"women": 2, "men": 9}, "closed": {"women": 7, "men": 8}}
                ),
            ),
        ],
        groups=("Police", '=HYPERLINK("http://evil.example")'),
    )


def unit_book(*, rtl: bool = False, labels: dict[str, str] | None = None) -> UnitScorecardBook:
    return UnitScorecardBook(
        title="Hobeich station scorecard",
        unit="Hobeich station",
        institution="Internal Security Forces",
        country="Lebanon",
        cycle="2026",
        framework_version="wps-2026.1",
        scoring_rules="2026.1",
        generated_at=GENERATED,
        app_version="1.0.0",
        labels=labels or {},
        rtl=rtl,
        overall=ScoreRow("", "", 64.2, "meets", 90.0, 5.5),
        domains=[
            ScoreRow("GP", "Gender policy", 80.0, "exceeds", 100.0, 10.0),
            ScoreRow("RC", "Recruitment", 30.0, "missing", 75.0, None),
        ],
        recommendations=[
            ScoreRow(f"R{i:02d}", f"Recommendation {i}", float(i * 3), None, 50.0)
            for i in range(1, 31)
        ],
        indicators=[
            IndicatorRow("GP.01", "Policy adopted?", "GP", "yes_no", "yes", 1.0, weight=2),
            IndicatorRow("GP.02", "Women officers", "GP", "count", 14, 2 / 3),
            IndicatorRow("GP.03", "Last training", "GP", "date", date(2025, 3, 1), 1.0),
            IndicatorRow("GP.04", "Comment", "GP", "text", "=1+1", None),
        ],
        previous_cycle="2025",
    )


def answers(values: list[object]) -> list[AnswerRow]:
    return [
        AnswerRow(
            audit_id=i + 1,
            unit="=unit",
            institution="+inst",
            country="Lebanon",
            cycle="2026",
            indicator_code=f"GP.{i:02d}",
            indicator_label="@label",
            domain="GP",
            answer_type="text",
            value=value,  # type: ignore[arg-type]
            score=0.5 if i % 2 else None,
            not_applicable=bool(i % 3 == 0),
            note_text=None if i % 2 else "-note",
        )
        for i, value in enumerate(values)
    ]


def text(value: object) -> object:
    """A string as Excel shows it: OOXML escapes control characters (CR is `_x000D_`) and
    openpyxl hands back the escaped form."""
    return unescape(value) if isinstance(value, str) else value


def read(target: Path | io.BytesIO) -> openpyxl.Workbook:
    return openpyxl.load_workbook(target)


# --------------------------------------------------------------------------- donor summary


@pytest.fixture
def donor_wb(tmp_path: Path) -> openpyxl.Workbook:
    path = tmp_path / "donor.xlsx"
    write_donor_summary(str(path), donor_summary())
    return read(path)


def test_donor_summary_sheets(donor_wb: openpyxl.Workbook) -> None:
    assert donor_wb.sheetnames == [
        "Read me",
        "Summary",
        "Benchmark",
        "Domains",
        "Sex-disaggregated",
        "Trend",
    ]


def test_donor_readme(donor_wb: openpyxl.Workbook) -> None:
    ws = donor_wb["Read me"]
    rows = {r[0]: r[1] for r in ws.iter_rows(min_row=3, values_only=True)}
    assert rows["Framework version"] == "wps-2026.1"
    assert rows["Cycle"] == "2026"
    assert rows["Disclosure rules applied"].startswith("Counts below 5")
    assert rows["Generated (UTC)"] == datetime(2026, 11, 23, 14, 30)
    assert rows["Generated by WPS Audit version"] == "1.0.0"


def test_donor_summary_has_native_charts(donor_wb: openpyxl.Workbook) -> None:
    charts = donor_wb["Summary"]._charts
    kinds = sorted(type(chart).__name__ for chart in charts)
    assert kinds == ["BarChart", "LineChart"]


def test_benchmark_matrix_and_traffic_lights(donor_wb: openpyxl.Workbook) -> None:
    ws = donor_wb["Benchmark"]
    assert [ws.cell(row=1, column=c).value for c in range(1, 8)] == [
        "Code",
        "Name",
        "Score",
        "Band",
        "Coverage %",
        "Police",
        '=HYPERLINK("http://evil.example")',
    ]
    assert ws.cell(row=1, column=7).data_type == "s"
    codes = [ws.cell(row=r, column=1).value for r in range(2, 32)]
    assert codes == [f"R{i:02d}" for i in range(1, 31)]
    score = ws.cell(row=11, column=3)
    assert score.value == 30
    assert score.data_type == "n"
    assert ws.freeze_panes == "C2"
    assert ws.auto_filter.ref == "A1:G31"
    rules = [rule for cf in ws.conditional_formatting for rule in cf.rules]
    cell_rules = [rule for rule in rules if rule.type == "cellIs"]
    thresholds = sorted({float(rule.formula[0]) for rule in cell_rules})
    assert thresholds == [40.0, 60.0, 80.0]
    ranges = {str(cf.sqref) for cf in ws.conditional_formatting}
    assert ranges == {"C2:C31", "F2:G31"}


def test_domains_withhold_means_over_too_few_units(donor_wb: openpyxl.Workbook) -> None:
    ws = donor_wb["Domains"]
    assert ws.cell(row=2, column=3).value == 72.5
    withheld = ws.cell(row=4, column=3)
    assert withheld.value == "withheld: fewer than 3 units"
    assert withheld.data_type == "s"
    assert ws.cell(row=4, column=4).value is None  # the unit count is not printed
    assert ws.cell(row=4, column=5).value is None
    summary = donor_wb["Summary"]
    assert summary.cell(row=7, column=2).value == "withheld: fewer than 3 units"
    assert summary.cell(row=7, column=3).value is None
    assert summary.cell(row=5, column=3).value == 12


def test_a_mean_the_caller_withheld_says_so(tmp_path: Path) -> None:
    """A country's mean withheld beside its institutions comes with no value but its units."""
    data = replace(donor_summary(), domains=[DomainMean("GP", "Gender policy", None, 7, None)])
    path = tmp_path / "withheld.xlsx"
    write_donor_summary(path, data)
    cell = openpyxl.load_workbook(path)["Domains"].cell(row=2, column=3)
    assert cell.value == "withheld: would reveal figures of fewer than 3 units"
    assert cell.data_type == "s"


def test_sex_tables_never_show_small_counts(donor_wb: openpyxl.Workbook) -> None:
    ws = donor_wb["Sex-disaggregated"]
    numbers = [
        cell.value
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, int | float) and not isinstance(cell.value, bool)
    ]
    assert numbers
    assert all(n == 0 or n >= 5 for n in numbers)
    texts = [cell.value for row in ws.iter_rows() for cell in row if cell.data_type == "s"]
    assert "<5" in texts
    assert "withheld" in texts


def test_sex_table_secondary_suppression(donor_wb: openpyxl.Workbook) -> None:
    ws = donor_wb["Sex-disaggregated"]
    grid = [[cell.value for cell in row] for row in ws.iter_rows()]
    start = next(i for i, line in enumerate(grid) if line[0] == "Personnel by rank")
    header, officers, ranks, total = grid[start + 1 : start + 5]
    assert header[:5] == ["Category", "Women", "Men", "Not recorded", "Total"]
    assert officers == ["Officers", "<5", "withheld", 0, 43]
    assert ranks == ["Other ranks", "withheld", "withheld", 0, 212]
    assert total == ["Total", 15, 240, 0, 255]


def test_plain_tuples_are_accepted(tmp_path: Path) -> None:
    base = donor_summary()
    data = DonorSummary(
        **{
            **base.__dict__,
            "domains": [("GP", "Gender policy", 70.0, 4, "meets")],
            "recommendations": [("R01", "One", 20.0, "missing", 50.0)],
            "trend": [("2026", 70.0, 4)],
            "sex_tables": [("Staff", {"all": {"women": 2, "men": 30}})],
        }
    )
    path = tmp_path / "tuples.xlsx"
    write_donor_summary(str(path), data)
    wb = read(path)
    assert wb["Domains"]["C2"].value == 70
    assert wb["Benchmark"]["A2"].value == "R01"
    assert wb["Sex-disaggregated"]["B5"].value == "<5"


def test_trend_sheet(donor_wb: openpyxl.Workbook) -> None:
    ws = donor_wb["Trend"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert rows == [("2024", 51.0, 10), ("2025", 58.5, 11), ("2026", 61.0, 12)]
    assert ws.freeze_panes == "A2"


def test_donor_summary_arabic_is_right_to_left(tmp_path: Path) -> None:
    path = tmp_path / "ar.xlsx"
    write_donor_summary(str(path), donor_summary(labels=ARABIC, rtl=True))
    wb = read(path)
    assert wb.sheetnames[0] == "اقرأني"
    assert all(ws.sheet_view.rightToLeft for ws in wb.worksheets)
    assert wb["المجالات"].cell(row=4, column=3).value == "محجوب: أقل من 3 وحدات"


def test_left_to_right_by_default(donor_wb: openpyxl.Workbook) -> None:
    assert not any(ws.sheet_view.rightToLeft for ws in donor_wb.worksheets)


def test_writes_to_a_file_object() -> None:
    buffer = io.BytesIO()
    write_donor_summary(buffer, donor_summary())
    buffer.seek(0)
    assert read(buffer).sheetnames[0] == "Read me"


def test_sheet_names_are_made_legal(tmp_path: Path) -> None:
    labels = {
        "sheet_summary": "Sum/ma:ry*?[x]",
        "sheet_domains": "x" * 40,
        "sheet_trend": "READ ME",
    }
    path = tmp_path / "names.xlsx"
    write_donor_summary(str(path), donor_summary(labels=labels))
    names = read(path).sheetnames
    assert names[1] == "Sum ma ry   x"
    assert names[3] == "x" * 31
    assert names[5] == "READ ME (2)"


# --------------------------------------------------------------------------- unit scorecard


def test_unit_scorecard(tmp_path: Path) -> None:
    path = tmp_path / "unit.xlsx"
    write_unit_scorecard(str(path), unit_book())
    wb = read(path)
    assert wb.sheetnames == ["Read me", "Scorecard", "Benchmark", "Indicators"]
    card = wb["Scorecard"]
    assert card.cell(row=2, column=2).value == "Overall"
    assert card.cell(row=2, column=3).value == 64.2
    assert card.cell(row=3, column=6).value == 10
    assert card._charts
    assert wb["Benchmark"].conditional_formatting
    indicators = wb["Indicators"]
    assert indicators.cell(row=3, column=5).value == 14
    assert indicators.cell(row=3, column=5).data_type == "n"
    assert indicators.cell(row=4, column=5).value == datetime(2025, 3, 1)
    assert indicators.cell(row=4, column=5).is_date
    assert indicators.cell(row=5, column=5).value == "=1+1"
    assert indicators.cell(row=5, column=5).data_type == "s"
    assert indicators.cell(row=2, column=8).value is False


def test_unit_scorecard_arabic(tmp_path: Path) -> None:
    path = tmp_path / "unit-ar.xlsx"
    write_unit_scorecard(str(path), unit_book(rtl=True, labels=ARABIC))
    wb = read(path)
    assert wb.sheetnames == ["اقرأني", "بطاقة الأداء", "المقارنة", "المؤشرات"]
    assert all(ws.sheet_view.rightToLeft for ws in wb.worksheets)


# --------------------------------------------------------------------------- full data


def test_full_data_types_and_layout(tmp_path: Path) -> None:
    path = tmp_path / "full.xlsx"
    values: list[object] = ["yes", 14, 2.5, date(2025, 3, 1), None, datetime(2026, 1, 2, 3, 4)]
    count = write_full_data(str(path), iter(answers(values)), {}, False)
    assert count == 6
    wb = read(path)
    ws = wb["Answers"]
    header = [cell.value for cell in ws[1]]
    assert header[0] == "Audit"
    assert len(header) == len(FULL_DATA_COLUMNS)
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:AA7"
    assert ws.column_dimensions["G"].width > 50
    assert ws["A2"].value == 1
    assert ws["A2"].data_type == "n"
    assert ws["J2"].value == "yes"
    assert ws["J3"].value == 14
    assert ws["J3"].data_type == "n"
    assert ws["J4"].value == 2.5
    assert ws["J5"].value == datetime(2025, 3, 1)
    assert ws["J5"].is_date
    assert ws["J5"].number_format == "yyyy-mm-dd"
    assert ws["J6"].value is None
    assert ws["J7"].value == datetime(2026, 1, 2, 3, 4)
    assert ws["K3"].value == 0.5
    assert ws["K2"].value is None
    assert ws["L2"].value is True
    assert ws["M2"].value == "-note"


def test_injection_payloads_stay_plain_strings(tmp_path: Path) -> None:
    path = tmp_path / "inject.xlsx"
    write_full_data(str(path), answers(list(PAYLOADS)), {}, False)
    ws = read(path)["Answers"]
    for row, payload in enumerate(PAYLOADS, start=2):
        cell = ws.cell(row=row, column=10)
        assert cell.data_type == "s", payload
        assert text(cell.value) == payload
        assert cell.hyperlink is None
    for column in (2, 3, 7):
        assert ws.cell(row=2, column=column).data_type == "s"
    assert not ws._hyperlinks


def _quoted_as_excel_would(value: object, quoted: bool) -> None:
    """Text that Excel would turn into a formula after an edit carries the quote prefix; other
    text does not (it would show a stray apostrophe when copied)."""
    risky = isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r")
    assert quoted is risky, value


def test_formula_like_text_gets_excels_quote_prefix(tmp_path: Path) -> None:
    path = tmp_path / "quoted.xlsx"
    write_full_data(str(path), answers(list(PAYLOADS)), {}, False)
    ws = read(path)["Answers"]
    for row, payload in enumerate(PAYLOADS, start=2):
        _quoted_as_excel_would(payload, ws.cell(row=row, column=10).quotePrefix)
    base = donor_summary()
    data = DonorSummary(
        **{
            **base.__dict__,
            "domains": [DomainMean("GP", p, 50.0, 5, "approaches") for p in PAYLOADS],
        }
    )
    donor_path = tmp_path / "donor-quoted.xlsx"
    write_donor_summary(str(donor_path), data)
    for ws_row in read(donor_path)["Domains"].iter_rows(min_row=2):
        _quoted_as_excel_would(text(ws_row[1].value), ws_row[1].quotePrefix)


def test_injection_payloads_in_every_workbook(tmp_path: Path) -> None:
    """Titles, labels and group names typed by users stay text in the summaries too."""
    base = donor_summary()
    data = DonorSummary(
        **{
            **base.__dict__,
            "title": PAYLOADS[0],
            "domains": [DomainMean("GP", p, 50.0, 5, "approaches") for p in PAYLOADS],
            "groups": PAYLOADS,
        }
    )
    path = tmp_path / "donor-inject.xlsx"
    write_donor_summary(str(path), data)
    wb = read(path)
    for ws in wb.worksheets:
        assert not ws._hyperlinks
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)
    assert wb["Read me"]["A1"].value == PAYLOADS[0]
    domains = [text(ws_row[1]) for ws_row in wb["Domains"].iter_rows(min_row=2, values_only=True)]
    assert domains == list(PAYLOADS)


def test_no_formula_or_url_in_the_xml(tmp_path: Path) -> None:
    """Read the sheet XML itself: no <f> formula element and no hyperlink relationship."""
    import zipfile

    path = tmp_path / "xml.xlsx"
    write_full_data(str(path), answers(list(PAYLOADS)), {}, False)
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        names = archive.namelist()
    assert not re.search(r"<f[ >]", sheet)
    assert "<hyperlink" not in sheet
    assert not any("sheet1.xml.rels" in name for name in names)


def test_full_data_arabic_right_to_left(tmp_path: Path) -> None:
    path = tmp_path / "full-ar.xlsx"
    write_full_data(str(path), answers(["نعم"]), ARABIC, True)
    ws = read(path)["الإجابات"]
    assert ws.sheet_view.rightToLeft
    assert ws["J2"].value == "نعم"


def test_full_data_spills_past_the_row_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from audit.exports.xlsx import full_data

    monkeypatch.setattr(full_data, "MAX_ROWS", 4)
    path = tmp_path / "spill.xlsx"
    count = write_full_data(str(path), answers(list(range(7))), {}, False)
    assert count == 7
    wb = read(path)
    assert wb.sheetnames == ["Answers", "Answers (2)", "Answers (3)"]
    assert [ws.max_row for ws in wb.worksheets] == [4, 4, 2]
    assert wb["Answers (3)"]["J2"].value == 6
    assert wb["Answers (2)"].auto_filter.ref == "A1:AA4"


def test_full_data_temporary_files_go_to_tmpdir(tmp_path: Path) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    path = tmp_path / "tmpdir.xlsx"
    assert write_full_data(str(path), answers(["a", "b"]), {}, False, tmpdir=str(scratch)) == 2
    assert read(path)["Answers"]["J3"].value == "b"


def test_full_data_empty(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    assert write_full_data(str(path), [], {}, False) == 0
    ws = read(path)["Answers"]
    assert ws.max_row == 1


def test_a_split_answers_sheet_is_explained_in_the_read_me(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from audit.exports.xlsx import full_data

    monkeypatch.setattr(full_data, "MAX_ROWS", 3)
    path = tmp_path / "split.xlsx"
    readme = [("Title", "Framework"), ("Step 1", "Read the rows.")]
    write_full_data(
        str(path),
        answers(list(range(5))),
        {},
        False,
        readme=readme,
        split_note=lambda sheets: ("Several sheets", f"The answers go on over {sheets} sheets."),
    )
    wb = read(path)
    assert wb.sheetnames == ["Read me", "Answers", "Answers (2)", "Answers (3)"]
    lines = [(row[0], row[1]) for row in wb["Read me"].iter_rows(min_row=4, values_only=True)]
    assert lines == [
        ("Step 1", "Read the rows."),
        ("Several sheets", "The answers go on over 3 sheets."),
    ]


def test_an_unsplit_answers_sheet_says_nothing_of_splitting(tmp_path: Path) -> None:
    path = tmp_path / "whole.xlsx"
    write_full_data(
        str(path),
        answers(["a", "b"]),
        {},
        False,
        readme=[("Title", "Framework"), ("Step 1", "Read the rows.")],
        split_note=lambda sheets: ("Several sheets", "never"),
    )
    cells = [c for row in read(path)["Read me"].iter_rows(values_only=True) for c in row]
    assert "Several sheets" not in cells
