"""Every model field that holds personal data, with its category, its legal basis
and what anonymising it does; and every other field, named as not personal.

One table serves three readers: the access request (`privacy.access_request`
collects a person's rows through `ModelEntry.people`), the retention decisions and
erasure (`privacy.erasure` anonymises field by field as `PersonalField.anonymise`
says, or deletes the rows of a category) and the test that fails when a model
gains a field nobody classified (tests/privacy/test_registry.py).

`people` are lookup paths from a row to the user it is about or was written by,
e.g. ``"trainee"`` or ``"log__trainee"``; an applicant (no account) is reached
through the model ``cohorts.Applicant`` itself (see `ModelEntry.applicant`).

Path conventions: ``"pk"`` names the row itself (``accounts.User`` has
``people=("pk",)``, ``cohorts.Applicant`` has ``applicant="pk"``), so that every
path works the same way in ``Model.objects.filter(**{f"{path}__in": ids})``.
`ModelEntry.emails` are paths to an email address that names the person when no
account links the row to them (an invitation, an application, an email sent).

Fields are named as in ``Model._meta`` (a foreign key by its name, not ``_id``);
many-to-many fields are classified too. A foreign key to a person is personal with
`Anonymise.KEEP`: the person's own row is what anonymising changes."""

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
    # A credential or a link key (password hash, token, nonce, secret): classified
    # like any other field, but never exported in an access request nor shown.
    secret: bool = False


@dataclass(frozen=True)
class ModelEntry:
    """One model: its personal fields, the fields that are not personal, and the
    paths from a row to the people it concerns."""

    label: str  # "app_label.ModelName"
    personal: dict[str, PersonalField] = field(default_factory=dict)
    not_personal: frozenset[str] = frozenset()
    people: tuple[str, ...] = ()
    applicant: str | None = None  # lookup path to cohorts.Applicant, if any
    emails: tuple[str, ...] = ()  # lookup paths to an address that names the person
    note: str = ""  # why the model is classified as it is, where not obvious

    @property
    def fields(self) -> frozenset[str]:
        """Every field this entry classifies, personal or not."""
        return frozenset(self.personal) | self.not_personal

    @property
    def secret_fields(self) -> frozenset[str]:
        return frozenset(name for name, spec in self.personal.items() if spec.secret)


# Filled in by model: see the module docstring. Keep it in INSTALLED_APPS order.
REGISTRY: dict[str, ModelEntry] = {}

# Installed apps whose models hold nobody's personal data, with the reason; every
# other installed model must have an entry (tests/privacy/test_registry.py).
OUT_OF_SCOPE_APPS: dict[str, str] = {
    "auth": "Permissions and groups: unused, the role on the user decides; no person.",
    "contenttypes": "The names of the models; no person.",
    "sites": "The site's domain and name; no person.",
    "django_celery_beat": "Schedules of the periodic tasks and their last runs; no person.",
}


def entry_for(label: str) -> ModelEntry:
    return REGISTRY[label]


def classifiable_fields(model: type[models.Model]) -> frozenset[str]:
    """The fields an entry must classify: the concrete ones and the many-to-many."""
    names = {f.name for f in model._meta.concrete_fields}
    names.update(f.name for f in model._meta.local_many_to_many)
    return frozenset(names)


def registry_problems(
    registry: dict[str, ModelEntry], model_list: list[type[models.Model]]
) -> list[str]:
    """What is wrong with `registry` for the installed `model_list`: models and
    fields nobody classified, fields classified twice or not existing, entries for
    models that do not exist, and people/applicant/email paths that do not lead to
    the user, to ``cohorts.Applicant`` or to an email field. Empty when all is well."""
    from privacy.registry_checks import registry_problems as check

    return check(registry, model_list)


# The entries live in one module per group of apps; they import the classes above,
# so they are read last.
from privacy.registry_entries import ENTRIES  # noqa: E402

REGISTRY.update((entry.label, entry) for entry in ENTRIES)
