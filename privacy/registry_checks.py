"""The registry's self-check, run by tests/privacy/test_registry.py: a model or a
field nobody classified fails the build, so personal data cannot be added unseen."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from privacy.registry import OUT_OF_SCOPE_APPS, ModelEntry, classifiable_fields

APPLICANT_LABEL = "cohorts.Applicant"


def resolve_path(model: type[models.Model], path: str) -> models.Field | None:  # type: ignore[type-arg]
    """The field a lookup path ends on (``"pk"`` is the row itself: None), or raise
    FieldDoesNotExist / ValueError when a step is missing or is not a relation."""
    if path == "pk":
        return None
    current: type[models.Model] = model
    last: models.Field | None = None  # type: ignore[type-arg]
    steps = path.split("__")
    for position, name in enumerate(steps):
        found = current._meta.get_field(name)
        if not isinstance(found, models.Field):
            raise ValueError(f"{name} is a reverse relation")
        last = found
        if position < len(steps) - 1:
            if found.related_model is None or isinstance(found.related_model, str):
                raise ValueError(f"{name} is not a relation")
            current = found.related_model
    return last


def path_target(model: type[models.Model], path: str) -> type[models.Model] | None:
    """The model a relation path leads to (the model itself for ``"pk"``)."""
    field = resolve_path(model, path)
    if field is None:
        return model
    target = field.related_model
    return target if isinstance(target, type) else None


def registry_problems(
    registry: dict[str, ModelEntry], model_list: list[type[models.Model]]
) -> list[str]:
    problems: list[str] = []
    installed = {model._meta.label: model for model in model_list}
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    for model_label, model in installed.items():
        if model_label not in registry and model._meta.app_label not in OUT_OF_SCOPE_APPS:
            problems.append(f"{model_label}: no entry (and its app is not out of scope)")
    for label, entry in registry.items():
        if label != entry.label:
            problems.append(f"{label}: registered under another label than {entry.label}")
        found = installed.get(entry.label)
        if found is None:
            problems.append(f"{entry.label}: no such model")
            continue
        problems.extend(_field_problems(entry, found))
        problems.extend(_path_problems(entry, found, user_model))
    return problems


def _field_problems(entry: ModelEntry, model: type[models.Model]) -> list[str]:
    problems: list[str] = []
    expected = classifiable_fields(model)
    for name in sorted(frozenset(entry.personal) & entry.not_personal):
        problems.append(f"{entry.label}.{name}: classified both personal and not personal")
    for name in sorted(expected - entry.fields):
        problems.append(f"{entry.label}.{name}: not classified")
    for name in sorted(entry.fields - expected):
        problems.append(f"{entry.label}.{name}: no such field")
    return problems


def _path_problems(
    entry: ModelEntry, model: type[models.Model], user_model: type[models.Model]
) -> list[str]:
    problems: list[str] = []
    checks: list[tuple[str, str, type[models.Model] | None]] = [
        (path, "people", user_model) for path in entry.people
    ]
    if entry.applicant is not None:
        checks.append((entry.applicant, "applicant", apps.get_model(APPLICANT_LABEL)))
    checks.extend((path, "emails", None) for path in entry.emails)
    for path, kind, wanted in checks:
        try:
            if wanted is None:
                field = resolve_path(model, path)
                if not isinstance(field, models.EmailField):
                    problems.append(f"{entry.label} {kind} {path!r}: not an email field")
            elif path_target(model, path) is not wanted:
                problems.append(
                    f"{entry.label} {kind} {path!r}: does not lead to {wanted._meta.label}"
                )
        except (FieldDoesNotExist, ValueError) as error:
            problems.append(f"{entry.label} {kind} {path!r}: {error}")
    return problems
