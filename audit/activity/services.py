"""Recording activity events (added to the caller's transaction, never committed here)."""

from __future__ import annotations

from typing import Any, Protocol

from audit.activity.models import ActivityEvent
from audit.extensions import db


class Actor(Protocol):
    """Whoever made a change: a signed-in user (or None for the system itself)."""

    id: int
    is_authenticated: bool


def record(
    actor: Actor | None, action: str, object_type: str, object_id: int | None, **details: Any
) -> ActivityEvent:
    """Add an event to the current transaction; the caller's commit stores it with the change."""
    event = ActivityEvent(
        actor_id=actor.id if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        details={k: v for k, v in details.items() if v is not None},
    )
    db.session.add(event)
    return event
