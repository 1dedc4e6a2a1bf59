"""The form of a follow-up, answered by a former trainee from an email without signing
in. It parses what was typed; the service (`clean_outcome`) judges the answer as a
whole, e.g. that a job names its employer, and its message is shown on the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from trainees.models import EmploymentType, OutcomeCategory


class FollowUpAnswerForm(forms.Form):
    """What the former trainee does now and, for a job or a business, its details. The
    employer's fields are optional here: only the service knows when they are needed."""

    category = forms.ChoiceField(
        label=_("What do you do now?"),
        choices=OutcomeCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what you do now.")},
    )
    employer = forms.CharField(
        label=_("Employer or business"),
        max_length=200,
        required=False,
        help_text=_("Needed if you work or run a business of your own."),
    )
    role = forms.CharField(
        label=_("Your role"), max_length=200, required=False, help_text=_("E.g. web developer.")
    )
    region = forms.CharField(
        label=_("Region"),
        max_length=100,
        required=False,
        help_text=_("The municipality or region where you work or study."),
    )
    starts_on = forms.DateField(
        label=_("Start date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Choose a valid date.")},
    )
    employment_type = forms.ChoiceField(
        label=_("Type of employment"),
        choices=[("", _("Choose…")), *EmploymentType.choices],
        required=False,
    )
    via_lab_network = forms.BooleanField(
        label=_("The lab's network helped me get it"), required=False
    )

    def answer(self) -> dict[str, Any]:
        """The cleaned values, named as the service takes them."""
        return {name: self.cleaned_data[name] for name in self.fields}
