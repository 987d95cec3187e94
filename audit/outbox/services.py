"""Add work to the outbox, send it after the commit, sweep what waited too long, mark it done."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from flask import current_app
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from audit import transactions
from audit.db import utcnow
from audit.extensions import db
from audit.outbox import broker
from audit.outbox.models import OutboxMessage

#: A message sent this long ago and still not done is sent again by the sweep.
STALE_AFTER = dt.timedelta(minutes=5)


def add(task: str, **payload: Any) -> OutboxMessage:
    """Record work in the current transaction; it is sent to the broker once that transaction
    commits (and never, if it rolls back)."""
    message = OutboxMessage(task=task, payload=payload)
    db.session.add(message)
    db.session.flush()
    message_id = message.id
    transactions.after_commit(db.session(), lambda: dispatch([message_id]))
    return message


def dispatch(ids: Iterable[int]) -> int:
    """Hand committed messages to the broker. A broker that is down is not an error for the
    person who asked: the message stays in the outbox and the sweep sends it later. No message
    waits on the broker for more than about half a second, and after a failure the next ones
    do not wait at all for a while (audit/outbox/broker.py). Each message's bookkeeping is its
    own short transaction. Returns how many reached the broker."""
    celery = current_app.extensions["celery"]
    sent = 0
    for message_id in list(ids):
        with transactions.separately() as session:
            message = session.get(OutboxMessage, message_id)
            if message is None or message.done_at is not None:
                continue
            task = message.task
        try:
            # In the embedded default (no broker) this runs the task right here, in-process.
            broker.send(celery, task, message_id)
        except Exception as error:  # the broker or the task failed: keep it for the sweep
            current_app.logger.warning("Outbox message %s not sent: %s", message_id, error)
            _note_attempt(message_id, error=f"{error.__class__.__name__}: {error}"[:2000])
        else:
            _note_attempt(message_id, error=None)
            sent += 1
    return sent


def _note_attempt(message_id: int, *, error: str | None) -> None:
    with transactions.separately() as session:
        message = session.get(OutboxMessage, message_id)
        if message is None:
            return
        message.attempts += 1
        if error is not None:
            message.last_error = error
        elif message.done_at is None:
            message.sent_at = utcnow()


def pending(stale_after: dt.timedelta = STALE_AFTER) -> list[int]:
    """Messages not done that are due: never sent; held by a worker whose hold has run out
    since the last sending (the worker was lost: sent again at once, not after
    `stale_after`); or sent more than `stale_after` ago and not held any longer."""
    now = utcnow()
    sent, held = OutboxMessage.sent_at, OutboxMessage.held_until
    return list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.done_at.is_(None))
            .where(
                or_(
                    sent.is_(None),
                    and_(held.is_(None), sent < now - stale_after),
                    and_(held <= now, or_(sent < held, sent < now - stale_after)),
                )
            )
            .order_by(OutboxMessage.id)
        )
    )


def sweep(stale_after: dt.timedelta = STALE_AFTER) -> int:
    """Send again what is waiting (run every OUTBOX_SWEEP_SECONDS by celery beat, or by cron)."""
    return dispatch(pending(stale_after))


def hold(message_id: int, until: dt.datetime, session: Session) -> None:
    """A worker has the message's work until `until` (in `session`'s transaction): the sweep
    does not send it again before, and sends it as soon as that has passed."""
    session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id).values(held_until=until)
    )


def complete(message_id: int, session: Session | None = None) -> None:
    """Mark a message done, in the worker's transaction (or the one of `session`)."""
    message = (session or db.session).get(OutboxMessage, message_id)
    if message is not None and message.done_at is None:
        message.done_at = utcnow()
