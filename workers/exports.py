"""Export tasks: build a workbook from an outbox message, and delete expired ones."""

from __future__ import annotations

from celery import shared_task
from sqlalchemy.exc import OperationalError

from audit.exports import parts
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
    exports.run(message_id, split=parts.split)


@shared_task(
    name=parts.PART_TASK,
    acks_late=True,
    ignore_result=False,  # a chord's header: the last step starts when every part has reported
    autoretry_for=(OperationalError, ConnectionError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
    soft_time_limit=60 * 60,
    time_limit=60 * 60 + 120,
)
def build_export_part(
    export_id: int, attempt: int, message_id: int, institution_id: int, work: str
) -> int:
    """Write one institution's part of a split full data."""
    return parts.build_part(export_id, attempt, message_id, institution_id, work)


@shared_task(
    name=parts.ASSEMBLE_TASK,
    acks_late=True,
    autoretry_for=(OperationalError, ConnectionError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
    soft_time_limit=60 * 60,
    time_limit=60 * 60 + 120,
)
def assemble_export(
    results: list[int],
    export_id: int,
    attempt: int,
    message_id: int,
    institutions: list[int],
    work: str,
) -> None:
    """Join the parts of a split full data into its download and finish the job."""
    parts.assemble(results, export_id, attempt, message_id, institutions, work)


@shared_task(name="audit.exports.cleanup", acks_late=True, soft_time_limit=300, time_limit=360)
def cleanup_exports() -> None:
    """Delete workbooks past their expiry and the work folders of lost attempts (run every hour
    by celery beat)."""
    exports.cleanup()
