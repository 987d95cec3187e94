"""Scorecard tasks: build an audit's scorecard, and sweep the outbox for work that waited."""

from __future__ import annotations

from celery import shared_task
from sqlalchemy.exc import OperationalError

from audit.outbox import services as outbox
from audit.scoring import services as scoring


@shared_task(
    name=scoring.TASK,
    acks_late=True,  # safe: the work is idempotent (one snapshot per outbox message)
    autoretry_for=(OperationalError, ConnectionError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
    soft_time_limit=120,
    time_limit=180,
)
def build_scorecard(message_id: int) -> None:
    """Compute and store the scorecard an outbox message asks for."""
    scoring.build_scorecard(message_id)


@shared_task(name="audit.outbox.sweep", acks_late=True, soft_time_limit=60, time_limit=90)
def sweep_outbox() -> None:
    """Re-send outbox work that never reached a worker or was lost with one (run every minute)."""
    outbox.sweep()
