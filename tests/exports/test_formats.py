"""The full data as CSV or Parquet through the web app: who may ask, what the zip holds, the
format the page suggests, and a split export (one part per institution) equal to a whole one.

Tasks run in-process here (no broker), the chord too; tests/workers/test_export_parts.py runs
the split with real workers."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from typing import Any

import pyarrow.parquet as pq
import pytest

from audit.audits import services as audits
from audit.exports.models import ExportStatus
from audit.exports.xlsx import FULL_DATA_COLUMNS
from audit.transactions import unit_of_work
from tests.audits.conftest import SIGNED, World
from tests.exports.test_jobs import ask, exports_of


@pytest.fixture
def validated(filled: World) -> World:
    filled.act(audits.submit, "commander", SIGNED)
    filled.act(audits.validate, "adviser")
    return filled


def _download(world: World, who: str, export_id: int) -> zipfile.ZipFile:
    response = world.client(who).get(f"/exports/{export_id}/download")
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/zip"
    disposition = response.headers["Content-Disposition"]
    assert "attachment" in disposition
    assert ".zip" in disposition
    data = response.data
    response.close()
    return zipfile.ZipFile(io.BytesIO(data))


def _answers(book: zipfile.ZipFile) -> list[list[str]]:
    raw = book.read("answers.csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def _done(world: World, who: str, **form: Any) -> int:
    response = ask(world, who, kind="full_data", cycle_id=world.cycle_id, **form)
    assert response.status_code == 302
    export = exports_of(world)[-1]
    assert export.status is ExportStatus.DONE, export.error
    return export.id


def test_the_adviser_gets_every_answer_as_csv(validated: World) -> None:
    book = _download(validated, "adviser", _done(validated, "adviser", format="csv"))
    assert sorted(book.namelist()) == ["README.txt", "answers.csv", "scores.csv"]
    header, *rows = _answers(book)
    assert header[:2] == ["Audit", "Unit"]
    assert len(header) == len(FULL_DATA_COLUMNS)
    assert str(validated.audit) in {row[0] for row in rows}
    status = header.index("Status")
    assert "answered" in {row[status] for row in rows}
    readme = book.read("README.txt").decode("utf-8-sig")
    assert "Step 4: domain scores" in readme


def test_the_csv_speaks_the_requester_language(validated: World) -> None:
    with validated.app.app_context(), unit_of_work():
        validated.user("adviser").locale = "ar"
    book = _download(validated, "adviser", _done(validated, "adviser", format="csv"))
    header, *rows = _answers(book)
    assert re.search("[\u0600-\u06ff]", header[0]), header[0]  # Arabic labels
    assert rows
    assert re.search("[\u0600-\u06ff]", book.read("README.txt").decode("utf-8-sig"))


def test_parquet_holds_typed_columns(validated: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    book = _download(validated, "adviser", _done(validated, "adviser", format="parquet"))
    assert sorted(book.namelist()) == ["README.txt", "answers.parquet", "scores.parquet"]
    book.extractall(tmp_path)
    table = pq.read_table(tmp_path / "answers.parquet")
    assert validated.audit in table.column("audit_id").to_pylist()
    assert str(table.schema.field("score").type) == "double"
    scores = pq.read_table(tmp_path / "scores.parquet")
    assert scores.num_rows > 0


def test_only_advisers_and_admins_get_the_full_data_in_any_format(validated: World) -> None:
    for fmt in ("csv", "parquet"):
        response = ask(
            validated, "commander", kind="full_data", cycle_id=validated.cycle_id, format=fmt
        )
        assert response.status_code == 404
        assert (
            ask(
                validated, "donor", kind="full_data", cycle_id=validated.cycle_id, format=fmt
            ).status_code
            == 404
        )
    assert exports_of(validated) == []
    assert validated.client(None).post("/exports/", data={"kind": "full_data"}).status_code in (
        302,
        401,
    )


@pytest.mark.parametrize("bad", ["xls", "", "CSV", "../etc", "parquet\x00"])
def test_an_unknown_format_is_refused_with_a_message(validated: World, bad: str) -> None:
    response = ask(validated, "adviser", kind="full_data", cycle_id=validated.cycle_id, format=bad)
    assert response.status_code in (302, 400)
    assert exports_of(validated) == []
    if response.status_code == 302:
        page = validated.client("adviser").get(response.headers["Location"]).get_data(as_text=True)
        assert 'class="flash flash-error"' in page


def test_other_workbooks_do_not_come_as_csv(validated: World) -> None:
    response = ask(
        validated, "commander", kind="unit_scorecard", audit_id=validated.audit, format="csv"
    )
    assert response.status_code == 302
    page = validated.client("commander").get(response.headers["Location"]).get_data(as_text=True)
    assert "Only the full data comes as CSV or Parquet." in page
    assert exports_of(validated) == []


def test_a_split_export_equals_a_whole_one(validated: World) -> None:
    """Over the police and the army (two institutions), one part each, joined in order."""
    whole = _answers(_download(validated, "admin", _done(validated, "admin", format="csv")))
    validated.app.config["EXPORT_SPLIT_AUDITS"] = 1
    split_id = _done(validated, "admin", format="csv")
    assert exports_of(validated)[-1].params["parts"] == 2
    assert _answers(_download(validated, "admin", split_id)) == whole
    parquet_id = _done(validated, "admin", format="parquet")
    assert exports_of(validated)[-1].params["parts"] == 2
    assert "answers.parquet" in _download(validated, "admin", parquet_id).namelist()


def test_a_scope_of_one_institution_is_not_split(validated: World) -> None:
    validated.app.config["EXPORT_SPLIT_AUDITS"] = 1
    _done(validated, "adviser", format="csv")  # the adviser sees the police region only
    assert "parts" not in exports_of(validated)[-1].params


def test_the_portfolio_offers_the_formats(validated: World) -> None:
    page = (
        validated.client("adviser")
        .get(f"/portfolio/?cycle={validated.cycle_id}")
        .get_data(as_text=True)
    )
    assert 'name="format"' in page
    assert '<option value="xlsx" selected>' in page
    assert 'value="parquet"' in page


def test_the_portfolio_suggests_csv_past_excel_rows(
    validated: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from audit.exports import xlsx

    monkeypatch.setattr(xlsx, "MAX_ROWS", 3)
    page = (
        validated.client("adviser")
        .get(f"/portfolio/?cycle={validated.cycle_id}")
        .get_data(as_text=True)
    )
    assert '<option value="csv" selected>' in page
    assert "more than one Excel sheet holds" in page
