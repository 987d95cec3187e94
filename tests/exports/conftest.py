"""The audit fixtures (a small framework, a cycle, every role) for the export job tests."""

from tests.audits.conftest import _read_frameworks_once, filled, small_world, world

__all__ = ["_read_frameworks_once", "filled", "small_world", "world"]
