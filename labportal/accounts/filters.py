from __future__ import annotations

from typing import Any, cast

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from labportal.accounts.models import Department, Invitation, Organisation, Role, User


def _search(fields: list[str]):  # noqa: ANN202
    def method(queryset: QuerySet, name: str, value: str) -> QuerySet:
        query = Q()
        for field in fields:
            query |= Q(**{f"{field}__icontains": value})
        return queryset.filter(query)

    return method


def organisation_filter() -> django_filters.ChoiceFilter:
    """The organisation a list is narrowed to; its choices are set per request."""
    return django_filters.ChoiceFilter(
        label=_("Organisation"),
        method="by_organisation",
        empty_label=_("All organisations"),
        error_messages={"invalid_choice": _("Choose an organisation from the list.")},
    )


def department_filter() -> django_filters.ModelChoiceFilter:
    """A department of the chosen organisation; its queryset is set per request."""
    return django_filters.ModelChoiceFilter(
        label=_("Department"),
        queryset=Department.objects.none(),
        help_text=_("Choose an organisation first: the list shows its departments."),
        error_messages={
            "invalid_choice": _("Choose a department of the chosen organisation from the list.")
        },
    )


class OrganisationScopedDepartments(django_filters.FilterSet):
    """An `organisation` filter, and a `department` filter whose options are only the
    chosen organisation's: a select of every department in the country was most of a
    list page (1,741 options), so without an organisation it offers none. A link with
    a department and no organisation (an older one) implies that department's."""

    # The list's path from its rows to their organisation.
    organisation_lookup = "organisation_id"

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(data, *args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is None:
            return
        if not self.offers_scope(user):
            del self.filters["organisation"], self.filters["department"]
            return
        departments = Department.objects.visible_to(user)
        params: Any = data or {}  # what FilterSet keeps as `self.data`
        asked = str(params.get("department") or "")
        if not params.get("organisation") and asked.isdigit():
            owner = departments.filter(pk=int(asked)).values_list("organisation_id", flat=True)
            implied = owner.first()
            if implied is not None:
                params = params.copy() if isinstance(params, QueryDict) else dict(params)
                params["organisation"] = str(implied)
                self.data = params
        has_departments = Exists(departments.filter(organisation=OuterRef("pk")))
        options = [
            (str(pk), name)
            for pk, name in Organisation.objects.visible_to(user)
            .filter(has_departments)
            .order_by("name", "pk")
            .values_list("pk", "name")
        ]
        self.filters["organisation"].extra["choices"] = options
        chosen = str(params.get("organisation") or "")
        department = cast(django_filters.ModelChoiceFilter, self.filters["department"])
        if any(value == chosen for value, _name in options):
            department.queryset = departments.filter(organisation_id=int(chosen)).order_by("name")
            department.extra["empty_label"] = _("Any department")
            department.extra["help_text"] = _("The departments of the chosen organisation.")
        else:
            department.queryset = Department.objects.none()
            department.extra["empty_label"] = _("Choose an organisation first")

    def offers_scope(self, user: Any) -> bool:
        return True

    def by_organisation(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{self.organisation_lookup: int(value)})


class UserFilter(OrganisationScopedDepartments):
    q = django_filters.CharFilter(
        label=_("Search name or email"), method=_search(["full_name", "email"])
    )
    role = django_filters.ChoiceFilter(
        label=_("Role"), choices=Role.choices, empty_label=_("All roles")
    )
    organisation = organisation_filter()
    department = department_filter()
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = User
        fields = ["q", "role", "organisation", "department", "is_active"]


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
