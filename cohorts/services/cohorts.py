"""Cohorts (omgångar): the lab creates and edits them and moves their status.

Each write runs in one transaction, locks the cohort's row, asks `cohorts.access` on
the locked row and writes an audit row; nothing is half-saved. An edit carries the
version its form showed, and one prepared before another save or a status change is
refused (the user's text stays in the form). Every status change goes through
`cohorts.workflow.require`. Enrolments and rotations: `cohorts.services.cohort_enrolments`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from cohorts import access, workflow
from cohorts.models import Cohort, CohortStatus, Enrolment, RotationPeriod
from labportal.accounts.models import Organisation, User
from labportal.core.services import record_audit

# What the cohort form edits; the many-to-many fields are set after the row is saved.
COHORT_FIELDS = (
    "name",
    "organisation",
    "starts_on",
    "ends_on",
    "capacity",
    "lab_lead",
    "education_target_percent",
    "notes",
    "application_intro",
)


def day(value: datetime.date) -> str:
    """A date as messages write it, in the active language ("3 mars 2025")."""
    return date_format(value, "j F Y")


def field_error(field: str, message: str, code: str) -> ValidationError:
    """A message on one field of the form, keeping its code."""
    return ValidationError({field: ValidationError(message, code=code)})


def constraint_of(error: IntegrityError) -> str | None:
    """The name of the database constraint that refused a write, if PostgreSQL said."""
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


def status_label(status: str) -> str:
    return str(CohortStatus(status).label) if status in CohortStatus.values else status


def places_taken(cohort: Cohort) -> int:
    """Enrolments that hold a place: every one except those who left early (their place
    can go to someone who joins late). Count it on the locked cohort row."""
    return Enrolment.objects.filter(cohort=cohort, left_early=False).count()


def lock_cohort(cohort: Cohort) -> Cohort:
    """The cohort's current row, locked until the transaction ends: enrolling and
    changing the number of places are judged on it, one at a time."""
    return Cohort.objects.select_for_update().get(pk=cohort.pk)


def claim_version(locked: Any, expected_version: int, message: str) -> None:
    """Raise the row's version if it is still the one the form showed; refuse otherwise
    with `message` (code "conflict"). The caller saves "version" with its changes."""
    if locked.version != expected_version:
        raise ValidationError(message, code="conflict")
    locked.version += 1


def _cohort_conflict() -> str:
    return gettext(
        "Someone else changed this cohort while you were editing it. Your changes are still "
        "in the form: open the cohort in a new tab to see theirs, then save again."
    )


def check_cohort_dates(starts_on: datetime.date, ends_on: datetime.date) -> None:
    if ends_on <= starts_on:
        raise field_error(
            "ends_on",
            gettext(
                "A cohort must end after it starts: it starts on %(start)s but ends on %(end)s."
            )
            % {"start": day(starts_on), "end": day(ends_on)},
            "ends_before_start",
        )


def check_supervisors(people: Iterable[User], field: str = "supervisors") -> list[User]:
    """Only supervisors and the lab's staff, and only active ones, may be named."""
    people = list(people)
    allowed = set(
        access.supervisor_candidates()
        .filter(pk__in=[p.pk for p in people])
        .values_list("pk", flat=True)
    )
    refused = [str(p) for p in people if p.pk not in allowed]
    if refused:
        raise field_error(
            field,
            gettext(
                "%(names)s cannot be named: a supervisor is an active supervisor or a "
                "member of the lab."
            )
            % {"names": ", ".join(refused)},
            "not_a_supervisor",
        )
    return people


def _check_people(data: dict[str, Any], cohort: Cohort | None = None) -> None:
    """A lead or supervisor newly named must be one who may be; those already on the
    cohort stay (a supervisor whose account was closed does not block other edits)."""
    lead = data.get("lab_lead")
    is_new_lead = lead is not None and (cohort is None or lead.pk != cohort.lab_lead_id)
    if (
        lead is not None
        and is_new_lead
        and not access.lead_candidates().filter(pk=lead.pk).exists()
    ):
        raise field_error(
            "lab_lead",
            gettext("%(name)s is not an active lab lead.") % {"name": lead},
            "not_a_lead",
        )
    current = set() if cohort is None else set(cohort.supervisors.values_list("pk", flat=True))
    check_supervisors(p for p in data.get("supervisors") or [] if p.pk not in current)


def _duplicate_name(name: str) -> ValidationError:
    return field_error(
        "name",
        gettext("There is already a cohort called “%(name)s”.") % {"name": name},
        "duplicate",
    )


def _set_relations(cohort: Cohort, data: dict[str, Any]) -> None:
    if "served_organisations" in data:
        served: Iterable[Organisation] = data["served_organisations"] or []
        cohort.served_organisations.set(served)
    if "supervisors" in data:
        cohort.supervisors.set(data["supervisors"] or [])


@transaction.atomic
def create_cohort(*, actor: User, data: dict[str, Any]) -> Cohort:
    """Save a new cohort (status "planned") with its served organisations and
    supervisors (the lab only). An end on or before the start, a lead or supervisor
    who may not be named, or a name in use is refused with a message on its field."""
    if not access.can_manage_cohorts(actor):
        raise PermissionDenied
    check_cohort_dates(data["starts_on"], data["ends_on"])
    _check_people(data)
    cohort = Cohort(**{field: data[field] for field in COHORT_FIELDS if field in data})
    cohort.status = CohortStatus.PLANNED
    cohort.full_clean()
    try:
        with transaction.atomic():
            cohort.save()
    except IntegrityError as error:  # the same name saved in another request meanwhile
        raise _duplicate_name(cohort.name) from error
    _set_relations(cohort, data)
    record_audit(actor, "cohort.created", cohort, starts_on=str(cohort.starts_on))
    return cohort


def _follow_the_cohort(
    cohort: Cohort, old_start: datetime.date, old_end: datetime.date
) -> list[Enrolment]:
    """Enrolments on the cohort's old dates take its new ones (a trainee's own start or
    end stays). Refused, naming the trainee, when one would end before it starts or
    leave a rotation period outside it. Returns the enrolments that moved, locked and
    with their version raised (an enrolment form open meanwhile is refused), unsaved."""
    moved = []
    for enrolment in (
        Enrolment.objects.select_for_update(of=("self",))
        .filter(Q(starts_on=old_start) | Q(ends_on=old_end, left_early=False), cohort=cohort)
        .select_related("trainee")
        .order_by("pk")
    ):
        if enrolment.starts_on == old_start:
            enrolment.starts_on = cohort.starts_on
        if enrolment.ends_on == old_end and not enrolment.left_early:
            enrolment.ends_on = cohort.ends_on
        if enrolment.ends_on < enrolment.starts_on:
            raise ValidationError(
                gettext(
                    "%(trainee)s's enrolment ends on %(end)s, before the cohort's new start. "
                    "Change their enrolment first."
                )
                % {"trainee": enrolment.trainee, "end": day(enrolment.ends_on)},
                code="enrolment_ends_before_start",
            )
        moved.append(enrolment)
    outside = (
        RotationPeriod.objects.filter(enrolment__in=[e.pk for e in moved])
        .select_related("organisation")
        .order_by("starts_on")
    )
    by_pk = {e.pk: e for e in moved}
    for rotation in outside:
        enrolment = by_pk[rotation.enrolment_id]
        if rotation.starts_on < enrolment.starts_on or rotation.ends_on > enrolment.ends_on:
            raise ValidationError(
                gettext(
                    "%(trainee)s's rotation at %(organisation)s (%(start)s to %(end)s) would "
                    "fall outside their enrolment. Remove it first."
                )
                % {
                    "trainee": enrolment.trainee,
                    "organisation": rotation.organisation,
                    "start": day(rotation.starts_on),
                    "end": day(rotation.ends_on),
                },
                code="rotation_outside",
            )
    return moved


def overlap_error(
    enrolment: Enrolment, starts_on: datetime.date, ends_on: datetime.date
) -> ValidationError | None:
    """The message for an enrolment the database refused as overlapping another of the
    same trainee: it names that cohort and its dates (None if there is none now)."""
    conflict = (
        Enrolment.objects.filter(
            trainee_id=enrolment.trainee_id, starts_on__lte=ends_on, ends_on__gte=starts_on
        )
        .exclude(pk=enrolment.pk)
        .select_related("cohort", "trainee")
        .order_by("starts_on", "pk")
        .first()
    )
    if conflict is None:
        return None
    return ValidationError(
        gettext(
            "%(trainee)s is already enrolled in %(cohort)s from %(start)s to %(end)s, which "
            "overlaps these dates. A trainee is in one cohort at a time."
        )
        % {
            "trainee": conflict.trainee,
            "cohort": conflict.cohort.name,
            "start": day(conflict.starts_on),
            "end": day(conflict.ends_on),
        },
        code="overlap",
    )


def _save_followers(moved: list[Enrolment]) -> None:
    try:
        with transaction.atomic():
            now = timezone.now()
            for enrolment in moved:
                enrolment.version += 1
                enrolment.updated_at = now
            Enrolment.objects.bulk_update(moved, ["starts_on", "ends_on", "version", "updated_at"])
    except IntegrityError as error:
        if constraint_of(error) != "enrolment_no_overlap":
            raise
        for enrolment in moved:
            found = overlap_error(enrolment, enrolment.starts_on, enrolment.ends_on)
            if found is not None:
                raise found from error
        raise


@transaction.atomic
def update_cohort(
    *, actor: User, cohort: Cohort, data: dict[str, Any], expected_version: int
) -> Cohort:
    """Save changes to a cohort (the lab only), judged on its locked row.

    Refused with a message: an edit prepared before another change (code "conflict"),
    an end on or before the start, fewer places than trainees enrolled (both numbers
    named). Enrolments that followed the cohort's dates follow the new ones; one that
    would then overlap another enrolment of the same trainee is refused, naming it."""
    locked = lock_cohort(cohort)
    if not access.can_manage_cohorts(actor):
        raise PermissionDenied
    claim_version(locked, expected_version, _cohort_conflict())
    check_cohort_dates(data["starts_on"], data["ends_on"])
    _check_people(data, locked)
    enrolled = places_taken(locked)
    if data["capacity"] < enrolled:
        raise field_error(
            "capacity",
            ngettext(
                "%(enrolled)d trainee is enrolled, so the cohort needs at least "
                "%(enrolled)d place; you gave %(capacity)d.",
                "%(enrolled)d trainees are enrolled, so the cohort needs at least "
                "%(enrolled)d places; you gave %(capacity)d.",
                enrolled,
            )
            % {"enrolled": enrolled, "capacity": data["capacity"]},
            "capacity_below_enrolled",
        )
    old_start, old_end = locked.starts_on, locked.ends_on
    changed = [f for f in COHORT_FIELDS if f in data and getattr(locked, f) != data[f]]
    for field in changed:
        setattr(locked, field, data[field])
    locked.full_clean()
    moved = (
        _follow_the_cohort(locked, old_start, old_end)
        if {"starts_on", "ends_on"} & set(changed)
        else []
    )
    try:
        with transaction.atomic():
            locked.save(update_fields=[*changed, "version", "updated_at"])
    except IntegrityError as error:
        raise _duplicate_name(locked.name) from error
    if moved:
        _save_followers(moved)
    _set_relations(locked, data)
    record_audit(
        actor, "cohort.updated", locked, fields=changed, enrolments_moved=[e.pk for e in moved]
    )
    return locked


@transaction.atomic
def change_cohort_status(
    *, actor: User, cohort: Cohort, target: str, expected_status: str | None = None
) -> Cohort:
    """Move the cohort to `target` if `cohorts.workflow.COHORT_MOVES` has that move (the
    lab only). `expected_status` is the status the user saw: if the cohort has moved on
    since, the change is refused (code "stale"); a move the table lacks is refused
    naming both statuses (code "illegal_transition")."""
    locked = lock_cohort(cohort)
    if not access.can_manage_cohorts(actor):
        raise PermissionDenied
    if expected_status is not None and locked.status != expected_status:
        raise ValidationError(
            gettext("The cohort is already “%(status)s”. Look at it again.")
            % {"status": status_label(locked.status)},
            code="stale",
        )
    workflow.require(workflow.COHORT_MOVES, locked.status, target, status_label)
    source = locked.status
    locked.status = target
    locked.version += 1
    locked.save(update_fields=["status", "version", "updated_at"])
    record_audit(actor, "cohort.status_changed", locked, source=source, target=target)
    return locked
