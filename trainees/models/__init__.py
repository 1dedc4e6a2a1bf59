"""The trainee's journey: profile, competence with validation, weekly progress logs,
coaching milestones, placement outcomes and follow-ups, one module each.

A trainee's record may point at an enrolment with a string foreign key
("cohorts.Enrolment"); these modules never import `cohorts` (imports flow
labportal ← prototypes ← trainees ← cohorts). Who may see what lives in
`trainees/access.py`.
"""

from trainees.models.competence import (
    CompetenceLevel,
    SkillEvent,
    SkillEventKind,
    SkillRecord,
    ValidationMethod,
)
from trainees.models.logs import MAX_WEEKLY_HOURS, LogComment, ProgressLog
from trainees.models.milestones import Milestone, MilestoneStatus, MilestoneType
from trainees.models.outcomes import (
    EMPLOYED,
    WITH_EMPLOYER,
    ConsentChannel,
    ConsentEvent,
    EmploymentType,
    FollowUp,
    FollowUpConsent,
    FollowUpStatus,
    Outcome,
    OutcomeCategory,
    OutcomeSource,
)
from trainees.models.profile import TraineeProfile, monday_of

__all__ = [
    "EMPLOYED",
    "MAX_WEEKLY_HOURS",
    "WITH_EMPLOYER",
    "CompetenceLevel",
    "ConsentChannel",
    "ConsentEvent",
    "EmploymentType",
    "FollowUp",
    "FollowUpConsent",
    "FollowUpStatus",
    "LogComment",
    "Milestone",
    "MilestoneStatus",
    "MilestoneType",
    "Outcome",
    "OutcomeCategory",
    "OutcomeSource",
    "ProgressLog",
    "SkillEvent",
    "SkillEventKind",
    "SkillRecord",
    "TraineeProfile",
    "ValidationMethod",
    "monday_of",
]
