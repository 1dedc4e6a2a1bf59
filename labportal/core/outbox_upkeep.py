"""The outbox's periodic upkeep and the administrators' "Send again" (see
`labportal.core.outbox` for the rules: at most once, leases, INTERRUPTED)."""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from labportal.core.models import OutboxEmail, OutboxStatus
from labportal.core.outbox import INTERRUPTED, enqueue_send

logger = logging.getLogger(__name__)


def release_expired_leases() -> int:
    """Mark failed, with the error INTERRUPTED, every row left in "sending" by a
    worker that died (lease expired). They are not sent again by themselves: the
    message may already have arrived (see the module). Idempotent; returns how many.

    A live send is never taken for dead: the lease is longer than the task time
    limit. Should a slow worker still finish, it marks the row sent after all."""
    cutoff = timezone.now() - timedelta(seconds=settings.OUTBOX_SENDING_LEASE_SECONDS)
    interrupted = (
        OutboxEmail.objects.filter(status=OutboxStatus.SENDING)
        .filter(Q(claimed_at__lt=cutoff) | Q(claimed_at__isnull=True))
        .update(status=OutboxStatus.FAILED, claimed_at=None, last_error=INTERRUPTED)
    )
    if interrupted:
        logger.warning(
            "Outbox: %s emails were interrupted while sending (worker died); marked failed "
            "for an administrator to check and send again",
            interrupted,
        )
    return interrupted


def pending_outbox_ids(limit: int = 500) -> list[int]:
    """The pending emails that are due now, oldest first."""
    return list(
        OutboxEmail.objects.filter(status=OutboxStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now()))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def purge_old_email_content() -> int:
    """Blank the bodies (and any secrets) of emails sent, or failed, more than
    OUTBOX_BODY_RETENTION_DAYS ago; the row stays as the record that an email went
    out. Idempotent. Returns how many rows were purged."""
    now = timezone.now()
    cutoff = now - timedelta(days=settings.OUTBOX_BODY_RETENTION_DAYS)
    return (
        OutboxEmail.objects.filter(purged_at__isnull=True)
        .filter(
            Q(status=OutboxStatus.SENT, sent_at__lt=cutoff)
            | Q(status=OutboxStatus.FAILED, created_at__lt=cutoff)
        )
        .update(body_text="", body_html="", secret_values={}, purged_at=now)
    )


def failed_email_count() -> int:
    """Failed emails an administrator can still send again."""
    return OutboxEmail.objects.filter(status=OutboxStatus.FAILED, purged_at__isnull=True).count()


@transaction.atomic
def send_again(*, actor: Any, emails: QuerySet[OutboxEmail]) -> int:
    """Put failed emails back in the queue with a fresh set of attempts (admins only).

    Emails whose content was purged are skipped. Each one resent writes an audit
    row. Returns how many were queued."""
    from labportal.accounts.access import has_role
    from labportal.accounts.models import Role
    from labportal.core.services import record_audit

    if not has_role(actor, Role.ADMIN):
        raise PermissionDenied
    rows = list(
        OutboxEmail.objects.select_for_update()
        .filter(pk__in=emails.values("pk"), status=OutboxStatus.FAILED, purged_at__isnull=True)
        .order_by("pk")
    )
    for email in rows:
        record_audit(actor, "outbox.sent_again", email, to=email.to, last_error=email.last_error)
        transaction.on_commit(partial(enqueue_send, email.pk))
    OutboxEmail.objects.filter(pk__in=[email.pk for email in rows]).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=None, claimed_at=None
    )
    return len(rows)
