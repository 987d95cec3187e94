"""A real server and the system Chromium for the browser tests.

The server is `flask --app audit run` on a free port with its own instance folder, a fresh SQLite
database, the development configuration (CSRF on) and the small framework in ./framework. The
browser is /usr/bin/chromium driven by Playwright, which never downloads one of its own. Without
Chromium or the playwright package the tests skip and say why; under CI=true they fail.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from audit.paths import ROOT
from tests.conftest import PASSWORD
from tests.services import unavailable

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
FRAMEWORK = Path(__file__).parent / "framework"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class Server:
    """The running app and what the seed created."""

    url: str
    audit_id: int
    commander: str
    adviser: str
    log: Path
    #: What tests/browser/seed.py added for the journeys (users, units, audits): see seed_journeys.
    journeys: dict[str, Any] = field(default_factory=dict)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, f"{' '.join(args[2:])} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`flask run` on a fresh embedded database holding one audit of one station."""
    instance = tmp_path_factory.mktemp("browser") / "instance"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SECRET_KEY")
    }
    env |= {
        "WPS_ENV": "development",
        "WPS_INSTANCE_PATH": str(instance),
        # Cheap hashing: the tests sign in a few times and need not pay production cost.
        "ARGON2_TIME_COST": "1",
        # The journeys, the accessibility checks and the keyboard test sign in a few dozen times
        # from one address within a minute or two; the production throttle is tested elsewhere.
        "LOGIN_LIMITS": "1000 per minute",
        "LOGIN_ADDRESS_LIMITS": "1000 per minute",
        "ARGON2_MEMORY_COST_KIB": "8",
        "ARGON2_PARALLELISM": "1",
    }
    flask = [sys.executable, "-m", "flask", "--app", "audit"]
    _run([*flask, "setup"], env)
    seeded = json.loads(
        _run([sys.executable, "-m", "tests.browser.seed", str(FRAMEWORK), PASSWORD], env)
        .strip()
        .splitlines()[-1]
    )
    port = _free_port()
    log = instance / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [*flask, "run", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url + "/login", timeout=2).close()
                break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the server did not start:\n{log.read_text()}")
                time.sleep(0.1)
        yield Server(
            url,
            int(seeded["audit_id"]),
            seeded["commander"],
            seeded["adviser"],
            log,
            seeded.get("journeys", {}),
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """The system Chromium, headless (skips without it; fails under CI=true)."""
    if not CHROMIUM.exists():
        unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium, or `make browser`)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def screenshots() -> Path:
    """Where pages are photographed (git-ignored), a folder per language."""
    for lang in ("en", "ar"):
        (SCREENSHOTS / lang).mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
