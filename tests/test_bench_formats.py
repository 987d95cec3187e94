"""bench/export_formats.py runs end to end with real workers on a small portfolio (a smoke test:
its line's format and the parts, never its timings)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import REDIS_URL, postgres_url, require_postgres, require_redis

ROOT = Path(__file__).resolve().parents[1]
LAST_LINE = re.compile(
    r"formats audits=40 csv_1_s=[\d.]+ csv_2_s=[\d.]+ parquet_1_s=[\d.]+ parquet_2_s=[\d.]+ "
    r"two_workers_ratio=\d+\.\d{2}"
)

pytestmark = [pytest.mark.services, pytest.mark.slow]


def test_formats_benchmark_prints_its_result_line() -> None:
    url = postgres_url("wps_audit_bench_formats_test")
    require_postgres(url)
    require_redis()
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": REDIS_URL}
    env["CELERY_QUEUE"] = f"wps-bench-formats-test-{os.getpid()}"
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "export_formats.py"), "--audits", "40"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        env=env,
        check=False,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    lines = done.stdout.strip().splitlines()
    assert LAST_LINE.fullmatch(lines[-1]), lines[-1]
    assert any("csv with 2 worker(s)" in line and "8 part(s)" in line for line in lines), lines
