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
    ACTIVE_ASSIGNMENT,
    Applicant,
    Assignment,
    Cohort,
    CohortStatus,
    Enrolment,
)
from labportal.accounts.models import Role
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


def can_see_plan_of(user: Anyone, cohort: Cohort) -> bool:
    """The cohort's plan (its assignments and team): whoever sees the cohort."""
    return cohorts_visible_to(user).filter(pk=cohort.pk).exists()


def is_active_assignment(assignment: Assignment) -> bool:
    return assignment.status in ACTIVE_ASSIGNMENT


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


def get_assignment_for_user(user: Anyone, pk: int) -> Assignment:
    assignment: Assignment = get_object_or_404(
        assignments_visible_to(user).select_related("idea", "cohort"), pk=pk
    )
    return assignment
