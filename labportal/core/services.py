"""Writes shared by every app: the audit trail and the email outbox."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import IntegrityError, models, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from labportal.core.models import AuditEntry, OutboxEmail, OutboxStatus, WorkerHeartbeat

logger = logging.getLogger(__name__)


def record_audit(actor: Any, action: str, obj: models.Model, **details: Any) -> AuditEntry:
    """Append one row to the audit log; call inside the service's transaction."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        details=details,
    )


def queue_email(
    *, key: str, to: str, template: str, context: dict[str, Any], language: str | None = None
) -> OutboxEmail:
    """Render `templates/emails/<template>_{subject,body}.txt` (and `_body.html` if
    present) in the recipient's language and put it in the outbox under `key`.

    Idempotent: a second call with the same key returns the first row and sends
    nothing new. The send task is queued only after the surrounding transaction
    commits, so a rolled-back event never sends mail.
    """
    existing = OutboxEmail.objects.filter(key=key).first()
    if existing:
        return existing
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}_subject.txt", context)
        body_text = render_to_string(f"emails/{template}_body.txt", context)
        try:
            body_html = render_to_string(f"emails/{template}_body.html", context)
        except TemplateDoesNotExist:
            body_html = ""
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
    return _add_to_outbox(key=key, to=to, subject=subject, body_text=body_text, body_html=body_html)


def queue_rendered_email(*, key: str, message: EmailMessage) -> OutboxEmail:
    """Put an already rendered message (e.g. allauth's password reset) in the outbox."""
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
        subject=message.subject,
        body_text=message.body,
        body_html=body_html,
    )


def _add_to_outbox(
    *, key: str, to: str, subject: str, body_text: str, body_html: str
) -> OutboxEmail:
    try:
        with transaction.atomic():
            email = OutboxEmail.objects.create(
                key=key, to=to, subject=subject, body_text=body_text, body_html=body_html
            )
    except IntegrityError:
        # A concurrent caller queued the same event first; theirs is the one email.
        return OutboxEmail.objects.get(key=key)

    transaction.on_commit(lambda: _enqueue_send(email.pk))
    return email


def _enqueue_send(pk: int) -> None:
    from labportal.core.tasks import send_outbox_email

    try:
        send_outbox_email.delay(pk)
    except Exception:
        # The event is committed and the email is in the outbox; the beat-driven
        # flush sends it when the broker is back. The user's request must not fail.
        logger.exception("Could not queue outbox email %s; the periodic flush will send it", pk)


def deliver_outbox_email(pk: int) -> bool:
    """Send one outbox email at most once; return True if this call sent it.

    The row is claimed with a conditional update (pending → sending), so two
    workers racing on the same email cannot both send it. A failure before
    the mail server accepted the message returns the row to pending and
    re-raises, so the task retries; a row stuck in "sending" after a crash is
    left for an admin rather than risking a second copy.
    """
    claimed = OutboxEmail.objects.filter(pk=pk, status=OutboxStatus.PENDING).update(
        status=OutboxStatus.SENDING, attempts=models.F("attempts") + 1
    )
    if not claimed:
        return False
    email = OutboxEmail.objects.get(pk=pk)
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={"X-LabPortal-Event": email.key},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    try:
        message.send()
    except Exception as exc:
        OutboxEmail.objects.filter(pk=pk).update(
            status=OutboxStatus.PENDING, last_error=str(exc)[:2000]
        )
        raise
    OutboxEmail.objects.filter(pk=pk).update(
        status=OutboxStatus.SENT, sent_at=timezone.now(), last_error=""
    )
    return True


def pending_outbox_ids(limit: int = 500) -> list[int]:
    return list(
        OutboxEmail.objects.filter(status=OutboxStatus.PENDING)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def record_heartbeat(name: str = "worker") -> WorkerHeartbeat:
    beat, _ = WorkerHeartbeat.objects.update_or_create(
        name=name, defaults={"beat_at": timezone.now()}
    )
    return beat


@transaction.atomic
def save_skill(*, actor: Any, skill: Any) -> Any:
    from labportal.accounts import policy

    if not policy.can_manage_skills(actor):
        raise PermissionDenied
    created = skill.pk is None
    skill.full_clean()
    skill.save()
    record_audit(actor, "skill.created" if created else "skill.updated", skill)
    return skill
