"""Recruitment: an application sent from the public page, and the lab's screening of it
(new → shortlisted → interviewed → offered → accepted, or declined with a reason).

Invariants every write here keeps:

- An application is saved whole or not at all: the applicant, their skills, the first
  screening step, the audit row and the confirmation email in one transaction.
- One application per address and cohort: a second one is dropped without a trace
  the sender could see (the caller shows the same thank-you page), so the page never
  tells whether an address is known. The cohort's row is locked meanwhile, so two
  sends at once cannot both pass the check, and a cohort closed a moment ago takes
  nothing.
- Every field has a hard size limit, checked here as well as in the form.
- Every status change goes through `cohorts.workflow.APPLICANT_MOVES`, judged on the
  locked row, against the version the lead's page showed; it writes an
  ApplicantEvent and an audit row. Accepting invites the applicant as a trainee
  (`labportal.accounts.services.invite_user`) in the same transaction; their answers
  become the trainee's profile when they accept (`recruitment_onboarding`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cohorts import access, workflow
from cohorts.models import Applicant, ApplicantEvent, ApplicantSkill, ApplicantStatus, Cohort
from labportal.accounts.models import Role, User
from labportal.accounts.services import invite_user
from labportal.core.models import Skill
from labportal.core.outbox import queue_email
from labportal.core.services import record_audit
from trainees.models import CompetenceLevel

logger = logging.getLogger(__name__)

# The most a field of an application may hold (the form shows the same limits).
FIELD_LIMITS = {
    "full_name": 150,
    "email": 254,
    "phone": 40,
    "background": 4000,
    "work_experience": 4000,
    # A trainee profile's languages hold 255 characters; the answer becomes that.
    "languages": 255,
    "wants_to_work_with": 4000,
}
CONSENT_TEXT_LIMIT = 4000


def consent_text(cohort: Cohort, language: str) -> str:
    """The consent the applicant gives, in `language`: shown on the form and stored
    with the application exactly as shown."""
    months = settings.APPLICANT_RETENTION_MONTHS
    with translation.override(language):
        return ngettext(
            "I agree that %(organisation)s stores the answers in this application so that "
            "the lab can choose trainees for %(cohort)s. Only the lab reads them. If I am "
            "not given a place, my application is deleted %(months)s month after the "
            "decision, or after the end of the cohort if no decision is made. I may ask "
            "the lab to delete it earlier.",
            "I agree that %(organisation)s stores the answers in this application so that "
            "the lab can choose trainees for %(cohort)s. Only the lab reads them. If I am "
            "not given a place, my application is deleted %(months)s months after the "
            "decision, or after the end of the cohort if no decision is made. I may ask "
            "the lab to delete it earlier.",
            months,
        ) % {"organisation": cohort.organisation.name, "cohort": cohort.name, "months": months}


NOTE_LIMIT = 2000


@dataclass(frozen=True)
class Answers:
    """What an applicant wrote on the public form."""

    full_name: str
    email: str
    phone: str
    language: str
    background: str
    work_experience: str
    languages: str
    wants_to_work_with: str


def _clean_answers(answers: Answers) -> dict[str, str]:
    values = {name: value.strip() for name, value in asdict(answers).items()}
    values["email"] = values["email"].lower()
    errors = {
        name: _("This is too long: at most %(limit)s characters.") % {"limit": limit}
        for name, limit in FIELD_LIMITS.items()
        if len(values[name]) > limit
    }
    if not values["full_name"]:
        errors["full_name"] = _("Write your name.")
    if not values["email"]:
        errors["email"] = _("Write your email address.")
    if values["language"] not in dict(settings.LANGUAGES):
        errors["language"] = _("Choose a language.")
    if errors:
        raise ValidationError(errors, code="invalid")
    return values


def _chosen_skills(skills: Mapping[int, int]) -> list[tuple[Skill, int]]:
    if any(level not in CompetenceLevel.values for level in skills.values()):
        raise ValidationError(_("Choose a level from 1 to 4."), code="level")
    # Only skills in use: one retired while the form was open is left out.
    found = Skill.objects.active().filter(pk__in=list(skills)).order_by("pk")
    return [(skill, skills[skill.pk]) for skill in found]


@transaction.atomic
def submit_application(
    *, cohort: Cohort, answers: Answers, skills: Mapping[int, int], consent_text: str
) -> Applicant | None:
    """Save an application to a recruiting cohort with the applicant's self-assessed
    skills ({skill pk: level}) and the consent text exactly as it was shown, and queue
    a confirmation email to the applicant; returns the new applicant.

    Nobody is signed in: the audit row has no actor. A second application from the
    same address to the same cohort changes nothing, sends nothing and returns None;
    the caller answers it exactly like a new one. A cohort that stopped recruiting
    refuses the application with a ValidationError."""
    locked = (
        Cohort.objects.select_for_update(no_key=True, of=("self",))
        .select_related("organisation")
        .get(pk=cohort.pk)
    )
    if not locked.is_recruiting:
        raise ValidationError(
            _("%(cohort)s no longer takes applications.") % {"cohort": locked.name},
            code="closed",
        )
    values = _clean_answers(answers)
    consent_text = consent_text.strip()
    if not consent_text or len(consent_text) > CONSENT_TEXT_LIMIT:
        raise ValidationError({"consent": _("The consent text is missing.")}, code="consent")
    if Applicant.objects.filter(cohort=locked, email=values["email"]).exists():
        logger.info("A second application to cohort %s from a known address: ignored", locked.pk)
        return None
    chosen = _chosen_skills(skills)
    applicant = Applicant.objects.create(
        cohort=locked, consent_text=consent_text, consented_at=timezone.now(), **values
    )
    ApplicantSkill.objects.bulk_create(
        ApplicantSkill(applicant=applicant, skill=skill, level=level) for skill, level in chosen
    )
    ApplicantEvent.objects.create(applicant=applicant, to_status=ApplicantStatus.NEW)
    record_audit(None, "applicant.applied", applicant, cohort=locked.pk, skills=len(chosen))
    queue_email(
        key=f"application-received:{applicant.pk}",
        to=applicant.email,
        template="application_received",
        context={
            "applicant": applicant,
            "cohort": locked,
            "retention_months": settings.APPLICANT_RETENTION_MONTHS,
        },
        language=applicant.language,
    )
    return applicant


# Screening -------------------------------------------------------------------------------
def status_label(value: str) -> str:
    if value in ApplicantStatus.values:
        return str(ApplicantStatus(value).label)
    return value


def available_moves(user: User, applicant: Applicant) -> list[workflow.Move]:
    """The moves the page offers `user` from the applicant's status now."""
    if not access.can_move_applicant(user, applicant):
        return []
    return workflow.moves_from(workflow.APPLICANT_MOVES, applicant.status)


def stale_applicant_error() -> ValidationError:
    return ValidationError(
        _(
            "Someone else moved this applicant while you had the page open. Your note is "
            "still in the form: look at the applicant's status and history again, then decide."
        ),
        code="conflict",
    )


def _lock_applications_of_the_address(applicant: Applicant) -> None:
    """Lock every application from the applicant's address, in one order. Two of them
    (to two cohorts) accepted at once would each invite the address, and both links
    would work; this way the second acceptance waits and then supersedes the first
    one's invitation, as `invite_user` does one after the other."""
    email = Applicant.objects.filter(pk=applicant.pk).values_list("email", flat=True).first()
    list(
        Applicant.objects.select_for_update(of=("self",))
        .filter(email=email)
        .order_by("pk")
        .values_list("pk")
    )


@transaction.atomic
def move_applicant(
    *, actor: User, applicant: Applicant, target: str, note: str = "", expected_version: int
) -> Applicant:
    """Move the applicant to `target` as the status table allows; returns the saved row.

    Judged on the locked row: the lab only; a page older than the row's version is
    refused as a conflict (nothing written); a move the table lacks, or a decline
    without a reason, is refused with a message. Accepting (offered → accepted)
    invites the applicant as a trainee of the cohort's host organisation, in their
    language, and links the invitation; an address that already has an account (or
    a waiting invitation only an admin may change) refuses the whole move. Accepting
    and declining set `decided_at`, from which the retention period counts."""
    if target == ApplicantStatus.ACCEPTED:
        _lock_applications_of_the_address(applicant)
    locked = (
        Applicant.objects.select_for_update(of=("self",))
        .select_related("cohort__organisation")
        .get(pk=applicant.pk)
    )
    if not access.can_move_applicant(actor, locked):
        raise PermissionDenied
    if locked.version != expected_version:
        raise stale_applicant_error()
    move = workflow.require(workflow.APPLICANT_MOVES, locked.status, target, status_label)
    note = workflow.check_note(move, note)
    if len(note) > NOTE_LIMIT:
        raise ValidationError(
            {"note": _("This is too long: at most %(limit)s characters.") % {"limit": NOTE_LIMIT}}
        )
    source = locked.status
    fields = ["status", "version", "updated_at"]
    if target == ApplicantStatus.ACCEPTED:
        invitation, _token = invite_user(
            actor=actor,
            email=locked.email,
            role=Role.TRAINEE,
            organisation=locked.cohort.organisation,
            full_name=locked.full_name,
            language=locked.language,
        )
        locked.invitation = invitation
        fields.append("invitation")
    if target == ApplicantStatus.DECLINED:
        locked.decline_reason = note
        fields.append("decline_reason")
    if target in (ApplicantStatus.ACCEPTED, ApplicantStatus.DECLINED):
        locked.decided_at = timezone.now()
        fields.append("decided_at")
    locked.status = target
    locked.version += 1
    locked.save(update_fields=fields)
    ApplicantEvent.objects.create(
        applicant=locked, actor=actor, from_status=source, to_status=target, note=note
    )
    record_audit(actor, "applicant.moved", locked, source=source, target=target)
    return locked
