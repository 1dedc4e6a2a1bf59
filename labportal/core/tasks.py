"""Background work of the core: sending outbox emails and proving the worker lives."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

from labportal.core import services


@shared_task(
    bind=True,
    acks_late=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def send_outbox_email(self, outbox_id: int) -> bool:  # noqa: ANN001
    """Send one outbox email. Safe to run twice: the claim inside sends at most once."""
    return services.deliver_outbox_email(outbox_id)


@shared_task(acks_late=True)
def flush_outbox() -> int:
    """Queue a send for every email still pending (a safety net run by beat, in case
    a send was never queued, e.g. the broker was down when the event committed)."""
    ids = services.pending_outbox_ids()
    for pk in ids:
        send_outbox_email.delay(pk)
    return len(ids)


@shared_task(acks_late=True)
def record_heartbeat() -> str:
    """Run by beat every minute; /healthz reads the timestamp it leaves."""
    return services.record_heartbeat().beat_at.isoformat()
