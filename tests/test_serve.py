"""What `make run` does: set up a fresh embedded database, serve it, and let every demo user in."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from audit.demo import DEMO_USERS
from audit.paths import ROOT


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def test_fresh_embedded_setup_serves_login_and_every_demo_user_signs_in(tmp_path: Path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SECRET_KEY")
    }
    env |= {"WPS_INSTANCE_PATH": str(tmp_path / "instance"), "WPS_ENV": "development"}
    flask = [sys.executable, "-m", "flask", "--app", "audit"]
    setup = subprocess.run(
        [*flask, "setup", "--demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert setup.returncode == 0, setup.stderr
    for demo in DEMO_USERS:
        assert f"{demo.email}" in setup.stdout
    assert (tmp_path / "instance" / "wps-audit.sqlite").exists()

    port = _free_port()
    server = subprocess.Popen(
        [*flask, "run", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/login", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        for demo in DEMO_USERS:
            jar = http.cookiejar.CookieJar()
            opener = urllib.request.build_opener(
                urllib.request.HTTPCookieProcessor(jar), _NoRedirect
            )
            page = opener.open(base + "/login", timeout=10).read().decode()
            assert "<form" in page
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
            assert token is not None
            body = urllib.parse.urlencode(
                {"csrf_token": token.group(1), "email": demo.email, "password": demo.password}
            ).encode()
            try:
                opener.open(base + "/login", data=body, timeout=10)
                status = 200
            except urllib.error.HTTPError as redirect:
                status = redirect.code
            assert status == 302, demo.email
            home = opener.open(base + "/", timeout=10).read().decode()
            assert "Sign out" in home
    finally:
        server.terminate()
        server.wait(timeout=10)
