"""Tasks that show the workers are alive."""

from __future__ import annotations

import socket

from celery import shared_task
from sqlalchemy.exc import OperationalError

from audit.system.services import HEARTBEAT_TASK, record_heartbeat


@shared_task(
    name=HEARTBEAT_TASK,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=30,
    time_limit=60,
)
def heartbeat(token: str, requested_at: str) -> None:
    """Record that a worker picked up the heartbeat request `token` (idempotent)."""
    record_heartbeat(token, requested_at, socket.gethostname())
