"""The CSV and Parquet writers alone: parts written, then joined in order into one zip."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from audit.exports import tabular
from audit.exports.xlsx import FULL_DATA_COLUMNS, SCORE_COLUMNS, AnswerRow, ScoreLine


def _row(
    audit_id: int, value: object, *, unit: str = "Station", note: str | None = None
) -> AnswerRow:
    return AnswerRow(
        audit_id,
        unit,
        "Police",
        "Lebanon",
        "2026",
        "AA1",
        "Question",
        "AA",
        "count",
        value,  # type: ignore[arg-type]
        0.5,
        False,
        note,
        reference_date=dt.date(2026, 3, 1),
        counts=True,
        weight=2,
        evidence_count=1,
    )


def _line(audit_id: int) -> ScoreLine:
    return ScoreLine(audit_id, "Station", "Domain", "AA", 62.5, "Meets requirements", 100.0)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "true"),
        (3, "3"),
        (4.0, "4"),
        (0.25, "0.25"),
        (float("nan"), ""),
        (dt.date(2026, 1, 2), "2026-01-02"),
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("نعم", "نعم"),
    ],
)
def test_csv_cells(value: object, text: str) -> None:
    assert tabular.csv_cell(value) == text


def _zip_csv(target: Path, member: str) -> tuple[bytes, list[list[str]]]:
    with zipfile.ZipFile(target) as book:
        raw = book.read(member)
    return raw, list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_csv_parts_join_in_order_with_one_labelled_header(tmp_path: Path) -> None:
    tabular.write_part(tmp_path, "b", "csv", [_row(2, 7), _row(3, "=1+1")], lambda: [_line(2)])
    tabular.write_part(tmp_path, "a", "csv", [_row(1, "نعم", note="ملاحظة")], lambda: [_line(1)])
    labels = {"audit_id": "المراجعة", "unit": "الوحدة"}
    target = tmp_path / "out.zip"
    tabular.assemble(target, tmp_path, ["a", "b"], "csv", labels, "README\n")
    raw, rows = _zip_csv(target, "answers.csv")
    assert raw.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs for UTF-8
    header, *body = rows
    assert header[:2] == ["المراجعة", "الوحدة"]
    assert len(header) == len(FULL_DATA_COLUMNS)
    assert [row[0] for row in body] == ["1", "2", "3"]  # part "a" first, as asked
    value = FULL_DATA_COLUMNS.index("value")
    assert [row[value] for row in body] == ["نعم", "7", "'=1+1"]
    assert body[0][FULL_DATA_COLUMNS.index("note_text")] == "ملاحظة"
    assert body[0][FULL_DATA_COLUMNS.index("reference_date")] == "2026-03-01"
    _, scores = _zip_csv(target, "scores.csv")
    assert len(scores[0]) == len(SCORE_COLUMNS)
    assert [row[0] for row in scores[1:]] == ["1", "2"]
    with zipfile.ZipFile(target) as book:
        assert book.read("README.txt").decode("utf-8-sig") == "README\n"


def test_parquet_parts_join_into_one_typed_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tabular, "ROW_GROUP", 2)  # several row groups per part
    tabular.write_part(
        tmp_path, "x", "parquet", [_row(i, i * 1.5) for i in (1, 2, 3)], lambda: [_line(1)]
    )
    tabular.write_part(tmp_path, "y", "parquet", [_row(4, "text"), _row(5, None)], lambda: [])
    target = tmp_path / "out.zip"
    tabular.assemble(target, tmp_path, ["x", "y"], "parquet", {}, "README\n")
    with zipfile.ZipFile(target) as book:
        info = book.getinfo("answers.parquet")
        assert info.compress_type == zipfile.ZIP_STORED
        book.extract("answers.parquet", tmp_path / "read")
        book.extract("scores.parquet", tmp_path / "read")
    table = pq.read_table(tmp_path / "read" / "answers.parquet")
    assert table.column_names[: FULL_DATA_COLUMNS.index("value") + 2][-2:] == [
        "value",
        "value_number",
    ]
    assert table.column("audit_id").to_pylist() == [1, 2, 3, 4, 5]
    assert table.column("value").to_pylist() == ["1.5", "3", "4.5", "text", None]
    assert table.column("value_number").to_pylist() == [1.5, 3.0, 4.5, None, None]
    assert str(table.schema.field("reference_date").type) == "date32[day]"
    assert table.column("counts").to_pylist() == [True] * 5
    assert table.column("evidence_count").to_pylist() == [1] * 5
    scores = pq.read_table(tmp_path / "read" / "scores.parquet")
    assert scores.column("score_100").to_pylist() == [62.5]


def test_an_empty_scope_still_gives_headers(tmp_path: Path) -> None:
    tabular.write_part(tmp_path, "all", "csv", [], lambda: [])
    target = tmp_path / "empty.zip"
    tabular.assemble(target, tmp_path, ["all"], "csv", {}, "")
    _, rows = _zip_csv(target, "answers.csv")
    assert rows == [list(FULL_DATA_COLUMNS)]


def test_the_readme_lists_every_column_with_its_label() -> None:
    text = tabular.readme_text([("Title", "Framework 1")], {"audit_id": "Audit"})
    assert text.startswith("Title\nFramework 1\n")
    assert "audit_id\tAudit" in text
    assert all(f"{key}\t" in text for key in (*FULL_DATA_COLUMNS, *SCORE_COLUMNS))
