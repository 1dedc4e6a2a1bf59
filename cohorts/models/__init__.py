"""The cohorts app's models, one module per capability."""

from cohorts.models.cohort import Cohort, CohortStatus, Enrolment, RotationPeriod
from cohorts.models.planning import (
    ACTIVE_ASSIGNMENT,
    Assignment,
    AssignmentEvent,
    AssignmentMember,
    AssignmentStatus,
)
from cohorts.models.recruitment import (
    NOT_TAKEN,
    Applicant,
    ApplicantEvent,
    ApplicantSkill,
    ApplicantStatus,
)

__all__ = [
    "ACTIVE_ASSIGNMENT",
    "NOT_TAKEN",
    "Applicant",
    "ApplicantEvent",
    "ApplicantSkill",
    "ApplicantStatus",
    "Assignment",
    "AssignmentEvent",
    "AssignmentMember",
    "AssignmentStatus",
    "Cohort",
    "CohortStatus",
    "Enrolment",
    "RotationPeriod",
]
