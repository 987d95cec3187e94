"""Where a transaction begins and ends: one per request, per Celery task and per CLI command.

Services change objects and flush; they never commit. The unit of work around them commits
once at the end, and any exception rolls back all of it:

- a request: committed in `after_request` when the response is a success (below 400), rolled
  back otherwise (an error page, a 404, a JSON conflict) and on any exception;
- a Celery task: `workers.FlaskTask` runs the task inside :func:`unit_of_work`;
- a CLI command: decorated with :func:`command`.

Background work recorded in the outbox during a transaction is sent to the broker from the
session's `after_commit` event (see :func:`audit.outbox.services.add`), so a worker never sees
a row that was not committed, and work of a rolled-back transaction is never sent.

Work that must be stored on its own while a long task goes on (export progress, lease renewal,
the outbox's own bookkeeping) goes through :func:`separately`: a short transaction on a session
of its own, committed when the block ends whatever the surrounding unit of work does later.

Concurrent changes to one audit are serialized by its row lock (``SELECT … FOR UPDATE``, see
audit.audits.services.checks.lock). SQLite has no row locks: there a request that may write
(any method but GET, HEAD and OPTIONS) and a CLI command begin their transaction with
``BEGIN IMMEDIATE``, which takes the database's write lock before the first read, so the second
of two racing writers waits and then reads what the first one stored. Reads and tasks keep
SQLite's deferred transactions (a task's progress is stored through :func:`separately` while
the task runs, which an immediate lock held by the task itself would block).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from flask import Flask, g, request
from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session, SessionTransaction
from werkzeug.wrappers import Response

from audit.extensions import db

P = ParamSpec("P")
R = TypeVar("R")

#: Where the session keeps the callbacks to run once its transaction has committed.
AFTER_COMMIT = "after_commit_callbacks"

#: Whether the work in hand means to write (then SQLite begins with BEGIN IMMEDIATE).
_WRITING: ContextVar[bool] = ContextVar("wps_audit_writing", default=False)

#: Methods that only read: their requests keep SQLite's deferred transactions.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@contextmanager
def intent(*, writing: bool) -> Iterator[None]:
    """Declare whether the transactions begun inside the block mean to write."""
    token = _WRITING.set(writing)
    try:
        yield
    finally:
        _WRITING.reset(token)


@event.listens_for(Engine, "begin")
def _begin_immediately(connection: Connection) -> None:
    """On SQLite, a transaction that means to write takes the write lock at once (pysqlite would
    only begin a deferred transaction at the first INSERT or UPDATE, after the reads that decided
    what to write)."""
    if connection.dialect.name == "sqlite" and _WRITING.get():
        connection.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """One transaction on the app's session: committed at the end, rolled back on any error."""
    try:
        yield db.session()
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def command(func: Callable[P, R]) -> Callable[P, R]:
    """A CLI command that is one unit of work."""

    @functools.wraps(func)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        with intent(writing=True), unit_of_work():
            return func(*args, **kwargs)

    return wrapped


@contextmanager
def separately() -> Iterator[Session]:
    """A short transaction of its own, committed at the end of the block (rolled back on error),
    independent of the unit of work around it."""
    session = Session(db.engine, expire_on_commit=False)
    try:
        with intent(writing=False), session.begin():
            yield session
    finally:
        session.close()


def after_commit(session: Session, callback: Callable[[], Any]) -> None:
    """Run `callback` once the session's current transaction has committed (never if it rolls
    back)."""
    session.info.setdefault(AFTER_COMMIT, []).append(callback)


def _run_after_commit(session: Session) -> None:
    callbacks = session.info.pop(AFTER_COMMIT, [])
    for callback in callbacks:
        callback()


def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended without a commit
        session.info.pop(AFTER_COMMIT, None)


def init_app(app: Flask) -> None:
    """Commit or roll back at the end of every request; run after-commit work."""
    if not event.contains(db.session, "after_commit", _run_after_commit):
        event.listen(db.session, "after_commit", _run_after_commit)
        event.listen(db.session, "after_transaction_end", _forget)

    def declare_intent() -> None:
        writing = request.method not in SAFE_METHODS
        g.transaction_intent = _WRITING.set(writing)

    # First of all hooks, before any of them reads the database (and so begins the transaction).
    app.before_request_funcs.setdefault(None, []).insert(0, declare_intent)

    @app.after_request
    def end_of_request(response: Response) -> Response:
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

    @app.teardown_request
    def failed_request(error: BaseException | None) -> None:
        if error is not None:
            db.session.rollback()
        token = g.pop("transaction_intent", None)
        if token is not None:
            try:
                _WRITING.reset(token)
            except ValueError:  # torn down in another context (a test client kept it open)
                _WRITING.set(False)
