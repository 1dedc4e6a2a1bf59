"""Rows of one category about one person, found and changed as `privacy.registry` says:
which rows (`ModelEntry.people` and `ModelEntry.emails`), which fields and what
anonymising does to each (`PersonalField.anonymise`). Nothing here names a model;
`privacy.erasure_account` does the account itself, which the registry cannot express.

Two rules the registry leaves to the reader:

- A row is about the person through its people paths, except the ones that only say
  who wrote it: in an entry with several people paths, a path that is a single foreign
  key to the user (a comment's ``author`` beside ``log__trainee``) is "written by".
  What someone wrote about another person stays theirs: only the user row it points
  at becomes the removed person.
- A category's rows are deleted only where every personal field of the model belongs
  to that category; otherwise the category's fields are anonymised. A deletion that
  another record protects is anonymised instead (see `delete_rows`)."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import translation
from django.utils.translation import gettext

from privacy.registry import REGISTRY, Anonymise, Category, ModelEntry, PersonalField

# Models whose rows `privacy.erasure_account` handles as a whole (the account, its
# sign-in addresses, second factors, single sign-on links and sessions).
ACCOUNT_MODELS = frozenset(
    {
        "accounts.User",
        "sessions.Session",
        "account.EmailAddress",
        "account.EmailConfirmation",
        "mfa.Authenticator",
        "socialaccount.SocialAccount",
        "socialaccount.SocialToken",
    }
)


@dataclass(frozen=True)
class Subject:
    """Whom the rows are about: an account, and the addresses that name the person
    where no account links a row to them (an application, an email sent)."""

    user_id: int | None = None
    emails: tuple[str, ...] = ()


@dataclass
class Changes:
    """Rows changed per model label, by anonymising and by deleting."""

    anonymised: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)
    protected: list[str] = field(default_factory=list)  # models kept: other records need them

    def add(self, other: Changes) -> None:
        for label, count in other.anonymised.items():
            self.anonymised[label] = self.anonymised.get(label, 0) + count
        for label, count in other.deleted.items():
            self.deleted[label] = self.deleted.get(label, 0) + count
        self.protected.extend(other.protected)

    @property
    def total(self) -> int:
        return sum(self.anonymised.values()) + sum(self.deleted.values())


def model_of(entry: ModelEntry) -> type[models.Model]:
    return apps.get_model(entry.label)


def entries_for(category: str) -> list[ModelEntry]:
    """The registry's entries with personal fields of `category`, the account's own
    models left out."""
    return [
        entry
        for entry in REGISTRY.values()
        if entry.label not in ACCOUNT_MODELS
        and any(spec.category == category for spec in entry.personal.values())
    ]


def is_deletable(entry: ModelEntry, category: str) -> bool:
    return bool(entry.personal) and all(
        spec.category == category for spec in entry.personal.values()
    )


def about_paths(entry: ModelEntry) -> tuple[str, ...]:
    if len(entry.people) < 2:
        return entry.people
    model = model_of(entry)
    return tuple(path for path in entry.people if not _is_author_field(model, path))


def _is_author_field(model: type[models.Model], path: str) -> bool:
    if "__" in path or path == "pk":
        return False
    model_field = model._meta.get_field(path)
    return bool(model_field.is_relation and model_field.related_model is get_user_model())


def rows(entry: ModelEntry, subject: Subject) -> QuerySet[models.Model]:
    """The entry's rows about the subject (none when no path leads to them)."""
    model = model_of(entry)
    condition = Q()
    found = False
    if subject.user_id is not None:
        for path in about_paths(entry):
            condition |= Q(**{path: subject.user_id})
            found = True
    for path in entry.emails:
        for email in subject.emails:
            condition |= Q(**{f"{path}__iexact": email})
            found = True
    if not found:
        return model._default_manager.none()
    return model._default_manager.filter(condition)


# What anonymising writes --------------------------------------------------------
@functools.cache
def removed_text() -> str:
    # Stored in rows that have no account to translate it later: the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("removed person")


def anonymised_values(entry: ModelEntry, category: str) -> dict[str, Any]:
    """Field name → what anonymising writes (a value or an expression on the row), for
    the entry's fields of `category` that anonymising changes."""
    model = model_of(entry)
    values: dict[str, Any] = {}
    for name, spec in entry.personal.items():
        if spec.category != category or spec.anonymise == Anonymise.KEEP:
            continue
        model_field = model._meta.get_field(name)
        if model_field.many_to_many or model_field.auto_created:
            continue  # relations: the person's own row is what changes
        if model_field.is_relation:
            # Emptied only where the registry says so; a pointer at a person is otherwise
            # kept, since the person's own row is what anonymising changes.
            if spec.anonymise == Anonymise.BLANK and getattr(model_field, "null", False):
                values[name] = None
            continue
        values[name] = _anonymised_value(entry, name, spec, model_field)
    return values


def _anonymised_value(entry: ModelEntry, name: str, spec: PersonalField, model_field: Any) -> Any:
    text = isinstance(model_field, models.CharField | models.TextField | models.FileField)
    if spec.anonymise == Anonymise.PLACEHOLDER:
        suffix = "@invalid" if isinstance(model_field, models.EmailField) else ""
        return Concat(
            Value("removed-"),
            Cast("pk", models.CharField()),
            Value(suffix),
            output_field=models.CharField(),
        )
    if spec.anonymise == Anonymise.REMOVED and text:
        return removed_text()
    if isinstance(model_field, models.JSONField):
        return {}
    if model_field.null:
        return None
    if text:
        return ""
    raise ImproperlyConfigured(f"{entry.label}.{name} cannot be emptied; classify it as kept.")


def _unchanged(values: dict[str, Any]) -> Q:
    condition = Q()
    for name, value in values.items():
        condition &= Q(**{f"{name}__isnull": True}) if value is None else Q(**{name: value})
    return condition


def anonymise_rows(entry: ModelEntry, category: str, queryset: QuerySet[models.Model]) -> int:
    """Anonymise the category's fields of these rows; returns how many rows changed
    (rows already anonymised are not written again)."""
    values = anonymised_values(entry, category)
    if not values:
        return 0
    pending = queryset.exclude(_unchanged(values))
    _delete_files_on_commit(_stored_files(pending, values))
    return pending.update(**values)


def delete_rows(entry: ModelEntry, category: str, queryset: QuerySet[models.Model]) -> Changes:
    """Delete these rows; where another record protects them (a shared summary points
    at an employer's contact), anonymise them instead and say so."""
    changes = Changes()
    if not queryset.exists():
        return changes
    file_fields = [f.name for f in model_of(entry)._meta.concrete_fields if _is_file(f)]
    files = _stored_files(queryset, dict.fromkeys(file_fields, ""))
    try:
        with transaction.atomic():
            _deleted, per_model = queryset.delete()
    except (models.ProtectedError, models.RestrictedError):
        changes.protected.append(entry.label)
        count = anonymise_rows(entry, category, queryset)
        if count:
            changes.anonymised[entry.label] = count
        return changes
    _delete_files_on_commit(files)
    for label, count in per_model.items():
        if count:
            changes.deleted[label] = changes.deleted.get(label, 0) + count
    return changes


def apply_category(category: str, action: str, subject: Subject) -> Changes:
    """Anonymise or delete the category's rows about the subject, model by model."""
    changes = Changes()
    for entry in entries_for(category):
        queryset = rows(entry, subject)
        if action == "delete" and is_deletable(entry, category):
            changes.add(delete_rows(entry, category, queryset))
            continue
        count = anonymise_rows(entry, category, queryset)
        if count:
            changes.anonymised[entry.label] = changes.anonymised.get(entry.label, 0) + count
    return changes


def pending_rows(entry: ModelEntry, category: str, action: str) -> QuerySet[models.Model]:
    """The entry's rows that anonymising or deleting the category would still change,
    whoever they are about: what the nightly run looks for."""
    queryset = model_of(entry)._default_manager.all()
    if action == "delete" and is_deletable(entry, category):
        return queryset
    values = anonymised_values(entry, category)
    if not values:
        return queryset.none()
    return queryset.exclude(_unchanged(values))


def count_rows(category: str, subject: Subject) -> int:
    """The category's rows about the subject that anonymising or deleting would touch."""
    return sum(rows(entry, subject).count() for entry in entries_for(category))


def _is_file(model_field: Any) -> bool:
    return isinstance(model_field, models.FileField)


def _stored_files(queryset: QuerySet[models.Model], values: dict[str, Any]) -> list[str]:
    names = [name for name in values if _is_file(queryset.model._meta.get_field(name))]
    if not names:
        return []
    return [
        path
        for row in queryset.exclude(**{name: "" for name in names}).values_list(*names)
        for path in row
        if path
    ]


def _delete_files_on_commit(paths: list[str]) -> None:
    # Only once the rows are gone for good: a rolled-back erasure keeps its files.
    if paths:
        transaction.on_commit(functools.partial(_delete_files, paths))


def _delete_files(paths: Iterable[str]) -> None:
    for path in paths:
        default_storage.delete(path)


def name_fields(entry: ModelEntry) -> list[str]:
    """Short personal text fields of a kept record that may hold a person's name (an
    idea's contact person): blanked where they hold exactly the erased person's name."""
    model = model_of(entry)
    return [
        name
        for name, spec in entry.personal.items()
        if spec.anonymise != Anonymise.KEEP
        and isinstance(model._meta.get_field(name), models.CharField)
        and not isinstance(model._meta.get_field(name), models.EmailField)
    ]


def apply_to_applicant(applicant_id: int, action: str) -> Changes:
    """Delete or anonymise one application, with its history and skills."""
    changes = Changes()
    for entry in entries_for(Category.APPLICATION):
        if entry.applicant is None:
            continue
        queryset = model_of(entry)._default_manager.filter(**{entry.applicant: applicant_id})
        if action == "delete":
            _deleted, per_model = queryset.delete()
            for label, count in per_model.items():
                changes.deleted[label] = changes.deleted.get(label, 0) + count
        else:
            count = anonymise_rows(entry, Category.APPLICATION, queryset)
            if count:
                changes.anonymised[entry.label] = count
    return changes
