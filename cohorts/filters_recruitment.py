"""The lab's list of applicants: filter by cohort and status, search by name or email,
sort; always in an explicit order ending in the primary key, so that pages never
overlap."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts import access
from cohorts.models import Applicant, ApplicantStatus, Cohort

SORTS: dict[str, tuple[Any, list[Any]]] = {
    "newest": (_("Newest first"), ["-created_at", "-pk"]),
    "oldest": (_("Oldest first"), ["created_at", "pk"]),
    "name": (_("Name, A to Ö"), ["full_name", "pk"]),
    "cohort": (
        _("Cohort, latest start first"),
        [F("cohort__starts_on").desc(), "-created_at", "-pk"],
    ),
}


# Screening is for cohorts about to start or running; one that ended longer ago than
# this is left out of the choice (an installation of ten years holds thousands), unless
# it is the one asked for (a link from its cohort's page).
CHOICE_MONTHS_AFTER_END = 12


def _cohorts(request: Any) -> QuerySet[Cohort]:
    if request is None:
        return Cohort.objects.none()
    since = timezone.localdate() - datetime.timedelta(days=30 * CHOICE_MONTHS_AFTER_END)
    recent = Q(ends_on__gte=since)
    asked = request.GET.get("cohort", "")
    if asked.isdigit():
        recent |= Q(pk=int(asked))
    return access.screening_cohorts(request.user).filter(recent).order_by("-starts_on", "name")


class ApplicantFilter(django_filters.FilterSet):
    """Filters a queryset of applicants the caller may screen."""

    q = django_filters.CharFilter(label=_("Search by name or email"), method="search")
    cohort = django_filters.ModelChoiceFilter(
        label=_("Cohort"), queryset=_cohorts, empty_label=_("All cohorts")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ApplicantStatus.choices, empty_label=_("All statuses")
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort"),
        choices=[(key, label) for key, (label, _order) in SORTS.items()],
        method="sort_by",
        empty_label=None,
        null_label=None,
    )

    class Meta:
        model = Applicant
        fields = ["q", "cohort", "status", "sort"]

    def search(self, queryset: QuerySet[Applicant], name: str, value: str) -> QuerySet[Applicant]:
        for word in value.split()[:5]:
            queryset = queryset.filter(Q(full_name__icontains=word) | Q(email__icontains=word))
        return queryset

    def sort_by(self, queryset: QuerySet[Applicant], name: str, value: str) -> QuerySet[Applicant]:
        return queryset  # applied in `filter_queryset`, also when no sort was chosen

    def filter_queryset(self, queryset: QuerySet[Applicant]) -> QuerySet[Applicant]:
        queryset = super().filter_queryset(queryset)
        sort = self.form.cleaned_data.get("sort") or "newest"
        return queryset.order_by(*SORTS.get(sort, SORTS["newest"])[1])
