"""bench/export.py runs and ends with its one-line summary (format only, never timings)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAST_LINE = re.compile(
    r"export audits=(\d+) cells=(\d+) export_s=\d+\.\d{3} baseline_s=\d+\.\d{3} "
    r"ratio=\d+\.\d{2} peak_rss_mib=\d+"
)


def test_bench_export_smoke() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "export.py"), "--audits", "20"],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    last = done.stdout.strip().splitlines()[-1]
    match = LAST_LINE.fullmatch(last)
    assert match, last
    assert match.group(1) == "20"
    assert int(match.group(2)) == 20 * 120 * 13


DATABASE_LINE = re.compile(
    r"export audits=30 cells=(\d+) export_s=\d+\.\d{3} baseline_s=\d+\.\d{3} "
    r"ratio=\d+\.\d{2} peak_rss_mib=\d+ source=database"
)


@pytest.mark.slow
def test_bench_export_from_a_database(tmp_path: Path) -> None:
    """The real export path from a (SQLite) database against bare XlsxWriter, same cells."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite'}"}
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "export.py"),
            "--source",
            "database",
            "--audits",
            "30",
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        env=env,
    )
    last = done.stdout.strip().splitlines()[-1]
    match = DATABASE_LINE.fullmatch(last)
    assert match, done.stdout[-2000:]
    assert int(match.group(1)) > 30 * 100 * 27  # every question row of every audit
