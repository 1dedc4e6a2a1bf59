"""The reports' filters, sent by GET: a period, a cohort, an organisation, a
department, and what the outcome figures are grouped by."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Exists, OuterRef
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort
from labportal.accounts.models import Department, Organisation
from labportal.accounts.scope import ALL_ORGANISATIONS
from reports.figures import Filters

GROUP_CHOICES = [
    ("cohort", _("Cohort")),
    ("organisation", _("Organisation")),
    ("year", _("Year the programme ended")),
]


def organisation_options() -> list[tuple[str, str]]:
    """The organisations with something to report (a cohort they host or a department
    of theirs), as (value, name): one query."""
    hosts = Cohort.objects.filter(organisation=OuterRef("pk"))
    has_departments = Department.objects.filter(organisation=OuterRef("pk"))
    return [
        (str(pk), name)
        for pk, name in Organisation.objects.filter(Exists(hosts) | Exists(has_departments))
        .order_by("name", "pk")
        .values_list("pk", "name")
    ]


def _owner_of(model: type[Cohort] | type[Department], value: Any) -> str:
    """The organisation of the cohort or department `value` names, "" when none."""
    if not str(value or "").isdigit():
        return ""
    owner = model.objects.filter(pk=int(value)).values_list("organisation_id", flat=True).first()
    return str(owner or "")


class ReportFilterForm(forms.Form):
    """The filters, scoped to one organisation (`?organisation=<id>`) or to every one
    (`all`). Without a choice the scope is the organisation of the cohort or department
    asked for (an older link), else the user's own organisation when it has something
    to report, else every organisation. The cohorts and departments to choose from are
    the chosen organisation's, so the lists stay short whatever the data; one that is
    not in the list is refused with a message."""

    starts = forms.DateField(
        label=_("Period from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Programmes that ended in the period; ideas submitted in it."),
    )
    ends = forms.DateField(
        label=_("Period to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    organisation = forms.ChoiceField(
        label=_("Organisation"),
        required=False,
        error_messages={"invalid_choice": _("Choose an organisation from the list.")},
    )
    cohort = forms.ModelChoiceField(
        label=_("Cohort"),
        queryset=Cohort.objects.none(),
        required=False,
        error_messages={
            "invalid_choice": _("Choose a cohort of the chosen organisation from the list.")
        },
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        help_text=_("For the ideas per department."),
        error_messages={
            "invalid_choice": _("Choose a department of the chosen organisation from the list.")
        },
    )
    group = forms.ChoiceField(
        label=_("Outcomes per"), choices=GROUP_CHOICES, required=False, initial="cohort"
    )

    def __init__(self, data: QueryDict | dict[str, Any] | None = None, *, user: Any) -> None:
        params = data.copy() if isinstance(data, QueryDict) else QueryDict(mutable=True)
        if isinstance(data, dict):
            for key, value in data.items():
                params[key] = str(value)
        options = organisation_options()
        if not params.get("organisation"):
            params["organisation"] = self._default_scope(params, user, options)
        super().__init__(params)
        self.params = params
        self.organisation_choices = [(ALL_ORGANISATIONS, _("All organisations")), *options]
        cast(forms.ChoiceField, self.fields["organisation"]).choices = self.organisation_choices
        chosen = str(params.get("organisation", ""))
        self.scope_id: int | None = None
        self.cohorts = Cohort.objects.none()
        self.departments = Department.objects.none()
        if chosen.isdigit() and any(value == chosen for value, _name in options):
            self.scope_id = int(chosen)
            self.cohorts = Cohort.objects.filter(organisation_id=self.scope_id).order_by(
                "-starts_on", "name"
            )
            self.departments = Department.objects.filter(organisation_id=self.scope_id).order_by(
                "name"
            )
        cast("forms.ModelChoiceField[Cohort]", self.fields["cohort"]).queryset = self.cohorts
        cast(
            "forms.ModelChoiceField[Department]", self.fields["department"]
        ).queryset = self.departments

    @staticmethod
    def _default_scope(params: QueryDict, user: Any, options: list[tuple[str, str]]) -> str:
        asked = _owner_of(Cohort, params.get("cohort")) or _owner_of(
            Department, params.get("department")
        )
        if asked:
            return asked
        own = str(getattr(user, "organisation_id", None) or "")
        if any(value == own for value, _name in options):
            return own
        return ALL_ORGANISATIONS

    @property
    def is_all_organisations(self) -> bool:
        return self.scope_id is None

    def cohort_options(self) -> list[tuple[int, str]]:
        """The chosen organisation's cohorts, newest first; none for every organisation."""
        if self.scope_id is None:
            return []
        return list(self.cohorts.values_list("pk", "name"))

    def department_options(self) -> list[tuple[int, str]]:
        if self.scope_id is None:
            return []
        return list(self.departments.values_list("pk", "name"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts"), data.get("ends")
        if starts and ends and ends < starts:
            self.add_error("ends", _("The end of the period comes before its start."))
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        cohort = data.get("cohort")
        return Filters(
            starts=data.get("starts"),
            ends=data.get("ends"),
            cohort_id=cohort.pk if cohort else None,
            organisation_id=self.scope_id,
        )

    def department_id(self) -> int | None:
        department = self.cleaned_data.get("department")
        return department.pk if department else None

    def grouping(self) -> str:
        return self.cleaned_data.get("group") or "cohort"


class NamedExportForm(forms.Form):
    """A named export: why it is needed is kept in the audit log with it."""

    reason = forms.CharField(
        label=_("Why do you need names?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the audit log with who exported, when, the filters and the rows."),
        error_messages={"required": _("Give the reason for a named export.")},
    )
    file_format = forms.ChoiceField(
        label=_("Format"), choices=[("csv", "CSV"), ("xlsx", "XLSX")], initial="xlsx"
    )

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data["reason"]).strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason for a named export."))
        return reason


class HistoryExportForm(forms.Form):
    """The whole history, prepared in the background; with names only for admins."""

    file_format = forms.ChoiceField(
        label=_("Format"), choices=[("csv", "CSV"), ("xlsx", "XLSX")], initial="csv"
    )
    named = forms.BooleanField(label=_("With names (administrators)"), required=False)
    reason = forms.CharField(
        label=_("Why do you need names?"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, allow_named: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not allow_named:
            del self.fields["named"]
            del self.fields["reason"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("named") and not str(data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for a named export."))
        return data

    def errors_text(self) -> list[str]:
        return [str(error) for errors in self.errors.values() for error in errors]
