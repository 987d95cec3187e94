"""The append-only audit log: every change to an audit, who made it, old and new value."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from audit.accounts.models import User
from audit.audits.models import Audit, AuditLogEntry
from audit.extensions import db


def write(
    audit: Audit,
    actor: User | None,
    action: str,
    *,
    indicator_id: int | None = None,
    old: object = None,
    new: object = None,
    note: str | None = None,
) -> None:
    """Add an entry to the current transaction (stored with the change it describes)."""
    db.session.add(
        AuditLogEntry(
            audit_id=audit.id,
            indicator_id=indicator_id,
            actor_id=actor.id if actor is not None else None,
            action=action,
            old=old,
            new=new,
            note=note,
        )
    )


def history(audit: Audit, indicator_id: int | None = None) -> list[AuditLogEntry]:
    """The audit's log, newest first; only one answer's entries when indicator_id is given."""
    query = (
        select(AuditLogEntry)
        .where(AuditLogEntry.audit_id == audit.id)
        .options(selectinload(AuditLogEntry.actor), selectinload(AuditLogEntry.indicator))
        .order_by(AuditLogEntry.id.desc())
    )
    if indicator_id is not None:
        query = query.where(AuditLogEntry.indicator_id == indicator_id)
    return list(db.session.scalars(query))
