"""The nightly run of the retention decisions (`privacy.models.RetentionRule`): the
people, applications and rows whose starting point lies more than the rule's months
back are anonymised or deleted as the rule says (`privacy.erasure`).

- End of the programme: people whose last enrolment ended before the cutoff, and
  people without an enrolment (staff) whose account was deactivated before it (the
  last deactivation in the audit log; without one, the last sign-in or joining).
- Application decided: applications decided before the cutoff, and the undecided
  ones of cohorts that ended before it.
- Created: rows written before the cutoff, whoever they are about.

Bounded memory and nothing lost on a failure: people and applications are read in
batches of primary keys, each done in a transaction of its own; a failing one is
logged (its id, no personal data) and left for the next night. Only people with
something left to change are selected, so a second run changes and writes nothing.
One audit row per run with the counts, and a short report to every admin when the
run changed something or failed (once per run and admin: outbox key)."""

from __future__ import annotations

import calendar
import datetime
import logging
from collections.abc import Callable, Iterator
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import OperationalError, transaction
from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Applicant, ApplicantStatus, Enrolment
from labportal.accounts.models import Role, User
from labportal.core.models import AuditEntry
from labportal.core.services import queue_email, record_audit
from privacy import erasure, ledger
from privacy.erasure_rows import (
    about_paths,
    anonymise_rows,
    apply_to_applicant,
    delete_rows,
    entries_for,
    is_deletable,
    model_of,
    pending_rows,
)
from privacy.models import Anchor, RetentionRule, RetentionRun
from privacy.registry import Category

logger = logging.getLogger(__name__)

BATCH = 200
# Errors that stop the whole run rather than one person's part of it.
STOP = (OperationalError, SoftTimeLimitExceeded)
DECIDED = (ApplicantStatus.ACCEPTED, ApplicantStatus.DECLINED)


def months_before(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same time `months` months earlier (the month's last day where it is shorter)."""
    year, month0 = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return moment.replace(year=year, month=month0 + 1, day=min(moment.day, last))


def ordered_rules() -> list[RetentionRule]:
    """The active rules, the account's last: the rows found by a person's address must
    be found before the address is replaced."""
    rules = list(RetentionRule.objects.active())
    return sorted(
        rules,
        key=lambda r: (r.category == Category.ACCOUNT, Category.values.index(r.category)),
    )


def apply_retention(
    now: datetime.datetime | None = None, triggered_by: User | int | None = None
) -> RetentionRun:
    """Apply every active rule as of `now`; returns the run with its counts per
    category and action (people, applications, or rows for rules counted from creation)."""
    now = now or timezone.now()
    actor = _user(triggered_by)
    run = RetentionRun.objects.create(started_at=timezone.now(), triggered_by=actor)
    counts: dict[str, dict[str, int]] = {}
    errors: list[str] = []
    for rule in ordered_rules():
        try:
            done = apply_rule(rule, now, run, errors)
        except STOP:
            # The database is gone (the task is retried) or the run took too long: the
            # run stays unfinished, and the next one goes on where this one stopped.
            raise
        except Exception as error:
            logger.exception("Retention rule %s failed", rule.category)
            errors.append(f"{rule.category}: {type(error).__name__}")
            continue
        if done:
            counts.setdefault(rule.category, {})[rule.action] = done
    run.counts = counts
    run.error = "\n".join(errors)
    run.finished_at = timezone.now()
    run.save(update_fields=["counts", "error", "finished_at"])
    record_audit(
        actor, "privacy.retention_run", run, counts=counts, errors=len(errors), now=now.isoformat()
    )
    if counts or errors:
        send_report(run)
    return run


def _user(triggered_by: User | int | None) -> User | None:
    if isinstance(triggered_by, int):
        found: User | None = User.objects.filter(pk=triggered_by).first()
        return found
    return triggered_by


def apply_rule(
    rule: RetentionRule, now: datetime.datetime, run: RetentionRun, errors: list[str]
) -> int:
    cutoff = months_before(now, rule.months)
    if rule.anchor == Anchor.CREATED:
        return _apply_to_rows(rule, cutoff, errors)
    if rule.anchor == Anchor.DECIDED:
        return _apply_to_applicants(rule, cutoff, errors)
    return _apply_to_people(rule, cutoff, run, errors)


# People ------------------------------------------------------------------------------
def people_past(cutoff: datetime.datetime) -> QuerySet[User]:
    """People whose programme ended, or whose account was deactivated, before `cutoff`."""
    last_end = (
        Enrolment.objects.filter(trainee=OuterRef("pk")).order_by("-ends_on").values("ends_on")[:1]
    )
    deactivated = (
        AuditEntry.objects.filter(
            object_type=User._meta.label_lower,
            object_id=Cast(OuterRef("pk"), CharField()),
            action="user.updated",
            details__is_active=False,
        )
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    people: QuerySet[User] = User.objects.annotate(
        last_end=Subquery(last_end),
        deactivated_at=Coalesce(Subquery(deactivated), "last_login", "date_joined"),
    ).filter(
        Q(last_end__lt=timezone.localdate(cutoff))
        | Q(last_end__isnull=True, is_active=False, deactivated_at__lt=cutoff)
    )
    return people


def people_to_change(category: str, action: str, people: QuerySet[User]) -> QuerySet[User]:
    """Of `people`, those with rows of the category that the action would still change."""
    condition = Q(removed_at__isnull=True) if category == Category.ACCOUNT else Q(pk__in=[])
    for entry in entries_for(category):
        pending = pending_rows(entry, category, action)
        for path in about_paths(entry):
            condition |= Q(pk__in=pending.values(path))
        for path in entry.emails:
            condition |= Q(email__in=pending.values(path))
    return people.filter(condition)


def _apply_to_people(
    rule: RetentionRule, cutoff: datetime.datetime, run: RetentionRun, errors: list[str]
) -> int:
    queryset = people_to_change(rule.category, rule.action, people_past(cutoff))
    act = erasure.delete_category_rows if rule.is_delete else erasure.anonymise_person
    reason = _reason(rule)

    def one(pk: int) -> bool:
        person = User.objects.get(pk=pk)
        return bool(act(person, [rule.category], actor=None, reason=reason, run=run).total)

    return _each(queryset.values_list("pk", flat=True), one, f"{rule.category}: person", errors)


# Applications ------------------------------------------------------------------------
def applicants_past(cutoff: datetime.datetime) -> QuerySet[Applicant]:
    """Applications decided before `cutoff` (a decision without a time: its last
    change), and the undecided ones of cohorts that ended before it."""
    decided = Q(status__in=DECIDED) & (
        Q(decided_at__lt=cutoff) | Q(decided_at__isnull=True, updated_at__lt=cutoff)
    )
    undecided = ~Q(status__in=DECIDED) & Q(cohort__ends_on__lt=timezone.localdate(cutoff))
    return Applicant.objects.filter(decided | undecided)


def _apply_to_applicants(rule: RetentionRule, cutoff: datetime.datetime, errors: list[str]) -> int:
    queryset = applicants_past(cutoff)
    if not rule.is_delete:
        condition = Q(pk__in=[])
        for entry in entries_for(rule.category):
            if entry.applicant is not None:
                pending = pending_rows(entry, rule.category, rule.action)
                condition |= Q(pk__in=pending.values(entry.applicant))
        queryset = queryset.filter(condition)

    def one(pk: int) -> bool:
        changes = apply_to_applicant(pk, rule.action)
        if changes.total:
            ledger.record(action=rule.action, applicant=pk, categories=[rule.category])
        return bool(changes.total)

    return _each(queryset.values_list("pk", flat=True), one, f"{rule.category}: applicant", errors)


# Rows --------------------------------------------------------------------------------
def _apply_to_rows(rule: RetentionRule, cutoff: datetime.datetime, errors: list[str]) -> int:
    """Rows written before the cutoff. Not in the ledger: they are found by their time
    again, so the next run deals with rows a restore brought back."""
    done = 0
    for entry in entries_for(rule.category):
        model = model_of(entry)
        if "created_at" not in {f.name for f in model._meta.concrete_fields}:
            continue
        queryset = pending_rows(entry, rule.category, rule.action).filter(created_at__lt=cutoff)
        delete = rule.is_delete and is_deletable(entry, rule.category)
        for ids in _batches(queryset.values_list("pk", flat=True)):
            try:
                with transaction.atomic():
                    batch = model._default_manager.filter(pk__in=ids)
                    if delete:
                        done += delete_rows(entry, rule.category, batch).total
                    else:
                        done += anonymise_rows(entry, rule.category, batch)
            except STOP:
                raise
            except Exception as error:
                logger.exception("Retention of %s rows %s..%s failed", entry.label, ids[0], ids[-1])
                errors.append(
                    f"{rule.category}: {entry.label} {ids[0]}..{ids[-1]}: {error!r}"[:300]
                )
    return done


# Batches -----------------------------------------------------------------------------
def _batches(ids: QuerySet[Any, int]) -> Iterator[list[int]]:
    """Primary keys in ascending batches: a row that stays (it failed) is not read again."""
    last = 0
    while True:
        batch = list(ids.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1]


def _each(ids: QuerySet[Any, int], one: Callable[[int], bool], what: str, errors: list[str]) -> int:
    done = 0
    for batch in _batches(ids):
        for pk in batch:
            try:
                with transaction.atomic():
                    done += one(pk)
            except STOP:
                raise
            except Exception as error:
                logger.exception("Retention failed for %s %s", what, pk)
                errors.append(f"{what} {pk}: {type(error).__name__}")
    return done


def _reason(rule: RetentionRule) -> str:
    return (
        f"retention rule {rule.category} (version {rule.version}): {rule.action} "
        f"{rule.months} months after {rule.anchor}"
    )


# The admins' report ---------------------------------------------------------------------
def send_report(run: RetentionRun) -> int:
    """A short report of the run (counts only, no names) to every active admin; once
    per run and admin, however often it is called. Returns how many admins it went to."""
    context: dict[str, Any] = {
        "run": run,
        "lines": run.lines,
        "has_error": run.has_error,
        "page_url": f"{settings.SITE_URL}{reverse('privacy:retention')}",
    }
    queued = 0
    for admin in User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk"):
        queue_email(
            key=f"retention-run:{run.pk}:{admin.pk}",
            to=admin.email,
            template="retention_report",
            context={"recipient": admin, **context},
            language=admin.language,
        )
        queued += 1
    return queued
