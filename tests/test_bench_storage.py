"""bench/storage.py runs end to end on a small portfolio and stores less than before (a smoke
test of its line; the figures themselves are in the README, never asserted as timings)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAST_LINE = re.compile(
    r"storage audits=40 bytes_per_audit=(\d+) legacy_bytes_per_audit=(\d+) ratio=\d+\.\d{2}"
)


@pytest.mark.slow
def test_storage_benchmark_prints_its_result_line(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": ""}
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "storage.py"), "--audits", "40"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        env=env,
        check=False,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    match = LAST_LINE.fullmatch(done.stdout.strip().splitlines()[-1])
    assert match, done.stdout[-2000:]
    now, before = int(match.group(1)), int(match.group(2))
    assert 0 < now < before  # sizes, not timings: the slimmer snapshots take less room
