from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import django_filters
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from labportal.accounts.models import Department
from labportal.core.models import Skill
from prototypes.access import is_lab
from prototypes.models import BenefitSize, Idea, IdeaStatus, Urgency

AGE_CHOICES = [
    ("7", _("Waiting more than a week")),
    ("30", _("Waiting more than a month")),
    ("90", _("Waiting more than three months")),
]

SORTS: dict[str, tuple[Any, list[Any]]] = {
    "newest": (_("Newest first"), [F("submitted_at").desc(nulls_first=True), "-pk"]),
    "oldest": (_("Oldest first"), [F("submitted_at").asc(nulls_last=True), "pk"]),
    "benefit": (_("Largest benefit first"), ["-benefit_size", "-submitted_at", "-pk"]),
    "urgency": (_("Most urgent first"), ["-urgency", "-submitted_at", "-pk"]),
    "title": (_("Title, A to Ö"), ["title", "pk"]),
    "relevance": (_("Best match (when searching)"), []),
}


def _departments(request: Any) -> QuerySet:
    if request is None:
        return Department.objects.none()
    return Department.objects.visible_to(request.user).select_related("organisation")


def _skills(request: Any) -> QuerySet:
    return Skill.objects.active() if request is not None else Skill.objects.none()


def swedish_prefix_query(text: str) -> SearchQuery | None:
    """Every word must match the start of a (stemmed) word in the idea.

    Swedish writes compounds as one word, so plain full-text search would not find
    "parkeringstillstånd" for "parkering"; matching word beginnings does. Only word
    characters reach the query, so nothing a user types can break its syntax."""
    words = re.findall(r"\w+", text)[:10]
    if not words:
        return None
    return SearchQuery(
        " & ".join(f"{word}:*" for word in words), config="swedish", search_type="raw"
    )


class IdeaFilter(django_filters.FilterSet):
    """The idea inbox: the lab filters everything; department staff the same minus
    the department (they only see their own). The queryset given is already limited
    to what the user may see (`prototypes.access.visible_ideas`).

    The list is always in an explicit order, so that pages never overlap: the chosen
    sort, or the best match first when searching."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text=_(
            "Finds words that begin with what you type: parkering finds parkeringstillstånd."
        ),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=IdeaStatus.choices, empty_label=_("All statuses")
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Department"), queryset=_departments, empty_label=_("All departments")
    )
    benefit_size = django_filters.ChoiceFilter(
        label=_("Benefit"), choices=BenefitSize.choices, empty_label=_("Any benefit")
    )
    urgency = django_filters.ChoiceFilter(
        label=_("Urgency"), choices=Urgency.choices, empty_label=_("Any urgency")
    )
    skill = django_filters.ModelChoiceFilter(
        label=_("Skill"), field_name="skills", queryset=_skills, empty_label=_("Any skill")
    )
    age = django_filters.ChoiceFilter(
        label=_("Age"), choices=AGE_CHOICES, method="older_than", empty_label=_("Any age")
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort"),
        choices=[(key, label) for key, (label, _order) in SORTS.items()],
        method="sort_by",
        empty_label=None,
        null_label=None,
    )

    class Meta:
        model = Idea
        fields = ["q", "status", "department", "benefit_size", "urgency", "skill", "age", "sort"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None and not is_lab(user):
            del self.filters["department"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        query = swedish_prefix_query(value)
        if query is None:
            return queryset
        return queryset.filter(search_vector=query).annotate(
            rank=SearchRank(F("search_vector"), query)
        )

    def older_than(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(submitted_at__lt=timezone.now() - timedelta(days=int(value)))

    def sort_by(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset  # applied in `filter_queryset`, after every filter, so that rank exists

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        sort = self.form.cleaned_data.get("sort")
        # Ranked only when the search had words to look for ("-" alone has none).
        searching = "rank" in queryset.query.annotations
        if searching and sort in ("relevance", "", None):
            return queryset.order_by("-rank", "-pk")
        order = SORTS.get(sort or "newest", SORTS["newest"])[1] or SORTS["newest"][1]
        return queryset.order_by(*order)
