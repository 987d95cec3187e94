"""The audit fixtures (a small framework, a cycle, every role) for scorecard tests."""

from tests.audits.conftest import filled, small_world, world

__all__ = ["filled", "small_world", "world"]
