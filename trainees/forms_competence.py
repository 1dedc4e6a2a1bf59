"""Forms of the competence capability: the trainee's profile and self-assessment,
the lab's reference contact and validation. The services judge; the forms check
what can be checked without the database and keep every word on an error."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from labportal.core.models import Skill
from prototypes.attachments import ACCEPT_ATTRIBUTE, max_bytes, validate_attachment
from trainees import access
from trainees.models import CompetenceLevel, TraineeProfile, ValidationMethod
from trainees.services.profile import PROFILE_FIELDS


class ProfileForm(forms.ModelForm[TraineeProfile]):
    """The trainee's own words: background, earlier work, languages, wishes."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = TraineeProfile
        fields = list(PROFILE_FIELDS)
        widgets = {
            "background": forms.Textarea(attrs={"rows": 4}),
            "work_experience": forms.Textarea(attrs={"rows": 4}),
            "wants_to_work_with": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "work_experience": _("Jobs, internships and voluntary work, with the years."),
            "wants_to_work_with": _(
                "The kind of work or tasks you want after the programme, e.g. web development."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version


class ReferenceContactForm(forms.Form):
    reference_contact = forms.ModelChoiceField(
        label=_("The lab's reference contact"),
        queryset=access.reference_contacts(),
        required=False,
        empty_label=_("No one yet"),
        help_text=_("The person at the lab an employer may call for a reference."),
    )


class LevelField(forms.TypedChoiceField):
    """The four levels as radio buttons, each with its description."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("choices", CompetenceLevel.choices)
        kwargs.setdefault("widget", forms.RadioSelect)
        super().__init__(coerce=int, **kwargs)


class SkillAssessmentForm(forms.Form):
    """A skill in the trainee's profile: the level they judge they have, and evidence.

    `skill` only when adding; `seen` and `remove_file` only when editing."""

    skill = forms.ModelChoiceField(
        label=_("Skill"),
        queryset=Skill.objects.none(),
        empty_label=_("Choose…"),
    )
    self_level = LevelField(label=_("My level"))
    evidence_link = forms.URLField(
        label=_("Link to evidence"),
        required=False,
        assume_scheme="https",
        help_text=_("E.g. code you wrote, a course certificate or a portfolio."),
    )
    evidence_file = forms.FileField(
        label=_("Evidence file"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )
    remove_file = forms.BooleanField(label=_("Remove the current file"), required=False)
    evidence_note = forms.CharField(
        label=_("Note on evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Where and how you used the skill, in a few sentences."),
    )
    seen = forms.CharField(widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, adding: bool, has_file: bool = False, seen: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence_file"].help_text = _(
            "PDF, images or office documents, at most %(size)s."
        ) % {"size": filesizeformat(max_bytes())}
        if adding:
            skill_field = cast("forms.ModelChoiceField[Skill]", self.fields["skill"])
            skill_field.queryset = Skill.objects.active().order_by("name_sv")
            del self.fields["seen"], self.fields["remove_file"]
        else:
            del self.fields["skill"]
            self.fields["seen"].initial = seen
            if not has_file:
                del self.fields["remove_file"]

    def clean_evidence_file(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("evidence_file")
        if upload:
            validate_attachment(upload)
        return upload or None


class ValidationForm(forms.Form):
    """The lab's assessment of a skill: level, how it was assessed and on what."""

    validated_level = LevelField(label=_("Validated level"))
    validation_method = forms.ChoiceField(
        label=_("How you assessed it"),
        choices=ValidationMethod.choices,
        widget=forms.RadioSelect,
    )
    validation_evidence = forms.CharField(
        label=_("Evidence"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What you based the assessment on, e.g. “Built the booking form in the parking "
            "permit prototype on their own.”"
        ),
    )
    seen = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, seen: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seen"].initial = seen
