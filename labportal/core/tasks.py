"""Background work of the core: sending outbox emails and proving the worker lives."""

from __future__ import annotations

from celery import shared_task

from labportal.core import outbox, services


@shared_task(bind=True, acks_late=True, max_retries=None)
def send_outbox_email(self, outbox_id: int) -> str:  # noqa: ANN001
    """Send one outbox email. Safe to run twice: the claim inside sends at most once.

    The row counts the attempts and decides the backoff; Celery only carries the
    retry (the periodic flush picks up any retry that gets lost)."""
    delivery = outbox.deliver_outbox_email(outbox_id)
    if delivery.retry_in is not None:
        raise self.retry(countdown=delivery.retry_in)
    return delivery.outcome


@shared_task(acks_late=True)
def flush_outbox() -> int:
    """Run by beat: give back rows whose sending worker died (expired lease), then
    queue a send for every email that is due (a safety net for sends never queued,
    e.g. the broker was down when the event committed, or a lost retry)."""
    outbox.release_expired_leases()
    ids = outbox.pending_outbox_ids()
    for pk in ids:
        send_outbox_email.delay(pk)
    return len(ids)


@shared_task(acks_late=True)
def purge_email_content() -> int:
    """Run by beat daily: blank the text of emails sent more than
    OUTBOX_BODY_RETENTION_DAYS ago. Idempotent."""
    return outbox.purge_old_email_content()


@shared_task(acks_late=True)
def record_heartbeat() -> str:
    """Run by beat every minute; /healthz reads the timestamp it leaves."""
    return services.record_heartbeat().beat_at.isoformat()
