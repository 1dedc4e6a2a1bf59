"""`{% load filter_forms %}`: a filterset's form as plain fields for the shared
filter include (see `labportal.core.filter_fields`)."""

from __future__ import annotations

from typing import Any

from django import template

from labportal.core.filter_fields import FilterField, fields_to_render

register = template.Library()


@register.filter
def filter_fields(filterset: Any) -> list[FilterField]:
    """The fields of a django-filter FilterSet (or of a plain form) to render."""
    form = getattr(filterset, "form", filterset)
    return fields_to_render(form) if form else []
