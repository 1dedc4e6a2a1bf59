"""Who may see and do what with cohorts, enrolments, applicants and the plan: the
app's one door.

Views, services, filters, tasks and panels ask these functions; nothing is protected
by hiding a link. Invariants:

- The LAB (admins and lab leads) sees and manages every cohort, enrolment, rotation
  and assignment, screens applicants and plans.
- A TRAINEE sees the cohorts they are enrolled in, their teammates there and the
  assignments they are on; nothing about applicants.
- A SUPERVISOR sees the cohorts they are named on (or where they supervise an
  enrolment), with the trainees' names; nothing about applicants or the plan of
  other cohorts.
- DEPARTMENT STAFF see, on their own department's ideas, the cohort, the team's
  names and the dates (`assignments_of_idea_visible_to`); no cohort pages.
- Applicants have no account: the public application page asks nothing here
  except whether the cohort is recruiting (`cohorts_open_for_applications`).
- Every rule is false for anonymous and inactive users. What a user may not see
  answers 404 (`get_*_for_user`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from cohorts.models import (
    Applicant,
    Assignment,
    Cohort,
    CohortStatus,
    EmployerContact,
    Enrolment,
    OpenRole,
    RotationPeriod,
    SummaryShare,
)
from labportal.accounts.models import Organisation, OrganisationKind, Role, User
from prototypes import access as idea_access
from prototypes.models import Idea

Anyone = Any  # a User or AnonymousUser

LAB_ROLES = (Role.ADMIN, Role.LAB_LEAD)


def _is_active(user: Anyone) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_lab(user: Anyone) -> bool:
    return _is_active(user) and user.role in LAB_ROLES


def _supervises(user: Anyone) -> Q:
    """Cohorts on which `user` is named as supervisor, or supervises an enrolment."""
    return Q(supervisors=user) | Q(enrolments__supervisors=user)


# Querysets ------------------------------------------------------------------------------
def cohorts_visible_to(user: Anyone) -> QuerySet[Cohort]:
    if not _is_active(user):
        return Cohort.objects.none()
    if is_lab(user):
        return Cohort.objects.all()
    if user.role == Role.TRAINEE:
        return Cohort.objects.filter(pk__in=Enrolment.objects.filter(trainee=user).values("cohort"))
    if user.role == Role.DEPARTMENT_STAFF:
        return Cohort.objects.none()
    return Cohort.objects.filter(pk__in=Cohort.objects.filter(_supervises(user)).values("pk"))


def enrolments_visible_to(user: Anyone) -> QuerySet[Enrolment]:
    """Enrolments whose trainee's name `user` may see: the lab all; a trainee and a
    supervisor those of the cohorts they see (teammates)."""
    return Enrolment.objects.filter(cohort__in=cohorts_visible_to(user).values("pk"))


def applicants_visible_to(user: Anyone) -> QuerySet[Applicant]:
    if not can_screen_applicants(user):
        return Applicant.objects.none()
    return Applicant.objects.all()


def assignments_visible_to(user: Anyone) -> QuerySet[Assignment]:
    """The lab all; a trainee the assignments of their cohorts; a supervisor those of
    the cohorts they supervise; department staff those of the ideas they may see."""
    if not _is_active(user):
        return Assignment.objects.none()
    if is_lab(user):
        return Assignment.objects.all()
    if user.role == Role.DEPARTMENT_STAFF:
        return Assignment.objects.filter(idea__in=idea_access.visible_ideas(user).values("pk"))
    return Assignment.objects.filter(cohort__in=cohorts_visible_to(user).values("pk"))


def assignments_of_idea_visible_to(user: Anyone, idea: Idea) -> QuerySet[Assignment]:
    """What the idea's page shows about its plan: cohort, team, dates."""
    return assignments_visible_to(user).filter(idea=idea)


def cohorts_open_for_applications() -> QuerySet[Cohort]:
    return Cohort.objects.filter(status=CohortStatus.RECRUITING)


# Rules ----------------------------------------------------------------------------------
def can_list_cohorts(user: Anyone) -> bool:
    """The cohort pages: the lab, trainees (their own) and supervisors (theirs)."""
    return _is_active(user) and user.role in (*LAB_ROLES, Role.TRAINEE, Role.SUPERVISOR)


def can_manage_cohorts(user: Anyone) -> bool:
    """Create and edit cohorts, enrolments and rotations; change a cohort's status."""
    return is_lab(user)


def can_screen_applicants(user: Anyone) -> bool:
    return is_lab(user)


def can_plan(user: Anyone) -> bool:
    """The planning board, matching, assignments and handovers."""
    return is_lab(user)


# Fetching for a user ----------------------------------------------------------------------
def get_cohort_for_user(user: Anyone, pk: int) -> Cohort:
    cohort: Cohort = get_object_or_404(cohorts_visible_to(user), pk=pk)
    return cohort


def get_enrolment_for_user(user: Anyone, pk: int) -> Enrolment:
    enrolment: Enrolment = get_object_or_404(
        enrolments_visible_to(user).select_related("cohort", "trainee"), pk=pk
    )
    return enrolment


def get_applicant_for_user(user: Anyone, pk: int) -> Applicant:
    applicant: Applicant = get_object_or_404(
        applicants_visible_to(user).select_related("cohort"), pk=pk
    )
    return applicant


# Manage: cohort pages, enrolments, rotations, supervisors --------------------------------
# Who may be named: a supervisor is a person with the supervisor role or of the lab; a
# lead is of the lab; a trainee is enrolled; a rotation is at a partner company or a
# municipality. Only active people and organisations are offered or accepted.
SUPERVISOR_ROLES = (Role.SUPERVISOR, *LAB_ROLES)
ROTATION_KINDS = (OrganisationKind.PARTNER, OrganisationKind.MUNICIPALITY)


def supervisor_candidates() -> QuerySet[User]:
    people: QuerySet[User] = User.objects.filter(role__in=SUPERVISOR_ROLES, is_active=True)
    return people


def lead_candidates() -> QuerySet[User]:
    people: QuerySet[User] = User.objects.filter(role__in=LAB_ROLES, is_active=True)
    return people


def enrollable_trainees() -> QuerySet[User]:
    people: QuerySet[User] = User.objects.filter(role=Role.TRAINEE, is_active=True)
    return people


def rotation_organisations() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind__in=ROTATION_KINDS, is_active=True)


def can_see_cohort_notes(user: Anyone) -> bool:
    """The cohort's notes are the lab's and its supervisors' working notes."""
    return _is_active(user) and user.role in SUPERVISOR_ROLES


def can_download_cohort_plan(user: Anyone) -> bool:
    """The one-page plan for the department meeting: the lab."""
    return is_lab(user)


def enrolments_detailed_for(user: Anyone, cohort: Cohort) -> QuerySet[Enrolment]:
    """Enrolments of `cohort` whose dates, supervisors and rotations `user` sees: the lab
    and the cohort's supervisors all; a trainee their own; a supervisor of an
    enrolment that one. Of the others, a viewer sees only the trainee's name."""
    enrolments = Enrolment.objects.filter(cohort=cohort)
    if not _is_active(user):
        return enrolments.none()
    if is_lab(user) or cohort.supervisors.filter(pk=user.pk).exists():
        return enrolments
    return enrolments.filter(Q(trainee=user) | Q(supervisors=user)).distinct()


def can_see_leave_reason(user: Anyone, enrolment: Enrolment) -> bool:
    """Why a trainee left early is personal: the lab and the trainee themself."""
    return is_lab(user) or (_is_active(user) and enrolment.trainee_id == user.pk)


def get_rotation_for_user(user: Anyone, pk: int) -> RotationPeriod:
    rotation: RotationPeriod = get_object_or_404(
        RotationPeriod.objects.filter(
            enrolment__in=enrolments_visible_to(user).values("pk")
        ).select_related("enrolment__cohort", "enrolment__trainee", "organisation"),
        pk=pk,
    )
    return rotation


# Recruitment: the public application page and the screening -----------------------------
# Applicants have no account: the public pages ask only whether a cohort is recruiting.
# Screening (the list, an applicant's page, moving them on) is the lab's.
def get_cohort_open_for_applications(pk: int) -> Cohort:
    """A recruiting cohort for the public application page; any other cohort answers
    404, so the page says nothing about cohorts that take no applications."""
    cohort: Cohort = get_object_or_404(
        cohorts_open_for_applications().select_related("organisation"), pk=pk
    )
    return cohort


def can_move_applicant(user: Anyone, applicant: Applicant) -> bool:
    """Shortlist, interview, offer, accept (which invites) or decline: the lab."""
    return can_screen_applicants(user)


def screening_cohorts(user: Anyone) -> QuerySet[Cohort]:
    """The cohorts the screening list may be filtered by."""
    return cohorts_visible_to(user) if can_screen_applicants(user) else Cohort.objects.none()


# Planning: the board, matching, assignments and handovers ---------------------------------
# The lab plans (`can_plan`). The assignment pages are for whoever sees the assignment's
# cohort (a trainee their own cohort's, a supervisor theirs, the lab all); department
# staff see the plan of their own department's ideas on the idea's page only
# (`assignments_of_idea_visible_to`), never an assignment page.
def can_open_assignment_pages(user: Anyone) -> bool:
    return can_list_cohorts(user)


def can_change_assignment(user: Anyone, assignment: Assignment) -> bool:
    """Team and dates of a planned or in-progress assignment; starting and finishing it."""
    return can_plan(user) and assignment.is_active


def can_cancel_assignment(user: Anyone, assignment: Assignment) -> bool:
    """A plan whose work has not begun; not one that continues handed-over work (the
    idea is in progress then: the plan is changed, not cancelled)."""
    return can_plan(user) and assignment.is_planned and assignment.continues_id is None


def can_hand_over(user: Anyone, assignment: Assignment) -> bool:
    """Only work in progress is handed over to the trainees of another cohort."""
    return can_plan(user) and assignment.is_in_progress


def ideas_to_plan(user: Anyone) -> QuerySet[Idea]:
    """The backlog: accepted ideas the lab marked ready to plan."""
    from prototypes.models import IdeaStatus

    if not can_plan(user):
        return Idea.objects.none()
    return idea_access.visible_ideas(user).filter(status=IdeaStatus.ACCEPTED, ready_to_plan=True)


def get_idea_to_match_for_user(user: Anyone, pk: int) -> Idea:
    """Any idea the planner may see (the match page explains why one cannot be planned)."""
    from django.http import Http404

    if not can_plan(user):
        raise Http404
    idea: Idea = idea_access.get_idea_for_user(user, pk)
    return idea


def get_assignment_page_for_user(user: Anyone, pk: int) -> Assignment:
    """The assignment with what its page shows; 404 unless the user sees its cohort."""
    from django.http import Http404

    if not can_open_assignment_pages(user):
        raise Http404
    assignment: Assignment = get_object_or_404(
        assignments_visible_to(user).select_related(
            "idea__department", "cohort", "continues__cohort", "continued_by__cohort", "created_by"
        ),
        pk=pk,
    )
    return assignment


# Employer partners: contacts, open roles, trainees ending soon, shared summaries ---------
# The lab (admins and lab leads) manages partner organisations' contacts and open roles,
# sees the "ending soon" page and sends a trainee's summary to a contact, always with the
# trainee's recorded consent. Nobody else sees any of it, except that a trainee sees which
# contacts got their own summary (`summary_shares_visible_to`). The emailed link is for a
# contact without an account and asks nothing here: the signed link is its own proof
# (`cohorts.services.placement.share_of_link`).


def can_manage_employers(user: Anyone) -> bool:
    """The partners' list, their contacts and open roles, and moving a role's status."""
    return is_lab(user)


def can_match_placements(user: Anyone) -> bool:
    """The "ending soon" page: trainees near the end of their enrolment and open roles."""
    return is_lab(user)


def can_share_summary(user: Anyone) -> bool:
    """Send a trainee's summary to an employer's contact (the service asks for consent)."""
    return is_lab(user)


def partner_organisations() -> QuerySet[Organisation]:
    """Organisations whose contacts may be named and may receive summaries: active
    partner companies."""
    return Organisation.objects.filter(kind=OrganisationKind.PARTNER, is_active=True)


def employer_contacts_visible_to(user: Anyone) -> QuerySet[EmployerContact]:
    if not can_manage_employers(user):
        return EmployerContact.objects.none()
    return EmployerContact.objects.filter(organisation__kind=OrganisationKind.PARTNER)


def open_roles_visible_to(user: Anyone) -> QuerySet[OpenRole]:
    if not can_manage_employers(user):
        return OpenRole.objects.none()
    return OpenRole.objects.filter(organisation__kind=OrganisationKind.PARTNER)


def shareable_contacts() -> QuerySet[EmployerContact]:
    """Who may receive a summary: active contacts of active partner organisations."""
    return EmployerContact.objects.filter(
        is_active=True, organisation__in=partner_organisations().values("pk")
    )


def summary_shares_visible_to(user: Anyone) -> QuerySet[SummaryShare]:
    """The lab sees every share; a trainee those of their own summary; nobody else any."""
    if not _is_active(user):
        return SummaryShare.objects.none()
    if is_lab(user):
        return SummaryShare.objects.all()
    if user.role == Role.TRAINEE:
        return SummaryShare.objects.filter(trainee=user)
    return SummaryShare.objects.none()


def get_partner_for_user(user: Anyone, pk: int) -> Organisation:
    """An active partner organisation, for the lab; 404 for any other organisation."""
    from django.http import Http404

    if not can_manage_employers(user):
        raise Http404
    organisation: Organisation = get_object_or_404(partner_organisations(), pk=pk)
    return organisation


def get_contact_for_user(user: Anyone, pk: int) -> EmployerContact:
    contact: EmployerContact = get_object_or_404(
        employer_contacts_visible_to(user).select_related("organisation"), pk=pk
    )
    return contact


def get_role_for_user(user: Anyone, pk: int) -> OpenRole:
    role: OpenRole = get_object_or_404(
        open_roles_visible_to(user).select_related("organisation", "contact"), pk=pk
    )
    return role


def get_enrolment_to_share_for_user(user: Anyone, pk: int) -> Enrolment:
    """An enrolment whose trainee's summary `user` may send; 404 for anyone else."""
    from django.http import Http404

    if not can_share_summary(user):
        raise Http404
    enrolment: Enrolment = get_object_or_404(
        enrolments_visible_to(user).select_related("cohort__organisation", "trainee"), pk=pk
    )
    return enrolment
