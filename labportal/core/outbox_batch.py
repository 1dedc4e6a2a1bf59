"""Many outbox emails at once, for a fan-out such as the Monday reminders: the rows are
written in bulk and sent in batches, one task per batch over one SMTP connection.

The rules of `labportal.core.outbox` hold per row, unchanged: the unique key (a row
already queued is left alone, ON CONFLICT DO NOTHING), a durable conditional claim
(pending and due → sending) before the send, the mark "sent" right after the server
accepted the message, the lease and INTERRUPTED for a worker that dies while sending
(never resent by itself), and the retry rules of `record_failure`.

What batching changes: one task message, one claim and one connection for many rows,
instead of one each (the per-email overhead was most of a fan-out's time). A batch
claims CLAIM_SIZE rows at a time, so a worker killed in the middle of a batch leaves
at most that many rows "sending" (to be marked interrupted: an administrator checks
them); its unclaimed rows stay pending and are sent by the redelivered task or the
periodic flush. Emails with secrets (sign-in links) do not come this way.
"""

from __future__ import annotations

import logging
import smtplib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from celery.exceptions import SoftTimeLimitExceeded
from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from labportal.core.models import OutboxEmail, OutboxStatus
from labportal.core.outbox import (
    ATTEMPTS_CAP,
    INTERRUPTED,
    commit_without_waiting_for_the_disk,
    is_permanent_error,
    mark_sent,
    message_of,
    record_failure,
    send_over_open_connection,
)

logger = logging.getLogger(__name__)

# Rows per send task: what one SMTP connection carries (outbox.REUSE_MAX_MESSAGES), a
# few seconds of sending, far inside the task's time limit.
BATCH_SIZE = 100
# Rows claimed together: at most this many are interrupted when a worker dies. One:
# a killed worker then leaves only the email it was sending for an administrator to
# check. Ten drained 10,000 reminders twice as fast but left up to ten rows, mostly
# never tried, marked interrupted per kill; one meets the 60 s target as well.
CLAIM_SIZE = 1
# Rows per INSERT statement (and per transaction) when queueing.
INSERT_SIZE = 1000


@dataclass(frozen=True)
class PreparedEmail:
    """A rendered email for `queue_prepared_emails` (subject already prefixed)."""

    key: str
    to: str
    subject: str
    body_text: str
    body_html: str = ""


# Queueing ----------------------------------------------------------------------
_INSERT = """
    INSERT INTO {table} (key, "to", subject, body_text, body_html, secret_values, status,
                         attempts, last_error, created_at)
    SELECT k, t, s, b, h, '{{}}'::jsonb, %s, 0, '', %s
    FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[], %s::text[]) AS e(k, t, s, b, h)
    ON CONFLICT (key) DO NOTHING
    RETURNING id
"""


def queue_prepared_emails(emails: Iterable[PreparedEmail]) -> int:
    """Put many rendered emails in the outbox, INSERT_SIZE rows per statement and
    transaction; an email whose key is already there is left alone (so a rerun queues
    nothing twice). Each transaction's new rows are queued for sending in batches once
    it commits. Returns how many rows were new.

    Each chunk is committed without waiting for the disk: a chunk lost in a crash of
    PostgreSQL is queued again by the caller's rerun (nothing of it was sent yet)."""
    sql = _INSERT.format(table=connection.ops.quote_name(OutboxEmail._meta.db_table))
    chunk: list[PreparedEmail] = []
    queued = 0

    def flush() -> int:
        with transaction.atomic():
            commit_without_waiting_for_the_disk()
            with connection.cursor() as cursor:
                cursor.execute(
                    sql,
                    [
                        OutboxStatus.PENDING.value,
                        timezone.now(),
                        [email.key for email in chunk],
                        [email.to for email in chunk],
                        [email.subject for email in chunk],
                        [email.body_text for email in chunk],
                        [email.body_html for email in chunk],
                    ],
                )
                ids = sorted(row[0] for row in cursor.fetchall())
            transaction.on_commit(partial(enqueue_batches, ids))
        return len(ids)

    for email in emails:
        chunk.append(email)
        if len(chunk) == INSERT_SIZE:
            queued += flush()
            chunk = []
    if chunk:
        queued += flush()
    return queued


def enqueue_batches(ids: Sequence[int]) -> None:
    """One send task per BATCH_SIZE rows; a broker that is away leaves them to the flush."""
    from labportal.core.tasks import send_outbox_batch

    for start in range(0, len(ids), BATCH_SIZE):
        batch = list(ids[start : start + BATCH_SIZE])
        try:
            send_outbox_batch.delay(batch)
        except Exception:
            logger.exception(
                "Could not queue %s outbox emails; the periodic flush will send them", len(batch)
            )


# Sending -----------------------------------------------------------------------
@dataclass
class BatchDelivery:
    """What one batch call did: counts per outcome ("sent", "skipped", "failed",
    "retry", "interrupted"), and the rows to try again in `retry_in` seconds (pending
    again: a temporary error stopped the batch before them)."""

    counts: Counter[str] = field(default_factory=Counter)
    retry_ids: list[int] = field(default_factory=list)
    retry_in: float | None = None


def _claim(ids: Sequence[int]) -> list[OutboxEmail]:
    """Claim the rows among `ids` that are pending and due, in one UPDATE (committed
    durably: the guarantee rests on it), oldest id first."""
    table = connection.ops.quote_name(OutboxEmail._meta.db_table)
    now = timezone.now()
    rows = OutboxEmail.objects.raw(
        f"""
        UPDATE {table} SET status = %s, claimed_at = %s, next_attempt_at = NULL,
                           attempts = LEAST(attempts + 1, %s)
        WHERE id = ANY(%s) AND status = %s
          AND (next_attempt_at IS NULL OR next_attempt_at <= %s)
        RETURNING *
        """,  # noqa: S608 - the table name is ours; values are parameters
        [OutboxStatus.SENDING, now, ATTEMPTS_CAP, list(ids), OutboxStatus.PENDING, now],
    )
    return sorted(rows, key=lambda email: email.pk)


def _release(emails: Sequence[OutboxEmail], retry_at: datetime | None = None) -> None:
    """Give back claimed rows that were not tried: pending, the attempt not counted."""
    for email in emails:
        OutboxEmail.objects.filter(
            pk=email.pk, status=OutboxStatus.SENDING, claimed_at=email.claimed_at
        ).update(
            status=OutboxStatus.PENDING,
            claimed_at=None,
            next_attempt_at=retry_at,
            attempts=Greatest(F("attempts") - 1, Value(0)),
        )


def deliver_outbox_batch(ids: Sequence[int]) -> BatchDelivery:
    """Send the outbox emails `ids` that are due, each at most once per claim; safe to
    call any number of times (rows already claimed or sent are skipped).

    A refusal of one address (permanent, or a temporary refusal of that recipient)
    is recorded on its row and the batch goes on. Any other temporary error (the
    server or the connection) is recorded on its row and stops the batch: the rest
    go back to pending, due at the same time, for the task's retry."""
    result = BatchDelivery()
    todo = sorted(set(ids))
    while todo:
        chunk, todo = todo[:CLAIM_SIZE], todo[CLAIM_SIZE:]
        claimed = _claim(chunk)
        if len(claimed) < len(chunk):
            result.counts["skipped"] += len(chunk) - len(claimed)
        for index, email in enumerate(claimed):
            ours = OutboxEmail.objects.filter(
                pk=email.pk, status=OutboxStatus.SENDING, claimed_at=email.claimed_at
            )
            try:
                send_over_open_connection(message_of(email))
            except SoftTimeLimitExceeded:
                # In flight: it may have arrived, so it is not tried again by itself.
                ours.update(status=OutboxStatus.FAILED, claimed_at=None, last_error=INTERRUPTED)
                _release(claimed[index + 1 :])
                result.counts["interrupted"] += 1
                result.retry_ids = [e.pk for e in claimed[index + 1 :]] + todo
                result.retry_in = 0
                return result
            except Exception as exc:
                delivery = record_failure(email, ours, exc)
                result.counts[delivery.outcome] += 1
                if delivery.outcome == "retry" and not _address_refused(exc):
                    rest = claimed[index + 1 :]
                    retry_at = OutboxEmail.objects.get(pk=email.pk).next_attempt_at
                    _release(rest, retry_at)
                    result.retry_ids = [email.pk, *(e.pk for e in rest), *todo]
                    result.retry_in = delivery.retry_in
                    return result
                continue
            mark_sent(email.pk)
            result.counts["sent"] += 1
    return result


def _address_refused(exc: BaseException) -> bool:
    """An error about this recipient only (the server is fine for the others)."""
    return isinstance(exc, smtplib.SMTPRecipientsRefused) or is_permanent_error(exc)
