"""Export tasks: build a workbook from an outbox message, and delete expired ones."""

from __future__ import annotations

from celery import shared_task
from sqlalchemy.exc import OperationalError

from audit.exports import services as exports


@shared_task(
    name=exports.TASK,
    acks_late=True,  # safe: a job already done, or held by a live worker, is left alone
    autoretry_for=(OperationalError, ConnectionError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
    soft_time_limit=60 * 60,
    time_limit=60 * 60 + 120,
)
def build_export(message_id: int) -> None:
    """Write the workbook an outbox message asks for (temporary name, then rename)."""
    exports.run(message_id)


@shared_task(name="audit.exports.cleanup", acks_late=True, soft_time_limit=300, time_limit=360)
def cleanup_exports() -> None:
    """Delete workbooks past their expiry and the work folders of lost attempts (run every hour
    by celery beat)."""
    exports.cleanup()
