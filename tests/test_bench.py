"""The roll-up benchmark runs end to end on a small portfolio (a smoke test: no timing)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAST_LINE = re.compile(
    r"aggregate audits=50 rollup_s=\d+\.\d{4} groupby_s=\d+\.\d{4} "
    r"ratio=\d+\.\d{2} rescore_ratio=\d+\.\d{2}"
)


def test_aggregate_benchmark_prints_its_result_line(tmp_path: Path) -> None:
    database = tmp_path / "bench.sqlite"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "WPS_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "aggregate.py"), "--audits", "50", "--repeat", "2"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.strip().splitlines()
    assert LAST_LINE.fullmatch(lines[-1]), lines[-1]
    assert any("roll-up result: 50 units" in line for line in lines), result.stdout
    assert database.exists()  # the configured database was used (and is the caller's to delete)
