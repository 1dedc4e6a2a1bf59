from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from labportal.core.models import AuditEntry, Skill, SkillCategory

# The id of the <datalist> of known action names that the template renders.
ACTION_NAMES_LIST_ID = "audit-action-names"


class SkillFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=SkillCategory.choices, empty_label=_("All categories")
    )

    class Meta:
        model = Skill
        fields = ["q", "category"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(name_sv__icontains=value) | Q(name_en__icontains=value))


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def object_type_label(object_type: str) -> str:
    """A model's type as its name with the type in brackets; other types as stored."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type
    return f"{capfirst(model._meta.verbose_name)} ({object_type})"


class AuditEntryFilter(django_filters.FilterSet):
    """The admins' audit list: by action (a prefix, e.g. ``user.``), actor, object, the
    person an entry is about, and a date range. Each leads an index that ends in the
    time (see AuditEntry.Meta), and the dates compare the stored time itself, never its
    date, so the index stays usable."""

    action = django_filters.CharFilter(
        label=_("Action"),
        lookup_expr="startswith",
        help_text=_("The whole name or its start, for example user. or trainee.profile_viewed"),
        widget=forms.TextInput(attrs={"list": ACTION_NAMES_LIST_ID, "autocomplete": "off"}),
    )
    actor = django_filters.CharFilter(
        label=_("Who (email)"), field_name="actor__email", lookup_expr="icontains"
    )
    # The types in the log (set in __init__), e.g. accounts.user, trainees.skillrecord.
    object_type = django_filters.ChoiceFilter(label=_("Object type"), empty_label=_("All types"))
    object_id = django_filters.CharFilter(label=_("Object number"))
    person = django_filters.CharFilter(
        label=_("About person"),
        method="about_person",
        help_text=_("Email or name (or a part of it), or the person's number"),
    )
    created_after = django_filters.DateFilter(
        label=_("From date"), method="from_date", widget=forms.DateInput(attrs={"type": "date"})
    )
    created_before = django_filters.DateFilter(
        label=_("To date"), method="to_date", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = AuditEntry
        fields = [
            "action",
            "actor",
            "object_type",
            "object_id",
            "person",
            "created_after",
            "created_before",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        types = self.queryset.object_types()
        self.filters["object_type"].extra["choices"] = [
            (object_type, object_type_label(object_type)) for object_type in types
        ]

    def about_person(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Entries whose object is the person (a user), found by number, email or name."""
        value = value.strip()
        about = queryset.filter(object_type=AuditEntry.PERSON_OBJECT_TYPE)
        if value.isdigit():
            return about.filter(object_id=value)
        people = (
            get_user_model()
            .objects.filter(Q(email__icontains=value) | Q(full_name__icontains=value))
            .annotate(key=Cast("pk", CharField()))
            .values("key")
        )
        return about.filter(object_id__in=people)

    def from_date(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.filter(created_at__gte=_start_of(value))

    def to_date(self, queryset: QuerySet, name: str, value: datetime.date) -> QuerySet:
        return queryset.filter(created_at__lt=_start_of(value + datetime.timedelta(days=1)))
