"""The cohort progress page's filter and sort, on the cohort's enrolments (see
`cohorts.progress`): each filter and sort adds the figures it names, and only those are
computed for the whole cohort; the page's rows get every figure afterwards."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext_lazy as _

from cohorts.models import Enrolment
from cohorts.progress import Figures

NAME = ["trainee__full_name", "trainee__email", "pk"]
# Each sort: its label, the figures it sorts by, and the order (ending in the primary key,
# so that pages never overlap).
SORTS: dict[str, tuple[Any, tuple[str, ...], list[Any]]] = {
    "name": (_("Name, A to Ö"), (), NAME),
    # Those who have gone longest without a log first: they need a call.
    "last_log": (
        _("Oldest last log first"),
        ("last_week_logged",),
        [F("last_week_logged").asc(nulls_first=True), *NAME],
    ),
    "missing": (_("Most missing weeks first"), ("missing_weeks",), ["-missing_weeks", *NAME]),
    "education": (
        _("Lowest share of education first"),
        ("education_share",),
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
        choices=[(key, label) for key, (label, _figures, _order) in SORTS.items()],
        method="sort_by",
        empty_label=None,
        null_label=None,
    )

    class Meta:
        model = Enrolment
        fields = ["q", "blockers", "behind", "sort"]

    def __init__(
        self, data: QueryDict | None, *, figures: Figures, request: HttpRequest | None = None
    ) -> None:
        self.figures = figures
        super().__init__(data, queryset=figures.enrolments(), request=request)

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        words = value.split()[:5]
        for word in words:
            queryset = queryset.filter(
                Q(trainee__full_name__icontains=word) | Q(trainee__email__icontains=word)
            )
        return queryset

    def only_blocked(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        if not value:
            return queryset
        return self.figures.alias(queryset, "has_blockers").filter(has_blockers=True)

    def only_behind(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        if not value:
            return queryset
        return self.figures.alias(queryset, "missing_weeks").filter(missing_weeks__gt=0)

    def sort_by(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset  # applied in `filter_queryset`, also when no sort was chosen

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        queryset = super().filter_queryset(queryset)
        sort = self.form.cleaned_data.get("sort") or "name"
        _label, figures, order = SORTS.get(sort, SORTS["name"])
        return self.figures.alias(queryset, *figures).order_by(*order)
