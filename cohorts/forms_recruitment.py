"""Forms of recruitment: the public application (with the skills of the vocabulary and
the consent text as shown) and a move in the lab's screening. The services judge; the
forms check what can be checked without the database and keep every word on an error,
except a value far beyond its limit, which is not sent back to the browser."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.http import QueryDict
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from cohorts.models import ApplicantStatus, Cohort
from cohorts.services.recruitment import FIELD_LIMITS, NOTE_LIMIT, Answers, consent_text
from labportal.core.models import Skill, SkillCategory
from trainees.models import CompetenceLevel

SKILL_PREFIX = "skill_"
# A value longer than this many times its limit is not typed by a person; it is not
# echoed back in the page that refuses it.
ECHO_FACTOR = 2

single_line = RegexValidator(
    r"^[^\x00-\x1f\x7f]*$",
    message=_("Write this on one line, without special characters."),
    code="control_characters",
)
phone_number = RegexValidator(
    r"^[0-9+()\-\s]*$",
    message=_("Write a phone number with digits, for example 070-123 45 67."),
    code="phone",
)


def _too_long() -> dict[str, Any]:
    return {
        "max_length": _(
            "This is too long: at most %(limit_value)d characters (it has %(show_value)d)."
        )
    }


@dataclass(frozen=True)
class SkillGroup:
    """A category of the vocabulary with the level fields of its skills."""

    label: str
    fields: list[forms.BoundField]


class ApplicationForm(forms.Form):
    full_name = forms.CharField(
        label=_("Name"),
        max_length=FIELD_LIMITS["full_name"],
        validators=[single_line],
        error_messages=_too_long(),
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=FIELD_LIMITS["email"],
        help_text=_("We write to you here about your application."),
        error_messages=_too_long(),
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=FIELD_LIMITS["phone"],
        validators=[phone_number],
        error_messages=_too_long(),
    )
    language = forms.ChoiceField(
        label=_("Language of our emails to you"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
    )
    background = forms.CharField(
        label=_("Education"),
        required=False,
        max_length=FIELD_LIMITS["background"],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Courses, degrees and certificates."),
        error_messages=_too_long(),
    )
    work_experience = forms.CharField(
        label=_("Earlier work"),
        required=False,
        max_length=FIELD_LIMITS["work_experience"],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Jobs, internships and voluntary work, with the years."),
        error_messages=_too_long(),
    )
    languages = forms.CharField(
        label=_("Languages"),
        required=False,
        max_length=FIELD_LIMITS["languages"],
        validators=[single_line],
        help_text=_("For example: Swedish, Arabic."),
        error_messages=_too_long(),
    )
    wants_to_work_with = forms.CharField(
        label=_("What I want to work with"),
        max_length=FIELD_LIMITS["wants_to_work_with"],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The kind of work or tasks you want, e.g. web development or data analysis."),
        error_messages=_too_long(),
    )
    consent = forms.BooleanField(
        label=_("I agree"),
        error_messages={"required": _("You can apply only if you agree.")},
    )
    # The language the consent text was shown in, so that exactly that text is stored.
    shown_language = forms.ChoiceField(choices=settings.LANGUAGES, widget=forms.HiddenInput)

    def __init__(self, *args: Any, cohort: Cohort, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        current = translation.get_language() or settings.LANGUAGE_CODE
        current = current if current in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        self.fields["language"].initial = current
        self.fields["shown_language"].initial = current
        shown = self.data.get("shown_language") if self.is_bound else current
        self.consent_language = str(shown) if shown in dict(settings.LANGUAGES) else current
        self.consent_text = consent_text(cohort, self.consent_language)
        self.skills = sorted(
            Skill.objects.active().only("pk", "name_sv", "name_en", "category"),
            key=lambda skill: skill.name.casefold(),
        )
        self.levels = [str(label) for _value, label in CompetenceLevel.choices]
        level_choices = [("", _("Not chosen")), *CompetenceLevel.choices]
        for skill in self.skills:
            self.fields[f"{SKILL_PREFIX}{skill.pk}"] = forms.TypedChoiceField(
                label=skill.name,
                choices=level_choices,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.Select(attrs={"class": "form-select"}),
            )

    def skill_groups(self) -> list[SkillGroup]:
        """The level fields by category, in the vocabulary's order of categories."""
        groups = []
        for category, label in SkillCategory.choices:
            fields = [
                self[f"{SKILL_PREFIX}{skill.pk}"]
                for skill in self.skills
                if skill.category == category
            ]
            if fields:
                groups.append(SkillGroup(label=str(label), fields=fields))
        return groups

    def answers(self) -> Answers:
        data = self.cleaned_data
        return Answers(**{name: data.get(name) or "" for name in Answers.__dataclass_fields__})

    def chosen_skills(self) -> dict[int, int]:
        return {
            int(name.removeprefix(SKILL_PREFIX)): level
            for name, level in self.cleaned_data.items()
            if name.startswith(SKILL_PREFIX) and level is not None
        }

    def forget_oversized(self) -> None:
        """Empty the fields sent far beyond their limit before the form is shown again:
        their error stays, but a megabyte is not sent back to the browser."""
        data = cast("QueryDict", self.data).copy()
        for name, field in self.fields.items():
            limit = getattr(field, "max_length", None)
            if limit and len(str(data.get(name, ""))) > limit * ECHO_FACTOR:
                data[name] = ""
        self.data = data


class ApplicantMoveForm(forms.Form):
    """One move of the screening: where to, a note (the reason, for a decline) and the
    version of the applicant the page showed."""

    target = forms.ChoiceField(choices=ApplicantStatus.choices, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages=_too_long(),
    )

    def __init__(self, *args: Any, note_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if note_required:
            self.fields["note"].required = True
            self.fields["note"].label = _("Reason")
            self.fields["note"].help_text = _("Kept with the application; only the lab sees it.")
            self.fields["note"].error_messages["required"] = _(
                "Give a reason: it is kept with the application."
            )
