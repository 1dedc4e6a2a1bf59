"""A list's filter form as plain data for `templates/includes/_filter_form.html`.

Rendering each field, and each <option> of a select, through crispy's and Django's
widget templates cost more than the rest of a list page (the idea inbox's department
and skill selects above all), so the shared include writes the markup itself from these
dataclasses: label, input or select, errors and help text linked by aria-describedby."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, Literal, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import get_language

from labportal.accounts.models import Department
from labportal.core.models import Skill

# What the include writes: an <input> (text, search, date, ...), a <select> (one or
# several), a single checkbox, or a group of checkboxes in a fieldset.
Kind = Literal["input", "select", "checkbox", "checkboxes"]
# Widget attributes the include writes itself (or that belong to Django's rendering).
_OWN_ATTRS = {"type", "class", "id", "name", "value", "multiple", "checked", "required"}


@dataclass(frozen=True)
class FilterOption:
    value: str
    label: str
    selected: bool


@dataclass(frozen=True)
class FilterField:
    """A filter field as the template renders it (see `Kind`)."""

    name: str
    id: str
    label: str
    help_text: str
    value: str
    options: list[FilterOption] | None
    errors: list[str]
    kind: Kind = "input"
    input_type: str = "text"
    multiple: bool = False
    checked: bool = False
    # Other widget attributes, e.g. `list` and `autocomplete` for a datalist.
    attrs: tuple[tuple[str, str], ...] = ()

    @property
    def described_by(self) -> str:
        ids = [f"{self.id}_helptext"] if self.help_text else []
        ids += [f"{self.id}_error"] if self.errors else []
        return " ".join(ids)


def light_choices(field: forms.Field) -> list[tuple[Any, str]] | None:
    """A department or skill select's choices as the field would give them (the same
    order and labels as `Department.__str__` and `Skill.name`), read as plain values:
    making a model instance of every department and its organisation for each page
    view was a tenth of the idea inbox's time. None for other fields."""
    if not isinstance(field, forms.ModelChoiceField):
        return None
    queryset = cast(QuerySet, field.queryset)
    choices: list[tuple[Any, str]] = [("", str(field.empty_label))] if field.empty_label else []
    if queryset.model is Department:
        rows = queryset.values_list("pk", "name", "organisation__name")
        return choices + [(pk, f"{name} ({organisation})") for pk, name, organisation in rows]
    if queryset.model is Skill:
        english = (get_language() or "sv").startswith("en")
        rows = queryset.values_list("pk", "name_en" if english else "name_sv")
        return choices + [(pk, name) for pk, name in rows]
    return None


def _selected(widget: forms.Widget, value: Any) -> set[str]:
    # Select gives a list of strings, NullBooleanSelect one string ("true", "unknown").
    formatted = widget.format_value(value)
    if formatted is None:
        return set()
    if isinstance(formatted, str):
        return {formatted}
    return {str(item) for item in formatted}


def _options(field: forms.Field, widget: forms.Widget, value: Any) -> list[FilterOption]:
    selected = _selected(widget, value)
    # Flat (value, label) pairs: the filters have no option groups. The widget's, which a
    # choice field sets to its own (and NullBooleanSelect has); never tested for truth,
    # which would ask the database whether a model select has any choices.
    light = light_choices(field)
    choices = light if light is not None else cast(Iterable[Any], getattr(widget, "choices", ()))
    return [
        FilterOption(str(key), str(label), str(key) in selected)
        for key, label in choices
        if not (isinstance(widget, forms.CheckboxSelectMultiple) and key in ("", None))
    ]


def _attrs(widget: forms.Widget) -> tuple[tuple[str, str], ...]:
    return tuple(
        (name, str(value))
        for name, value in widget.attrs.items()
        if name not in _OWN_ATTRS and value not in (None, False)
    )


def field_to_render(bound: forms.BoundField) -> FilterField:
    field = bound.field
    widget = field.widget
    value = bound.value()
    base = FilterField(
        name=bound.html_name,
        id=bound.id_for_label or bound.auto_id,
        label=str(bound.label),
        help_text=str(field.help_text or ""),
        value="",
        options=None,
        errors=[str(error) for error in bound.errors],
        attrs=_attrs(widget),
    )
    if isinstance(widget, forms.CheckboxInput):
        return replace(base, kind="checkbox", checked=widget.check_test(value))
    if isinstance(widget, forms.CheckboxSelectMultiple):
        # id_for_label of a group names its first box; the group's fieldset has the field's.
        options = _options(field, widget, value)
        return replace(base, id=bound.auto_id, options=options, kind="checkboxes", multiple=True)
    if isinstance(widget, forms.Select):  # SelectMultiple and NullBooleanSelect too
        multiple = isinstance(widget, forms.SelectMultiple)
        return replace(
            base, options=_options(field, widget, value), kind="select", multiple=multiple
        )
    input_type = str(widget.attrs.get("type") or getattr(widget, "input_type", None) or "text")
    formatted = widget.format_value(value) if value not in (None, "") else ""
    return replace(base, value="" if formatted is None else str(formatted), input_type=input_type)


def fields_to_render(form: forms.Form) -> list[FilterField]:
    """The visible fields of a filter form as plain data, in the form's order."""
    return [field_to_render(bound) for bound in form.visible_fields()]
