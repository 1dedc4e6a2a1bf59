"""The cohort progress page's filter and sort (on the rows of `cohorts.progress`)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cohorts.models import Enrolment

NAME = ["trainee__full_name", "trainee__email", "pk"]
SORTS: dict[str, tuple[Any, list[Any]]] = {
    "name": (_("Name, A to Ö"), NAME),
    # Those who have gone longest without a log first: they need a call.
    "last_log": (_("Oldest last log first"), [F("last_week_logged").asc(nulls_first=True), *NAME]),
    "missing": (_("Most missing weeks first"), ["-missing_weeks", *NAME]),
    "education": (
        _("Lowest share of education first"),
        [F("education_share").asc(nulls_first=True), *NAME],
    ),
}


class ProgressFilter(django_filters.FilterSet):
    """Search by name, only those with open blockers, only those behind on their logs;
    the list is always in an explicit order so that pages never overlap."""

    q = django_filters.CharFilter(label=_("Search by name"), method="search")
    blockers = django_filters.BooleanFilter(
        label=_("Only with open blockers"), method="only_blocked", widget=forms.CheckboxInput
    )
    behind = django_filters.BooleanFilter(
        label=_("Only behind on logs"), method="only_behind", widget=forms.CheckboxInput
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort"),
        choices=[(key, label) for key, (label, _order) in SORTS.items()],
        method="sort_by",
        empty_label=None,
        null_label=None,
    )

    class Meta:
        model = Enrolment
        fields = ["q", "blockers", "behind", "sort"]

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        words = value.split()[:5]
        for word in words:
            queryset = queryset.filter(
                Q(trainee__full_name__icontains=word) | Q(trainee__email__icontains=word)
            )
        return queryset

    def only_blocked(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        return queryset.filter(blockers_length__gt=0) if value else queryset

    def only_behind(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        return queryset.filter(missing_weeks__gt=0) if value else queryset

    def sort_by(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset  # applied in `filter_queryset`, also when no sort was chosen

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        queryset = super().filter_queryset(queryset)
        sort = self.form.cleaned_data.get("sort") or "name"
        return queryset.order_by(*SORTS.get(sort, SORTS["name"])[1])
