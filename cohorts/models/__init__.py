"""The cohorts app's models, one module per capability."""

from cohorts.models.cohort import Cohort, CohortStatus, Enrolment, RotationPeriod
from cohorts.models.employers import (
    ConsentMethod,
    EmployerContact,
    OpenRole,
    RoleSkill,
    RoleStatus,
    SummaryShare,
)
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
    "ConsentMethod",
    "EmployerContact",
    "Enrolment",
    "OpenRole",
    "RoleSkill",
    "RoleStatus",
    "RotationPeriod",
    "SummaryShare",
]
