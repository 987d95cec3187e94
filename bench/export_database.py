"""bench/export.py --source database: the full-data export from a database, as a worker runs it.

The parent builds bench/aggregate.py's portfolio, fills `latest_scores` the way the migration
does (the builder bulk-inserts snapshots, bypassing the scoring service) and records one
full-data job for the administrator. A child process runs the worker's build step
(`exports._build`) on it; a baseline child writes sheets of the same shape (rows and columns
per sheet, read back from the finished workbook's own dimensions) with bare XlsxWriter.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

JOB = "job.json"


def _app(url: str):  # type: ignore[no-untyped-def]
    import config
    from audit import create_app

    return create_app(config.Config, {"DATABASE_URL": url, "REDIS_URL": None})


def build(url: str, audits: int, out: Path) -> None:
    """The portfolio and one full-data job of the administrator, described in out/job.json."""
    from audit.exports.models import Export, ExportKind
    from audit.extensions import db
    from bench.aggregate import prepare

    app = _app(url)
    with app.app_context():
        prepared = prepare()
        prepared.portfolio.grow(audits)
        prepared.analyse()
        export = Export(
            kind=ExportKind.FULL_DATA,
            params={"cycle_id": prepared.cycle_id},
            locale="en",
            requested_by_id=prepared.setup["admin"],
        )
        db.session.add(export)
        db.session.commit()
        (out / JOB).write_text(json.dumps({"url": url, "export_id": export.id}))
        db.session.remove()
        db.engine.dispose()


def child_setup(out: Path) -> Callable[[], tuple[int, str]]:
    """In the export child: the app, imports and connection made before the clock starts."""
    job = json.loads((out / JOB).read_text())
    app = _app(job["url"])
    context = app.app_context()
    context.push()
    from audit.exports import services as exports
    from audit.extensions import db
    from audit.transactions import unit_of_work

    db.session.execute(db.select(1))  # connect outside the timing

    def work() -> tuple[int, str]:
        target = out / "full.xlsx"
        with unit_of_work():
            exports._build(job["export_id"], target, lambda _fraction: None)
        shape = sheet_shape(target)
        return sum(rows * cols for rows, cols in shape), json.dumps(shape)

    return work


_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+(?::([A-Z]+)(\d+))?"')


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def sheet_shape(path: Path) -> list[tuple[int, int]]:
    """(rows, columns) of each sheet after the first (the Read me), from the sheets' XML."""
    shape = []
    with zipfile.ZipFile(path) as book:
        names = sorted(
            (n for n in book.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)),
            key=lambda n: int(re.findall(r"\d+", n)[0]),
        )
        for name in names[1:]:
            with book.open(name) as sheet:
                found = _DIMENSION.search(sheet.read(4096))
            if found and found.group(1):
                shape.append((int(found.group(2)), _column_number(found.group(1).decode())))
    return shape


def run_baseline(out: Path, shape_json: str) -> int:
    """Sheets of these (rows, columns) of typical cells with bare XlsxWriter; give the cells."""
    import xlsxwriter

    shape = json.loads(shape_json)
    pool = [
        [
            (
                index,
                f"Station {index % 997}",
                "Bench Police",
                "Benchland",
                "Bench 2026",
                f"GP{column}",
                f"Question {column}: does the unit have a written measure on this matter?",
                index % 97 / 3,
                column % 2 == 0,
                None,
            )[column % 10]
            for column in range(max((cols for _rows, cols in shape), default=1))
        ]
        for index in range(64)
    ]
    wb = xlsxwriter.Workbook(str(out / "baseline.xlsx"), {"constant_memory": True})
    cells = 0
    for rows, cols in shape:
        ws = wb.add_worksheet()
        for row in range(rows):
            ws.write_row(row, 0, pool[row % 64][:cols])
        cells += rows * cols
    wb.close()
    return cells


def main(audits: int, rounds: int, keep: bool, spawn: Callable[..., dict[str, Any]]) -> None:
    from bench.aggregate import database, log

    with database(keep) as url, tempfile.TemporaryDirectory(prefix="wps-bench-") as tmp:
        out = Path(tmp)
        instance = Path(tempfile.mkdtemp(prefix="wps-bench-instance-"))
        os.environ["WPS_INSTANCE_PATH"] = str(instance)
        try:
            log(f"building {audits} audits")
            build(url, audits, out)
            exports: list[dict[str, Any]] = []
            baselines: list[dict[str, Any]] = []
            shape = ""
            for round_ in range(rounds):
                order = ("database", "baseline") if round_ % 2 == 0 else ("baseline", "database")
                for kind in order:
                    result = spawn(kind, audits, out, shape)
                    if kind == "database":
                        shape = result["shape"]
                    (exports if kind == "database" else baselines).append(result)
                    log(
                        f"round {round_ + 1} {kind}: {result['seconds']:.3f} s, "
                        f"{result['cells']} cells, peak RSS {result['rss_mib']:.1f} MiB"
                    )
        finally:
            shutil.rmtree(instance, ignore_errors=True)
    export_s = statistics.median(r["seconds"] for r in exports)
    baseline_s = statistics.median(r["seconds"] for r in baselines)
    cells = int(exports[0]["cells"])
    peak = max(r["rss_mib"] for r in exports)
    print(
        f"export audits={audits} cells={cells} export_s={export_s:.3f} "
        f"baseline_s={baseline_s:.3f} ratio={export_s / baseline_s:.2f} "
        f"peak_rss_mib={round(peak)} source=database",
        flush=True,
    )
