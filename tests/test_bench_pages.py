"""bench/pages.py runs end to end on a small portfolio and prints its result line (a smoke
test of its line and of every page answering 200; the figures are in the README, never
asserted as timings)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAST_LINE = re.compile(r"pages audits=30 worst_page=[a-z_]+ worst_ratio=\d+\.\d{2}")


@pytest.mark.slow
def test_pages_benchmark_prints_its_result_line() -> None:
    env = {**os.environ, "DATABASE_URL": ""}
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "pages.py"), "--audits", "30", "--requests", "1"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        env=env,
        check=False,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    lines = done.stdout.strip().splitlines()
    assert LAST_LINE.fullmatch(lines[-1]), done.stdout[-2000:]
    timed = [line for line in lines if line.startswith("page ")]
    assert len(timed) == 17  # every page answered 200 on both databases
