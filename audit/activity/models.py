"""An append-only record of what administrators and users changed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from audit.append_only import protect
from audit.db import Base, created_at, intpk


class ActivityEvent(Base):
    """One change: who did what to which object. Rows are only ever inserted."""

    __tablename__ = "activity_events"

    id: Mapped[intpk]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Dotted verb, e.g. "orgs.unit.created".
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None]
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[created_at]

    # Named, not imported: every feature records activity, accounts included.
    actor = relationship("User")


#: The database itself refuses to rewrite the activity log (PostgreSQL; audit/append_only.py).
protect(ActivityEvent.__table__)
