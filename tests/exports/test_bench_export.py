"""bench/export.py runs and ends with its one-line summary (format only, never timings)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

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
