"""The audit fixtures (a small framework, a cycle, every role) for the list pages."""

from tests.audits.conftest import small_world

__all__ = ["small_world"]
