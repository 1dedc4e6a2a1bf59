"""Every model field that holds personal data, with its category, its legal basis
and what anonymising it does; and every other field, named as not personal.

One table serves three readers: the access request (`privacy.access_request`
collects a person's rows through `ModelEntry.people`), the retention decisions and
erasure (`privacy.erasure` anonymises field by field as `PersonalField.anonymise`
says, or deletes the rows of a category) and the test that fails when a model
gains a field nobody classified (tests/privacy/test_registry.py).

`people` are lookup paths from a row to the user it is about or was written by,
e.g. ``"trainee"`` or ``"log__trainee"``; an applicant (no account) is reached
through the model ``cohorts.Applicant`` itself (see `ModelEntry.applicant`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """The categories a retention decision is made for (one rule per category)."""

    ACCOUNT = "account", _("Account and contact details")
    PROFILE = "profile", _("Trainee profile")
    PROGRAMME = "programme", _("Enrolments, placements and teams")
    PROGRESS = "progress", _("Weekly logs and milestones")
    COMPETENCE = "competence", _("Skills and their validation")
    OUTCOME = "outcome", _("Outcomes, consents and follow-ups")
    APPLICATION = "application", _("Applications to a cohort")
    CONTRIBUTION = "contribution", _("Ideas, comments and evaluations written")
    EMPLOYER_CONTACT = "employer_contact", _("Employer partners' contacts")
    COMMUNICATION = "communication", _("Emails sent")
    SECURITY = "security", _("Audit and security log")


class Basis(models.TextChoices):
    """Legal basis under GDPR art. 6 (and art. 9 where it applies)."""

    PUBLIC_TASK = "public_task", _("Task in the public interest (art. 6.1 e)")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation (art. 6.1 c)")
    CONSENT = "consent", _("Consent (art. 6.1 a)")
    CONTRACT = "contract", _("Contract (art. 6.1 b)")


class Anonymise(models.TextChoices):
    """What anonymising does to one field."""

    BLANK = "blank", _("emptied")  # "" for text, None for nullable fields, {} for JSON
    REMOVED = "removed", _("replaced by 'removed person'")
    PLACEHOLDER = "placeholder", _("replaced by a unique placeholder")  # unique fields, e.g. email
    KEEP = "keep", _("kept (not identifying on its own; counts in the statistics)")


@dataclass(frozen=True)
class PersonalField:
    category: Category
    basis: Basis
    anonymise: Anonymise = Anonymise.BLANK
    purpose: str = ""


@dataclass(frozen=True)
class ModelEntry:
    """One model: its personal fields, the fields that are not personal, and the
    paths from a row to the people it concerns."""

    label: str  # "app_label.ModelName"
    personal: dict[str, PersonalField] = field(default_factory=dict)
    not_personal: frozenset[str] = frozenset()
    people: tuple[str, ...] = ()
    applicant: str | None = None  # lookup path to cohorts.Applicant, if any


# Filled in by model: see the module docstring. Keep it in INSTALLED_APPS order.
REGISTRY: dict[str, ModelEntry] = {}


def entry_for(label: str) -> ModelEntry:
    return REGISTRY[label]
