"""Forms of coaching milestones and their types (kept apart from the other trainee
forms, one module per capability)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from trainees.models import MilestoneStatus, MilestoneType


class DateInput(forms.DateInput):
    """The browser's own date picker; the value stays ISO (YYYY-MM-DD) without JavaScript."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class MilestoneForm(forms.Form):
    """Adding a milestone for a trainee: every kind in use is offered; a kind the trainee
    already has is refused by the service with a message on this field."""

    type = forms.ModelChoiceField(
        label=_("Milestone"),
        queryset=MilestoneType.objects.filter(is_active=True),
        empty_label=_("Choose…"),
    )
    due_on = forms.DateField(label=_("Due"), widget=DateInput())
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class MilestoneEditForm(forms.Form):
    due_on = forms.DateField(label=_("Due"), widget=DateInput())
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class MilestoneStatusForm(forms.Form):
    """A status button: the target, and the status the user saw (so a change made
    meanwhile by someone else is not overwritten blindly)."""

    target = forms.ChoiceField(choices=MilestoneStatus.choices)
    seen = forms.ChoiceField(choices=MilestoneStatus.choices)


class MilestoneTypeForm(forms.ModelForm[MilestoneType]):
    class Meta:
        model = MilestoneType
        fields = ["name_sv", "name_en", "position", "is_active"]
        help_texts = {
            "position": _("Lower numbers come first. The six standard ones use 10 to 60."),
            "is_active": _("A kind no longer in use stays on the milestones that have it."),
        }
