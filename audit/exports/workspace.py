"""Where export jobs write: the export folder, and one work folder per attempt inside it.

Finished workbooks sit at the top of EXPORT_FOLDER under random names. Each attempt at a job
writes inside a folder of its own, `EXPORT_FOLDER/.work/<export id>-<attempt>-<token>/`: the
workbook being written and every temporary file XlsxWriter makes while it writes and zips
(its `tmpdir`). The finished workbook is renamed out of it (same file system, atomic), then the
folder is removed. So whatever kills a worker, what it left behind is one folder, found by
name: the next attempt at the same job removes the folders of the earlier ones when it takes
the job over, and the clean-up removes any folder older than the lease whose attempt no longer
holds a running lease. Nothing outside `.work` is ever touched by this module.
"""

from __future__ import annotations

import re
import secrets
import shutil
import time
from collections.abc import Collection
from pathlib import Path

from flask import current_app

#: The folder of the work folders, inside the export folder.
WORK = ".work"
_NAME = re.compile(r"(\d+)-(\d+)-[0-9a-f]+")


def folder() -> Path:
    """Where workbooks are kept (EXPORT_FOLDER, default instance/exports)."""
    configured = current_app.config["EXPORT_FOLDER"]
    path = Path(configured) if configured else Path(current_app.instance_path) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _work_root() -> Path:
    root = folder() / WORK
    root.mkdir(exist_ok=True)
    return root


def open_job(export_id: int, attempt: int) -> Path:
    """A fresh work folder for this attempt, once the folders of earlier (lost) attempts at the
    same job are removed: the caller has just taken the job over, so they are nobody's."""
    root = _work_root()
    for earlier in root.glob(f"{export_id}-*"):
        discard(earlier)
    path = root / f"{export_id}-{attempt}-{secrets.token_hex(8)}"
    path.mkdir()
    return path


def discard(path: Path) -> None:
    """Remove a work folder and everything in it (nothing if it is already gone)."""
    shutil.rmtree(path, ignore_errors=True)


def _owner(path: Path) -> tuple[int, int] | None:
    """(export id, attempt) of a work folder, from its name."""
    match = _NAME.fullmatch(path.name)
    return (int(match[1]), int(match[2])) if match else None


def sweep(live: Collection[tuple[int, int]], older_than: float) -> int:
    """Remove the work folders not modified for `older_than` seconds whose (export id,
    attempt) is not in `live` (the attempts holding a running lease); give how many."""
    root = folder() / WORK
    if not root.is_dir():
        return 0
    cutoff = time.time() - older_than
    removed = 0
    for path in root.iterdir():
        if _owner(path) in live or path.stat().st_mtime >= cutoff:
            continue
        if path.is_dir():
            discard(path)
        else:
            path.unlink(missing_ok=True)
        removed += 1
    if removed:
        current_app.logger.info("Removed %s work folders of lost exports", removed)
    return removed
