"""The lab's list of trainees: search by name or email, filter by skill and level,
and find the trainees whose skills wait for validation."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from labportal.accounts.models import User
from labportal.core.models import Skill
from trainees.models import SkillRecord

LEVEL_CHOICES = [
    (str(level), label)
    for level, label in (
        (1, _("Validated at level 1 or higher")),
        (2, _("Validated at level 2 or higher")),
        (3, _("Validated at level 3 or higher")),
        (4, _("Validated at level 4")),
    )
]


def _skills(request: Any) -> QuerySet[Skill]:
    return Skill.objects.order_by("name_sv") if request is not None else Skill.objects.none()


class TraineeFilter(django_filters.FilterSet):
    """Filters a queryset of trainees (users) the caller may list; always by name.

    A skill alone finds the trainees who have it in their profile at all; a level
    alone finds those with any skill validated at that level or higher; both
    together, that skill validated at that level or higher."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    skill = django_filters.ModelChoiceFilter(
        label=_("Skill"), queryset=_skills, method="by_skill", empty_label=_("Any skill")
    )
    level = django_filters.ChoiceFilter(
        label=_("Level"),
        choices=LEVEL_CHOICES,
        method="by_skill",
        empty_label=_("Any level"),
    )
    unvalidated = django_filters.ChoiceFilter(
        label=_("Validation"),
        choices=[("1", _("Has skills waiting for validation"))],
        method="waiting",
        empty_label=_("All trainees"),
    )

    class Meta:
        model = User
        fields = ["q", "skill", "level", "unvalidated"]

    def search(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        for word in value.split()[:10]:
            queryset = queryset.filter(Q(full_name__icontains=word) | Q(email__icontains=word))
        return queryset

    def by_skill(self, queryset: QuerySet[User], name: str, value: Any) -> QuerySet[User]:
        return queryset  # skill and level act together, in `filter_queryset`

    def waiting(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        waiting = SkillRecord.objects.filter(trainee=OuterRef("pk"), validated_level__isnull=True)
        return queryset.filter(Exists(waiting))

    def filter_queryset(self, queryset: QuerySet[User]) -> QuerySet[User]:
        queryset = super().filter_queryset(queryset)
        skill = self.form.cleaned_data.get("skill")
        level = self.form.cleaned_data.get("level")
        if skill or level:
            records = SkillRecord.objects.filter(trainee=OuterRef("pk"))
            if skill:
                records = records.filter(skill=skill)
            if level:
                records = records.filter(validated_level__gte=int(level))
            queryset = queryset.filter(Exists(records))
        return queryset.order_by("full_name", "email", "pk")
