"""A trainee's weekly progress logs and the comments on them.

Invariants every write here keeps:

- A log is the trainee's own: only they write it (`trainees.access.can_write_log`).
- One log per trainee and week, the week named by its Monday, not in the future
  (this week is allowed) and within one of the trainee's enrolments, whose row the
  log points at. A second log for a week is refused with a pointer to the first
  (`WeekAlreadyLogged`). The trainee's user row is locked while the week is checked,
  so two tabs saving the same week at once cannot both pass the check.
- Hours are not negative and come to at most MAX_WEEKLY_HOURS together.
- The prototypes a log names (links to ideas) are ideas the trainee is on a team of,
  or ones the log already named; anything else is refused.
- An edit names the version it was based on; an edit of an older version is refused
  as a conflict (code "conflict") and changes nothing.
- A comment (the lab, the trainee's supervisors) is told to the trainee in ONE email:
  its outbox key names the comment and the trainee, so replaying the notification
  sends nothing new, and a comment sent twice in a row (a double click) is kept once.
- Each write is atomic and leaves an audit row.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from labportal.accounts.models import User
from labportal.core.services import queue_email, record_audit
from prototypes.models import Idea
from trainees import access
from trainees.log_figures import enrolment_covering, enrolments_of
from trainees.models import MAX_WEEKLY_HOURS, LogComment, ProgressLog, monday_of

TEXT_FIELDS = ("did", "learned", "blockers", "prototypes_text")
LOG_FIELDS = ("week", "hours_practical", "hours_education", *TEXT_FIELDS)


class WeekAlreadyLogged(ValidationError):
    """The trainee has a log for this week already: `existing` is the one to open."""

    def __init__(self, existing: ProgressLog, errors: dict[str, list[str]]) -> None:
        errors.setdefault("week", []).append(
            _("You have already written the log for the week of %(monday)s.")
            % {"monday": formats.date_format(existing.week, "SHORT_DATE_FORMAT")}
        )
        super().__init__(errors, code="duplicate")
        self.existing = existing


def _hours_errors(practical: Decimal | None, education: Decimal | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, hours in (("hours_practical", practical), ("hours_education", education)):
        if hours is None:
            errors[name] = [_("Write the number of hours, 0 if none.")]
        elif hours < 0:
            errors[name] = [_("Hours cannot be negative.")]
    if not errors and practical is not None and education is not None:
        total = practical + education
        if total > MAX_WEEKLY_HOURS:
            errors[NON_FIELD_ERRORS] = [
                _(
                    "Practical work and education come to %(total)s hours together; a week "
                    "has at most %(max)s."
                )
                % {
                    "total": formats.localize(total.normalize()),
                    "max": formats.localize(MAX_WEEKLY_HOURS),
                }
            ]
    return errors


def _week_error(week: datetime.date, today: datetime.date, enrolments: list[Any]) -> str | None:
    if week > monday_of(today):
        return _("That week has not started yet: log a week when it has begun.")
    if not enrolments:
        return _(
            "You are not enrolled in a cohort, so there is no week to log yet. Ask the lab "
            "to enrol you."
        )
    if enrolment_covering(enrolments, week) is None:
        periods = ", ".join(
            f"{formats.date_format(e.start, 'SHORT_DATE_FORMAT')} – "  # noqa: RUF001
            f"{formats.date_format(e.end, 'SHORT_DATE_FORMAT')}"
            for e in enrolments
        )
        return _("That week is outside your enrolment (%(periods)s).") % {"periods": periods}
    return None


def _checked_week(
    trainee: User, data: Mapping[str, Any], today: datetime.date, exclude_pk: int | None
) -> tuple[datetime.date, Any]:
    """The Monday of the chosen week and the enrolment covering it; or every problem
    with `data` at once, as a ValidationError naming the fields."""
    errors = _hours_errors(data.get("hours_practical"), data.get("hours_education"))
    if not str(data.get("did") or "").strip():
        errors["did"] = [_("Write what you did this week.")]
    chosen = data.get("week")
    enrolments = enrolments_of(trainee)
    week = monday_of(chosen) if chosen else None
    existing = None
    if week is None:
        errors["week"] = [_("Choose the week.")]
    elif (problem := _week_error(week, today, enrolments)) is not None:
        errors["week"] = [problem]
    else:
        same_week = ProgressLog.objects.filter(trainee=trainee, week=week)
        if exclude_pk is not None:
            same_week = same_week.exclude(pk=exclude_pk)
        existing = same_week.first()
    if existing is not None:
        raise WeekAlreadyLogged(existing, errors)
    if errors:
        raise ValidationError(errors)
    assert week is not None  # noqa: S101 (errors named a missing week above)
    return week, enrolment_covering(enrolments, week)


# Prototypes named in a log ----------------------------------------------------------------
def loggable_prototypes(trainee: User, keep: Iterable[int] = ()) -> QuerySet[Idea]:
    """The ideas a log of `trainee` may name: those they are on a team of (through
    planning's assignments, by reverse lookup: this app never imports `cohorts`), and
    the ones in `keep` (what the log names already, even after the team changed)."""
    on_team = Idea.objects.filter(assignments__memberships__enrolment__trainee=trainee)
    return (
        Idea.objects.filter(Q(pk__in=on_team.values("pk")) | Q(pk__in=list(keep)))
        .only("title")
        .order_by("title", "pk")
    )


def _save_prototypes(trainee: User, log: ProgressLog, chosen: Iterable[Idea] | None) -> bool:
    """Link the chosen ideas to the log; refuses one the trainee is not on a team of.
    Returns whether the links changed. `None` (the form did not ask) changes nothing."""
    if chosen is None:
        return False
    current = set(log.prototypes.values_list("pk", flat=True)) if log.pk else set()
    wanted = {idea.pk for idea in chosen}
    allowed = set(loggable_prototypes(trainee, current).values_list("pk", flat=True))
    if wanted - allowed:
        raise ValidationError(
            {"prototypes": [_("Choose only prototypes you are on the team of.")]},
            code="prototypes",
        )
    if wanted == current:
        return False
    log.prototypes.set(wanted)
    return True


def _lock_trainee(trainee: User) -> User:
    """The trainee's row, locked until the transaction ends: their log writes queue up."""
    locked: User = User.objects.select_for_update().get(pk=trainee.pk)
    return locked


@transaction.atomic
def create_log(
    *, actor: User, data: Mapping[str, Any], today: datetime.date | None = None
) -> ProgressLog:
    """Save the actor's log for the week in `data` (any day of it), with the enrolment
    covering that week. Refused: anyone but a trainee; bad hours, a future week or
    one outside the enrolments (ValidationError by field); a week already logged
    (WeekAlreadyLogged)."""
    if not access.can_write_log(actor, actor):
        raise PermissionDenied
    trainee = _lock_trainee(actor)
    week, enrolment = _checked_week(trainee, data, today or timezone.localdate(), None)
    log = ProgressLog(trainee=trainee, enrolment=enrolment, week=week)
    for field in LOG_FIELDS[1:]:
        setattr(log, field, data.get(field) or ("" if field in TEXT_FIELDS else Decimal(0)))
    log.save()
    _save_prototypes(trainee, log, data.get("prototypes"))
    record_audit(actor, "log.created", log, week=week.isoformat())
    return log


@transaction.atomic
def update_log(
    *,
    actor: User,
    log: ProgressLog,
    data: Mapping[str, Any],
    expected_version: int,
    today: datetime.date | None = None,
) -> ProgressLog:
    """Save changes to the actor's own log; returns the saved log.

    Judged on the locked row: an edit based on an older version than the saved one
    (another tab saved meanwhile) is refused with code "conflict" and changes
    nothing. The same checks as `create_log` apply; moving the log to another week
    also moves it to the enrolment covering that week."""
    if not access.can_edit_log(actor, log):
        raise PermissionDenied
    trainee = _lock_trainee(actor)
    locked = ProgressLog.objects.select_for_update().get(pk=log.pk)
    if locked.version != expected_version:
        raise ValidationError(
            _(
                "This log was saved in another window or tab while you were editing it. "
                "Your text is still in the form: compare it with what is saved now, then "
                "save again."
            ),
            code="conflict",
        )
    week, enrolment = _checked_week(trainee, data, today or timezone.localdate(), locked.pk)
    values = {field: data.get(field) for field in LOG_FIELDS}
    values["week"] = week
    for field in TEXT_FIELDS:
        values[field] = values[field] or ""
    changed = [field for field in LOG_FIELDS if getattr(locked, field) != values[field]]
    for field in changed:
        setattr(locked, field, values[field])
    locked.enrolment = enrolment
    locked.version += 1
    locked.save(update_fields=[*changed, "enrolment", "version", "updated_at"])
    if _save_prototypes(trainee, locked, data.get("prototypes")):
        changed.append("prototypes")
    record_audit(actor, "log.updated", locked, fields=changed)
    return locked


# Comments ---------------------------------------------------------------------------------
@transaction.atomic
def comment_on_log(*, actor: User, log: ProgressLog, body: str) -> LogComment:
    """Add the actor's comment to a log and tell the trainee by email, once.

    The lab and the trainee's supervisors comment (`access.can_comment_log`). The same
    text sent again by the same person right after (a double click, a resent form)
    returns the comment already saved: no second comment, no second email."""
    locked = ProgressLog.objects.select_for_update().select_related("trainee").get(pk=log.pk)
    if not access.can_comment_log(actor, locked):
        raise PermissionDenied
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write a comment.")})
    last = locked.comments.order_by("-created_at", "-pk").first()
    if last is not None and last.author_id == actor.pk and last.body == body:
        notify_trainee_of_comment(last)
        return last
    comment = LogComment.objects.create(log=locked, author=actor, body=body)
    record_audit(actor, "log.commented", locked, comment=comment.pk)
    notify_trainee_of_comment(comment)
    return comment


def notify_trainee_of_comment(comment: LogComment) -> None:
    """Queue the trainee's email about `comment`, in their language. Idempotent: the
    outbox key (comment and trainee) makes a replay send nothing new."""
    log = comment.log
    trainee = log.trainee
    if not trainee.is_active:
        return
    queue_email(
        key=f"log-comment:{comment.pk}:{trainee.pk}",
        to=trainee.email,
        template="log_comment",
        context={"recipient": trainee, "log": log, "comment": comment},
        language=trainee.language,
    )
