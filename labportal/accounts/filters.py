from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from labportal.accounts.models import Department, Invitation, Organisation, Role, User


def _search(fields: list[str]):  # noqa: ANN202
    def method(queryset: QuerySet, name: str, value: str) -> QuerySet:
        query = Q()
        for field in fields:
            query |= Q(**{f"{field}__icontains": value})
        return queryset.filter(query)

    return method


class UserFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search name or email"), method=_search(["full_name", "email"])
    )
    role = django_filters.ChoiceFilter(
        label=_("Role"), choices=Role.choices, empty_label=_("All roles")
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Department"),
        queryset=lambda request: Department.objects.visible_to(request.user).select_related(
            "organisation"
        ),
        empty_label=_("All departments"),
    )
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = User
        fields = ["q", "role", "department", "is_active"]


class InvitationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search email or name"), method=_search(["email", "full_name"])
    )
    role = django_filters.ChoiceFilter(
        label=_("Role"), choices=Role.choices, empty_label=_("All roles")
    )

    class Meta:
        model = Invitation
        fields = ["q", "role"]


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method=_search(["name", "organisation_number"])
    )

    class Meta:
        model = Organisation
        fields = ["q", "kind"]
