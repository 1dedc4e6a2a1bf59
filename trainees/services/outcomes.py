"""Recording placement outcomes and the trainee's consent to follow-ups.

Invariants:

- One outcome per enrolment and point (`months_after`: 0 at the end); the database's
  unique constraint is the last word. The lab records and corrects it; an edit names
  the version it was based on, and an older one is refused ("conflict").
- An outcome in work names its employer; the employer's details are kept only for
  categories that have one (`WITH_EMPLOYER`), so a report never counts an employer
  for someone job seeking.
- Consent is the trainee's own decision (on their page, or told to the lab); every
  decision is kept (`ConsentEvent`), and saying no cancels every follow-up not yet
  answered, in the same transaction: nobody without consent is contacted.
- Every write leaves an audit row. The enrolment is read through its attributes
  (`trainee`, `ends_on`): this module never imports `cohorts`.
"""

from __future__ import annotations

import calendar
import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from labportal.accounts.models import OrganisationKind, User
from labportal.core.services import record_audit
from trainees import access
from trainees.models import (
    WITH_EMPLOYER,
    ConsentChannel,
    ConsentEvent,
    FollowUp,
    FollowUpConsent,
    FollowUpStatus,
    Outcome,
    OutcomeCategory,
    OutcomeSource,
)

# What an outcome says, as the lab's form and a follow-up answer give it.
OUTCOME_FIELDS = (
    "category",
    "employer",
    "role",
    "region",
    "starts_on",
    "employment_type",
    "via_lab_network",
    "partner",
    "note",
)
EMPLOYER_FIELDS = ("employer", "role", "starts_on", "employment_type", "partner")
BLANK: dict[str, Any] = {
    "employer": "",
    "role": "",
    "starts_on": None,
    "employment_type": "",
    "partner": None,
}


def clean_outcome(data: dict[str, Any]) -> dict[str, Any]:
    """The outcome's values, checked: a known category; an employer for work; no
    employer's details for anything else. Refused with a message per field."""
    values = {name: data.get(name, BLANK.get(name, "")) for name in OUTCOME_FIELDS}
    for name in ("employer", "role", "region", "note"):
        values[name] = str(values[name] or "").strip()
    values["via_lab_network"] = bool(values["via_lab_network"])
    if values["category"] not in OutcomeCategory.values:
        raise ValidationError({"category": _("Choose what the trainee does.")}, code="category")
    if values["category"] in WITH_EMPLOYER:
        if not values["employer"]:
            raise ValidationError(
                {"employer": _("Name the employer (or the business).")}, code="employer"
            )
    else:
        values |= BLANK
    if values["partner"] is not None:
        if values["partner"].kind != OrganisationKind.PARTNER:
            raise ValidationError(
                {"partner": _("Choose one of the lab's partner organisations.")}, code="partner"
            )
        values["via_lab_network"] = True  # a partner's job came through the lab
    return values


@transaction.atomic
def record_outcome(
    *,
    actor: User,
    enrolment: Any,
    data: dict[str, Any],
    months_after: int = 0,
    expected_version: int | None = None,
) -> Outcome:
    """Record (or correct) where the trainee of `enrolment` stood `months_after` months
    after its end. `expected_version` is the version the lab's form was based on (None
    for a new outcome)."""
    if not access.can_record_outcome(actor):
        raise PermissionDenied
    values = clean_outcome(data)
    # Only the outcome's row: the default ordering joins the enrolment, its cohort and
    # the trainee, whose rows a plain FOR UPDATE would lock too (holding up enrolments
    # and cohort edits, and deadlocking with a cohort edit that locks them the other way).
    outcome = (
        Outcome.objects.select_for_update(of=("self",))
        .filter(enrolment=enrolment, months_after=months_after)
        .first()
    )
    if outcome is None:
        if expected_version is not None:
            raise _conflict()
        try:
            # A savepoint: the row lock above cannot cover a row that does not exist yet,
            # so two first recordings at once meet at the unique constraint instead.
            with transaction.atomic():
                outcome = Outcome.objects.create(
                    trainee=enrolment.trainee,
                    enrolment=enrolment,
                    months_after=months_after,
                    source=OutcomeSource.LAB,
                    recorded_by=actor,
                    **values,
                )
        except IntegrityError as error:
            raise _conflict() from error
        record_audit(actor, "outcome.recorded", outcome, months_after=months_after)
        return outcome
    if expected_version != outcome.version:
        raise _conflict()
    for name, value in values.items():
        setattr(outcome, name, value)
    outcome.source = OutcomeSource.LAB
    outcome.recorded_by = actor
    outcome.version += 1
    outcome.save()
    record_audit(actor, "outcome.corrected", outcome, months_after=months_after)
    return outcome


def _conflict() -> ValidationError:
    return ValidationError(
        _("Someone else recorded this outcome meanwhile. Look at it again."), code="conflict"
    )


def save_answered_outcome(follow_up: FollowUp, values: dict[str, Any]) -> Outcome:
    """The outcome at the follow-up's point, as the trainee answered it (inside the
    answering transaction, the follow-up locked): it replaces what stood there."""
    outcome, created = Outcome.objects.select_for_update().get_or_create(
        enrolment_id=follow_up.enrolment_id,
        months_after=follow_up.months_after,
        defaults={"trainee": follow_up.trainee, "source": OutcomeSource.FOLLOW_UP, **values},
    )
    if not created:
        for name, value in values.items():
            setattr(outcome, name, value)
        outcome.source = OutcomeSource.FOLLOW_UP
        outcome.recorded_by = None
        outcome.version += 1
        outcome.save()
    return outcome


def record_no_answer(follow_up: FollowUp) -> Outcome:
    """ "Unknown" at the follow-up's point, unless something is known there already."""
    outcome, _created = Outcome.objects.get_or_create(
        enrolment_id=follow_up.enrolment_id,
        months_after=follow_up.months_after,
        defaults={
            "trainee": follow_up.trainee,
            "category": OutcomeCategory.UNKNOWN,
            "source": OutcomeSource.NO_ANSWER,
        },
    )
    return outcome


# Consent ------------------------------------------------------------------------------------
def consent_of(trainee: User) -> bool | None:
    """True or False as the trainee decided; None while they have not been asked."""
    consent = FollowUpConsent.objects.filter(trainee=trainee).first()
    return None if consent is None else consent.given


def decide_follow_ups(
    *, actor: User | None, trainee: User, given: bool, channel: str
) -> FollowUpConsent:
    """The trainee's decision about follow-ups: by the trainee on their page, by the
    lab when told (channel "lab"), or from a follow-up email's signed link (channel
    "email", no actor: the caller checked the link)."""
    if channel == ConsentChannel.EMAIL:
        if actor is not None:
            raise PermissionDenied
    elif actor is None or not access.can_decide_consent(actor, trainee, channel):
        raise PermissionDenied
    return _decide(actor=actor, trainee=trainee, given=given, channel=channel)


@transaction.atomic
def _decide(*, actor: User | None, trainee: User, given: bool, channel: str) -> FollowUpConsent:
    # The trainee's row first: before the first decision there is no consent row to
    # lock, and two first decisions at once (the trainee on their page, the lab told
    # by phone) must queue up rather than both insert one. A no-key lock: rows that
    # merely point at the trainee (the outcome of a follow-up answered meanwhile) are
    # not held up by it.
    list(User.objects.select_for_update(no_key=True).filter(pk=trainee.pk).values_list("pk"))
    now = timezone.now()
    # Only the consent's row: its ordering joins the trainee, and a FOR UPDATE on the
    # trainee's row would deadlock with a follow-up answered at the same moment (the
    # answer holds the follow-up, and its outcome needs a key-share lock on the trainee).
    consent = (
        FollowUpConsent.objects.select_for_update(of=("self",)).filter(trainee=trainee).first()
    )
    if consent is not None and consent.given == given:
        return consent  # the same decision again (a second click on a link): nothing new
    if consent is None:
        consent = FollowUpConsent.objects.create(trainee=trainee, given=given, decided_at=now)
    else:
        consent.given, consent.decided_at = given, now
        consent.save(update_fields=["given", "decided_at", "updated_at"])
    ConsentEvent.objects.create(trainee=trainee, given=given, channel=channel, actor=actor)
    cancelled = 0
    if not given:
        cancelled = FollowUp.objects.filter(
            trainee=trainee, status__in=[FollowUpStatus.SCHEDULED, FollowUpStatus.SENT]
        ).update(status=FollowUpStatus.CANCELLED, updated_at=now)
    record_audit(
        actor,
        "follow_up.consent_given" if given else "follow_up.consent_refused",
        trainee,
        channel=channel,
        cancelled=cancelled,
    )
    return consent


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or that month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
