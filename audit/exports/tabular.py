"""The full data for analysts: CSV (a zip, UTF-8 with a byte-order mark) and Parquet (pyarrow).

The same rows as the workbook (`xlsx.AnswerRow`, `xlsx.ScoreLine`), written in two steps so a
large export can be split across workers: each part (one institution, or the whole scope) is
written to plain files of its own (`write_part`), then `assemble` joins the parts, in the
order given, into the one download — a zip holding `answers.csv` or `answers.parquet`, the
scores beside them and a `README.txt`.

- CSV: one header of the column labels in the reader's language, then the rows; UTF-8 with a
  byte-order mark, so Excel opens Arabic and accented text correctly; numbers in plain
  notation, dates ISO 8601, booleans `true`/`false`. Text that Excel would read as a formula
  (starting with = + - @, a tab or a carriage return) gets a leading apostrophe, OWASP's advice
  for CSV injection: a CSV file cannot say "this cell is text" any other way.
- Parquet: typed columns named by their stable keys (the README lists them with their labels),
  `value` as text with `value_number` beside it when the answer is a number; one row group per
  50,000 rows, Snappy compression. The parts' row groups are copied into one file in order.

Nothing here touches Flask or the database: plain rows in, files out.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import shutil
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from audit.exports.xlsx import (
    FORMULA_STARTS,
    FULL_DATA_COLUMNS,
    SCORE_COLUMNS,
    AnswerRow,
    ScoreLine,
)

FORMATS = ("csv", "parquet")
#: Rows per Parquet row group (and per batch converted to Arrow).
ROW_GROUP = 50_000

#: Parquet types of the answers' columns (every other column is text).
_ANSWER_TYPES = {
    "audit_id": "int64",
    "score": "float64",
    "raw_score": "float64",
    "weight": "float64",
    "evidence_count": "int64",
    "not_applicable": "bool",
    "counts": "bool",
    "capped": "bool",
    "reference_date": "date32",
}
_SCORE_TYPES = {"audit_id": "int64", "score_100": "float64", "coverage": "float64"}
#: ScoreLine field of each score column.
_SCORE_FIELDS = dict(
    zip(
        SCORE_COLUMNS,
        ("audit_id", "unit", "level", "code", "score", "band", "coverage"),
        strict=True,
    )
)


def _answer_cells(row: AnswerRow) -> list[Any]:
    return [getattr(row, key) for key in FULL_DATA_COLUMNS]


def _score_cells(line: ScoreLine) -> list[Any]:
    return [getattr(line, _SCORE_FIELDS[key]) for key in SCORE_COLUMNS]


# --- CSV ----------------------------------------------------------------------------------


def csv_cell(value: Any) -> str:
    """One value as CSV text (see the module's notes on formulas, numbers and dates)."""
    if type(value) is str:  # the most common cell first
        return "'" + value if value[:1] in FORMULA_STARTS else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text


def _write_csv(path: Path, rows: Iterable[list[Any]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        for cells in rows:
            writer.writerow([csv_cell(value) for value in cells])
            count += 1
    return count


# --- Parquet ------------------------------------------------------------------------------


def _arrow_schema(columns: Sequence[str], types: Mapping[str, str], number_after: str | None):
    import pyarrow as pa

    fields = []
    for key in columns:
        kind = types.get(key, "string")
        fields.append(pa.field(key, getattr(pa, "bool_" if kind == "bool" else kind)()))
        if key == number_after:
            fields.append(pa.field("value_number", pa.float64()))
    return pa.schema(fields)


def _parquet_value(value: Any, kind: str) -> Any:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if kind == "string":
        if isinstance(value, str):
            return value
        return value.isoformat() if isinstance(value, dt.date) else csv_cell(value)
    if kind == "date32":
        return value if isinstance(value, dt.date) else None
    if kind == "bool":
        return bool(value)
    if kind == "int64":
        try:
            return int(value)
        except (TypeError, ValueError):
            return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _write_parquet(
    path: Path, rows: Iterable[list[Any]], columns: Sequence[str], types: Mapping[str, str]
) -> int:
    """Rows of these columns as one Parquet file; a "value" column gains "value_number"."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    number_after = "value" if "value" in columns else None
    schema = _arrow_schema(columns, types, number_after)
    kinds = [types.get(key, "string") for key in columns]
    value_at = columns.index("value") if number_after else -1
    batch: list[list[Any]] = [[] for _ in schema.names]
    count = 0
    with pq.ParquetWriter(str(path), schema, compression="snappy") as writer:

        def flush() -> None:
            if batch[0]:
                arrays = [pa.array(col, type=schema.field(i).type) for i, col in enumerate(batch)]
                writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
                for col in batch:
                    col.clear()

        for cells in rows:
            out = 0
            for index, (value, kind) in enumerate(zip(cells, kinds, strict=True)):
                batch[out].append(_parquet_value(value, kind))
                out += 1
                if index == value_at:
                    number = value if type(value) in (int, float) else None
                    batch[out].append(_parquet_value(number, "float64"))
                    out += 1
            count += 1
            if len(batch[0]) >= ROW_GROUP:
                flush()
        flush()
    return count


# --- parts and the download ---------------------------------------------------------------


def part_names(stem: str, fmt: str) -> tuple[str, str]:
    """The file names of one part: (answers, scores)."""
    ext = "csv" if fmt == "csv" else "parquet"
    return f"{stem}.answers.{ext}", f"{stem}.scores.{ext}"


def write_part(
    folder: Path,
    stem: str,
    fmt: str,
    rows: Iterable[AnswerRow],
    scores: Callable[[], Iterable[ScoreLine]],
) -> int:
    """Write one part's answers and scores (no header) into `folder`; give the answer rows."""
    answers_name, scores_name = part_names(stem, fmt)
    answers = (_answer_cells(row) for row in rows)
    lines = (_score_cells(line) for line in scores())
    if fmt == "csv":
        count = _write_csv(folder / answers_name, answers)
        _write_csv(folder / scores_name, lines)
        return count
    count = _write_parquet(folder / answers_name, answers, FULL_DATA_COLUMNS, _ANSWER_TYPES)
    _write_parquet(folder / scores_name, lines, SCORE_COLUMNS, _SCORE_TYPES)
    return count


def readme_text(pairs: Sequence[tuple[str, str]], labels: Mapping[str, str]) -> str:
    """README.txt: the Read me's headings and texts, then every column's key and label."""
    lines = []
    for heading, text in pairs:
        lines += [heading, text, ""]
    for key in (*FULL_DATA_COLUMNS, *SCORE_COLUMNS):
        lines.append(f"{key}\t{labels.get(key, key)}")
    return "\n".join(lines) + "\n"


def assemble(
    target: Path,
    folder: Path,
    stems: Sequence[str],
    fmt: str,
    labels: Mapping[str, str],
    readme: str,
) -> None:
    """The download: a zip of the parts' answers and scores joined in the order of `stems`
    (a header of labels first for CSV), and README.txt."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as book:
        book.writestr("README.txt", readme.encode("utf-8-sig"))
        for index, (kind, columns) in enumerate(
            (("answers", FULL_DATA_COLUMNS), ("scores", SCORE_COLUMNS))
        ):
            names = [folder / part_names(stem, fmt)[index] for stem in stems]
            if fmt == "csv":
                _join_csv(book, f"{kind}.csv", names, [labels.get(key, key) for key in columns])
            else:
                _join_parquet(book, f"{kind}.parquet", names, folder / f"joined.{kind}.parquet")


def _join_csv(book: zipfile.ZipFile, name: str, parts: Sequence[Path], header: list[str]) -> None:
    with book.open(name, "w", force_zip64=True) as out:
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
        csv.writer(text).writerow([csv_cell(label) for label in header])
        text.flush()
        text.detach()
        for part in parts:
            with part.open("rb") as handle:
                shutil.copyfileobj(handle, out, 1024 * 1024)


def _join_parquet(book: zipfile.ZipFile, name: str, parts: Sequence[Path], scratch: Path) -> None:
    import pyarrow.parquet as pq

    schema = pq.read_schema(str(parts[0]))
    with pq.ParquetWriter(str(scratch), schema, compression="snappy") as writer:
        for part in parts:
            source = pq.ParquetFile(str(part))
            for group in range(source.num_row_groups):
                writer.write_table(source.read_row_group(group))
    # Parquet is compressed already: stored as it is, so readers may seek into the zip member.
    book.write(scratch, name, compress_type=zipfile.ZIP_STORED)
    scratch.unlink()
