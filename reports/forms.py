"""The reports' filters, sent by GET: a period, a cohort, an organisation, a
department, and what the outcome figures are grouped by."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort
from labportal.accounts.models import Department, Organisation
from reports.figures import Filters

GROUP_CHOICES = [
    ("cohort", _("Cohort")),
    ("organisation", _("Organisation")),
    ("year", _("Year the programme ended")),
]


class ReportFilterForm(forms.Form):
    starts = forms.DateField(
        label=_("Period from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Programmes that ended in the period; ideas submitted in it."),
    )
    ends = forms.DateField(
        label=_("Period to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    cohort = forms.ModelChoiceField(
        label=_("Cohort"), queryset=Cohort.objects.order_by("-starts_on"), required=False
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.order_by("name"), required=False
    )
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.select_related("organisation").order_by("name"),
        required=False,
        help_text=_("For the ideas per department."),
    )
    group = forms.ChoiceField(
        label=_("Outcomes per"), choices=GROUP_CHOICES, required=False, initial="cohort"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts"), data.get("ends")
        if starts and ends and ends < starts:
            self.add_error("ends", _("The end of the period comes before its start."))
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        cohort, organisation = data.get("cohort"), data.get("organisation")
        return Filters(
            starts=data.get("starts"),
            ends=data.get("ends"),
            cohort_id=cohort.pk if cohort else None,
            organisation_id=organisation.pk if organisation else None,
        )

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
