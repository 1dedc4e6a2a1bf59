"""The email outbox: an email is written with the event that causes it and sent by a
worker, at most once per claim, without ever keeping a usable sign-in link.

A row moves pending → sending → sent, or → failed when the mail server refuses it
for good or after OUTBOX_MAX_ATTEMPTS tries. A temporary refusal sends it back to
pending with a later `next_attempt_at` (exponential backoff).

At most once: a row whose worker died while sending (its lease,
OUTBOX_SENDING_LEASE_SECONDS, expired with the row still "sending") is NOT sent
again. The worker may have died after the mail server accepted the message and
before the row was marked sent, and nothing here can tell the two cases apart;
the row is marked failed with INTERRUPTED as its error, so an administrator
checks with the recipient and uses "Send again" in the admin if it never came.
One resend too few is a visible, fixable failure; a second copy of a sign-in
link or a decision is not.

Many sends in a row (a fan-out such as the Monday reminders hands each worker
process thousands, in batches: see `outbox_batch`): consecutive sends of a process
(thread) share its open SMTP connection, instead of a connect, EHLO (with a real
relay also TLS and login) and QUIT per email, while it is fresh (REUSE_IDLE_SECONDS
since the last send, at most REUSE_MAX_MESSAGES messages) and of the current
settings; any error closes it. And the mark "sent" is committed without waiting for
the disk (the claim still waits): a flush per commit was most of a send's time. The
guarantees are per row and unchanged: the claim, the lease, one send per claim, the
secrets emptied when sent.
"""

from __future__ import annotations

import logging
import smtplib
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Least
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape

from labportal.core.models import OutboxEmail, OutboxStatus

logger = logging.getLogger(__name__)

# `attempts` is a PositiveSmallIntegerField: the counter stops here instead of overflowing.
ATTEMPTS_CAP = 32767
# Backoff stays below Redis' visibility timeout (one hour), after which a waiting
# retry message would be handed to a second worker.
RETRY_DELAY_CAP = timedelta(minutes=30)
# Shorter secrets (e.g. a six-digit code) could occur in a body by chance.
CHECKED_SECRET_LENGTH = 8
# The error of a row whose worker died while sending it (see the module).
INTERRUPTED = "interrupted while sending: check whether it arrived before sending again"
# An open SMTP connection is used for the next send within this many seconds (far
# below the five minutes after which RFC 5321 lets a server drop an idle client), for
# at most this many messages (servers may limit messages per connection).
REUSE_IDLE_SECONDS = 10.0
REUSE_MAX_MESSAGES = 100


def secret_placeholder(name: str) -> str:
    """What a template shows in place of the secret `name` (e.g. a sign-in link).

    Only characters that HTML escaping and line wrapping leave alone, so the
    sender finds it again in both bodies."""
    return f"[secret:{name}]"


# Queueing ----------------------------------------------------------------------
def queue_email(
    *,
    key: str,
    to: str,
    template: str,
    context: dict[str, Any],
    language: str | None = None,
    secrets: dict[str, str] | None = None,
) -> OutboxEmail:
    """Render `templates/emails/<template>_{subject,body}.txt` (and `_body.html` if
    present) in the recipient's language and put it in the outbox under `key`.

    `secrets` are context values that must not stay in the database (sign-in
    links): the templates see a placeholder for each, and the sender puts the
    value in at send time and then forgets it.

    Idempotent: a second call with the same key returns the first row and sends
    nothing new. The send task is queued only after the surrounding transaction
    commits, so a rolled-back event never sends mail.
    """
    existing = OutboxEmail.objects.filter(key=key).first()
    if existing:
        return existing
    secrets = _clean_secrets(secrets)
    subject, body_text, body_html = render_email(
        template, {**context, **{name: secret_placeholder(name) for name in secrets}}, language
    )
    return _add_to_outbox(
        key=key, to=to, subject=subject, body_text=body_text, body_html=body_html, secrets=secrets
    )


def render_email(
    template: str, context: dict[str, Any], language: str | None = None
) -> tuple[str, str, str]:
    """Subject (prefixed, on one line), text body and HTML body ("" without a
    `_body.html`) of `templates/emails/<template>_*` in `language`."""
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject: str = render_to_string(f"emails/{template}_subject.txt", context)
        body_text: str = render_to_string(f"emails/{template}_body.txt", context)
        body_html: str
        try:
            body_html = render_to_string(f"emails/{template}_body.html", context)
        except TemplateDoesNotExist:
            body_html = ""
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()), body_text, body_html


def queue_rendered_email(
    *, key: str, message: EmailMessage, secrets: dict[str, str] | None = None
) -> OutboxEmail:
    """Put an already rendered message (e.g. allauth's password reset) in the outbox.

    The caller rendered it with `secret_placeholder(name)` for every name in `secrets`."""
    body_html = next(
        (
            body
            for body, mimetype in getattr(message, "alternatives", [])
            if mimetype == "text/html"
        ),
        "",
    )
    return _add_to_outbox(
        key=key,
        to=message.to[0],
        subject=str(message.subject),
        body_text=str(message.body),
        body_html=body_html,
        secrets=_clean_secrets(secrets),
    )


def _clean_secrets(secrets: dict[str, str] | None) -> dict[str, str]:
    return {name: str(value) for name, value in (secrets or {}).items() if value}


def _add_to_outbox(
    *, key: str, to: str, subject: str, body_text: str, body_html: str, secrets: dict[str, str]
) -> OutboxEmail:
    for name, value in secrets.items():
        if len(value) >= CHECKED_SECRET_LENGTH and any(
            value in part or escape(value) in part for part in (subject, body_text, body_html)
        ):
            # A template printed the secret some other way than through its name.
            raise ValueError(f"The email {key!r} would store the secret {name!r} in its text.")
    try:
        with transaction.atomic():
            email = OutboxEmail.objects.create(
                key=key,
                to=to,
                subject=subject,
                body_text=body_text,
                body_html=body_html,
                secret_values=secrets,
            )
    except IntegrityError:
        # A concurrent caller queued the same event first; theirs is the one email.
        return OutboxEmail.objects.get(key=key)

    transaction.on_commit(partial(enqueue_send, email.pk))
    return email


def enqueue_send(pk: int) -> None:
    from labportal.core.tasks import send_outbox_email

    try:
        send_outbox_email.delay(pk)
    except Exception:
        # The event is committed and the email is in the outbox; the beat-driven
        # flush sends it when the broker is back. The user's request must not fail.
        logger.exception("Could not queue outbox email %s; the periodic flush will send it", pk)


# Sending -----------------------------------------------------------------------
@dataclass(frozen=True)
class Delivery:
    """What one delivery call did: "sent", "skipped" (not ours to send now),
    "retry" (temporary error; try again in `retry_in` seconds) or "failed"."""

    outcome: str
    retry_in: float | None = None


def deliver_outbox_email(pk: int) -> Delivery:
    """Send one outbox email if it is due; safe to call any number of times.

    The row is claimed with a conditional update (pending and due → sending,
    stamped with `claimed_at`), so two workers cannot both send it while the
    lease lasts. Success marks it sent and empties its secrets in one UPDATE, whose
    commit does not wait for the disk (see `commit_without_waiting_for_the_disk`);
    the claim's does, as the guarantee rests on it.
    A permanent refusal (SMTP 5xx) marks it failed; a temporary one (4xx,
    connection errors, timeouts) schedules the next attempt with exponential
    backoff, until OUTBOX_MAX_ATTEMPTS attempts have been made.
    """
    now = timezone.now()
    claimed = (
        OutboxEmail.objects.filter(pk=pk, status=OutboxStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(
            status=OutboxStatus.SENDING,
            claimed_at=now,
            next_attempt_at=None,
            attempts=Least(F("attempts") + 1, Value(ATTEMPTS_CAP)),
        )
    )
    if not claimed:
        return Delivery("skipped")
    email = OutboxEmail.objects.get(pk=pk)
    try:
        send_over_open_connection(message_of(email))
    except Exception as exc:
        # Only while the row is still ours: after an expired lease another worker has it.
        ours = OutboxEmail.objects.filter(pk=pk, status=OutboxStatus.SENDING, claimed_at=now)
        return record_failure(email, ours, exc)
    mark_sent(pk)
    return Delivery("sent")


def mark_sent(pk: int) -> None:
    """Right after the server accepted the email: mark it sent, forget its secrets.

    Unconditional on the claim: the message has left, so the row must say so even if
    our lease expired meanwhile (and the flush marked it interrupted): this corrects
    that mark and stops an administrator's needless "Send again"."""
    with transaction.atomic():
        commit_without_waiting_for_the_disk()
        marked = (
            OutboxEmail.objects.filter(pk=pk)
            .exclude(status=OutboxStatus.SENT)
            .update(
                status=OutboxStatus.SENT,
                sent_at=timezone.now(),
                claimed_at=None,
                last_error="",
                secret_values={},
            )
        )
    if not marked:
        # Only after an administrator's "Send again" of an email marked interrupted.
        logger.warning("Outbox email %s was sent again although it had been sent", pk)


def commit_without_waiting_for_the_disk() -> None:
    """Call first inside an outermost `transaction.atomic()`: its commit returns
    before PostgreSQL has flushed it to disk (synchronous_commit off, for this
    transaction only; nothing happens inside a caller's transaction, whose commit
    stays as it is). Visible to others at once; only a crash of PostgreSQL itself
    within a fraction of a second loses it (never a worker's death). For writes that
    can be lost that way, where a flush per row would be most of the time.

    The mark "sent": if lost, the row is left "sending" under its durable claim and
    becomes interrupted, never sent again by itself, as the module promises."""
    # Called first thing inside the caller's `atomic`: one block means it is the outermost.
    if connection.vendor == "postgresql" and len(connection.atomic_blocks) == 1:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def message_of(email: OutboxEmail) -> EmailMultiAlternatives:
    body_text, body_html = email.body_text, email.body_html
    for name, value in email.secret_values.items():
        body_text = body_text.replace(secret_placeholder(name), value)
        # The placeholder stands where the template printed an autoescaped value.
        body_html = body_html.replace(secret_placeholder(name), escape(value))
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={"X-LabPortal-Event": email.key},
    )
    if body_html:
        message.attach_alternative(body_html, "text/html")
    return message


@dataclass
class _OpenConnection:
    backend: BaseEmailBackend
    settings: tuple[object, ...]
    messages: int = 0
    used_at: float = 0.0


_open = threading.local()


def _mail_settings() -> tuple[object, ...]:
    return tuple(
        getattr(settings, name, None)
        for name in (
            "EMAIL_BACKEND",
            "EMAIL_HOST",
            "EMAIL_PORT",
            "EMAIL_HOST_USER",
            "EMAIL_HOST_PASSWORD",
            "EMAIL_USE_TLS",
            "EMAIL_USE_SSL",
            "EMAIL_SSL_CERTFILE",
            "EMAIL_SSL_KEYFILE",
            "EMAIL_TIMEOUT",
        )
    )


def send_over_open_connection(message: EmailMultiAlternatives) -> None:
    """Send over this thread's open connection (see the module), else over a new one
    that stays open for the next send. Any error closes it, so that the next send
    starts on a clean connection."""
    current: _OpenConnection | None = getattr(_open, "connection", None)
    mail_settings = _mail_settings()
    if current is not None and (
        current.settings != mail_settings
        or time.monotonic() - current.used_at > REUSE_IDLE_SECONDS
        or current.messages >= REUSE_MAX_MESSAGES
    ):
        close_connection()
        current = None
    if current is None:
        backend = get_connection(fail_silently=False)
        backend.open()
        current = _open.connection = _OpenConnection(backend, mail_settings)
    message.connection = current.backend
    try:
        message.send()
    except BaseException:
        close_connection()
        raise
    current.messages += 1
    current.used_at = time.monotonic()


def close_connection() -> None:
    """Close this thread's open SMTP connection, if any (quietly: it may be gone)."""
    current: _OpenConnection | None = getattr(_open, "connection", None)
    _open.connection = None
    if current is not None:
        try:
            current.backend.close()
        except Exception:
            logger.debug("Closing the SMTP connection failed", exc_info=True)


def is_permanent_error(exc: BaseException) -> bool:
    """Will the mail server refuse this email again, whatever we do? (SMTP 5xx)

    A refused login (535) is our configuration, not this email: it is retried like
    a temporary error, so fixing EMAIL_URL lets the waiting emails through."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return False
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in exc.recipients.values()]
        return not codes or any(code >= 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def retry_delay(attempts: int) -> timedelta:
    """Wait before attempt `attempts + 1`: the base, doubled per attempt, capped."""
    base = timedelta(seconds=settings.OUTBOX_RETRY_BASE_SECONDS)
    return min(base * 2 ** min(max(attempts - 1, 0), 16), RETRY_DELAY_CAP)


def record_failure(email: OutboxEmail, ours: QuerySet, exc: Exception) -> Delivery:
    error = f"{exc.__class__.__name__}: {exc}"[:2000]
    if is_permanent_error(exc) or email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        ours.update(status=OutboxStatus.FAILED, claimed_at=None, last_error=error)
        logger.warning(
            "Outbox email %s failed after %s attempts: %s", email.pk, email.attempts, error
        )
        return Delivery("failed")
    delay = retry_delay(email.attempts)
    ours.update(
        status=OutboxStatus.PENDING,
        claimed_at=None,
        next_attempt_at=timezone.now() + delay,
        last_error=error,
    )
    logger.info("Outbox email %s will be tried again in %s: %s", email.pk, delay, error)
    return Delivery("retry", retry_in=delay.total_seconds())
