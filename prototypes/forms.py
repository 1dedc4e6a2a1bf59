from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from labportal.core.models import Skill
from prototypes.attachments import ACCEPT_ATTRIBUTE, max_bytes, validate_attachment
from prototypes.models import (
    CONTENT_FIELDS,
    Adoption,
    AffectedUsers,
    BenefitKind,
    BenefitSize,
    DataAccess,
    Evaluation,
    Idea,
    PrototypeRecord,
)
from prototypes.workflow import REQUIRED_TO_SUBMIT

# Questions without a sensible default: the empty choice asks to choose.
CHOOSE_FIRST: dict[str, type[models.TextChoices]] = {
    "affected_users": AffectedUsers,
    "benefit_kind": BenefitKind,
    "benefit_size": BenefitSize,
    "data_access": DataAccess,
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked on its own."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        cleaned = [super(MultipleFileField, self).clean(item, initial) for item in files]
        errors: list[ValidationError] = []
        for upload in cleaned:
            try:
                validate_attachment(upload)
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return cleaned


class IdeaForm(forms.ModelForm):
    """The department's idea, short and guided: each field says what a good answer holds."""

    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text="",  # set in __init__: it names the current size limit
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Idea
        fields = list(CONTENT_FIELDS)
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 4}),
            "affected_description": forms.Textarea(attrs={"rows": 2}),
            "improvement": forms.Textarea(attrs={"rows": 4}),
            "benefit_description": forms.Textarea(attrs={"rows": 3}),
            "success_measure": forms.Textarea(attrs={"rows": 2}),
            "result_users": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "title": _("A few words, e.g. “Digital application for parking permits”."),
            "problem": _(
                "What is hard, slow or error-prone today? E.g. “We type 300 paper "
                "applications a month into the case system by hand.”"
            ),
            "affected_users": _("Who meets the problem: staff, citizens or both."),
            "affected_description": _(
                "E.g. “12 administrators and about 3,000 applicants a year”."
            ),
            "improvement": _(
                "What would be different if it were solved? You don't need a solution: "
                "describe the better day."
            ),
            "benefit_kind": _("The most important gain."),
            "benefit_size": _(
                "A rough guess is enough. Small: hours a month. Medium: days a month. "
                "Large: weeks a month, or a visible change for citizens."
            ),
            "benefit_description": _("E.g. “about 20 hours a month less typing, fewer errors”."),
            "urgency": _("When does the department need a first version?"),
            "contact_person": _("Who the lab can ask. Your own name if you leave it empty."),
            "data_access": _("Does the prototype need data or access to a system?"),
            "success_measure": _("E.g. “the time per application is halved”."),
            "result_users": _("Who will use the prototype, and who will own it afterwards."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _(
            "PDF, images or office documents, at most %(size)s each. You can choose several."
        ) % {"size": filesizeformat(max_bytes())}
        for name, choices in CHOOSE_FIRST.items():
            field = cast(forms.ChoiceField, self.fields[name])
            field.choices = [("", _("Choose…")), *choices.choices]
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        # Needed to submit but not to save a draft: the service decides, the label tells.
        for name in REQUIRED_TO_SUBMIT[1:]:  # the title is needed even for a draft
            self.fields[name].label = _("%(label)s (needed to submit)") % {
                "label": capfirst(self.fields[name].label)
            }


class TransitionForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(self, *args: Any, note_required: bool, note_label: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].required = note_required
        self.fields["note"].label = note_label


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}))
    ask_for_information = forms.BooleanField(
        label=_("This is a question: set the status to “Needs information” until they answer"),
        required=False,
        initial=True,
    )

    def __init__(self, *args: Any, can_ask: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_ask:
            del self.fields["ask_for_information"]


class TriageForm(forms.Form):
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills needed"),
        queryset=Skill.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Hold Ctrl (or Cmd) to choose several."),
    )
    size_weeks = forms.IntegerField(
        label=_("Estimated size (weeks of one trainee)"),
        min_value=1,
        max_value=104,
        required=False,
    )
    ready_to_plan = forms.BooleanField(
        label=_("Ready to plan"),
        required=False,
        help_text=_("Accepted, sized and clear enough to be given to a cohort."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, idea: Idea, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "skills": list(idea.skills.all()),
                "size_weeks": idea.size_weeks,
                "ready_to_plan": idea.ready_to_plan,
                "version": idea.version,
            },
        )
        super().__init__(*args, **kwargs)
        # Retired skills stay selectable only where the idea already has them.
        skills = cast(forms.ModelMultipleChoiceField, self.fields["skills"])
        skills.queryset = Skill.objects.filter(
            pk__in=[s.pk for s in Skill.objects.active()] + [s.pk for s in idea.skills.all()]
        )
        if not idea.is_accepted:
            self.fields["ready_to_plan"].disabled = True
            self.fields["ready_to_plan"].help_text = _("Accept the idea first.")


class PrototypeRecordForm(forms.ModelForm):
    class Meta:
        model = PrototypeRecord
        fields = ["working_title", "repository_url", "demo_url", "deliverables", "handover_notes"]
        widgets = {
            "deliverables": forms.Textarea(attrs={"rows": 4}),
            "handover_notes": forms.Textarea(attrs={"rows": 6}),
        }


class EvaluationForm(forms.ModelForm):
    benefit_realised = forms.TypedChoiceField(
        label=_("How much of the expected benefit was realised?"),
        choices=[
            ("", _("Choose…")),
            (1, _("1 (none)")),
            (2, _("2 (little)")),
            (3, _("3 (some)")),
            (4, _("4 (most)")),
            (5, _("5 (all or more)")),
        ],
        coerce=int,
    )
    adoption = forms.ChoiceField(
        label=_("Will it be taken into use or procured?"),
        choices=[("", _("Choose…")), *Adoption.choices],
    )

    class Meta:
        model = Evaluation
        fields = ["benefit_realised", "adoption", "comments"]
        widgets = {"comments": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"comments": _("What worked, what did not, what happens next.")}
