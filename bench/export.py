"""Benchmark the full-data export against bare XlsxWriter writing the same cells.

    python bench/export.py --audits 10000 [--rounds 1]
    python bench/export.py --source database --audits 10000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/wps_audit_bench \
        python bench/export.py --source database --audits 100000

`--source database` measures the path a user's export really takes: it builds the portfolio of
bench/aggregate.py (real schema, one validated audit per unit, two snapshots each) in
DATABASE_URL (default a temporary SQLite file; a PostgreSQL database is created afresh and
dropped after unless --keep), records a full-data job for an administrator, and a child process
runs the worker's own build step (`audit.exports.services._build`: the access check, the scope
fingerprint, the streamed queries, the scoring engine per audit, the workbook) from the
database to a closed, fsynced file. The baseline child then writes as many rows of as many
cells (the Answers and Scores sheets' rows, 27 and 7 cells) with bare XlsxWriter in
`constant_memory` mode. The last line ends with `source=database`.

`--source synthetic` (the default) times the pure writers only. It builds a synthetic
portfolio lazily (about 120 answers per audit, 13 columns a row, never held in
memory), then in fresh child processes (this script with `--child`):

- export: `write_donor_summary` + `write_full_data` (audit.exports.xlsx) into a temp dir;
- baseline: the same rows, the same number of cells, with bare XlsxWriter in `constant_memory`
  mode (`write_row`, no formats, spilling to a new sheet at Excel's row limit too).

Each child times itself from its first row to the closed file and reads its own peak RSS
(`ru_maxrss`) at the end. With several rounds the order alternates and medians are reported.
The last line is exactly:

    export audits=N cells=C export_s=X baseline_s=Y ratio=R peak_rss_mib=M [source=database]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ANSWERS_PER_AUDIT = 120
COLUMNS = 13  # the AnswerRow fields
DOMAINS = ("GP", "RC", "TR", "CD", "OP", "WR", "HR", "AC")
TYPES = ("yes_no", "no_partly_yes", "rubric", "count", "percentage", "date", "text", "choice")
COUNTRIES = ("Lebanon", "Iraq", "Nepal")
SERVICES = ("Internal Security Forces", "Armed Forces", "Police")

Row = tuple[int, str, str, str, str, str, str, str, str, object, float | None, bool, str | None]


def _indicators() -> list[tuple[str, str, str, str]]:
    out = []
    for i in range(ANSWERS_PER_AUDIT):
        domain = DOMAINS[i % len(DOMAINS)]
        kind = TYPES[(i * 7) % len(TYPES)]
        code = f"{domain}.{i // len(DOMAINS) + 1:02d}"
        label = f"Question {code}: does the unit have a measure on {kind.replace('_', ' ')}?"
        out.append((code, label, domain, kind))
    return out


def portfolio(audits: int) -> Iterator[Row]:
    """The synthetic answers, one tuple at a time (nothing is kept)."""
    indicators = _indicators()
    levels = ("missing", "approaches", "meets", "exceeds")
    notes = tuple(
        f"Note {n}: evidence kept at the station registry, file {n * 37}" for n in range(50)
    )
    for audit in range(1, audits + 1):
        unit = f"Unit {audit % 2000:04d}"
        country = COUNTRIES[audit % len(COUNTRIES)]
        institution = f"{country} {SERVICES[audit % len(SERVICES)]}"
        cycle = str(2024 + audit % 3)
        for i, (code, label, domain, kind) in enumerate(indicators):
            seed = audit * 131 + i * 17
            value: object
            if kind == "yes_no":
                value = "yes" if seed % 3 else "no"
            elif kind == "no_partly_yes":
                value = ("no", "partly", "yes")[seed % 3]
            elif kind == "rubric":
                value = levels[seed % 4]
            elif kind == "count":
                value = seed % 250
            elif kind == "percentage":
                value = (seed % 1000) / 10
            elif kind == "date":
                value = date(2023 + seed % 3, 1 + seed % 12, 1 + seed % 28)
            elif kind == "text":
                value = f"=free text {seed % 97}" if seed % 50 == 0 else f"free text {seed % 97}"
            else:
                value = f"option_{seed % 5}"
            not_applicable = seed % 41 == 0
            score = None if not_applicable else (seed % 4) / 3
            note = notes[seed % 50] if seed % 5 == 0 else None
            yield (
                audit,
                unit,
                institution,
                country,
                cycle,
                code,
                label,
                domain,
                kind,
                value,
                score,
                not_applicable,
                note,
            )


def donor_summary():  # type: ignore[no-untyped-def]
    from audit.exports.xlsx import (
        DomainMean,
        DonorSummary,
        RecommendationRow,
        SexTable,
        TrendPoint,
    )

    return DonorSummary(
        title="Synthetic portfolio",
        cycle="2026",
        framework_version="wps-2026.1",
        scoring_rules="2026.1",
        disclosure_note="Counts below 5 withheld; means over at least 3 units.",
        generated_at=datetime.now(UTC),
        app_version="bench",
        labels={},
        rtl=False,
        domains=[
            DomainMean(d, f"Domain {d}", 40 + i * 5.5, 20, "meets") for i, d in enumerate(DOMAINS)
        ],
        recommendations=[
            RecommendationRow(f"R{i:02d}", f"Recommendation {i}", i * 3.1, "meets", 90.0)
            for i in range(1, 31)
        ],
        trend=[TrendPoint(str(2024 + i), 50.0 + i, 20) for i in range(3)],
        sex_tables=[
            SexTable(
                "Personnel",
                {"officers": {"women": 3, "men": 40}, "ranks": {"women": 12, "men": 200}},
            )
        ],
    )


def run_export(audits: int, out: Path) -> int:
    from audit.exports.xlsx import AnswerRow, write_donor_summary, write_full_data

    write_donor_summary(str(out / "donor.xlsx"), donor_summary())
    rows = (AnswerRow(*row) for row in portfolio(audits))  # type: ignore[arg-type]
    return write_full_data(str(out / "full.xlsx"), rows, {}, False) * COLUMNS


def run_baseline(audits: int, out: Path) -> int:
    import xlsxwriter

    from audit.exports.xlsx import MAX_ROWS

    wb = xlsxwriter.Workbook(str(out / "baseline.xlsx"), {"constant_memory": True})
    ws = wb.add_worksheet()
    header = [f"column {c}" for c in range(COLUMNS)]
    ws.write_row(0, 0, header)
    r = 1
    cells = 0
    for row in portfolio(audits):
        if r == MAX_ROWS:
            ws = wb.add_worksheet()
            ws.write_row(0, 0, header)
            r = 1
        ws.write_row(r, 0, row)
        r += 1
        cells += COLUMNS
    wb.close()
    return cells


def peak_rss_mib() -> float:
    """This process's peak resident memory. VmHWM belongs to the process's own memory map;
    `ru_maxrss` would carry over the parent's peak, which exec keeps for the child."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(kind: str, audits: int, out: Path, shape: str) -> None:
    import xlsxwriter  # noqa: F401  (imports outside the timing)

    import audit.exports.xlsx  # noqa: F401

    if kind == "database":
        from bench import export_database

        work = export_database.child_setup(out)
        start = time.perf_counter()
        cells, shape = work()
    else:
        start = time.perf_counter()
        if kind == "export":
            cells = run_export(audits, out)
        elif shape:
            from bench import export_database

            cells = export_database.run_baseline(out, shape)
        else:
            cells = run_baseline(audits, out)
    seconds = time.perf_counter() - start
    rss_mib = peak_rss_mib()
    result = {"kind": kind, "seconds": seconds, "cells": cells, "rss_mib": rss_mib}
    print(json.dumps({**result, "shape": shape}))


def spawn(kind: str, audits: int, out: Path, shape: str = "") -> dict[str, Any]:
    done = subprocess.run(
        [
            sys.executable,
            __file__,
            "--audits",
            str(audits),
            "--child",
            kind,
            "--out",
            str(out),
            "--shape",
            shape,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    for name in ("baseline.xlsx", "full.xlsx", "donor.xlsx"):
        (out / name).unlink(missing_ok=True)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--audits", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--source", choices=("synthetic", "database"), default="synthetic")
    parser.add_argument("--keep", action="store_true", help="keep the database (--source database)")
    parser.add_argument("--child", choices=("export", "baseline", "database"))
    parser.add_argument("--out", type=Path)
    parser.add_argument("--shape", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.audits, args.out, args.shape)
        return
    if args.source == "database":
        from bench import export_database

        export_database.main(args.audits, args.rounds, args.keep, spawn)
        return

    exports: list[dict[str, float]] = []
    baselines: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="wps-bench-") as tmp:
        out = Path(tmp)
        for round_ in range(args.rounds):
            order = ("export", "baseline") if round_ % 2 == 0 else ("baseline", "export")
            for kind in order:
                result = spawn(kind, args.audits, out)
                (exports if kind == "export" else baselines).append(result)
                print(
                    f"round {round_ + 1} {kind}: {result['seconds']:.3f} s, "
                    f"{result['cells']} cells, peak RSS {result['rss_mib']:.1f} MiB",
                    flush=True,
                )
    export_s = statistics.median(r["seconds"] for r in exports)
    baseline_s = statistics.median(r["seconds"] for r in baselines)
    cells = int(exports[0]["cells"])
    peak = max(r["rss_mib"] for r in exports)
    print(
        f"export audits={args.audits} cells={cells} export_s={export_s:.3f} "
        f"baseline_s={baseline_s:.3f} ratio={export_s / baseline_s:.2f} peak_rss_mib={round(peak)}"
    )


if __name__ == "__main__":
    main()
