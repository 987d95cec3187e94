"""The append-only audit log: every change to an audit, who made it, old and new value."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from audit.accounts.models import User
from audit.audits.models import Audit, AuditLogEntry, AuditState
from audit.extensions import db
from audit.frameworks.models import FrameworkIndicator

#: The entries that send an audit back to the unit; their note is what the unit must read.
RETURNING = ("audit.returned", "audit.reopened")


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


@dataclass(frozen=True)
class LogFilter:
    """Which entries of one audit's log to list; None is "any"."""

    domain_code: str | None = None
    indicator_id: int | None = None
    actor_id: int | None = None
    action: str | None = None


def _filtered(audit: Audit, where: LogFilter) -> Select[tuple[AuditLogEntry]]:
    query = select(AuditLogEntry).where(AuditLogEntry.audit_id == audit.id)
    if where.domain_code is not None:
        query = query.join(
            FrameworkIndicator, AuditLogEntry.indicator_id == FrameworkIndicator.id
        ).where(FrameworkIndicator.domain_code == where.domain_code)
    if where.indicator_id is not None:
        query = query.where(AuditLogEntry.indicator_id == where.indicator_id)
    if where.actor_id is not None:
        query = query.where(AuditLogEntry.actor_id == where.actor_id)
    if where.action is not None:
        query = query.where(AuditLogEntry.action == where.action)
    return query


def history_page(
    audit: Audit, where: LogFilter, page: int, per_page: int
) -> tuple[list[AuditLogEntry], int]:
    """One page (1-based) of the entries that match, newest first, and how many match in all."""
    query = _filtered(audit, where)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    entries = db.session.scalars(
        query.options(selectinload(AuditLogEntry.actor), selectinload(AuditLogEntry.indicator))
        .order_by(AuditLogEntry.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return list(entries), int(total)


def people(audit: Audit) -> list[User]:
    """Everyone who changed something in this audit, by name."""
    query = (
        select(User)
        .where(
            User.id.in_(select(AuditLogEntry.actor_id).where(AuditLogEntry.audit_id == audit.id))
        )
        .order_by(User.name, User.id)
    )
    return list(db.session.scalars(query))


def return_notes(audits: Iterable[Audit]) -> dict[int, AuditLogEntry]:
    """For each audit that is back with its unit, the entry that sent it back (return or
    reopening: its note says why). Resubmitting moves the audit on and the note goes away."""
    ids = [a.id for a in audits if a.state is AuditState.RETURNED]
    if not ids:
        return {}
    latest = (
        select(func.max(AuditLogEntry.id))
        .where(AuditLogEntry.audit_id.in_(ids), AuditLogEntry.action.in_(RETURNING))
        .group_by(AuditLogEntry.audit_id)
    )
    entries = db.session.scalars(
        select(AuditLogEntry)
        .where(AuditLogEntry.id.in_(latest))
        .options(selectinload(AuditLogEntry.actor))
    )
    return {e.audit_id: e for e in entries}
