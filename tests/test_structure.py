"""The shape of the code stays as the house style asks: imports run downward, modules and
functions fit in one's head, and only the unit of work commits."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

from audit.paths import ROOT

MODULE_LINES = 500
FUNCTION_LINES = 60


def _sources() -> Iterator[tuple[Path, ast.Module]]:
    for folder in ("audit", "forms", "workers"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, ast.parse(path.read_text(encoding="utf-8"))


def _feature(module: str) -> str | None:
    """audit.<feature>... -> feature (a package or a top-level module of audit)."""
    parts = module.split(".")
    if parts[0] != "audit" or len(parts) < 2:
        return None
    name = parts[1]
    exists = (ROOT / "audit" / name).is_dir() or (ROOT / "audit" / f"{name}.py").exists()
    return name if exists else None


def _imports(tree: ast.Module) -> Iterator[str]:
    """Every module imported anywhere in the file, inside functions too."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def test_no_cycle_among_the_feature_packages():
    graph: dict[str, set[str]] = {}
    for path, tree in _sources():
        relative = path.relative_to(ROOT)
        if relative.parts[0] != "audit" or len(relative.parts) < 2:
            continue
        source = _feature(".".join(relative.with_suffix("").parts))
        if source is None:
            continue
        for target in filter(None, map(_feature, _imports(tree))):
            if target != source:
                graph.setdefault(source, set()).add(target)
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as error:
        raise AssertionError(f"import cycle: {' -> '.join(error.args[1])}") from None
    # The layering the README describes, checked by name.
    assert "accounts" not in graph.get("orgs", set())
    assert "scoring" not in graph.get("audits", set())
    assert not graph.get("access", set()) - {"extensions", "db"}


def test_modules_and_functions_fit_in_ones_head():
    long_modules, long_functions = [], []
    for path, tree in _sources():
        relative = str(path.relative_to(ROOT))
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines > MODULE_LINES:
            long_modules.append(f"{relative}: {lines}")
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > FUNCTION_LINES:
                    long_functions.append(f"{relative}:{node.lineno} {node.name}: {length}")
    assert long_modules == []
    assert long_functions == []


def test_services_and_models_never_commit():
    commits = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path, tree in _sources()
        if path.name in ("services.py", "models.py") or path.parent.name == "services"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "commit"
    ]
    assert commits == []


def test_workers_are_not_imported_by_the_web_app():
    importers = [
        str(path.relative_to(ROOT))
        for path, tree in _sources()
        if path.relative_to(ROOT).parts[0] == "audit"
        and any(name == "workers" or name.startswith("workers.") for name in _imports(tree))
    ]
    # The factory starts Celery (workers.celery_init_app); nothing else reaches into workers.
    assert importers == ["audit/__init__.py"]


def test_every_scroll_box_is_a_named_region_the_keyboard_reaches() -> None:
    """A table that scrolls in its own box must be reachable from the keyboard (axe's
    scrollable-region-focusable): every `table-scroll` box is a named region with tabindex 0."""
    import re

    from audit.paths import ROOT

    bad = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for tag in re.findall(r"<div[^>]*class=\"table-scroll\"[^>]*>", path.read_text()):
            if 'role="region"' not in tag or 'tabindex="0"' not in tag or "aria-label" not in tag:
                bad.append(f"{path.relative_to(ROOT)}: {tag}")
    assert not bad, "\n".join(bad)
