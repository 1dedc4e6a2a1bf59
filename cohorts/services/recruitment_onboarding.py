"""An accepted applicant becomes a trainee: when they accept the invitation the lab sent
on accepting them, they are enrolled in the cohort they applied to and their answers
and self-assessed skills become their profile, so that their skills are known before
day one.

Runs inside the transaction that creates the account (`labportal.accounts.events.
invitation_accepted`, received in `cohorts.receivers`): it commits or rolls back with
the account. What cannot be done must not cost the person their account: an enrolment
the enrolment service refuses (it would overlap another one, the cohort is full or
finished) or a skill retired since the application is left out, logged and written in
the applicant's history for the lead to settle by hand.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cohorts.models import Applicant, ApplicantEvent, ApplicantStatus, Enrolment
from cohorts.services.cohort_enrolments import enrol_trainee
from labportal.accounts.models import Invitation, User
from labportal.core.services import record_audit
from trainees.models import SkillRecord
from trainees.services.competence import add_skill
from trainees.services.profile import ensure_profile, update_profile

logger = logging.getLogger(__name__)


def _enrol(
    applicant: Applicant, invitation: Invitation, user: User
) -> tuple[Enrolment | None, str]:
    """Enrol `user` in the applicant's cohort on the cohort's dates, through the
    enrolment service acting as the lead who accepted them; returns the enrolment (None
    if it could not be made) and a line for the applicant's history naming why not."""
    cohort = applicant.cohort
    period = {
        "cohort": cohort.name,
        "start": date_format(cohort.starts_on, "SHORT_DATE_FORMAT"),
        "end": date_format(cohort.ends_on, "SHORT_DATE_FORMAT"),
    }
    existing = Enrolment.objects.filter(cohort=cohort, trainee=user).first()
    if existing is not None:
        return existing, _("Already enrolled in %(cohort)s.") % period
    reason = ""
    lead = invitation.invited_by
    try:
        if lead is None:
            raise PermissionDenied
        enrolment = enrol_trainee(actor=lead, cohort=cohort, trainee=user)
    except PermissionDenied:
        reason = _("the lead who accepted them can no longer enrol trainees.")
    except ValidationError as error:
        # e.g. the dates overlap another enrolment, or the cohort is full or finished
        reason = " ".join(error.messages)
    if reason:
        logger.warning(
            "Accepted applicant %s not enrolled in cohort %s: %s", applicant.pk, cohort.pk, reason
        )
        return None, _(
            "Not enrolled in %(cohort)s (%(start)s to %(end)s): %(reason)s Enrol them by hand."
        ) % {**period, "reason": reason}
    return enrolment, _("Enrolled in %(cohort)s from %(start)s to %(end)s.") % period


def _fill_profile(applicant: Applicant, user: User) -> None:
    """The applicant's answers as the trainee's profile; text already there stays."""
    profile = ensure_profile(actor=user, trainee=user)
    answers = {
        "background": applicant.background,
        "work_experience": applicant.work_experience,
        "languages": applicant.languages[:255],
        "wants_to_work_with": applicant.wants_to_work_with,
    }
    data = {field: value for field, value in answers.items() if not getattr(profile, field)}
    if any(data.values()):
        update_profile(actor=user, profile=profile, data=data, expected_version=profile.version)


def _carry_over_skills(applicant: Applicant, user: User) -> tuple[list[SkillRecord], list[str]]:
    """The applicant's skills as the trainee's own self-assessment: never validated."""
    records: list[SkillRecord] = []
    left_out: list[str] = []
    have = set(SkillRecord.objects.filter(trainee=user).values_list("skill_id", flat=True))
    for answer in applicant.skills.select_related("skill").order_by("skill__name_sv"):
        if not answer.skill.is_active or answer.skill_id in have:
            left_out.append(answer.skill.name)
            continue
        records.append(
            add_skill(actor=user, trainee=user, skill=answer.skill, self_level=answer.level)
        )
    return records, left_out


@transaction.atomic
def carry_over_applicant(*, invitation: Invitation, user: User) -> Applicant | None:
    """Enrol the new `user` (who just accepted `invitation`) in the cohort of the
    accepted applicant the invitation was made for, and write their background,
    earlier work, languages, wishes and self-assessed skills into their trainee
    profile, through the trainees' services acting as the new trainee (the profile is
    their own words). Returns the applicant, or None when the invitation was not made
    for one (most are not).

    Writes a line in the applicant's history (seen by the lead) saying what was done
    and what was left out, and an audit row. A second call changes nothing the first
    made: an existing enrolment, profile text and skills are kept as they are."""
    applicant = (
        Applicant.objects.select_for_update(of=("self",))
        .select_related("cohort", "invitation")
        .filter(invitation=invitation)
        .first()
    )
    if applicant is None:
        return None
    if applicant.status != ApplicantStatus.ACCEPTED:
        logger.warning(
            "Invitation %s accepted for applicant %s, who is not accepted",
            invitation.pk,
            applicant.pk,
        )
        return applicant
    # The history is the lab's: written in the installation's language.
    with translation.override(settings.LANGUAGE_CODE):
        enrolment, enrolment_line = _enrol(applicant, invitation, user)
        _fill_profile(applicant, user)
        records, left_out = _carry_over_skills(applicant, user)
        lines = [
            _("%(name)s created their account.") % {"name": user},
            enrolment_line,
            _("Background and %(count)s self-assessed skills carried over to the profile.")
            % {"count": len(records)},
        ]
        if left_out:
            lines.append(
                _("Not carried over (no longer in use, or already in the profile): %(skills)s.")
                % {"skills": ", ".join(left_out)}
            )
    ApplicantEvent.objects.create(
        applicant=applicant,
        actor=user,
        from_status=applicant.status,
        to_status=applicant.status,
        note="\n".join(lines),
    )
    record_audit(
        user,
        "applicant.carried_over",
        applicant,
        user=user.pk,
        enrolment=enrolment.pk if enrolment else None,
        skills=len(records),
        left_out=len(left_out),
    )
    return applicant
