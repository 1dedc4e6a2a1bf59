from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from labportal.core.models import AuditEntry, Skill, SkillCategory


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


class AuditEntryFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(
        label=_("Who (email)"), field_name="actor__email", lookup_expr="icontains"
    )
    action = django_filters.CharFilter(label=_("Action"), lookup_expr="startswith")
    created_after = django_filters.DateFilter(
        label=_("From date"), field_name="created_at", lookup_expr="date__gte"
    )

    class Meta:
        model = AuditEntry
        fields = ["actor", "action", "created_after"]
