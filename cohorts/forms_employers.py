"""Forms of the employer partners' pages: searching the partners, a contact, an open role
with its required skills, a role's status move, the "ending soon" page's order, and
sharing a trainee's summary. The services judge everything again on the locked rows
(`cohorts.services.employers`, `cohorts.services.placement`); the forms offer only whom
and what may be named, and keep every word on an error."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts import access
from cohorts.forms_planning import DateInput
from cohorts.models import ConsentMethod, EmployerContact, OpenRole, RoleStatus
from cohorts.services.employers import NOTE_LIMIT, Requirements
from labportal.accounts.models import Organisation
from labportal.core.models import Skill, SkillCategory
from trainees.models import CompetenceLevel

SKILL_PREFIX = "skill_"
ANY_LEVEL = "any"


class PartnerFilter(django_filters.FilterSet):
    """The partners' list: search by the organisation's or a contact's name."""

    q = django_filters.CharFilter(label=_("Search by name"), method="search")

    class Meta:
        model = Organisation
        fields = ["q"]

    def search(
        self, queryset: QuerySet[Organisation], name: str, value: str
    ) -> QuerySet[Organisation]:
        for word in value.split()[:5]:
            contact = EmployerContact.objects.filter(
                organisation=OuterRef("pk"), name__icontains=word
            )
            queryset = queryset.filter(Q(name__icontains=word) | Exists(contact))
        return queryset


class ContactForm(forms.ModelForm[EmployerContact]):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = EmployerContact
        fields = ["name", "title", "email", "phone", "notes", "is_active"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "title": _("For example: Head of development, recruiter."),
            "notes": _("Only the lab sees the notes."),
            "is_active": _("An inactive contact is kept but receives no summaries."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


@dataclass(frozen=True)
class SkillGroup:
    """A category of the vocabulary with the requirement fields of its skills."""

    label: str
    fields: list[forms.BoundField]


def _level_choices() -> list[tuple[str, Any]]:
    at_least = [
        (str(value), _("At least %(level)s") % {"level": label})
        for value, label in CompetenceLevel.choices
        if value > 1
    ]
    return [("", _("Not required")), (ANY_LEVEL, _("Required, any validated level")), *at_least]


def _initial_level(current: dict[int, int | None], skill_id: int) -> str:
    if skill_id not in current:
        return ""
    level = current[skill_id]
    return ANY_LEVEL if level is None else str(level)


class RoleForm(forms.ModelForm[OpenRole]):
    """An open role and, for each skill of the vocabulary, whether the role requires it
    and at which validated level at least."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = OpenRole
        fields = ["title", "description", "region", "closes_on", "contact"]
        widgets = {"closes_on": DateInput(), "description": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "region": _("Where the work is, for example Växjö or remote."),
            "closes_on": _("The role is matched with trainees until this day."),
            "contact": _("Who at the organisation answers for the role."),
        }

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role = self.instance
        current = {r.skill_id: r.min_level for r in role.requirements.all()} if role.pk else {}
        contacts = EmployerContact.objects.filter(organisation=organisation).filter(
            Q(is_active=True) | Q(pk=role.contact_id or 0)
        )
        contact = cast("forms.ModelChoiceField[EmployerContact]", self.fields["contact"])
        contact.queryset = contacts.order_by("name", "pk")
        contact.empty_label = _("Nobody named")
        if role.pk:
            self.fields["version"].initial = role.version
        # Skills in use, and retired ones the role already requires (kept as they are).
        self.skills = sorted(
            Skill.objects.filter(Q(is_active=True) | Q(pk__in=list(current))).only(
                "pk", "name_sv", "name_en", "category"
            ),
            key=lambda skill: skill.name.casefold(),
        )
        choices = _level_choices()
        for skill in self.skills:
            self.fields[f"{SKILL_PREFIX}{skill.pk}"] = forms.ChoiceField(
                label=skill.name,
                choices=choices,
                required=False,
                initial=_initial_level(current, skill.pk),
                widget=forms.Select(attrs={"class": "form-select"}),
            )

    def skill_groups(self) -> list[SkillGroup]:
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

    def requirements(self) -> Requirements:
        chosen: dict[int, int | None] = {}
        for name, value in self.cleaned_data.items():
            if name.startswith(SKILL_PREFIX) and value:
                chosen[int(name.removeprefix(SKILL_PREFIX))] = (
                    None if value == ANY_LEVEL else int(value)
                )
        return chosen


class RoleStatusForm(forms.Form):
    """A role's status button: where to, and the version the page showed."""

    target = forms.ChoiceField(choices=RoleStatus.choices, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PlacementSortForm(forms.Form):
    """The order of the "ending soon" page (sent by GET)."""

    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("ends", _("Soonest end first")),
            ("match", _("Best match first")),
            ("name", _("Name, A to Ö")),
        ],
    )

    def chosen(self) -> str:
        return str(self.cleaned_data.get("sort") or "ends") if self.is_valid() else "ends"


class ContactChoice(forms.ModelChoiceField[EmployerContact]):
    def label_from_instance(self, obj: EmployerContact) -> str:
        title = f", {obj.title}" if obj.title else ""
        return f"{obj.name}{title} – {obj.organisation.name} ({obj.email})"  # noqa: RUF001


class RoleChoice(forms.ModelChoiceField[OpenRole]):
    def label_from_instance(self, obj: OpenRole) -> str:
        return f"{obj.title} – {obj.organisation.name}"  # noqa: RUF001


class ShareForm(forms.Form):
    """Whom to send a trainee's summary, for which role, and the trainee's consent. Sent
    twice: to the confirmation page, which says exactly what is sent to whom, and from
    there (with its "confirm" button) to be sent."""

    contact = ContactChoice(
        label=_("Send to"),
        queryset=EmployerContact.objects.none(),
        empty_label=_("Choose…"),
        error_messages={"required": _("Choose the contact to send the summary to.")},
    )
    role = RoleChoice(
        label=_("For the open role"),
        queryset=OpenRole.objects.none(),
        required=False,
        empty_label=_("No particular role"),
    )
    language = forms.ChoiceField(
        label=_("Language of the summary and the email"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
    )
    consent_method = forms.ChoiceField(
        label=_("How the trainee gave their consent"),
        choices=ConsentMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Record how the trainee gave their consent.")},
    )
    consent_given_on = forms.DateField(
        label=_("Consent given on"),
        widget=DateInput(),
        error_messages={
            "required": _("Record the day the trainee gave their consent."),
            "invalid": _("Choose a valid date."),
        },
    )
    consent_note = forms.CharField(
        label=_("Note on the consent (optional)"),
        required=False,
        max_length=NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example what the trainee agreed to share, and with whom."),
    )

    def __init__(self, *args: Any, language: str, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"language": language, "consent_given_on": timezone.localdate()}
        )
        super().__init__(*args, **kwargs)
        contact = cast("ContactChoice", self.fields["contact"])
        contact.queryset = (
            access.shareable_contacts()
            .select_related("organisation")
            .order_by("organisation__name", "name", "pk")
        )
        role = cast("RoleChoice", self.fields["role"])
        role.queryset = (
            OpenRole.objects.filter(
                status=RoleStatus.OPEN,
                closes_on__gte=timezone.localdate(),
                organisation__in=access.partner_organisations().values("pk"),
            )
            .select_related("organisation")
            .order_by("organisation__name", "title", "pk")
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        contact, role = cleaned.get("contact"), cleaned.get("role")
        if contact and role and role.organisation_id != contact.organisation_id:
            self.add_error(
                "role",
                _("The role is at another organisation than %(organisation)s.")
                % {"organisation": contact.organisation.name},
            )
        return cleaned
