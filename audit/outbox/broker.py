"""Hand one outbox message to the broker without keeping the person who asked waiting.

A request that records work hands it to the broker after its commit. A Redis that is down
refuses at once, but kombu and redis-py then retry with back-off, and a Redis that hangs (a dead
host, a firewall that drops packets, a server that accepts and never answers) holds the socket
until its timeout: measured at 5 to 6 seconds a message, a web worker held the whole time.

So the hand-over runs in a helper thread that the caller waits on for SEND_TIMEOUT at most,
whatever the broker does. Past that, or on any error, the broker counts as down for DOWN_FOR
seconds and later hand-overs do not try at all: the message stays in the outbox, where the sweep
(every minute) finds it and sends it once the broker answers. A hand-over that still succeeds
after its caller gave up is harmless: every task is idempotent per outbox message, so the
sweep's second copy changes nothing; and it ends the pause, since a slow broker is a working one.

Without a broker (the embedded default) Celery runs the task right here; that is not bounded.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any
from weakref import WeakKeyDictionary

from celery import Celery
from kombu.exceptions import OperationalError

#: The longest a caller waits for the broker to take one message.
SEND_TIMEOUT = 0.5
#: After a failure, hand-overs skip the broker for this long (the sweep sends what waits).
DOWN_FOR = 30.0

#: Errors that say "the broker is not there", as against a mistake in the call itself.
BROKER_ERRORS = (OperationalError, ConnectionError, TimeoutError, OSError)

logger = logging.getLogger(__name__)

#: Until when (time.monotonic()) each Celery app's broker counts as down.
_down_until: WeakKeyDictionary[Celery, float] = WeakKeyDictionary()
_lock = threading.Lock()


class BrokerDown(RuntimeError):
    """The broker did not take the message in time, or failed moments ago."""


def send(celery: Celery, task: str, message_id: int) -> None:
    """Hand `task(message_id)` to the broker, or raise within about SEND_TIMEOUT."""
    if celery.conf.task_always_eager:  # no broker: the task runs in-process
        celery.tasks[task].apply_async(args=[message_id], retry=False)
        return
    if is_down(celery):
        raise BrokerDown("the broker failed moments ago; the outbox sweep will send it")
    outcome: list[BaseException | None] = []

    def hand_over() -> None:
        try:
            celery.tasks[task].apply_async(args=[message_id], retry=False)
        except BaseException as error:  # handed to the waiting caller
            outcome.append(error)
        else:
            outcome.append(None)
            mark_up(celery)  # even when late: a slow broker is a working one

    worker = threading.Thread(target=hand_over, name=f"outbox-send-{message_id}", daemon=True)
    worker.start()
    worker.join(SEND_TIMEOUT)
    if not outcome:
        _mark_down(celery, f"no answer within {SEND_TIMEOUT} s")
        raise BrokerDown(f"the broker did not answer within {SEND_TIMEOUT} s")
    error = outcome[0]
    if error is not None:
        if isinstance(error, BROKER_ERRORS):
            _mark_down(celery, f"{error.__class__.__name__}: {error}")
        raise error


def is_down(celery: Celery) -> bool:
    """True while a recent failure keeps hand-overs away from this app's broker."""
    with _lock:
        return _down_until.get(celery, 0.0) > time.monotonic()


def mark_up(celery: Celery) -> None:
    """Forget a failure (a hand-over succeeded)."""
    with _lock:
        _down_until.pop(celery, None)


def _mark_down(celery: Celery, why: Any) -> None:
    with _lock:
        was_down = _down_until.get(celery, 0.0) > time.monotonic()
        _down_until[celery] = time.monotonic() + DOWN_FOR
    if not was_down:  # said once per outage, not for every message
        logger.warning(
            "Broker unreachable (%s): outbox messages wait for the sweep; next try in %s s",
            why,
            DOWN_FOR,
        )
