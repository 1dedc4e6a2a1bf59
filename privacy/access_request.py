"""The right of access (GDPR art. 15): every registered row that concerns one person.

`find_subject` names the person from an email address: an account (its address or
any of its allauth addresses), else an application, an employer contact, an
invitation or an email sent to that address (someone without an account). `collect`
reads, for every model of `privacy.registry.REGISTRY`, the rows reached through the
entry's `people` paths (the account), `applicant` path (the applications found) and
`emails` paths (the address), with one query per model whatever the number of rows:
foreign keys come with a readable label from a join, many-to-many fields as an array
from a subquery. The audit entries come last: those the person made, and those about
the person's account or any row collected. Secret fields (password hashes, tokens,
nonces) are never read. `answer_access_request` reads, makes the answer and writes
the audit row in one transaction; `privacy.access_request_export` makes the ZIP.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection, models, transaction
from django.db.models import F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import get_language

from labportal.accounts.models import User
from labportal.core.services import record_audit
from privacy.registry import REGISTRY, ModelEntry

APPLICANT = "cohorts.Applicant"
AUDIT = "core.AuditEntry"
# Where someone without an account is looked for, in this order; the first row found
# is the object of the request's audit entry.
EMAIL_SUBJECTS = ("cohorts.Applicant", "cohorts.EmployerContact", "accounts.Invitation")
OUTBOX = "core.OutboxEmail"
# The field that names a row of these models in an export, instead of its bare id;
# "{lang}" is the active language ("sv" or "en").
LABEL_FIELDS = {
    "accounts.User": "full_name",
    "accounts.Organisation": "name",
    "accounts.Department": "name",
    "core.Skill": "name_{lang}",
    "trainees.MilestoneType": "name_{lang}",
    "cohorts.Cohort": "name",
    "cohorts.EmployerContact": "name",
    "cohorts.OpenRole": "title",
    "prototypes.Idea": "title",
}


@dataclass(frozen=True)
class Subject:
    """Whom an access request is about: an account, or only an email address."""

    email: str
    user: User | None = None
    # What the request's audit entry points at: the user, else the first row found.
    anchor: models.Model | None = None

    @property
    def name(self) -> str:
        if self.user is not None:
            return self.user.display_name
        return str(getattr(self.anchor, "full_name", "") or self.email)

    @property
    def slug(self) -> str:
        """For the file name: the user's id, else the model and id of the row found."""
        if self.user is not None:
            return str(self.user.pk)
        if self.anchor is not None:
            return f"{self.anchor._meta.model_name}-{self.anchor.pk}"
        return "email"


@dataclass(frozen=True)
class Table:
    """The rows of one model that concern the person, as exported (JSON-ready)."""

    label: str
    entry: ModelEntry
    model: type[models.Model]
    fields: tuple[models.Field[Any, Any], ...]  # exported, in the model's order
    rows: tuple[dict[str, Any], ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(field.name for field in self.fields)

    @property
    def filename(self) -> str:
        return f"{self.model._meta.label_lower}.json"

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name_plural)


@dataclass(frozen=True)
class PersonalDataReport:
    subject: Subject
    generated_at: datetime.datetime
    tables: tuple[Table, ...]  # only the models that have rows, in registry order

    @property
    def counts(self) -> dict[str, int]:
        return {table.label: len(table.rows) for table in self.tables}

    @property
    def total(self) -> int:
        return sum(len(table.rows) for table in self.tables)


def find_subject(email: str) -> Subject | None:
    """The person an address names, or None when nothing registered names it."""
    email = email.strip()
    user = (
        User.objects.filter(Q(email__iexact=email) | Q(emailaddress__email__iexact=email))
        .distinct()
        .first()
    )
    if user is not None:
        return Subject(email=user.email, user=user, anchor=user)
    for label in (*EMAIL_SUBJECTS, OUTBOX):
        entry = REGISTRY[label]
        model = apps.get_model(label)
        found = model._default_manager.filter(_email_match(entry, {email})).order_by("-pk").first()
        if found is not None:
            return Subject(email=email, anchor=found)
    return None


def _email_match(entry: ModelEntry, emails: set[str]) -> Q:
    query = Q()
    for path in entry.emails:
        for address in emails:
            query |= Q(**{f"{path}__iexact": address})
    return query


def _match(entry: ModelEntry, subject: Subject, applicant_ids: list[int]) -> Q | None:
    """Which rows of the entry's model concern the subject; None when none can."""
    query = Q()
    if subject.user is not None:
        for path in entry.people:
            query |= Q(**{path: subject.user.pk})
    if entry.applicant is not None and applicant_ids:
        query |= Q(**{f"{entry.applicant}__in": applicant_ids})
    query |= _email_match(entry, {subject.email})
    return query if query else None


def _exported(entry: ModelEntry, model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The fields exported for the entry: every classified one but the secrets and the
    generated ones (a search index repeats the text it is made of)."""
    chosen = []
    for field in [*model._meta.concrete_fields, *model._meta.local_many_to_many]:
        wanted = field.name in entry.fields and field.name not in entry.secret_fields
        if wanted and not isinstance(field, models.GeneratedField):
            chosen.append(field)
    return chosen


def _label_path(field: models.Field[Any, Any]) -> str | None:
    related = field.related_model
    if not isinstance(related, type):
        return None
    label = LABEL_FIELDS.get(related._meta.label)
    if label is None:
        return None
    return label.format(lang="en" if (get_language() or "sv").startswith("en") else "sv")


def _queryset(
    model: type[models.Model], fields: list[models.Field[Any, Any]], match: Q
) -> models.QuerySet[Any]:
    names: list[str] = ["pk"]
    expressions: dict[str, Any] = {}
    for field in fields:
        label = _label_path(field)
        if field.many_to_many:
            through = field.remote_field.through  # type: ignore[union-attr]
            source = field.m2m_field_name()  # type: ignore[attr-defined]
            target = field.m2m_reverse_field_name()  # type: ignore[attr-defined]
            value = f"{target}__{label}" if label else f"{target}_id"
            expressions[f"{field.name}__m2m"] = ArraySubquery(
                through.objects.filter(**{source: OuterRef("pk")}).order_by("pk").values(value)
            )
        else:
            names.append(field.name)
            if field.is_relation and label:
                expressions[f"{field.name}__label"] = F(f"{field.name}__{label}")
    return model._default_manager.filter(match).order_by("pk").values(*names, **expressions)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    return value


def _row(raw: dict[str, Any], fields: list[models.Field[Any, Any]]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for field in fields:
        if field.many_to_many:
            row[field.name] = _json_value(raw[f"{field.name}__m2m"] or [])
        elif f"{field.name}__label" in raw and raw[field.name] is not None:
            row[field.name] = {"id": raw[field.name], "label": raw[f"{field.name}__label"]}
        else:
            row[field.name] = _json_value(raw[field.name])
    return row


def _table(label: str, match: Q) -> tuple[Table, list[Any]]:
    entry = REGISTRY[label]
    model = apps.get_model(label)
    fields = _exported(entry, model)
    raws = list(_queryset(model, fields, match))
    table = Table(
        label=label,
        entry=entry,
        model=model,
        fields=tuple(fields),
        rows=tuple(_row(raw, fields) for raw in raws),
    )
    return table, [raw["pk"] for raw in raws]


def collect(subject: Subject) -> PersonalDataReport:
    """Every registered row that concerns `subject`: one query per model that can
    concern anyone (models with no path are not read), applications first (the other
    application rows are found through them), the audit log last."""
    found: dict[str, Table] = {}
    keys: dict[str, list[Any]] = {}
    applicant_ids: list[int] = []
    order = [APPLICANT, *(label for label in REGISTRY if label not in (APPLICANT, AUDIT))]
    for label in order:
        match = _match(REGISTRY[label], subject, applicant_ids)
        if match is None:
            continue
        table, pks = _table(label, match)
        if label == APPLICANT:
            applicant_ids = pks
        if table.rows:
            found[label], keys[label] = table, pks
    audit, _pks = _table(AUDIT, _audit_match(subject, keys))
    if audit.rows:
        found[AUDIT] = audit
    tables = tuple(found[label] for label in REGISTRY if label in found)
    return PersonalDataReport(subject=subject, generated_at=timezone.now(), tables=tables)


def _audit_match(subject: Subject, keys: dict[str, list[Any]]) -> Q:
    """The entries the person made, and those whose object is a row about them (their
    account, profile, logs, applications ...)."""
    query = Q(actor=subject.user.pk) if subject.user is not None else Q(pk__in=[])
    for label, pks in keys.items():
        object_type = apps.get_model(label)._meta.label_lower
        query |= Q(object_type=object_type, object_id__in=[str(pk) for pk in pks])
    return query


def answer_access_request(
    *,
    actor: User,
    subject: Subject,
    reason: str,
    write: Callable[[PersonalDataReport], None],
) -> PersonalDataReport:
    """Collect the subject's data, hand it to `write` (which makes the ZIP) and write
    who asked for it and why, with the rows per model, all in one transaction: the
    audit entry exists exactly when an answer was made from what was read.

    Outside an enclosing transaction the reads share one snapshot (REPEATABLE READ),
    so a log saved meanwhile is either in every file or in none. The caller has
    checked `privacy.access.can_manage_personal_data(actor)`."""
    snapshot = not connection.in_atomic_block
    with transaction.atomic():
        if snapshot:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        report = collect(subject)
        write(report)
        record_audit(
            actor,
            "privacy.access_request",
            subject.anchor if subject.anchor is not None else actor,
            reason=reason,
            email=subject.email,
            rows=report.counts,
        )
    return report
