"""Follow-ups after the programme: scheduled, sent, reminded, answered through a
signed link, or recorded as unanswered. Run daily by beat (`trainees.tasks`).

Invariants:

- Only trainees whose current consent says yes are contacted; the consent is read
  again, on the locked row, before every email.
- A follow-up is due `FOLLOW_UP_MONTHS` months after an enrolment ended; one is made
  only within FOLLOW_UP_GRACE_DAYS of its due day, so changing the offsets or giving
  consent late never sends a pile of old follow-ups.
- At most three emails per follow-up (the first and two reminders,
  FOLLOW_UP_REMINDER_DAYS apart), each with its own outbox key: a run that is
  repeated, retried or killed halfway never sends one twice. FOLLOW_UP_REMINDER_DAYS
  after the third without an answer, the point is recorded as "unknown".
- A link is signed, names the follow-up and its nonce, expires after
  FOLLOW_UP_LINK_DAYS and is used once: the answer is taken on the locked row, and a
  second answer is refused, as is any answer once consent is withdrawn. A link shows
  nothing but its own form. The links act without a login, so the outbox keeps them
  only until the email is sent (its `secrets`), never in the stored text.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from labportal.accounts.models import Role, User
from labportal.core.services import queue_email, record_audit
from trainees.models import ConsentChannel, FollowUp, FollowUpStatus
from trainees.services.outcomes import (
    add_months,
    clean_outcome,
    decide_follow_ups,
    record_no_answer,
    save_answered_outcome,
)

ANSWER_SALT = "labportal.follow-up.answer"
WITHDRAW_SALT = "labportal.follow-up.withdraw"
MAX_EMAILS = 3  # the first and two reminders
S = FollowUpStatus


# Links ----------------------------------------------------------------------------------------
def answer_token(follow_up: FollowUp) -> str:
    return signing.dumps([follow_up.pk, follow_up.nonce], salt=ANSWER_SALT)


def withdraw_token(trainee: User) -> str:
    return signing.dumps(trainee.pk, salt=WITHDRAW_SALT)


def answer_url(follow_up: FollowUp) -> str:
    path = reverse("trainees:follow_up_answer", args=[answer_token(follow_up)])
    return f"{settings.SITE_URL}{path}"


def withdraw_url(trainee: User) -> str:
    path = reverse("trainees:follow_up_withdraw", args=[withdraw_token(trainee)])
    return f"{settings.SITE_URL}{path}"


class LinkError(Exception):
    """A follow-up link that cannot be used: `reason` is "invalid" (tampered or
    unknown), "expired", "used" (answered already) or "closed" (no longer asked).

    `follow_up` is the follow-up a genuine link names (None for "invalid"), so that
    the page can still offer its trainee the link that stops follow-ups."""

    def __init__(self, reason: str, follow_up: FollowUp | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.follow_up = follow_up


def _named_follow_up(payload: Any, *, lock: bool = False) -> FollowUp | None:
    """The follow-up a signed payload `[pk, nonce]` names, if its nonce still matches."""
    try:
        pk, nonce = payload
    except (ValueError, TypeError):
        return None
    if not isinstance(pk, int) or not isinstance(nonce, str):
        return None
    rows = FollowUp.objects.select_related("trainee", "trainee__follow_up_consent")
    if lock:
        # Only the follow-up's row: the consent's side of the join may be empty.
        rows = rows.select_for_update(of=("self",))
    follow_up = rows.filter(pk=pk).first()
    if follow_up is None or not secrets.compare_digest(nonce, follow_up.nonce):
        return None
    return follow_up


def follow_up_of(token: str, *, lock: bool = False) -> FollowUp:
    """The follow-up a link names, if the link may still be answered (else `LinkError`).

    Answerable: sent and not answered (also after it was recorded as unanswered: a late
    answer is still the better outcome), while the trainee's consent says yes. Consent
    withdrawn closes every link, also of a follow-up already recorded as unanswered."""
    max_age = datetime.timedelta(days=settings.FOLLOW_UP_LINK_DAYS)
    try:
        payload = signing.loads(token, salt=ANSWER_SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        # The signature is genuine, only old: name the follow-up for the stop link.
        expired = _named_follow_up(signing.loads(token, salt=ANSWER_SALT))
        raise LinkError("expired", expired) from error
    except signing.BadSignature as error:
        raise LinkError("invalid") from error
    follow_up = _named_follow_up(payload, lock=lock)
    if follow_up is None:
        raise LinkError("invalid")
    if follow_up.answered_at is not None:
        raise LinkError("used", follow_up)
    consent = getattr(follow_up.trainee, "follow_up_consent", None)
    if follow_up.status not in (S.SENT, S.UNANSWERED) or consent is None or not consent.given:
        raise LinkError("closed", follow_up)
    return follow_up


def trainee_of_withdraw_link(token: str) -> User:
    try:
        pk = signing.loads(token, salt=WITHDRAW_SALT)
    except signing.BadSignature as error:
        raise LinkError("invalid") from error
    trainee: User | None = None
    if isinstance(pk, int):
        trainee = User.objects.filter(pk=pk, role=Role.TRAINEE).first()
    if trainee is None:
        raise LinkError("invalid")
    return trainee


# Answering -------------------------------------------------------------------------------------
@transaction.atomic
def answer_follow_up(*, token: str, data: dict[str, Any]) -> FollowUp:
    """The trainee's answer through the link: kept as given, and the outcome at the
    follow-up's point updated. Refused (`LinkError`) for a link that cannot be used;
    nothing changes then."""
    follow_up = follow_up_of(token, lock=True)
    values = clean_outcome({**data, "partner": None})
    follow_up.answer = {
        name: value.isoformat() if isinstance(value, datetime.date) else value
        for name, value in values.items()
        if name != "partner"
    }
    follow_up.status = S.ANSWERED
    follow_up.answered_at = timezone.now()
    follow_up.save(update_fields=["answer", "status", "answered_at", "updated_at"])
    outcome = save_answered_outcome(follow_up, values)
    record_audit(None, "follow_up.answered", follow_up, outcome=outcome.pk)
    return follow_up


def withdraw_by_link(token: str) -> User:
    """Stop every follow-up from the link in any follow-up email (no login)."""
    trainee = trainee_of_withdraw_link(token)
    decide_follow_ups(actor=None, trainee=trainee, given=False, channel=ConsentChannel.EMAIL)
    return trainee


# The daily run ---------------------------------------------------------------------------------
@dataclass
class RunReport:
    scheduled: int = 0
    sent: int = 0
    reminded: int = 0
    unanswered: int = 0
    cancelled: int = 0


def schedule_follow_ups(today: datetime.date) -> int:
    """Make the follow-ups due within the grace period for ended enrolments of active
    trainees who consent. Enrolments are read from the trainees (reverse name)."""
    months = settings.FOLLOW_UP_MONTHS
    grace = datetime.timedelta(days=settings.FOLLOW_UP_GRACE_DAYS)
    earliest_end = add_months(today - grace, -max(months)) - datetime.timedelta(days=1)
    ended = User.objects.filter(
        role=Role.TRAINEE,
        is_active=True,
        follow_up_consent__given=True,
        enrolments__ends_on__lt=today,
        enrolments__ends_on__gte=earliest_end,
    ).values_list("pk", "enrolments__pk", "enrolments__ends_on")
    ended = list(ended)
    made = set(
        FollowUp.objects.filter(enrolment_id__in={e for _, e, _ in ended}).values_list(
            "enrolment_id", "months_after"
        )
    )
    new = []
    for trainee_id, enrolment_id, ends_on in ended:
        for month in months:
            due_on = add_months(ends_on, month)
            if today - grace < due_on <= today and (enrolment_id, month) not in made:
                new.append(
                    FollowUp(
                        trainee_id=trainee_id,
                        enrolment_id=enrolment_id,
                        months_after=month,
                        due_on=due_on,
                        nonce=secrets.token_hex(16),
                    )
                )
    # The unique (enrolment, months_after) keeps what a run at the same moment made.
    FollowUp.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def run_follow_ups(now: datetime.datetime | None = None) -> RunReport:
    """Schedule, send, remind and close follow-ups (see the module). Safe to run again
    at any time: each step is judged again on the locked row."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = RunReport(scheduled=schedule_follow_ups(today))
    wait = datetime.timedelta(days=settings.FOLLOW_UP_REMINDER_DAYS)
    to_send = FollowUp.objects.filter(status=S.SCHEDULED, due_on__lte=today)
    to_remind = FollowUp.objects.filter(
        status=S.SENT, emails_sent__lt=MAX_EMAILS, last_sent_at__lte=now - wait
    )
    to_close = FollowUp.objects.filter(
        status=S.SENT, emails_sent__gte=MAX_EMAILS, last_sent_at__lte=now - wait
    )
    for pk in to_send.values_list("pk", flat=True):
        outcome = _send(pk, now)
        report.sent += outcome == "sent"
        report.cancelled += outcome == "cancelled"
    for pk in to_remind.values_list("pk", flat=True):
        outcome = _send(pk, now)
        report.reminded += outcome == "sent"
        report.cancelled += outcome == "cancelled"
    for pk in to_close.values_list("pk", flat=True):
        report.unanswered += _close(pk, now)
    return report


@transaction.atomic
def _send(pk: int, now: datetime.datetime) -> str:
    """The next email of one follow-up, if it is still due: "sent", "cancelled" (no
    consent any more) or "" (someone else got there first)."""
    follow_up = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("trainee", "trainee__follow_up_consent")
        .filter(pk=pk)
        .first()
    )
    wait = datetime.timedelta(days=settings.FOLLOW_UP_REMINDER_DAYS)
    if follow_up is None or follow_up.emails_sent >= MAX_EMAILS:
        return ""
    if follow_up.status == S.SENT:
        if follow_up.last_sent_at is None or follow_up.last_sent_at > now - wait:
            return ""
    elif follow_up.status != S.SCHEDULED:
        return ""
    trainee = follow_up.trainee
    consent = getattr(trainee, "follow_up_consent", None)
    if not trainee.is_active or consent is None or not consent.given:
        follow_up.status = S.CANCELLED
        follow_up.save(update_fields=["status", "updated_at"])
        return "cancelled"
    number = follow_up.emails_sent + 1
    queue_email(
        key=f"follow-up:{follow_up.pk}:{number}",
        to=trainee.email,
        template="follow_up" if number == 1 else "follow_up_reminder",
        context={
            "recipient": trainee,
            "months": follow_up.months_after,
            "link_days": settings.FOLLOW_UP_LINK_DAYS,
        },
        language=trainee.language,
        # The links act for the trainee without a login: like sign-in links, the outbox
        # puts them in at send time and never keeps them in the stored text.
        secrets={"answer_url": answer_url(follow_up), "withdraw_url": withdraw_url(trainee)},
    )
    follow_up.emails_sent = number
    follow_up.status = S.SENT
    follow_up.last_sent_at = now
    follow_up.save(update_fields=["emails_sent", "status", "last_sent_at", "updated_at"])
    return "sent"


@transaction.atomic
def _close(pk: int, now: datetime.datetime) -> bool:
    """No answer after the last reminder: "unknown" at that point."""
    wait = datetime.timedelta(days=settings.FOLLOW_UP_REMINDER_DAYS)
    follow_up = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("trainee")
        .filter(pk=pk, status=S.SENT, emails_sent__gte=MAX_EMAILS, last_sent_at__lte=now - wait)
        .first()
    )
    if follow_up is None:
        return False
    follow_up.status = S.UNANSWERED
    follow_up.save(update_fields=["status", "updated_at"])
    record_no_answer(follow_up)
    return True
