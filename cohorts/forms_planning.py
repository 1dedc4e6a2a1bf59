"""Forms of the planning board: the backlog's search, the match page's period, assigning,
changing and handing over an assignment, and its status moves. The services judge the
plan (`cohorts.services.planning`); the forms parse what was chosen and keep it on an
error. The team's checkboxes are drawn by the templates in the ranked list of trainees,
named "team" like the field."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort, Enrolment
from labportal.core.models import Skill
from prototypes.filters import swedish_prefix_query
from prototypes.models import Idea


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=DateInput(),
        error_messages={"required": _("Choose a date."), "invalid": _("Choose a valid date.")},
    )


def _check_period(form: forms.Form, cleaned: dict[str, Any]) -> None:
    starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        form.add_error("ends_on", _("The end comes before the start."))


def _skills(request: Any) -> QuerySet[Skill]:
    return Skill.objects.active() if request is not None else Skill.objects.none()


class BacklogFilter(django_filters.FilterSet):
    """The backlog beside the board: search the accepted ideas ready to plan, by words
    or by a skill they need; the oldest decision first."""

    q = django_filters.CharFilter(label=_("Search the ideas"), method="search")
    skill = django_filters.ModelChoiceFilter(
        label=_("Skill"), field_name="skills", queryset=_skills, empty_label=_("Any skill")
    )

    class Meta:
        model = Idea
        fields = ["q", "skill"]

    def search(self, queryset: QuerySet[Idea], name: str, value: str) -> QuerySet[Idea]:
        query = swedish_prefix_query(value)
        if query is None:
            return queryset
        found: QuerySet[Idea] = queryset.filter(search_vector=query)
        return found

    def filter_queryset(self, queryset: QuerySet[Idea]) -> QuerySet[Idea]:
        filtered: QuerySet[Idea] = super().filter_queryset(queryset)
        return filtered.order_by("decided_at", "pk")


class PeriodForm(forms.Form):
    """The match page's question: who is free when, in which cohort (sent by GET)."""

    idea = forms.IntegerField(widget=forms.HiddenInput)
    month = forms.CharField(widget=forms.HiddenInput, required=False)
    starts_on = _date_field(_("Planned start"))
    ends_on = _date_field(_("Planned end"))
    cohort = forms.ModelChoiceField(
        label=_("Cohort"),
        queryset=Cohort.objects.none(),
        required=False,
        empty_label=_("Every cohort running then"),
    )

    def __init__(self, *args: Any, cohorts: QuerySet[Cohort], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _check_period(self, cleaned)
        return cleaned


class TeamForm(forms.Form):
    """A team and a period, with the lead's choice to pass over the warnings."""

    team = forms.ModelMultipleChoiceField(
        label=_("Team"),
        # Any enrolment: the service names what is wrong with one (left early, another
        # cohort, not enrolled during the period).
        queryset=Enrolment.objects.select_related("trainee"),
        error_messages={"required": _("Choose at least one trainee.")},
    )
    starts_on = _date_field(_("Planned start"))
    ends_on = _date_field(_("Planned end"))
    assign_anyway = forms.BooleanField(
        label=_("Plan it anyway, despite the warnings"), required=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _check_period(self, cleaned)
        return cleaned

    def chosen_ids(self) -> set[int]:
        """The enrolments ticked, also when the form has errors (to tick them again)."""
        values = self.data.getlist("team") if hasattr(self.data, "getlist") else []
        return {int(value) for value in values if str(value).isdigit()}


class AssignForm(TeamForm):
    idea = forms.IntegerField(widget=forms.HiddenInput)
    month = forms.CharField(widget=forms.HiddenInput, required=False)
    cohort = forms.ModelChoiceField(
        label=_("Cohort"),
        queryset=Cohort.objects.all(),
        error_messages={"required": _("Choose the cohort.")},
    )
    field_order = ["idea", "month", "cohort", "starts_on", "ends_on", "team", "assign_anyway"]


class AssignmentUpdateForm(TeamForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class HandoverForm(TeamForm):
    cohort = forms.ModelChoiceField(
        label=_("The cohort that takes over"),
        queryset=Cohort.objects.all(),
        error_messages={"required": _("Choose the cohort.")},
    )
    handover_notes = forms.CharField(
        label=_("Handover notes"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the next team needs to know: state, decisions, accounts, next steps."),
        error_messages={"required": _("Write what the next team needs to know.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class HandoverCohortForm(forms.Form):
    """Which cohort's trainees to choose from (sent by GET, before the handover)."""

    cohort = forms.ModelChoiceField(
        label=_("The cohort that takes over"), queryset=Cohort.objects.none(), required=False
    )

    def __init__(self, *args: Any, cohorts: QuerySet[Cohort], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts  # type: ignore[attr-defined]


class CancelPlanForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the department sees it)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Give a reason for cancelling.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class MoveForm(forms.Form):
    target = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note (optional)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


def handover_defaults(
    today: datetime.date, cohort_ends_on: datetime.date, ends_on: datetime.date
) -> dict[str, datetime.date]:
    """Start two weeks before the old cohort ends (the teams overlap), never in the past;
    end when the old plan ended, or eight weeks on."""
    start = max(today, cohort_ends_on - datetime.timedelta(weeks=2))
    return {"starts_on": start, "ends_on": max(ends_on, start + datetime.timedelta(weeks=8))}
