"""Who may see and do what with a trainee's journey: the app's one door.

Views, services, filters, tasks and start-page panels ask these functions; nothing
is protected by hiding a link. Invariants:

- The LAB (admins and lab leads) sees every trainee's profile, competence, logs and
  milestones, validates skills, comments on logs and manages milestones.
- A TRAINEE sees and writes their own profile, self-assessment and logs, and sees
  their own milestones and summary; nobody else's.
- A SUPERVISOR (handledare) is a person named on a cohort or an enrolment
  (`Cohort.supervisors`, `Enrolment.supervisors`). Whatever their role, they see and
  comment on the progress logs of those trainees, and nothing else about people.
  The relation is read through the reverse names of the string foreign keys, so
  this module never imports `cohorts`.
- Outcomes and follow-ups: the LAB records outcomes and sees everyone's; a trainee
  sees their own outcome history and decides about follow-ups themselves (the lab
  may record a decision it was told). Supervisors and department staff see none.
- Department staff never see logs or competence.
- Every rule is false for anonymous and inactive users. What a user may not see
  answers 404 (`get_*_for_user`), so the existence of another trainee's record is
  not revealed.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from labportal.accounts.models import Role, User
from trainees.models import ConsentChannel, Milestone, Outcome, ProgressLog, SkillRecord

Anyone = Any  # a User or AnonymousUser

LAB_ROLES = (Role.ADMIN, Role.LAB_LEAD)


def _is_active(user: Anyone) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_lab(user: Anyone) -> bool:
    return _is_active(user) and user.role in LAB_ROLES


def is_trainee(user: Anyone) -> bool:
    return _is_active(user) and user.role == Role.TRAINEE


# Querysets ------------------------------------------------------------------------------
def trainees_visible_to(user: Anyone) -> QuerySet[User]:
    """Trainees whose progress logs `user` may read (the lab all, a supervisor theirs,
    a trainee themselves)."""
    trainees: QuerySet[User] = User.objects.filter(role=Role.TRAINEE)
    if not _is_active(user):
        return trainees.none()
    if is_lab(user):
        return trainees
    if user.role == Role.TRAINEE:
        return trainees.filter(pk=user.pk)
    # Two subqueries, not one join ORed over both ways of supervising: PostgreSQL
    # answers each from its index instead of joining every enrolment to both.
    by_cohort = User.objects.filter(enrolments__cohort__supervisors=user).values("pk")
    by_enrolment = User.objects.filter(enrolments__supervisors=user).values("pk")
    return trainees.filter(Q(pk__in=by_cohort) | Q(pk__in=by_enrolment))


def logs_visible_to(user: Anyone) -> QuerySet[ProgressLog]:
    if not _is_active(user):
        return ProgressLog.objects.none()
    if is_lab(user):
        return ProgressLog.objects.all()
    return ProgressLog.objects.filter(trainee__in=trainees_visible_to(user).values("pk"))


def skill_records_visible_to(user: Anyone) -> QuerySet[SkillRecord]:
    if is_lab(user):
        return SkillRecord.objects.all()
    if is_trainee(user):
        return SkillRecord.objects.filter(trainee=user)
    return SkillRecord.objects.none()


def milestones_visible_to(user: Anyone) -> QuerySet[Milestone]:
    if is_lab(user):
        return Milestone.objects.all()
    if is_trainee(user):
        return Milestone.objects.filter(trainee=user)
    return Milestone.objects.none()


# Rules ----------------------------------------------------------------------------------
def can_see_journey(user: Anyone, trainee: User) -> bool:
    """Profile, competence, milestones and summary of `trainee`."""
    return is_lab(user) or (is_trainee(user) and user.pk == trainee.pk)


def can_edit_own_profile(user: Anyone, trainee: User) -> bool:
    """Background, wishes and the self-assessment are the trainee's own words."""
    return is_trainee(user) and user.pk == trainee.pk


def can_validate(user: Anyone, trainee: User) -> bool:
    return is_lab(user) and trainee.role == Role.TRAINEE


def can_set_reference_contact(user: Anyone) -> bool:
    return is_lab(user)


def can_write_log(user: Anyone, trainee: User) -> bool:
    return is_trainee(user) and user.pk == trainee.pk


def can_comment_log(user: Anyone, log: ProgressLog) -> bool:
    """The lab and the trainee's supervisors; the trainee reads the comments."""
    if is_lab(user):
        return True
    if not _is_active(user) or user.pk == log.trainee_id:
        return False
    return trainees_visible_to(user).filter(pk=log.trainee_id).exists()


def can_manage_milestones(user: Anyone) -> bool:
    return is_lab(user)


def can_view_cohort_progress(user: Anyone) -> bool:
    return is_lab(user)


def can_record_outcome(user: Anyone) -> bool:
    return is_lab(user)


def can_see_outcomes(user: Anyone, trainee: User) -> bool:
    """The outcome history and the follow-ups of `trainee`."""
    return can_see_journey(user, trainee)


def can_decide_consent(user: Anyone, trainee: User, channel: str) -> bool:
    """On their page the trainee decides; the lab records what the trainee told it."""
    if channel == ConsentChannel.PAGE:
        return is_trainee(user) and user.pk == trainee.pk
    if channel == ConsentChannel.LAB:
        return is_lab(user) and trainee.role == Role.TRAINEE
    return False


def outcomes_visible_to(user: Anyone) -> QuerySet[Outcome]:
    if is_lab(user):
        return Outcome.objects.all()
    if is_trainee(user):
        return Outcome.objects.filter(trainee=user)
    return Outcome.objects.none()


# Fetching for a user ----------------------------------------------------------------------
def get_trainee_for_user(user: Anyone, pk: int) -> User:
    """A trainee whose journey (profile, competence, milestones) `user` may see, or 404."""
    trainee: User = get_object_or_404(User.objects.filter(role=Role.TRAINEE), pk=pk)
    if not can_see_journey(user, trainee):
        raise Http404
    return trainee


def get_log_for_user(user: Anyone, pk: int) -> ProgressLog:
    return get_object_or_404(
        logs_visible_to(user).select_related("trainee", "enrolment__cohort"), pk=pk
    )


def get_milestone_for_user(user: Anyone, pk: int) -> Milestone:
    return get_object_or_404(milestones_visible_to(user).select_related("trainee", "type"), pk=pk)


# Milestones (t3) ----------------------------------------------------------------------------
MILESTONE_LAB = "lab"
MILESTONE_TRAINEE = "trainee"


def milestone_party(user: Anyone, milestone: Milestone) -> str | None:
    """Who `user` is to `milestone` in the status table of `trainees.services.milestones`:
    the lab, the trainee it belongs to, or nobody (None)."""
    if is_lab(user):
        return MILESTONE_LAB
    if is_trainee(user) and user.pk == milestone.trainee_id:
        return MILESTONE_TRAINEE
    return None


def can_manage_milestone_types(user: Anyone) -> bool:
    """The lab adds its own kinds of milestones besides the six seeded ones."""
    return is_lab(user)


# Competence (t1) ------------------------------------------------------------------------
def can_list_trainees(user: Anyone) -> bool:
    """The lab's list of trainees and their competence."""
    return is_lab(user)


def can_edit_skill(user: Anyone, record: SkillRecord) -> bool:
    """The self-assessment and its evidence are the trainee's own words."""
    return is_trainee(user) and user.pk == record.trainee_id


def can_remove_skill(user: Anyone, record: SkillRecord) -> bool:
    """The trainee removes their own skill until the lab has validated it: removing it
    then would silently take away a validated level."""
    return can_edit_skill(user, record) and not record.is_validated


def can_validate_skill(user: Anyone, record: SkillRecord) -> bool:
    return can_validate(user, record.trainee)


def reference_contacts() -> QuerySet[User]:
    """Who may be named as a trainee's reference contact: the lab's active people."""
    people: QuerySet[User] = User.objects.filter(role__in=LAB_ROLES, is_active=True)
    return people


def get_skill_record_for_user(user: Anyone, pk: int) -> SkillRecord:
    """A skill record of a competence profile `user` may see (the lab, its trainee), or 404."""
    return get_object_or_404(
        skill_records_visible_to(user).select_related("trainee", "skill", "validated_by"), pk=pk
    )


# Logs (t2) ------------------------------------------------------------------------------
def can_edit_log(user: Anyone, log: ProgressLog) -> bool:
    """A week's log is the trainee's own words: only they change it."""
    return can_write_log(user, log.trainee)


def is_supervisor_role(user: Anyone) -> bool:
    """Has the supervisor role (cheap, for the menu). People of other roles named on a
    cohort or an enrolment are supervisors too: `supervised_trainees` finds theirs."""
    return _is_active(user) and user.role == Role.SUPERVISOR


def supervised_trainees(user: Anyone) -> QuerySet[User]:
    """The trainees `user` follows as a supervisor; none for the lab (it sees all
    trainees through the cohort pages) and for trainees."""
    if is_lab(user) or is_trainee(user):
        nobody: QuerySet[User] = User.objects.none()
        return nobody
    return trainees_visible_to(user)


def can_pick_log_trainee(user: Anyone) -> bool:
    """The lab and supervisors choose whose logs to read; a trainee reads only their own."""
    return is_lab(user) or supervised_trainees(user).exists()


def get_log_trainee_for_user(user: Anyone, pk: int) -> User:
    """A trainee whose progress logs `user` may read, or 404."""
    trainee: User = get_object_or_404(trainees_visible_to(user), pk=pk)
    return trainee
