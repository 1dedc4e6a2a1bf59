from __future__ import annotations

import math
import re
from datetime import timedelta
from typing import Any, cast

import django_filters
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from labportal.accounts.filters import (
    OrganisationScopedDepartments,
    department_filter,
    organisation_filter,
)
from labportal.core.models import Skill
from prototypes.access import is_lab
from prototypes.models import BenefitSize, Idea, IdeaStatus, Urgency

AGE_CHOICES = [
    ("7", _("Waiting more than a week")),
    ("30", _("Waiting more than a month")),
    ("90", _("Waiting more than three months")),
]

# How a search finds its matches (see `IdeaFilter.filter_queryset`): a word is common
# when at least COMMON_SHARE of the newest PROBE_ROWS filtered ideas match it. At one in
# ten, reading in date order and the GIN index read about as many rows for a page; far
# from it, one of them is much cheaper.
PROBE_ROWS = 200
COMMON_SHARE = 0.1
# Relevance ranks at most the newest RANK_WINDOW matches of a common word (found among
# the newest few hundred ideas); a rare word's matches, up to RARE_MATCHES, are all ranked.
RANK_WINDOW = 200
RARE_MATCHES = 1000
# The search vector in an expression its GIN index cannot serve (see `_common_word`).
UNINDEXED_VECTOR = Coalesce(F("search_vector"), Cast(Value(""), SearchVectorField()))

SORTS: dict[str, tuple[Any, list[Any]]] = {
    "newest": (_("Newest first"), [F("submitted_at").desc(nulls_first=True), "-pk"]),
    "oldest": (_("Oldest first"), [F("submitted_at").asc(nulls_last=True), "pk"]),
    "benefit": (_("Largest benefit first"), ["-benefit_size", "-submitted_at", "-pk"]),
    "urgency": (_("Most urgent first"), ["-urgency", "-submitted_at", "-pk"]),
    "title": (_("Title, A to Ö"), ["title", "pk"]),
    "relevance": (_("Best match (when searching)"), []),
}


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


class IdeaFilter(OrganisationScopedDepartments):
    """The idea inbox: the lab filters everything (a department once an organisation
    is chosen, see `OrganisationScopedDepartments`); department staff the same minus
    the organisation and department (they only see their own). The queryset given is already limited
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
    organisation = organisation_filter()
    department = department_filter()
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
        fields = [
            "q",
            "status",
            "organisation",
            "department",
            "benefit_size",
            "urgency",
            "skill",
            "age",
            "sort",
        ]

    organisation_lookup = "department__organisation_id"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Set again by `filter_queryset`: how the list was searched, and what it counts.
        self.search_query: SearchQuery | None = None
        self.matching: QuerySet = cast(QuerySet, self.queryset)
        self.ranked_only_newest = False
        self.rank_window = RANK_WINDOW

    def offers_scope(self, user: Any) -> bool:
        # Department staff see only their department's ideas: neither select is theirs.
        return is_lab(user)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Only remembered: `filter_queryset` searches after the other filters, so that
        # it can choose how to find the matches among what they leave.
        self.search_query = swedish_prefix_query(value)
        return queryset

    def older_than(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(submitted_at__lt=timezone.now() - timedelta(days=int(value)))

    def sort_by(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset  # applied in `filter_queryset`, after every filter, so that rank exists

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        self.search_query = None
        self.ranked_only_newest = False
        self.rank_window = RANK_WINDOW
        filtered = super().filter_queryset(queryset)
        sort = self.form.cleaned_data.get("sort")
        order = SORTS.get(sort or "newest", SORTS["newest"])[1] or SORTS["newest"][1]
        query = self.search_query
        # Every match, unordered: what the page counts (up to a cap).
        self.matching = filtered
        if query is None:
            return filtered.order_by(*order)
        # Ranked only when the search had words to look for ("-" alone has none).
        by_rank = sort in ("relevance", "", None)
        share = self._share_matching(filtered, query)
        if share and share >= COMMON_SHARE:
            return self._common_word(filtered, query, order, by_rank, share)
        return self._rare_word(filtered, query, order, by_rank)

    def _share_matching(self, filtered: QuerySet, query: SearchQuery) -> float:
        """The share of the newest PROBE_ROWS filtered ideas that match.

        PostgreSQL cannot tell a common search word from a rare one: it guesses the
        same 2 % for every prefix query ("parkering:*"). So it read every match of a
        common word from the GIN index (tens of thousands) to show 25, and walked the
        whole table in date order looking for a rare word's few matches."""
        probe = (
            filtered.order_by(*SORTS["newest"][1])
            .annotate(hit=ExpressionWrapper(Q(search_vector=query), output_field=BooleanField()))
            .values("hit")[:PROBE_ROWS]
        )
        seen = probe.aggregate(hits=Count("hit", filter=Q(hit=True)), rows=Count("*"))
        return float(seen["hits"] / seen["rows"]) if seen["rows"] else 0.0

    def _common_word(
        self, filtered: QuerySet, query: SearchQuery, order: list[Any], by_rank: bool, share: float
    ) -> QuerySet:
        """Read in the list's order and test each idea: at least one in ten matches,
        so a page is found within a few hundred rows. The match is written so that
        the GIN index cannot serve it (the planner would choose it otherwise)."""
        self.matching = filtered.alias(unindexed_vector=UNINDEXED_VECTOR).filter(
            unindexed_vector=query
        )
        if not by_rank:
            return self.matching.order_by(*order)
        # The newest RANK_WINDOW matches, read in date order (no search condition the
        # planner could use instead), then ranked: ranking reads each ranked row's
        # search vector, and ranking every match of a common word read them all.
        scan = filtered.order_by(*SORTS["newest"][1]).annotate(
            hit=ExpressionWrapper(Q(search_vector=query), output_field=BooleanField())
        )
        # As many rows as should hold RANK_WINDOW matches at the share the probe saw.
        rows = math.ceil(RANK_WINDOW / max(share, COMMON_SHARE) * 1.25)
        read = list(scan.values_list("pk", "hit")[:rows])
        ids = [pk for pk, hit in read if hit][:RANK_WINDOW]
        # Said on the page whenever older ideas were left unread, so none go missing unseen.
        self.ranked_only_newest = len(read) == rows
        return self._ranked(ids, query)

    def _rare_word(
        self, filtered: QuerySet, query: SearchQuery, order: list[Any], by_rank: bool
    ) -> QuerySet:
        """Collect the matches from the GIN index; there are few, so every one is
        ranked or sorted, as before."""
        matching = filtered.filter(search_vector=query)
        ids = list(matching.order_by().values_list("pk", flat=True)[: RARE_MATCHES + 1])
        if len(ids) <= RARE_MATCHES:
            # By their ids, so that the planner knows how few they are.
            self.matching = cast(QuerySet, self.queryset).filter(pk__in=ids)
            return self._ranked(ids, query) if by_rank else self.matching.order_by(*order)
        # Neither rare nor common (one idea in 20, say): the planner's choice, with
        # relevance bounded to the newest matches.
        self.matching = matching
        if not by_rank:
            return matching.order_by(*order)
        self.ranked_only_newest = True
        newest = matching.order_by(*SORTS["newest"][1]).values("pk")[:RANK_WINDOW]
        return self._ranked(newest, query)

    def _ranked(self, ids: Any, query: SearchQuery) -> QuerySet:
        return (
            cast(QuerySet, self.queryset)
            .filter(pk__in=ids)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-pk")
        )
