"""Background work of the core: sending outbox emails and proving the worker lives."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from labportal.core import outbox, outbox_batch, outbox_upkeep, services

# The database was unreachable (restarted, failed over): try again, waiting longer each
# time (random waits up to 1, 2, 4 ... at most 300 s; under 15 minutes in all, then
# beat's flush takes over). Safe: before the claim nothing happened, and a row claimed
# but not marked sent is never sent twice (see outbox).
DATABASE_RETRY: dict[str, object] = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_kwargs": {"max_retries": 10},
}


@shared_task(bind=True, acks_late=True, max_retries=None, **DATABASE_RETRY)
def send_outbox_email(self, outbox_id: int) -> str:  # noqa: ANN001
    """Send one outbox email. Safe to run twice: the claim inside sends at most once.

    The row counts the attempts and decides the backoff; Celery only carries the
    retry (the periodic flush picks up any retry that gets lost). A lost database
    is retried by Celery with its own backoff (DATABASE_RETRY)."""
    delivery = outbox.deliver_outbox_email(outbox_id)
    if delivery.retry_in is not None:
        raise self.retry(countdown=delivery.retry_in)
    return delivery.outcome


@shared_task(bind=True, acks_late=True, max_retries=None, **DATABASE_RETRY)
def send_outbox_batch(self, outbox_ids: list[int]) -> dict[str, int]:  # noqa: ANN001
    """Send a batch of outbox emails over one connection (see outbox_batch). Safe to
    run twice: each row is claimed before it is sent, and rows already claimed or sent
    are skipped. Rows that a temporary error of the server put back are retried in
    one task after their backoff."""
    delivery = outbox_batch.deliver_outbox_batch(outbox_ids)
    if delivery.retry_ids:
        raise self.retry(args=[delivery.retry_ids], countdown=delivery.retry_in)
    return dict(delivery.counts)


@shared_task(acks_late=True)
def flush_outbox() -> int:
    """Run by beat: mark failed the rows whose sending worker died (expired lease; they
    are not resent, see outbox), then queue a send for every email that is due (a
    safety net for sends never queued or lost: the broker was down when the event
    committed, Redis restarted without its queue, a lost retry)."""
    outbox_upkeep.release_expired_leases()
    ids = outbox_upkeep.pending_outbox_ids()
    for pk in ids:
        send_outbox_email.delay(pk)
    return len(ids)


@shared_task(acks_late=True)
def purge_email_content() -> int:
    """Run by beat daily: blank the text of emails sent more than
    OUTBOX_BODY_RETENTION_DAYS ago. Idempotent."""
    return outbox_upkeep.purge_old_email_content()


@shared_task(acks_late=True)
def record_heartbeat() -> str:
    """Run by beat every minute; /healthz reads the timestamp it leaves."""
    return services.record_heartbeat().beat_at.isoformat()
