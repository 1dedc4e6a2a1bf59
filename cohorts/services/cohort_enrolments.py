"""Enrolments and rotation periods: the lab enrols a trainee in a cohort (on the
cohort's dates, or their own: joining late, staying longer), changes the dates, records
that a trainee left early and why, and plans rotation periods at other organisations.

Each write runs in one transaction, locks the row it changes (enrolling locks the
cohort, so that places are counted one enrolment at a time), asks `cohorts.access` on
the locked row and writes an audit row. The database refuses a trainee in two
overlapping enrolments and overlapping rotations (exclusion constraints); the refusal
is caught in a savepoint and becomes a message that names the conflict.

Date rules: an enrolment starts within its cohort's period (on or after its start, by
its end) and ends on or after it starts; it may end after the cohort (the cohort page
warns). A rotation lies within its enrolment.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from cohorts import access
from cohorts.models import Cohort, CohortStatus, Enrolment, RotationPeriod
from cohorts.services.cohorts import (
    check_supervisors,
    claim_version,
    constraint_of,
    day,
    field_error,
    lock_cohort,
    overlap_error,
    places_taken,
)
from labportal.accounts.models import Organisation, User
from labportal.core.services import record_audit


def _require_lab(actor: User) -> None:
    if not access.can_manage_cohorts(actor):
        raise PermissionDenied


def _lock_enrolment(enrolment: Enrolment) -> Enrolment:
    return (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("cohort", "trainee")
        .get(pk=enrolment.pk)
    )


def _enrolment_conflict() -> str:
    return gettext(
        "Someone else changed this enrolment while you were editing it. Your changes are "
        "still in the form: open the cohort in a new tab to see theirs, then save again."
    )


def check_enrolment_dates(cohort: Cohort, starts_on: datetime.date, ends_on: datetime.date) -> None:
    """Refuse, on the field at fault, an enrolment that starts outside its cohort's
    period or ends before it starts. Ending after the cohort is allowed."""
    if starts_on < cohort.starts_on:
        raise field_error(
            "starts_on",
            gettext("%(cohort)s starts on %(start)s: an enrolment cannot start before its cohort.")
            % {"cohort": cohort.name, "start": day(cohort.starts_on)},
            "starts_before_cohort",
        )
    if starts_on > cohort.ends_on:
        raise field_error(
            "starts_on",
            gettext("%(cohort)s ends on %(end)s: an enrolment must start by then.")
            % {"cohort": cohort.name, "end": day(cohort.ends_on)},
            "starts_after_cohort",
        )
    if ends_on < starts_on:
        raise field_error(
            "ends_on",
            gettext(
                "An enrolment cannot end before it starts: it starts on %(start)s but ends "
                "on %(end)s."
            )
            % {"start": day(starts_on), "end": day(ends_on)},
            "ends_before_start",
        )


def _save_enrolment(enrolment: Enrolment, update_fields: list[str] | None = None) -> None:
    """Save in a savepoint; a constraint's refusal becomes a message naming the conflict.

    The trainee's row is locked first: two transactions writing overlapping periods of
    one trainee at once would each wait in the exclusion check for the other's row
    (a deadlock, a server error); one at a time per trainee, the second is refused."""
    list(User.objects.select_for_update(no_key=True).filter(pk=enrolment.trainee_id).values("pk"))
    try:
        with transaction.atomic():
            enrolment.save(update_fields=update_fields)
    except IntegrityError as error:
        name = constraint_of(error)
        if name == "enrolment_unique":
            raise field_error(
                "trainee",
                gettext("%(trainee)s is already enrolled in %(cohort)s.")
                % {"trainee": enrolment.trainee, "cohort": enrolment.cohort.name},
                "duplicate",
            ) from error
        if name == "enrolment_no_overlap":
            found = overlap_error(enrolment, enrolment.starts_on, enrolment.ends_on)
            raise found or ValidationError(
                gettext("These dates overlap another enrolment of the trainee."),
                code="overlap",
            ) from error
        raise


def _rotations_outside(
    enrolment: Enrolment, starts_on: datetime.date, ends_on: datetime.date
) -> None:
    outside = (
        enrolment.rotations.exclude(starts_on__gte=starts_on, ends_on__lte=ends_on)
        .select_related("organisation")
        .order_by("starts_on")
        .first()
    )
    if outside is not None:
        raise ValidationError(
            gettext(
                "The rotation at %(organisation)s (%(start)s to %(end)s) would fall outside "
                "these dates. Remove it first."
            )
            % {
                "organisation": outside.organisation,
                "start": day(outside.starts_on),
                "end": day(outside.ends_on),
            },
            code="rotation_outside",
        )


@transaction.atomic
def enrol_trainee(
    *,
    actor: User,
    cohort: Cohort,
    trainee: User,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    supervisors: Iterable[User] = (),
) -> Enrolment:
    """Enrol an active trainee in `cohort` (the lab only), on the cohort's dates unless
    given their own. Refused with a message: a finished or full cohort (places counted
    on the locked cohort row), dates outside the rules above, the trainee already in
    this cohort, or in another whose enrolment overlaps (named, with its dates)."""
    _require_lab(actor)
    locked = lock_cohort(cohort)
    if locked.status == CohortStatus.FINISHED:
        raise ValidationError(
            gettext("%(cohort)s is finished and takes no new trainees.") % {"cohort": locked},
            code="finished",
        )
    if not access.enrollable_trainees().filter(pk=trainee.pk).exists():
        raise field_error(
            "trainee",
            gettext("%(name)s is not an active trainee.") % {"name": trainee},
            "not_a_trainee",
        )
    starts_on = starts_on or locked.starts_on
    ends_on = ends_on or max(locked.ends_on, starts_on)
    check_enrolment_dates(locked, starts_on, ends_on)
    people = check_supervisors(supervisors)
    taken = places_taken(locked)
    if taken >= locked.capacity:
        raise ValidationError(
            gettext(
                "%(cohort)s is full: all %(capacity)d places are taken. Give it more places first."
            )
            % {"cohort": locked.name, "capacity": locked.capacity},
            code="full",
        )
    enrolment = Enrolment(cohort=locked, trainee=trainee, starts_on=starts_on, ends_on=ends_on)
    _save_enrolment(enrolment)
    enrolment.supervisors.set(people)
    record_audit(
        actor,
        "enrolment.created",
        enrolment,
        cohort=locked.pk,
        trainee=trainee.pk,
        starts_on=str(starts_on),
        ends_on=str(ends_on),
    )
    return enrolment


@transaction.atomic
def update_enrolment(
    *,
    actor: User,
    enrolment: Enrolment,
    starts_on: datetime.date,
    ends_on: datetime.date,
    supervisors: Iterable[User],
    expected_version: int,
) -> Enrolment:
    """Change an enrolment's dates and its own supervisors (the lab only), judged on the
    locked row. Refused with a message: an edit prepared before another change, dates
    outside the rules above, a rotation left outside the new dates, or an overlap with
    another enrolment of the trainee (named)."""
    _require_lab(actor)
    locked = _lock_enrolment(enrolment)
    claim_version(locked, expected_version, _enrolment_conflict())
    check_enrolment_dates(locked.cohort, starts_on, ends_on)
    people = check_supervisors(supervisors)
    _rotations_outside(locked, starts_on, ends_on)
    before = (str(locked.starts_on), str(locked.ends_on))
    locked.starts_on, locked.ends_on = starts_on, ends_on
    _save_enrolment(locked, ["starts_on", "ends_on", "version", "updated_at"])
    locked.supervisors.set(people)
    record_audit(
        actor,
        "enrolment.updated",
        locked,
        before=list(before),
        starts_on=str(starts_on),
        ends_on=str(ends_on),
        supervisors=sorted(p.pk for p in people),
    )
    return locked


@transaction.atomic
def record_early_leave(
    *,
    actor: User,
    enrolment: Enrolment,
    left_on: datetime.date,
    reason: str,
    expected_version: int,
) -> Enrolment:
    """Record that the trainee leaves on `left_on` (their last day), before the end of
    their enrolment, and why (the lab only). The enrolment then ends that day and frees
    its place; rotation periods after it are removed and one that runs past it is cut
    short. Refused with a message: no reason, a day outside the enrolment, an enrolment
    already left, or an edit prepared before another change."""
    _require_lab(actor)
    locked = _lock_enrolment(enrolment)
    claim_version(locked, expected_version, _enrolment_conflict())
    if locked.left_early:
        raise ValidationError(
            gettext("%(trainee)s already left on %(day)s.")
            % {"trainee": locked.trainee, "day": day(locked.ends_on)},
            code="already_left",
        )
    reason = reason.strip()
    if not reason:
        raise field_error(
            "reason", gettext("Give a reason: it is kept with the enrolment."), "reason_required"
        )
    if not locked.starts_on <= left_on < locked.ends_on:
        raise field_error(
            "left_on",
            gettext(
                "The last day must be within the enrolment and before its end: from "
                "%(start)s to the day before %(end)s."
            )
            % {"start": day(locked.starts_on), "end": day(locked.ends_on)},
            "outside_enrolment",
        )
    removed = list(locked.rotations.filter(starts_on__gt=left_on).values_list("pk", flat=True))
    RotationPeriod.objects.filter(pk__in=removed).delete()
    cut = list(locked.rotations.filter(ends_on__gt=left_on).values_list("pk", flat=True))
    RotationPeriod.objects.filter(pk__in=cut).update(ends_on=left_on)
    ends_before = locked.ends_on
    locked.ends_on = left_on
    locked.left_early = True
    locked.leave_reason = reason
    locked.save(update_fields=["ends_on", "left_early", "leave_reason", "version", "updated_at"])
    record_audit(
        actor,
        "enrolment.left_early",
        locked,
        left_on=str(left_on),
        ends_on_before=str(ends_before),
        rotations_removed=removed,
        rotations_cut=cut,
    )
    return locked


@transaction.atomic
def add_rotation(
    *,
    actor: User,
    enrolment: Enrolment,
    organisation: Organisation,
    starts_on: datetime.date,
    ends_on: datetime.date,
    note: str = "",
) -> RotationPeriod:
    """Plan a rotation period at a partner company or a municipality within the
    enrolment (the lab only). Refused with a message: another kind of organisation,
    dates outside the enrolment or the wrong way round, or an overlap with another
    rotation of the enrolment (named, with its dates)."""
    _require_lab(actor)
    locked = _lock_enrolment(enrolment)
    if not access.rotation_organisations().filter(pk=organisation.pk).exists():
        raise field_error(
            "organisation",
            gettext("A rotation is at an active partner company or municipality."),
            "wrong_organisation",
        )
    if ends_on < starts_on:
        raise field_error(
            "ends_on",
            gettext(
                "A rotation cannot end before it starts: it starts on %(start)s but ends "
                "on %(end)s."
            )
            % {"start": day(starts_on), "end": day(ends_on)},
            "ends_before_start",
        )
    if starts_on < locked.starts_on or ends_on > locked.ends_on:
        raise ValidationError(
            gettext(
                "A rotation lies within the enrolment: %(trainee)s is enrolled from %(start)s "
                "to %(end)s."
            )
            % {
                "trainee": locked.trainee,
                "start": day(locked.starts_on),
                "end": day(locked.ends_on),
            },
            code="outside_enrolment",
        )
    rotation = RotationPeriod(
        enrolment=locked,
        organisation=organisation,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note.strip(),
    )
    try:
        with transaction.atomic():
            rotation.save()
    except IntegrityError as error:
        if constraint_of(error) != "rotation_no_overlap":
            raise
        raise _rotation_overlap(locked, starts_on, ends_on) from error
    record_audit(
        actor,
        "rotation.created",
        rotation,
        enrolment=locked.pk,
        organisation=organisation.pk,
        starts_on=str(starts_on),
        ends_on=str(ends_on),
    )
    return rotation


def _rotation_overlap(
    enrolment: Enrolment, starts_on: datetime.date, ends_on: datetime.date
) -> ValidationError:
    conflict = (
        enrolment.rotations.filter(starts_on__lte=ends_on, ends_on__gte=starts_on)
        .select_related("organisation")
        .order_by("starts_on")
        .first()
    )
    if conflict is None:
        return ValidationError(
            gettext("These dates overlap another rotation of the trainee."), code="overlap"
        )
    return ValidationError(
        gettext("These dates overlap the rotation at %(organisation)s from %(start)s to %(end)s.")
        % {
            "organisation": conflict.organisation,
            "start": day(conflict.starts_on),
            "end": day(conflict.ends_on),
        },
        code="overlap",
    )


@transaction.atomic
def remove_rotation(*, actor: User, rotation: RotationPeriod) -> None:
    """Remove a rotation period (the lab only). Removing one already gone does nothing."""
    _require_lab(actor)
    locked = RotationPeriod.objects.select_for_update().filter(pk=rotation.pk).first()
    if locked is None:
        return
    record_audit(
        actor,
        "rotation.removed",
        locked,
        enrolment=locked.enrolment_id,
        organisation=locked.organisation_id,
        starts_on=str(locked.starts_on),
        ends_on=str(locked.ends_on),
    )
    locked.delete()
