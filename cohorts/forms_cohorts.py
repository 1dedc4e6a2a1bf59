"""Forms of the cohort pages: a cohort, its status buttons, enrolling a trainee and
changing the enrolment, leaving early, and rotation periods. The services check
everything again on the locked rows; the forms offer only whom and what may be named."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cohorts import access
from cohorts.models import Cohort, CohortStatus, Enrolment
from cohorts.services.cohorts import check_cohort_dates
from labportal.accounts.models import Organisation, User
from trainees.forms_milestones import DateInput


def _or_current(queryset: Any, current: list[int]) -> Any:
    """Whom the form offers: the allowed ones, and those already named (kept as they
    are; the services refuse only newly named ones)."""
    return queryset.model.objects.filter(Q(pk__in=queryset.values("pk")) | Q(pk__in=current))


class CohortForm(forms.ModelForm[Cohort]):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Cohort
        fields = [
            "name",
            "organisation",
            "served_organisations",
            "starts_on",
            "ends_on",
            "capacity",
            "lab_lead",
            "supervisors",
            "education_target_percent",
            "notes",
            "application_intro",
        ]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "served_organisations": forms.CheckboxSelectMultiple,
            "supervisors": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 4}),
            "application_intro": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "capacity": _("How many trainees the cohort takes at most."),
            "lab_lead": _("The lab's contact for this cohort."),
            "application_intro": _(
                "Shown on the public application page while the cohort is recruiting."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        is_new = instance.pk is None
        current_served = [] if is_new else [o.pk for o in instance.served_organisations.all()]
        current_supervisors = [] if is_new else [p.pk for p in instance.supervisors.all()]
        active = Organisation.objects.filter(is_active=True)
        fields = self.fields
        host = cast("forms.ModelChoiceField[Organisation]", fields["organisation"])
        host.queryset = _or_current(active, [instance.organisation_id] if not is_new else [])
        served = cast(
            "forms.ModelMultipleChoiceField[Organisation]", fields["served_organisations"]
        )
        served.queryset = _or_current(active, current_served)
        lead = cast("forms.ModelChoiceField[User]", fields["lab_lead"])
        lead.queryset = _or_current(
            access.lead_candidates(), [instance.lab_lead_id] if instance.lab_lead_id else []
        )
        supervisors = cast("forms.ModelMultipleChoiceField[User]", fields["supervisors"])
        supervisors.queryset = _or_current(access.supervisor_candidates(), current_supervisors)
        if not is_new:
            fields["version"].initial = instance.version

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on:
            try:
                check_cohort_dates(starts_on, ends_on)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


class CohortStatusForm(forms.Form):
    """A status button: the target, and the status the user saw (so that a change made
    meanwhile by someone else is not overwritten blindly)."""

    target = forms.ChoiceField(choices=CohortStatus.choices)
    seen = forms.ChoiceField(choices=CohortStatus.choices)


class _EnrolmentDates(forms.Form):
    starts_on = forms.DateField(label=_("Starts"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends"), widget=DateInput())
    supervisors = forms.ModelMultipleChoiceField(
        label=_("Supervisors of this trainee"),
        queryset=access.supervisor_candidates(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Besides the cohort's own supervisors."),
    )


class EnrolmentForm(_EnrolmentDates):
    """Enrolling a trainee: active trainees not yet in this cohort; the cohort's dates
    unless the trainee joins late or stays longer."""

    trainee = forms.ModelChoiceField(
        label=_("Trainee"), queryset=access.enrollable_trainees(), empty_label=_("Choose…")
    )
    field_order = ["trainee", "starts_on", "ends_on", "supervisors"]

    def __init__(self, *args: Any, cohort: Cohort, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"starts_on": cohort.starts_on, "ends_on": cohort.ends_on})
        super().__init__(*args, **kwargs)
        trainee = cast("forms.ModelChoiceField[User]", self.fields["trainee"])
        trainee.queryset = access.enrollable_trainees().exclude(enrolments__cohort=cohort)
        self.fields["starts_on"].help_text = _(
            "The cohort's start, or later for a trainee who joins late."
        )
        self.fields["ends_on"].help_text = _(
            "The cohort's end, or later for a trainee who stays longer."
        )


class EnrolmentEditForm(_EnrolmentDates):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, enrolment: Enrolment, **kwargs: Any) -> None:
        current = [p.pk for p in enrolment.supervisors.all()]
        kwargs.setdefault(
            "initial",
            {
                "starts_on": enrolment.starts_on,
                "ends_on": enrolment.ends_on,
                "supervisors": current,
                "version": enrolment.version,
            },
        )
        super().__init__(*args, **kwargs)
        supervisors = cast("forms.ModelMultipleChoiceField[User]", self.fields["supervisors"])
        supervisors.queryset = _or_current(access.supervisor_candidates(), current)


class LeaveForm(forms.Form):
    left_on = forms.DateField(
        label=_("Last day"),
        widget=DateInput(),
        help_text=_("The enrolment ends on this day."),
    )
    reason = forms.CharField(
        label=_("Reason for leaving early"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Seen by the lab and the trainee only."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, enrolment: Enrolment, today: datetime.date, **kwargs: Any
    ) -> None:
        last = min(max(today, enrolment.starts_on), enrolment.ends_on - datetime.timedelta(days=1))
        kwargs.setdefault("initial", {"left_on": last, "version": enrolment.version})
        super().__init__(*args, **kwargs)


class RotationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=access.rotation_organisations(),
        empty_label=_("Choose…"),
        help_text=_("A partner company or a municipality."),
    )
    starts_on = forms.DateField(label=_("Starts"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
