"""Anonymising and deleting a person's data, category by category as
`privacy.registry` says: by the nightly retention run (`privacy.retention`), on the
person's request (`erase_on_request`, GDPR art. 17) and again after a restore
(`reapply_line`, from the ledger).

Erasure on request applies to every category what its retention rule says (no rule:
anonymise), except what must be kept: the audit log (append-only) and what the
person wrote as staff (ideas, comments, evaluations: public records under the
archives act; the text stays and the author shows as "removed person"). Outcomes are
only ever anonymised, so the statistics still count them.

Every change is written to the audit log and the ledger (`privacy.ledger`) in the
same transaction; doing it again changes nothing and writes nothing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cohorts.models import Applicant
from labportal.accounts.models import User
from labportal.core.services import record_audit
from privacy import access, ledger
from privacy.erasure_account import anonymise_account, placeholder_email
from privacy.erasure_rows import (
    Changes,
    Subject,
    anonymise_rows,
    apply_category,
    apply_to_applicant,
    count_rows,
    entries_for,
    model_of,
    name_fields,
    rows,
)
from privacy.models import ANONYMISE_ONLY, NOT_MANAGED, Action, Erasure, RetentionRule, RetentionRun
from privacy.registry import REGISTRY, Category

ANONYMISE = str(Action.ANONYMISE)
DELETE = str(Action.DELETE)
KEEP = "keep"

# What erasure on request keeps, and why (shown on the confirmation page, recorded).
KEPT_ON_REQUEST: dict[str, Promise] = {
    Category.SECURITY: _(
        "The audit log is append-only: its entries are kept and show the person as "
        "“removed person”."
    ),
    Category.CONTRIBUTION: _(
        "Ideas, comments and evaluations written as staff are public records (the archives "
        "act): the text stays, the author shows as “removed person”."
    ),
}


@dataclass(frozen=True)
class Step:
    """What erasure does to one category: anonymise, delete or keep, why, and how many
    rows it concerns now."""

    category: str
    action: str
    why: str
    rows: int

    @property
    def label(self) -> str:
        return str(Category(self.category).label)

    @property
    def is_kept(self) -> bool:
        return self.action == KEEP

    @property
    def is_delete(self) -> bool:
        return self.action == DELETE


def subject_of(person: User) -> Subject:
    # An anonymised account's address names nobody; it finds no emails or applications.
    emails = () if person.email == placeholder_email(person) else (person.email,)
    return Subject(user_id=person.pk, emails=emails)


def ordered(categories: Iterable[str]) -> list[str]:
    """The categories in registry order, the account last: the rows found by the
    person's address must be found before the address is replaced."""
    wanted = set(categories) - NOT_MANAGED
    return [c for c in Category.values if c in wanted and c != Category.ACCOUNT] + (
        [Category.ACCOUNT] if Category.ACCOUNT in wanted else []
    )


# The person as a whole ---------------------------------------------------------------
def anonymise_person(
    person: User,
    categories: Iterable[str],
    *,
    actor: Any,
    reason: str,
    run: RetentionRun | None = None,
) -> Changes:
    """Anonymise the person's rows of these categories (the account itself with
    `Category.ACCOUNT`). One transaction; an audit row and a ledger line when anything
    changed, nothing at all when nothing did."""
    return _apply(person, dict.fromkeys(categories, ANONYMISE), actor=actor, reason=reason, run=run)


def delete_category_rows(
    person: User,
    categories: Iterable[str],
    *,
    actor: Any,
    reason: str,
    run: RetentionRun | None = None,
) -> Changes:
    """Delete the person's rows of these categories; a category that may only be
    anonymised (the account, the programme, the outcomes) is anonymised."""
    plan = {c: ANONYMISE if c in ANONYMISE_ONLY else DELETE for c in categories}
    return _apply(person, plan, actor=actor, reason=reason, run=run)


def _apply(
    person: User,
    plan: dict[str, str],
    *,
    actor: Any,
    reason: str,
    run: RetentionRun | None = None,
    write_ledger: bool = True,
    audit: bool = True,
    source: str = "retention",
) -> Changes:
    done: dict[str, str] = {}
    changes = Changes()
    with transaction.atomic():
        subject = subject_of(person)
        for category in ordered(plan):
            step = _apply_category(person, subject, category, plan[category])
            if step.total:
                done[category] = plan[category]
            changes.add(step)
        if not done:
            return changes
        for action in sorted(set(done.values())):
            categories = [c for c, a in done.items() if a == action]
            if write_ledger:
                ledger.record(action=action, person=person.pk, categories=categories, source=source)
            if audit:
                record_audit(
                    actor,
                    "privacy.deleted" if action == DELETE else "privacy.anonymised",
                    person,
                    categories=categories,
                    reason=reason,
                    run=run.pk if run else None,
                )
    return changes


def _apply_category(person: User, subject: Subject, category: str, action: str) -> Changes:
    changes = Changes()
    if category == Category.ACCOUNT:
        # While the name is still there to be recognised.
        changes.add(_unname_kept_records(person, subject))
    changes.add(apply_category(category, action, subject))
    if category == Category.ACCOUNT:
        count = anonymise_account(person)
        if count:
            changes.anonymised["accounts.User"] = count
    return changes


def _unname_kept_records(person: User, subject: Subject) -> Changes:
    """Kept records (an idea) may repeat the person's name in a short text field (its
    contact person): emptied where it is exactly that name, so that pages fall back to
    the author, who shows as "removed person"."""
    changes = Changes()
    name = person.full_name.strip()
    if not name:
        return changes
    for entry in entries_for(Category.CONTRIBUTION):
        for field_name in name_fields(entry):
            count = (
                rows(entry, subject)
                .filter(**{f"{field_name}__iexact": name})
                .update(**{field_name: ""})
            )
            if count:
                changes.anonymised[entry.label] = changes.anonymised.get(entry.label, 0) + count
    return changes


# Erasure on request ------------------------------------------------------------------
def find_person(email: str) -> User | Applicant | None:
    """Whom an erasure by this address is about: the account with the address (also
    one of its sign-in addresses), else the latest application from it."""
    email = email.strip()
    if not email:
        return None
    user: User | None = (
        User.objects.filter(Q(email__iexact=email) | Q(emailaddress__email__iexact=email))
        .distinct()
        .first()
    )
    if user is not None:
        return user
    return Applicant.objects.filter(email__iexact=email).order_by("-created_at").first()


def erasure_plan(person: User | Applicant) -> list[Step]:
    """What `erase_on_request` would do, category by category, for the confirmation
    page: every category of the registry, with its rows about the person now."""
    rules = {rule.category: rule for rule in RetentionRule.objects.all()}
    wanted: dict[str, str]
    if isinstance(person, Applicant):
        subject = Subject(emails=(person.email,))
        wanted = {
            Category.APPLICATION: DELETE,
            Category.COMMUNICATION: _rule_action(rules, Category.COMMUNICATION),
        }
    else:
        subject = subject_of(person)
        wanted = {c: _rule_action(rules, c) for c in Category.values if c not in KEPT_ON_REQUEST}
    steps = []
    for category in Category.values:
        if category == Category.CONTRIBUTION and isinstance(person, Applicant):
            continue  # an applicant has written nothing as staff
        if category in KEPT_ON_REQUEST:
            steps.append(
                Step(category, KEEP, str(KEPT_ON_REQUEST[category]), _count(category, subject))
            )
        elif category in wanted:
            steps.append(
                Step(
                    category,
                    wanted[category],
                    str(_why(category, rules, person)),
                    _count(category, subject),
                )
            )
    return steps


def _rule_action(rules: dict[str, RetentionRule], category: str) -> str:
    rule = rules.get(category)
    if category in ANONYMISE_ONLY or rule is None:
        return ANONYMISE
    return str(rule.action)


def _why(category: str, rules: dict[str, RetentionRule], person: User | Applicant) -> Promise:
    if isinstance(person, Applicant) and category == Category.APPLICATION:
        return _("An application without an account is deleted, with its history and skills.")
    if category == Category.ACCOUNT:
        return _(
            "The account stays as “removed person”: no name, no address, no password, no "
            "sign-in; what points at it stays whole."
        )
    if category in ANONYMISE_ONLY:
        return _("Anonymised, never deleted: the outcome statistics still count these rows.")
    if category in rules:
        return _("As the retention rule for this category says.")
    return _("No retention rule for this category: anonymised.")


def _count(category: str, subject: Subject) -> int:
    count = count_rows(category, subject)
    if category == Category.ACCOUNT and subject.user_id is not None:
        count += 1
    return count


@transaction.atomic
def erase_on_request(person: User | Applicant, *, actor: Any, reason: str) -> Erasure:
    """Erase a person on their request, as `erasure_plan` shows; one transaction with
    its audit row ("privacy.erased"), the erasure record and the ledger lines.

    Idempotent: erasing again changes nothing and returns the earlier record."""
    if not access.can_manage_personal_data(actor):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the erasure.")})
    if isinstance(person, Applicant):
        return _erase_applicant(person, actor=actor, reason=reason)
    if person.pk == actor.pk:
        raise ValidationError(_("You cannot erase yourself: ask another administrator."))
    steps = erasure_plan(person)
    plan = {step.category: step.action for step in steps if not step.is_kept}
    changes = _apply(person, plan, actor=actor, reason=reason, audit=False, source="request")
    if not changes.total:
        earlier = Erasure.objects.filter(person=person).first()
        if earlier is not None:
            return earlier
    kept = {step.category: step.why for step in steps if step.is_kept}
    done = {step.category: step.action for step in steps if not step.is_kept}
    erasure = Erasure.objects.create(
        person=person,
        reason=reason,
        requested_by=actor,
        done_at=timezone.now(),
        categories_done=done,
        categories_kept=kept,
    )
    record_audit(
        actor,
        "privacy.erased",
        person,
        reason=reason,
        categories=done,
        kept=sorted(kept),
        erasure=erasure.pk,
        protected=sorted(set(changes.protected)),
    )
    return erasure


def _erase_applicant(applicant: Applicant, *, actor: Any, reason: str) -> Erasure:
    """Every application sent from the applicant's address is deleted (with its
    history and skills); emails sent to it as the communication rule says."""
    rules = {rule.category: rule for rule in RetentionRule.objects.all()}
    subject = Subject(emails=(applicant.email,))
    ids = list(Applicant.objects.filter(email__iexact=applicant.email).values_list("pk", flat=True))
    communication = _rule_action(rules, Category.COMMUNICATION)
    record_audit(
        actor,
        "privacy.erased",
        applicant,
        reason=reason,
        categories={Category.APPLICATION: DELETE, Category.COMMUNICATION: communication},
        applicants=ids,
    )
    # Emails have no account to find them by after a restore: the ledger keeps their ids.
    sent = {
        entry.label: list(rows(entry, subject).values_list("pk", flat=True))
        for entry in entries_for(Category.COMMUNICATION)
    }
    apply_category(Category.COMMUNICATION, communication, subject)
    apply_category(Category.APPLICATION, DELETE, subject)
    for pk in ids:
        ledger.record(
            action=DELETE, applicant=pk, categories=[Category.APPLICATION], source="request"
        )
    for label, row_ids in sent.items():
        if row_ids:
            ledger.record_rows(
                action=communication, label=label, ids=row_ids, category=Category.COMMUNICATION
            )
    return Erasure.objects.create(
        applicant_id=applicant.pk,
        reason=reason,
        requested_by=actor,
        done_at=timezone.now(),
        categories_done={Category.APPLICATION: DELETE, Category.COMMUNICATION: communication},
        categories_kept={},
    )


# After a restore -----------------------------------------------------------------------
def reapply_line(line: dict[str, Any]) -> None:
    """Do one ledger line's erasure again (see `privacy.ledger.reapply`); writes no
    new ledger line and no audit row."""
    action = str(line.get("action"))
    categories = [str(c) for c in line.get("categories") or [] if c in Category.values]
    if line.get("person"):
        person: User | None = User.objects.filter(pk=line["person"]).first()
        if person is not None:
            plan = {c: ANONYMISE if c in ANONYMISE_ONLY else action for c in categories}
            _apply(person, plan, actor=None, reason="", write_ledger=False, audit=False)
    if line.get("applicant"):
        apply_to_applicant(int(line["applicant"]), str(action))
    if line.get("rows"):
        entry = REGISTRY.get(str(line["rows"].get("label")))
        if entry is not None:
            queryset = model_of(entry)._default_manager.filter(pk__in=line["rows"].get("ids") or [])
            if action == DELETE:
                queryset.delete()
            else:
                for category in categories:
                    anonymise_rows(entry, category, queryset)
