"""Forms of placement outcomes and consent to follow-ups (one module per capability).

The service (`trainees.services.outcomes`) judges what belongs together (an employer
for work, none for job seeking); these forms check what needs no database and keep
every word typed when the service refuses."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from labportal.accounts.models import Organisation, OrganisationKind
from trainees.forms_milestones import DateInput
from trainees.models import EmploymentType, Outcome, OutcomeCategory


class OutcomeForm(forms.ModelForm[Outcome]):
    """Where the trainee stands at a point after an enrolment, as the lab records it.

    The form never saves: the view hands `cleaned_data` to `record_outcome` with the
    `version` it showed, so that a correction made meanwhile is not overwritten."""

    category = forms.ChoiceField(
        label=_("Outcome"), choices=OutcomeCategory.choices, widget=forms.RadioSelect
    )
    employment_type = forms.ChoiceField(
        label=_("Type of employment"),
        choices=[("", _("Not stated")), *EmploymentType.choices],
        required=False,
    )
    partner = forms.ModelChoiceField(
        label=_("Employer partner"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("None of the partners"),
        help_text=_("When the job came through one of the lab's partner organisations."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Outcome
        fields = [
            "category",
            "employer",
            "role",
            "region",
            "starts_on",
            "employment_type",
            "via_lab_network",
            "partner",
            "note",
        ]
        widgets = {
            "starts_on": DateInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "employer": _("For work: the employer, or the name of the trainee's own business."),
            "region": _("Where the work or the studies are, e.g. the municipality."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Active partners, and the one already named even if it is no longer active, so
        # that correcting an old outcome does not silently drop its partner.
        partners = Q(kind=OrganisationKind.PARTNER, is_active=True)
        if self.instance.partner_id:
            partners |= Q(pk=self.instance.partner_id)
        partner_field = cast("forms.ModelChoiceField[Organisation]", self.fields["partner"])
        partner_field.queryset = Organisation.objects.filter(partners).order_by("name")
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def outcome_data(self) -> dict[str, Any]:
        """The values for `record_outcome` (without the version)."""
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class ConsentForm(forms.Form):
    """Yes or no to follow-ups: the trainee's own decision, or what they told the lab."""

    given = forms.TypedChoiceField(
        label=_("Do you agree to follow-ups?"),
        choices=[("yes", _("Yes, I agree to follow-ups")), ("no", _("No follow-ups"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, for_lab: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if for_lab:
            given = cast("forms.TypedChoiceField", self.fields["given"])
            given.label = _("What the trainee told the lab")
            given.choices = [
                ("yes", _("They agree to follow-ups")),
                ("no", _("They want no follow-ups")),
            ]
