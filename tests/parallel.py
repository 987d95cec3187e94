"""How the suite runs in parallel (pytest-xdist, `make test`) and which tests are slow.

Every xdist worker is its own process, so what tests/services.py names after the process id (the
PostgreSQL databases, the Celery queue) and pytest's tmp_path are already its own. What must stay
together goes to one worker through an `xdist_group` (honoured by `--dist loadgroup`, set in
pyproject.toml):

- a module whose tests share a module-scoped fixture (the demo, loaded once per module): split
  over workers, each would load it again and the rows would be shared less predictably;
- the browser tests: one worker runs them all in order against its one live server and Chromium,
  as a serial run does. (Each file also passes alone, so per-file groups would be safe, but with
  two Chromiums and two servers at once on a busy 2-CPU machine Playwright's 15 s waits timed out.)

`slow` marks the suites that take seconds a test (a real browser, worker, server or the demo), so
`pytest -m "not slow"` is the quick loop; `make test` and CI run everything.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

TESTS = Path(__file__).parent
SLOW = (
    "browser/",
    "workers/",
    "test_serve.py",
    "test_demo.py",
    "test_bench.py",
    "exports/test_bench",
)

# A Hypothesis deadline is a timing assertion: under a loaded machine or several workers it fails
# tests that are correct (house rule: no timed tests). A test may still set its own.
settings.register_profile("suite", deadline=None)
settings.load_profile("suite")


def _relative(item: pytest.Item) -> str:
    try:
        return Path(item.path).resolve().relative_to(TESTS.resolve()).as_posix()
    except ValueError:  # a test file outside tests/
        return Path(item.path).name


def _shares_a_module_fixture(item: pytest.Item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    return any(
        definition.scope in ("module", "package", "class")
        for definitions in info.name2fixturedefs.values()
        for definition in definitions
    )


def group_of(item: pytest.Item) -> str | None:
    """The xdist group of a test (None: any worker may take it alone)."""
    path = _relative(item)
    if path.startswith("browser/"):
        return "browser"
    if _shares_a_module_fixture(item):
        return path
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    parallel = config.pluginmanager.hasplugin("xdist")
    for item in items:
        path = _relative(item)
        if path.startswith(SLOW):
            item.add_marker(pytest.mark.slow)
        group = group_of(item) if parallel else None
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))
