"""A real `celery worker` process for the tests that need one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import BinaryIO

from audit.paths import ROOT


def start_worker(
    env: dict[str, str], log: BinaryIO, app: str = "workers.app", name: str = "test-worker"
) -> subprocess.Popen[bytes]:
    """Start `celery -A workers.app worker` (one process, solo pool) with this environment."""
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        app,
        "worker",
        "--pool=solo",
        "--concurrency=1",
        "--without-gossip",
        "--without-mingle",
        "--loglevel=INFO",
        # One node name per test process: xdist workers each start their own celery worker, and
        # two workers of one name would share a control (pidbox) queue.
        f"--hostname={name}-{os.getpid()}@%h",
    ]
    return subprocess.Popen(
        command, cwd=ROOT, env=os.environ | env, stdout=log, stderr=subprocess.STDOUT
    )


def start_beat(env: dict[str, str], log: BinaryIO, schedule: Path) -> subprocess.Popen[bytes]:
    """Start `celery -A workers.app beat` (the outbox sweep every OUTBOX_SWEEP_SECONDS)."""
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "workers.app",
        "beat",
        f"--schedule={schedule}",
        "--max-interval=1",
        "--loglevel=INFO",
    ]
    return subprocess.Popen(
        command, cwd=ROOT, env=os.environ | env, stdout=log, stderr=subprocess.STDOUT
    )


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    """Ask the worker to stop (warm shutdown), and kill it if it does not."""
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
