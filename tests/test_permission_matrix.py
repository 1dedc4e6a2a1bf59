"""Who may do what, as one decision table: every URL of the project, and every write in
each state of its object where the rule changes, tried as every persona.

A row names a URL, the state of the object it is tried on and the method; its cells say
what each persona gets:

    ok       the page is shown
    done     redirected, and the write happened (POST)
    back     redirected, nothing written: refused with a message, or sent elsewhere
    form     the form is shown again, nothing written (POST): 200, or 400 where the view
             answers refused data with its status (a move the status table lacks)
    sent     the answer is sent at once, not redirected, and the write happened (POST): the
             thank-you page of a link that is used up, a file whose export is audited
    login    sent to sign in
    403 404 410   refused, hidden, gone (nothing written)
    any      not judged (the health check answers 503 when no worker runs)

Every request is judged by its status and by the row's probe, a value read from the
database before and after (an idea's status, a comment count): a write where none was
expected fails as loudly as a wrong status, and so does a "done" that wrote nothing.

An object the persona may not see answers 404, so that another department's ideas are
not revealed; a URL meant for other roles answers 403 before it looks at any object.
The public application pages need no account: everyone gets the same answer there.

A new URL fails `test_every_project_url_is_in_the_matrix` until it has a row, and
`test_every_url_is_read_only_or_has_its_writes_tried` until its writes are tried or it
is declared read-only.

Test ids read `post:prototypes:update[submitted]-department_staff`: method, URL name,
state, persona.

The objects live in one world made once for the module; every case runs in a
transaction that is rolled back after it, so no case sees another's writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from cohorts import matching
from cohorts.models import (
    Applicant,
    ApplicantStatus,
    Assignment,
    AssignmentStatus,
    Cohort,
    CohortStatus,
    EmployerContact,
    Enrolment,
    OpenRole,
    RoleStatus,
    RotationPeriod,
    SummaryShare,
)
from cohorts.services import recruitment_spam
from cohorts.services.placement_links import share_token
from cohorts.services.planning import plan_blocker
from cohorts.services.planning_match import load_match
from labportal.accounts.models import Department, Invitation, Organisation, User
from labportal.core.models import AuditEntry, OutboxEmail, Skill
from privacy.models import Erasure
from prototypes.models import (
    Adoption,
    AffectedUsers,
    BenefitKind,
    BenefitSize,
    Evaluation,
    Idea,
    IdeaAttachment,
    IdeaComment,
    IdeaStatus,
    PrototypeRecord,
    Urgency,
)
from reports.figures import Filters
from reports.jobs import build_export, request_export
from reports.models import ExportJob, ExportStatus
from tests.accounts.factories import DepartmentFactory, InvitationFactory, UserFactory, give_totp
from tests.cohorts.factories import (
    ApplicantFactory,
    AssignmentFactory,
    AssignmentMemberFactory,
    CohortFactory,
    EnrolmentFactory,
    PlannableIdeaFactory,
    RotationPeriodFactory,
)
from tests.cohorts.factories_employers import (
    EmployerContactFactory,
    OpenRoleFactory,
    PartnerFactory,
    SummaryShareFactory,
)
from tests.core.factories import SkillFactory
from tests.prototypes.factories import PDF_BYTES, IdeaAttachmentFactory, IdeaFactory
from tests.trainees.factories import (
    MilestoneFactory,
    MilestoneTypeFactory,
    ProgressLogFactory,
    SkillRecordFactory,
    TraineeProfileFactory,
    last_monday,
)
from tests.trainees.test_follow_ups import former_trainee, old_token
from trainees.access import trainees_visible_to
from trainees.log_figures import enrolment_covering, enrolments_of
from trainees.models import (
    CompetenceLevel,
    ConsentEvent,
    FollowUp,
    FollowUpStatus,
    LogComment,
    Milestone,
    MilestoneStatus,
    MilestoneType,
    Outcome,
    ProgressLog,
    SkillEvent,
    SkillEventKind,
    SkillRecord,
    TraineeProfile,
    ValidationMethod,
)
from trainees.services.competence import record_token
from trainees.services.follow_ups import answer_token, withdraw_token
from trainees.services.outcomes import record_outcome

PROJECT_MODULES = ("labportal.", "prototypes.", "trainees.", "cohorts.", "reports.", "privacy.")

# The columns of the table, in this order.
PERSONAS = (
    "anonymous",
    "admin",
    "lab_lead",
    "department_staff",  # of the department every idea below comes from; their author
    "colleague",  # same department, not the author
    "trainee",  # enrolled in a running cohort; their journey is the one tried below
    "supervisor",  # named on the trainee's cohort: reads and comments on their logs only
    "outsider",  # department staff of another department of another organisation
)

OK, DONE, BACK, FORM, SENT, LOGIN, ANY = "ok", "done", "back", "form", "sent", "login", "any"
E403, E404, E410 = "403", "404", "410"


@dataclass(frozen=True)
class Row:
    method: str
    name: str
    state: str
    outcomes: dict[str, str]

    @property
    def id(self) -> str:
        return f"{self.method}:{self.name}" + (f"[{self.state}]" if self.state else "")


def rows(method: str, name: str, *lines: tuple[str, ...]) -> list[Row]:
    """A URL's rows: each line is the state, then one outcome per persona (PERSONAS)."""
    return [
        Row(method, name, state, dict(zip(PERSONAS, outcomes, strict=True)))
        for state, *outcomes in lines
    ]


# fmt: off
MATRIX: list[Row] = [
    # Core -------------------------------------------------------------------------------
    #                                      anon   admin  lead   staff  collg  train  super  outsd
    *rows("get", "healthz",
        ("",                               ANY,   ANY,   ANY,   ANY,   ANY,   ANY,   ANY,   ANY)),
    *rows("get", "core:home",
        ("",                               LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK)),
    *rows("get", "core:accessibility",
        ("",                               OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK)),
    # a visitor's choice lives in a cookie only; a signed-in person's is saved too
    *rows("post", "core:set_language",
        ("",                               BACK,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE)),
    *rows("get", "core:skill_list",
        ("",                               LOGIN, OK,    OK,    OK,    OK,    OK,    OK,    OK)),
    *rows("get", "core:skill_create",
        ("",                               LOGIN, OK,    E403,  E403,  E403,  E403,  E403,  E403)),
    *rows("post", "core:skill_create",
        ("",                               LOGIN, DONE,  E403,  E403,  E403,  E403,  E403,  E403)),
    *rows("get", "core:skill_update",
        ("",                               LOGIN, OK,    E403,  E403,  E403,  E403,  E403,  E403)),
    *rows("post", "core:skill_update",
        ("",                               LOGIN, DONE,  E403,  E403,  E403,  E403,  E403,  E403)),
    *rows("get", "core:audit_list",
        ("",                               LOGIN, OK,    E403,  E403,  E403,  E403,  E403,  E403)),

    # People and invitations: the lab manages them; lab leads never touch administrators --
    #                                      anon   admin  lead   staff  collg  train  super  outsd
    *rows("get", "accounts:user_list",
        ("",                               LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    # the state is the role of the person looked at or changed
    *rows("get", "accounts:user_detail",
        ("department_staff",               LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    *rows("get", "accounts:user_update",
        ("department_staff",               LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    *rows("post", "accounts:user_update",
        ("department_staff",               LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("admin",                          LOGIN, DONE,  E403,  E403,  E403,  E403,  E403,  E403)),
    *rows("get", "accounts:invitation_list",
        ("",                               LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    *rows("get", "accounts:invitation_create",
        ("",                               LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    # the state is the role offered; a lab lead is not offered "administrator"
    *rows("post", "accounts:invitation_create",
        ("trainee",                        LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("admin",                          LOGIN, DONE,  FORM,  E403,  E403,  E403,  E403,  E403)),
    *rows("get", "accounts:invitation_revoke",
        ("pending",                        LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    *rows("post", "accounts:invitation_revoke",
        ("pending",                        LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("accepted",                       LOGIN, BACK,  BACK,  E403,  E403,  E403,  E403,  E403),
        ("pending_admin",                  LOGIN, DONE,  E404,  E403,  E403,  E403,  E403,  E403)),
    # The emailed link is for people without an account: it moves the token into the
    # session and on to the form; signed-in people are sent home.
    *rows("get", "accounts:invitation_accept",
        ("pending",                        BACK,  BACK,  BACK,  BACK,  BACK,  BACK,  BACK,  BACK),
        ("accepted",                       E410,  E410,  E410,  E410,  E410,  E410,  E410,  E410)),
    # a form opened before the token left the address bar still posts to the link
    *rows("post", "accounts:invitation_accept",
        ("pending",                        DONE,  BACK,  BACK,  BACK,  BACK,  BACK,  BACK,  BACK),
        ("accepted",                       E410,  E410,  E410,  E410,  E410,  E410,  E410,  E410)),
    *rows("get", "accounts:invitation_accept_form",
        ("link_opened",                    OK,    BACK,  BACK,  BACK,  BACK,  BACK,  BACK,  BACK),
        ("no_link",                        E404,  BACK,  BACK,  BACK,  BACK,  BACK,  BACK,  BACK)),
    *rows("post", "accounts:invitation_accept_form",
        ("link_opened",                    DONE,  BACK,  BACK,  BACK,  BACK,  BACK,  BACK,  BACK),
        ("no_link",                        E404,  BACK,  BACK,  BACK,  BACK,  BACK,  BACK,  BACK)),

    # Organisations and departments: administrators only ------------------------------
    #                                      anon   admin  lead   staff  collg  train  super  outsd
    *rows("get", "accounts:organisation_list",
        ("",                               LOGIN, OK,    E403,  E403,  E403,  E403,  E403,  E403)),
    *rows("get", "accounts:organisation_create",
        ("",                               LOGIN, OK,    E403,  E403,  E403,  E403,  E403,  E403)),
    *rows("post", "accounts:organisation_create",
        ("",                               LOGIN, DONE,  E403,  E403,  E403,  E403,  E403,  E403)),
    *rows("get", "accounts:organisation_detail",
        ("",                               LOGIN, OK,    E403,  E403,  E403,  E403,  E403,  E403)),
    *rows("get", "accounts:organisation_update",
        ("",                               LOGIN, OK,    E403,  E403,  E403,  E403,  E403,  E403)),
    *rows("post", "accounts:organisation_update",
        ("",                               LOGIN, DONE,  E403,  E403,  E403,  E403,  E403,  E403)),
    *rows("get", "accounts:department_create",
        ("",                               LOGIN, OK,    E403,  E403,  E403,  E403,  E403,  E403)),
    *rows("post", "accounts:department_create",
        ("",                               LOGIN, DONE,  E403,  E403,  E403,  E403,  E403,  E403)),
    *rows("get", "accounts:department_update",
        ("",                               LOGIN, OK,    E403,  E403,  E403,  E403,  E403,  E403)),
    *rows("post", "accounts:department_update",
        ("",                               LOGIN, DONE,  E403,  E403,  E403,  E403,  E403,  E403)),

    # Ideas: the lab sees every submitted idea, the department its own, a draft only its
    # author; trainees and supervisors none. The state is the idea's status ("source->target" for a
    # status change).
    #                                      anon   admin  lead   staff  collg  train  super  outsd
    *rows("get", "prototypes:list",
        ("",                               LOGIN, OK,    OK,    OK,    OK,    E403,  E403,  OK)),
    *rows("get", "prototypes:flow",
        ("",                               LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    *rows("get", "prototypes:create",
        ("",                               LOGIN, E403,  E403,  OK,    OK,    E403,  E403,  OK)),
    *rows("post", "prototypes:create",
        ("",                               LOGIN, E403,  E403,  DONE,  DONE,  E403,  E403,  DONE)),
    *rows("get", "prototypes:detail",
        ("draft",                          LOGIN, E404,  E404,  OK,    E404,  E403,  E403,  E404),
        ("submitted",                      LOGIN, OK,    OK,    OK,    OK,    E403,  E403,  E404)),
    *rows("get", "prototypes:update",
        ("submitted",                      LOGIN, OK,    OK,    OK,    OK,    E403,  E403,  E404),
        ("accepted",                       LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E404)),
    # the department edits until the lab decides; the lab until the idea is archived
    *rows("post", "prototypes:update",
        ("draft",                          LOGIN, E404,  E404,  DONE,  E404,  E403,  E403,  E404),
        ("submitted",                      LOGIN, DONE,  DONE,  DONE,  DONE,  E403,  E403,  E404),
        ("needs_information",              LOGIN, DONE,  DONE,  DONE,  DONE,  E403,  E403,  E404),
        ("accepted",                       LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E404),
        ("delivered",                      LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E404),
        ("archived",                       LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E404)),
    # a change the persona may not make sends them back to the idea with the reason
    *rows("get", "prototypes:transition",
        ("submitted->accepted",            LOGIN, OK,    OK,    BACK,  BACK,  E403,  E403,  E404)),
    *rows("post", "prototypes:transition",
        ("draft->submitted",               LOGIN, E404,  E404,  DONE,  E404,  E403,  E403,  E404),
        ("draft->archived",                LOGIN, E404,  E404,  DONE,  E404,  E403,  E403,  E404),
        ("submitted->needs_information",   LOGIN, DONE,  DONE,  BACK,  BACK,  E403,  E403,  E404),
        ("submitted->accepted",            LOGIN, DONE,  DONE,  BACK,  BACK,  E403,  E403,  E404),
        ("submitted->archived",            LOGIN, DONE,  DONE,  BACK,  BACK,  E403,  E403,  E404),
        ("needs_information->submitted",   LOGIN, DONE,  DONE,  DONE,  DONE,  E403,  E403,  E404),
        # the moves of a plan are the planning board's, not the idea page's
        ("accepted->planned",              LOGIN, BACK,  BACK,  BACK,  BACK,  E403,  E403,  E404),
        ("delivered->evaluated",           LOGIN, BACK,  BACK,  BACK,  BACK,  E403,  E403,  E404),
        ("archived->submitted",            LOGIN, BACK,  BACK,  BACK,  BACK,  E403,  E403,  E404),
        ("submitted->nonsense",            LOGIN, E404,  E404,  E404,  E404,  E403,  E403,  E404)),
    *rows("post", "prototypes:comment",
        ("draft",                          LOGIN, E404,  E404,  E403,  E404,  E403,  E403,  E404),
        ("submitted",                      LOGIN, DONE,  DONE,  DONE,  DONE,  E403,  E403,  E404),
        ("archived",                       LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E404)),
    *rows("get", "prototypes:triage",
        ("submitted",                      LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    *rows("post", "prototypes:triage",
        ("draft",                          LOGIN, E404,  E404,  E403,  E403,  E403,  E403,  E403),
        ("submitted",                      LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403)),
    *rows("get", "prototypes:prototype",
        ("accepted",                       LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    *rows("post", "prototypes:prototype",
        ("submitted",                      LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E403),
        ("accepted",                       LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("archived",                       LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E403)),
    *rows("get", "prototypes:evaluate",
        ("delivered",                      LOGIN, E403,  E403,  OK,    OK,    E403,  E403,  E404)),
    *rows("post", "prototypes:evaluate",
        ("accepted",                       LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E404),
        ("delivered",                      LOGIN, E403,  E403,  DONE,  DONE,  E403,  E403,  E404),
        ("evaluated",                      LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E404)),
    # an attachment follows its idea: the state is the idea's
    *rows("get", "prototypes:attachment",
        ("draft",                          LOGIN, E404,  E404,  OK,    E404,  E403,  E403,  E404),
        ("submitted",                      LOGIN, OK,    OK,    OK,    OK,    E403,  E403,  E404)),
    *rows("get", "prototypes:attachment_delete",
        ("submitted",                      LOGIN, OK,    OK,    OK,    OK,    E403,  E403,  E404)),
    *rows("post", "prototypes:attachment_delete",
        ("draft",                          LOGIN, E404,  E404,  DONE,  E404,  E403,  E403,  E404),
        ("submitted",                      LOGIN, DONE,  DONE,  DONE,  DONE,  E403,  E403,  E404),
        ("accepted",                       LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E404),
        ("archived",                       LOGIN, E403,  E403,  E403,  E403,  E403,  E403,  E404)),

    # Trainees: a trainee's journey (profile, competence, milestones, summary) is the lab's
    # and the trainee's own; their weekly logs are their supervisors' too, and nothing else
    # about them is. Anyone else gets 404 for a trainee or a record, 403 for a page meant for
    # other roles. The state is whose it is: the `trainee` persona's (supervised by
    # `supervisor`) or another trainee's, of a cohort `supervisor` is not named on.
    #                                      anon   admin  lead   staff  collg  train  super  outsd
    *rows("get", "trainees:list",
        ("",                               LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    *rows("get", "trainees:profile",
        ("trainee",                        LOGIN, OK,    OK,    E404,  E404,  OK,    E404,  E404),
        ("other_trainee",                  LOGIN, OK,    OK,    E404,  E404,  E404,  E404,  E404)),
    # the signed-in trainee's own profile: the URL names nobody
    *rows("get", "trainees:profile_edit",
        ("",                               LOGIN, E403,  E403,  E403,  E403,  OK,    E403,  E403)),
    *rows("post", "trainees:profile_edit",
        ("",                               LOGIN, E403,  E403,  E403,  E403,  DONE,  E403,  E403)),
    *rows("get", "trainees:reference_contact",
        ("trainee",                        LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    *rows("post", "trainees:reference_contact",
        ("trainee",                        LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403)),
    # Competence: the trainee assesses their own skills, the lab validates. The state is the
    # skill record: the trainee's (":validated" once the lab has validated it) or another's.
    *rows("get", "trainees:skill_add",
        ("",                               LOGIN, E403,  E403,  E403,  E403,  OK,    E403,  E403)),
    *rows("post", "trainees:skill_add",
        ("",                               LOGIN, E403,  E403,  E403,  E403,  DONE,  E403,  E403)),
    *rows("get", "trainees:skill_edit",
        ("trainee",                        LOGIN, E403,  E403,  E403,  E403,  OK,    E403,  E403),
        ("other_trainee",                  LOGIN, E403,  E403,  E403,  E403,  E404,  E403,  E403)),
    # the trainee's own level changes; the lab's validation stays
    *rows("post", "trainees:skill_edit",
        ("trainee",                        LOGIN, E403,  E403,  E403,  E403,  DONE,  E403,  E403),
        ("trainee:validated",              LOGIN, E403,  E403,  E403,  E403,  DONE,  E403,  E403),
        ("other_trainee",                  LOGIN, E403,  E403,  E403,  E403,  E404,  E403,  E403)),
    # a validated skill stays in the profile: the trainee is sent back with the reason
    *rows("get", "trainees:skill_remove",
        ("trainee",                        LOGIN, E403,  E403,  E403,  E403,  OK,    E403,  E403),
        ("trainee:validated",              LOGIN, E403,  E403,  E403,  E403,  BACK,  E403,  E403),
        ("other_trainee",                  LOGIN, E403,  E403,  E403,  E403,  E404,  E403,  E403)),
    *rows("post", "trainees:skill_remove",
        ("trainee",                        LOGIN, E403,  E403,  E403,  E403,  DONE,  E403,  E403),
        ("trainee:validated",              LOGIN, E403,  E403,  E403,  E403,  BACK,  E403,  E403),
        ("other_trainee",                  LOGIN, E403,  E403,  E403,  E403,  E404,  E403,  E403)),
    *rows("get", "trainees:skill_evidence",
        ("trainee",                        LOGIN, OK,    OK,    E404,  E404,  OK,    E404,  E404),
        ("other_trainee",                  LOGIN, OK,    OK,    E404,  E404,  E404,  E404,  E404)),
    *rows("get", "trainees:skill_validate",
        ("trainee",                        LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403),
        ("other_trainee",                  LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    # validating again replaces the validation; the earlier one stays in the history
    *rows("post", "trainees:skill_validate",
        ("trainee",                        LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("trainee:validated",              LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("other_trainee",                  LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403)),
    *rows("get", "trainees:skill_history",
        ("trainee",                        LOGIN, OK,    OK,    E404,  E404,  OK,    E404,  E404),
        ("other_trainee",                  LOGIN, OK,    OK,    E404,  E404,  E404,  E404,  E404)),
    # Weekly logs: without `?trainee=` one's own, or for the lab and supervisors the trainees
    # to choose from; the state is the trainee asked for, or whose log it is.
    *rows("get", "trainees:log_list",
        ("",                               LOGIN, OK,    OK,    E403,  E403,  OK,    OK,    E403),
        ("trainee",                        LOGIN, OK,    OK,    E404,  E404,  OK,    OK,    E404),
        ("other_trainee",                  LOGIN, OK,    OK,    E404,  E404,  E404,  E404,  E404)),
    *rows("get", "trainees:log_create",
        ("",                               LOGIN, E403,  E403,  E403,  E403,  OK,    E403,  E403)),
    *rows("post", "trainees:log_create",
        ("",                               LOGIN, E403,  E403,  E403,  E403,  DONE,  E403,  E403)),
    *rows("get", "trainees:log_detail",
        ("trainee",                        LOGIN, OK,    OK,    E404,  E404,  OK,    OK,    E404),
        ("other_trainee",                  LOGIN, OK,    OK,    E404,  E404,  E404,  E404,  E404)),
    # a week's log is the trainee's own words: those who read it do not change it
    *rows("get", "trainees:log_edit",
        ("trainee",                        LOGIN, E403,  E403,  E404,  E404,  OK,    E403,  E404),
        ("other_trainee",                  LOGIN, E403,  E403,  E404,  E404,  E404,  E404,  E404)),
    *rows("post", "trainees:log_edit",
        ("trainee",                        LOGIN, E403,  E403,  E404,  E404,  DONE,  E403,  E404),
        ("other_trainee",                  LOGIN, E403,  E403,  E404,  E404,  E404,  E404,  E404)),
    # the trainee reads the comments; their own words are the log itself
    *rows("post", "trainees:log_comment",
        ("trainee",                        LOGIN, DONE,  DONE,  E404,  E404,  E403,  DONE,  E404),
        ("other_trainee",                  LOGIN, DONE,  DONE,  E404,  E404,  E404,  E404,  E404)),
    # Milestones: the lab gives and manages them; the lab or the trainee marks them done.
    # The state is whose they are, or the milestone's status ("source->target" for a change).
    *rows("get", "trainees:milestones",
        ("trainee",                        LOGIN, OK,    OK,    E404,  E404,  OK,    E404,  E404),
        ("other_trainee",                  LOGIN, OK,    OK,    E404,  E404,  E404,  E404,  E404)),
    *rows("get", "trainees:milestone_create",
        ("trainee",                        LOGIN, OK,    OK,    E404,  E404,  E403,  E404,  E404),
        ("other_trainee",                  LOGIN, OK,    OK,    E404,  E404,  E404,  E404,  E404)),
    *rows("post", "trainees:milestone_create",
        ("trainee",                        LOGIN, DONE,  DONE,  E404,  E404,  E403,  E404,  E404),
        ("other_trainee",                  LOGIN, DONE,  DONE,  E404,  E404,  E404,  E404,  E404)),
    *rows("post", "trainees:milestone_standard",
        ("trainee",                        LOGIN, DONE,  DONE,  E404,  E404,  E403,  E404,  E404),
        ("other_trainee",                  LOGIN, DONE,  DONE,  E404,  E404,  E404,  E404,  E404)),
    *rows("get", "trainees:milestone_update",
        ("planned",                        LOGIN, OK,    OK,    E404,  E404,  E403,  E404,  E404),
        ("other_trainee:planned",          LOGIN, OK,    OK,    E404,  E404,  E404,  E404,  E404)),
    # the lab moves a due date whatever the status
    *rows("post", "trainees:milestone_update",
        ("planned",                        LOGIN, DONE,  DONE,  E404,  E404,  E403,  E404,  E404),
        ("done",                           LOGIN, DONE,  DONE,  E404,  E404,  E403,  E404,  E404),
        ("other_trainee:planned",          LOGIN, DONE,  DONE,  E404,  E404,  E404,  E404,  E404)),
    # a move the table lacks comes back as a message on the list
    *rows("post", "trainees:milestone_status",
        ("planned->done",                  LOGIN, DONE,  DONE,  E404,  E404,  DONE,  E404,  E404),
        ("planned->skipped",               LOGIN, DONE,  DONE,  E404,  E404,  E403,  E404,  E404),
        ("done->planned",                  LOGIN, DONE,  DONE,  E404,  E404,  DONE,  E404,  E404),
        ("skipped->done",                  LOGIN, BACK,  BACK,  E404,  E404,  BACK,  E404,  E404),
        ("other_trainee:planned->done",    LOGIN, DONE,  DONE,  E404,  E404,  E404,  E404,  E404)),
    *rows("get", "trainees:milestone_types",
        ("",                               LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    *rows("get", "trainees:milestone_type_create",
        ("",                               LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    *rows("post", "trainees:milestone_type_create",
        ("",                               LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403)),
    *rows("get", "trainees:milestone_type_update",
        ("",                               LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    *rows("post", "trainees:milestone_type_update",
        ("",                               LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403)),
    # The end-of-programme summary, its page and its PDF
    *rows("get", "trainees:summary_page",
        ("trainee",                        LOGIN, OK,    OK,    E404,  E404,  OK,    E404,  E404),
        ("other_trainee",                  LOGIN, OK,    OK,    E404,  E404,  E404,  E404,  E404)),
    *rows("get", "trainees:summary",
        ("trainee",                        LOGIN, OK,    OK,    E404,  E404,  OK,    E404,  E404),
        ("other_trainee",                  LOGIN, OK,    OK,    E404,  E404,  E404,  E404,  E404)),
    # Outcomes: a trainee's outcome history is part of their journey: the lab's and their
    # own (anyone else 404, supervisors included). The consent to follow-ups: the trainee
    # decides on the page, the lab records what it was told. "trainee:no_choice" posts
    # neither yes nor no, which sends the user back with a message and writes nothing.
    *rows("get", "trainees:outcomes",
        ("trainee",                        LOGIN, OK,    OK,    E404,  E404,  OK,    E404,  E404),
        ("other_trainee",                  LOGIN, OK,    OK,    E404,  E404,  E404,  E404,  E404)),
    *rows("post", "trainees:follow_up_consent",
        ("trainee",                        LOGIN, DONE,  DONE,  E404,  E404,  DONE,  E404,  E404),
        ("other_trainee",                  LOGIN, DONE,  DONE,  E404,  E404,  E404,  E404,  E404),
        ("trainee:no_choice",              LOGIN, BACK,  BACK,  E404,  E404,  BACK,  E404,  E404)),
    # The links in a follow-up email, opened without signing in: the signed link is the
    # only key, so everyone gets the same answer, signed in or not. The state is the
    # follow-up the link names, of a former trainee who agreed to follow-ups: "sent" (it
    # may be answered), "answered" (used: 410), "expired" (the sent one's link, signed
    # longer ago than links work: 410) or "tampered" (the sent one's link, changed: 404).
    # An answer shows the thanks at once, as the link is used up; ":no_employer" names a
    # job without its employer (400, the form again).
    *rows("get", "trainees:follow_up_answer",
        ("sent",                           OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
        ("answered",                       E410,  E410,  E410,  E410,  E410,  E410,  E410,  E410),
        ("expired",                        E410,  E410,  E410,  E410,  E410,  E410,  E410,  E410),
        ("tampered",                       E404,  E404,  E404,  E404,  E404,  E404,  E404,  E404)),
    *rows("post", "trainees:follow_up_answer",
        ("sent",                           SENT,  SENT,  SENT,  SENT,  SENT,  SENT,  SENT,  SENT),
        ("sent:no_employer",               FORM,  FORM,  FORM,  FORM,  FORM,  FORM,  FORM,  FORM),
        ("answered",                       E410,  E410,  E410,  E410,  E410,  E410,  E410,  E410),
        ("expired",                        E410,  E410,  E410,  E410,  E410,  E410,  E410,  E410),
        ("tampered",                       E404,  E404,  E404,  E404,  E404,  E404,  E404,  E404)),
    # the stop link of the sent follow-up's email: GET only asks (a mail scanner that
    # opens links must stop nothing), POST stops every follow-up and says so at once
    *rows("get", "trainees:follow_up_withdraw",
        ("sent",                           OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
        ("tampered",                       E404,  E404,  E404,  E404,  E404,  E404,  E404,  E404)),
    *rows("post", "trainees:follow_up_withdraw",
        ("sent",                           SENT,  SENT,  SENT,  SENT,  SENT,  SENT,  SENT,  SENT),
        ("tampered",                       E404,  E404,  E404,  E404,  E404,  E404,  E404,  E404)),

    # Cohorts: a cohort's page for whoever sees the cohort (the lab, its trainees, its
    # supervisors); the list, the progress and all management the lab's alone, refused with
    # 403 before any object is looked at. The state is the cohort: the trainee's
    # ("supervised", running, `supervisor` named on it), the other trainee's ("other",
    # running), the trainee's earlier one ("earlier", finished, which the trainee left
    # early; `supervisor` supervises only that enrolment), "recruiting" and "planned" (no
    # one enrolled); or, for a status change, "source->target" on the cohort in `source`.
    #                                      anon   admin  lead   staff  collg  train  super  outsd
    *rows("get", "cohorts:list",
        ("",                               LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    *rows("get", "cohorts:detail",
        ("supervised",                     LOGIN, OK,    OK,    E403,  E403,  OK,    OK,    E403),
        ("earlier",                        LOGIN, OK,    OK,    E403,  E403,  OK,    OK,    E403),
        ("other",                          LOGIN, OK,    OK,    E403,  E403,  E404,  E404,  E403)),
    # the state is the cohort: the trainee's, on which `supervisor` is named
    *rows("get", "cohorts:progress",
        ("supervised",                     LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    *rows("get", "cohorts:create",
        ("",                               LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    *rows("post", "cohorts:create",
        ("",                               LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403)),
    *rows("get", "cohorts:update",
        ("supervised",                     LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    *rows("post", "cohorts:update",
        ("supervised",                     LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403)),
    # `?target=`: the confirmation page of a move; a move the table lacks is a message
    *rows("get", "cohorts:status",
        ("planned->recruiting",            LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403),
        ("running->finished",              LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403),
        ("finished->running",              LOGIN, BACK,  BACK,  E403,  E403,  E403,  E403,  E403)),
    *rows("post", "cohorts:status",
        ("planned->recruiting",            LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("planned->running",               LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("recruiting->planned",            LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("recruiting->running",            LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("running->finished",              LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("finished->running",              LOGIN, BACK,  BACK,  E403,  E403,  E403,  E403,  E403),
        ("planned->finished",              LOGIN, BACK,  BACK,  E403,  E403,  E403,  E403,  E403),
        ("running->nonsense",              LOGIN, BACK,  BACK,  E403,  E403,  E403,  E403,  E403)),
    *rows("get", "cohorts:plan_pdf",
        ("supervised",                     LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    *rows("get", "cohorts:enrolment_create",
        ("supervised",                     LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    # a finished cohort takes no new trainees
    *rows("post", "cohorts:enrolment_create",
        ("supervised",                     LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("earlier",                        LOGIN, FORM,  FORM,  E403,  E403,  E403,  E403,  E403)),
    # Enrolments: the state is whose it is (the trainee's in the supervised cohort, the
    # other trainee's), or "left": the trainee's earlier one, left early
    *rows("get", "cohorts:enrolment_update",
        ("trainee",                        LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    *rows("post", "cohorts:enrolment_update",
        ("trainee",                        LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("other_trainee",                  LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403)),
    *rows("get", "cohorts:enrolment_leave",
        ("trainee",                        LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403),
        ("left",                           LOGIN, BACK,  BACK,  E403,  E403,  E403,  E403,  E403)),
    *rows("post", "cohorts:enrolment_leave",
        ("trainee",                        LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("left",                           LOGIN, BACK,  BACK,  E403,  E403,  E403,  E403,  E403)),
    *rows("get", "cohorts:rotation_create",
        ("trainee",                        LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    *rows("post", "cohorts:rotation_create",
        ("trainee",                        LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403)),
    # a rotation period of the trainee's enrolment
    *rows("get", "cohorts:rotation_delete",
        ("trainee",                        LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    *rows("post", "cohorts:rotation_delete",
        ("trainee",                        LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403)),
    # The outcome at the end of an enrolment (like every enrolment page: anyone else 403
    # before any object is looked at). The state is whose enrolment it is;
    # "trainee:no_employer" posts work without an employer (400, message on the field);
    # "trainee:stale" posts a version older than the saved one (400, conflict).
    *rows("get", "cohorts:enrolment_outcome",
        ("trainee",                        LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    *rows("post", "cohorts:enrolment_outcome",
        ("trainee",                        LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("other_trainee",                  LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("trainee:no_employer",            LOGIN, FORM,  FORM,  E403,  E403,  E403,  E403,  E403),
        ("trainee:stale",                  LOGIN, FORM,  FORM,  E403,  E403,  E403,  E403,  E403)),

    # Recruitment: the application pages are public (a cohort only while it recruits); the
    # screening is the lab's. The state is the cohort applied to ("recruiting", or
    # "planned": not recruiting), with how the form is sent; or the applicant's status
    # ("source->target" for a move, ":no_reason" for a decline without one).
    #                                      anon   admin  lead   staff  collg  train  super  outsd
    *rows("get", "cohorts:apply_list",
        ("",                               OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK)),
    *rows("get", "cohorts:apply",
        ("recruiting",                     OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
        ("planned",                        E404,  E404,  E404,  E404,  E404,  E404,  E404,  E404)),
    # the same thank-you page for a new application, a repeated one and a robot's
    *rows("post", "cohorts:apply",
        ("recruiting",                     DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE,  DONE),
        ("recruiting:no_consent",          FORM,  FORM,  FORM,  FORM,  FORM,  FORM,  FORM,  FORM),
        ("recruiting:known_address",       BACK,  BACK,  BACK,  BACK,  BACK,  BACK,  BACK,  BACK),
        ("recruiting:robot",               BACK,  BACK,  BACK,  BACK,  BACK,  BACK,  BACK,  BACK),
        ("planned",                        E404,  E404,  E404,  E404,  E404,  E404,  E404,  E404)),
    *rows("get", "cohorts:apply_thanks",
        ("",                               OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK)),
    *rows("get", "cohorts:applicant_list",
        ("",                               LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    *rows("get", "cohorts:applicant_detail",
        ("new",                            LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403),
        ("offered",                        LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    # accepting invites the applicant; a move the table lacks answers 400 with the form
    *rows("post", "cohorts:applicant_move",
        ("new->shortlisted",               LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("new->declined",                  LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("new->declined:no_reason",        LOGIN, FORM,  FORM,  E403,  E403,  E403,  E403,  E403),
        ("new->accepted",                  LOGIN, FORM,  FORM,  E403,  E403,  E403,  E403,  E403),
        ("new->nonsense",                  LOGIN, FORM,  FORM,  E403,  E403,  E403,  E403,  E403),
        ("offered->accepted",              LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("offered->declined:no_reason",    LOGIN, FORM,  FORM,  E403,  E403,  E403,  E403,  E403)),

    # Planning: the board, matching and assigning are the lab's, refused with 403 before
    # any idea is looked at. An assignment's page is for whoever sees its cohort (the lab,
    # its trainees, its supervisors); department staff see the plan on the idea's page
    # only, even of their own idea. Changing, moving and handing over are the lab's.
    # The state is the idea to plan: "ready" (accepted, ready to plan), "planned" (it has
    # an assignment) or "declined"; ":overbooked" when the team is the trainee, already on
    # as many assignments as one may be. Or it is the assignment: of the trainee's cohort,
    # by its status ("source->target" for a move), or "other", of the other trainee's.
    #                                      anon   admin  lead   staff  collg  train  super  outsd
    *rows("get", "cohorts:board",
        ("",                               LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403),
        ("table",                          LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    # the page says why an idea cannot be planned
    *rows("get", "cohorts:match",
        ("ready",                          LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403),
        ("planned",                        LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403),
        ("declined",                       LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    # a refused plan answers 400 with the match page and the reason
    *rows("post", "cohorts:assign",
        ("ready",                          LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("planned",                        LOGIN, FORM,  FORM,  E403,  E403,  E403,  E403,  E403),
        ("declined",                       LOGIN, FORM,  FORM,  E403,  E403,  E403,  E403,  E403),
        ("ready:overbooked",               LOGIN, FORM,  FORM,  E403,  E403,  E403,  E403,  E403)),
    *rows("get", "cohorts:assignment_detail",
        ("planned",                        LOGIN, OK,    OK,    E403,  E403,  OK,    OK,    E403),
        ("other",                          LOGIN, OK,    OK,    E403,  E403,  E404,  E404,  E403)),
    *rows("get", "cohorts:assignment_update",
        ("planned",                        LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    # an edit based on an older version answers 400 with the form
    *rows("post", "cohorts:assignment_update",
        ("planned",                        LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("planned:stale",                  LOGIN, FORM,  FORM,  E403,  E403,  E403,  E403,  E403)),
    # the idea moves along; a plan is cancelled on its own page, with a reason
    *rows("post", "cohorts:assignment_move",
        ("planned->in_progress",           LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("in_progress->done",              LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("planned->cancelled",             LOGIN, BACK,  BACK,  E403,  E403,  E403,  E403,  E403)),
    # only a plan whose work has not begun is cancelled; without a reason, the form again
    *rows("get", "cohorts:assignment_cancel",
        ("planned",                        LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403),
        ("in_progress",                    LOGIN, BACK,  BACK,  E403,  E403,  E403,  E403,  E403)),
    *rows("post", "cohorts:assignment_cancel",
        ("planned",                        LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("planned:no_reason",              LOGIN, FORM,  FORM,  E403,  E403,  E403,  E403,  E403),
        ("in_progress",                    LOGIN, BACK,  BACK,  E403,  E403,  E403,  E403,  E403)),
    # only work in progress is handed over, to the trainees of another cohort
    *rows("get", "cohorts:handover",
        ("in_progress",                    LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403),
        ("planned",                        LOGIN, BACK,  BACK,  E403,  E403,  E403,  E403,  E403)),
    *rows("post", "cohorts:handover",
        ("in_progress",                    LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("planned",                        LOGIN, BACK,  BACK,  E403,  E403,  E403,  E403,  E403)),

    # Employer partners: the lab's only, refused with 403 before any object is looked at;
    # the summary link emailed to a contact is public. The state is the organisation
    # ("partner", or "municipality": not a partner, not found), the contact's version
    # ("stale_version": older than the saved one), the role's status ("source->target" for
    # a move), how the share form is sent, or the summary link (as the follow-up links).
    #                                      anon   admin  lead   staff  collg  train  super  outsd
    *rows("get", "cohorts:employer_list",
        ("",                               LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    *rows("get", "cohorts:employer_contact_create",
        ("partner",                        LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403),
        ("municipality",                   LOGIN, E404,  E404,  E403,  E403,  E403,  E403,  E403)),
    *rows("post", "cohorts:employer_contact_create",
        ("partner",                        LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("municipality",                   LOGIN, E404,  E404,  E403,  E403,  E403,  E403,  E403)),
    *rows("get", "cohorts:employer_contact_update",
        ("",                               LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    # a page older than the row: the form again with the conflict, nothing written
    *rows("post", "cohorts:employer_contact_update",
        ("",                               LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("stale_version",                  LOGIN, FORM,  FORM,  E403,  E403,  E403,  E403,  E403)),
    *rows("get", "cohorts:employer_role_create",
        ("partner",                        LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    # closing yesterday: refused on its field
    *rows("post", "cohorts:employer_role_create",
        ("partner",                        LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("closes_in_the_past",             LOGIN, FORM,  FORM,  E403,  E403,  E403,  E403,  E403)),
    *rows("get", "cohorts:employer_role_update",
        ("open",                           LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    # a filled role's text may still be corrected
    *rows("post", "cohorts:employer_role_update",
        ("open",                           LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("filled",                         LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403)),
    # `?target=`: the confirmation page of a move; a move the table lacks is a message
    *rows("get", "cohorts:employer_role_status",
        ("open->closed",                   LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403),
        ("closed->filled",                 LOGIN, BACK,  BACK,  E403,  E403,  E403,  E403,  E403)),
    *rows("post", "cohorts:employer_role_status",
        ("open->filled",                   LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("open->closed",                   LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("filled->open",                   LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("closed->open",                   LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("filled->closed",                 LOGIN, BACK,  BACK,  E403,  E403,  E403,  E403,  E403),
        ("open->nonsense",                 LOGIN, BACK,  BACK,  E403,  E403,  E403,  E403,  E403)),
    *rows("get", "cohorts:placement",
        ("",                               LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    # the trainee's enrolment
    *rows("get", "cohorts:share_summary",
        ("trainee",                        LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    # the first POST shows the confirmation (nothing written); its "confirm" button
    # sends; without consent, with a future consent day or to an inactive contact the form
    # comes back and nothing is written
    *rows("post", "cohorts:share_summary",
        ("unconfirmed",                    LOGIN, FORM,  FORM,  E403,  E403,  E403,  E403,  E403),
        ("confirmed",                      LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("future_consent",                 LOGIN, FORM,  FORM,  E403,  E403,  E403,  E403,  E403),
        ("no_consent_method",              LOGIN, FORM,  FORM,  E403,  E403,  E403,  E403,  E403),
        ("inactive_contact",               LOGIN, FORM,  FORM,  E403,  E403,  E403,  E403,  E403)),
    # the link emailed to a contact: no account, the same answer for everyone; "valid"
    # sends the PDF (counted and audited), "expired" is past its days
    *rows("get", "cohorts:shared_summary",
        ("valid",                          OK,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
        ("expired",                        E410,  E410,  E410,  E410,  E410,  E410,  E410,  E410),
        ("tampered",                       E404,  E404,  E404,  E404,  E404,  E404,  E404,  E404)),

    # Reports: the lab's only, refused with 403 before any object is looked at; a period
    # that ends before it starts answers 400 with the page (OK). The state is the period,
    # the download's "kind.format", how an export is asked for, or whose export of the
    # whole history it is: "lab_lead" and "admin" (ready), "queued" (the lab lead's, not
    # yet prepared). Such an export is its requester's and any admin's: a lab lead gets
    # 404 for another's, and its file only once it is ready.
    #                                      anon   admin  lead   staff  collg  train  super  outsd
    *rows("get", "reports:dashboard",
        ("",                               LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403),
        ("bad_period",                     LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    *rows("get", "reports:exports",
        ("",                               LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403),
        ("bad_period",                     LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    *rows("get", "reports:export",
        ("figures.csv",                    LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403),
        ("rows.xlsx",                      LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403),
        ("nonsense.csv",                   LOGIN, E404,  E404,  E403,  E403,  E403,  E403,  E403)),
    # the weekly progress logs, pseudonymised (audited like the other exports)
    *rows("get", "reports:export_logs",
        ("csv",                            LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403),
        ("xlsx",                           LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403),
        ("pdf",                            LOGIN, E404,  E404,  E403,  E403,  E403,  E403,  E403)),
    *rows("get", "reports:pdf",
        ("",                               LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403)),
    # rows with names: administrators only, with a reason (each such file is audited)
    *rows("post", "reports:export_named",
        ("",                               LOGIN, SENT,  E403,  E403,  E403,  E403,  E403,  E403),
        ("no_reason",                      LOGIN, FORM,  E403,  E403,  E403,  E403,  E403,  E403)),
    # the probe of "named" counts exports with names: a lab lead's form has no "named",
    # so asking for names anyway prepares an export without them (back: sent to it)
    *rows("post", "reports:export_request",
        ("csv",                            LOGIN, DONE,  DONE,  E403,  E403,  E403,  E403,  E403),
        ("named",                          LOGIN, DONE,  BACK,  E403,  E403,  E403,  E403,  E403),
        ("named:no_reason",                LOGIN, BACK,  BACK,  E403,  E403,  E403,  E403,  E403)),
    *rows("get", "reports:export_job",
        ("lab_lead",                       LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403),
        ("admin",                          LOGIN, OK,    E404,  E403,  E403,  E403,  E403,  E403)),
    *rows("get", "reports:export_job_download",
        ("lab_lead",                       LOGIN, OK,    OK,    E403,  E403,  E403,  E403,  E403),
        ("admin",                          LOGIN, OK,    E404,  E403,  E403,  E403,  E403,  E403),
        ("queued",                         LOGIN, E404,  E404,  E403,  E403,  E403,  E403,  E403)),

    # Personal data across every app (access requests, erasure, retention): admins only.
    #                                      anon   admin  lead   staff  collg  train  super  outsd
    *rows("get", "privacy:home",
        ("",                               LOGIN, OK,    E403,  E403,  E403,  E403,  E403,  E403)),
    # access requests (art. 15): GET searches by email ("found": the trainee's address,
    # "nobody": an unknown one); POST answers with the ZIP and one audit row (SENT)
    *rows("get", "privacy:access_request",
        ("",                               LOGIN, OK,    E403,  E403,  E403,  E403,  E403,  E403),
        ("found",                          LOGIN, OK,    E403,  E403,  E403,  E403,  E403,  E403),
        ("nobody",                         LOGIN, OK,    E403,  E403,  E403,  E403,  E403,  E403)),
    *rows("post", "privacy:access_request",
        ("",                               LOGIN, SENT,  E403,  E403,  E403,  E403,  E403,  E403),
        ("no_reason",                      LOGIN, FORM,  E403,  E403,  E403,  E403,  E403,  E403),
        ("nobody",                         LOGIN, FORM,  E403,  E403,  E403,  E403,  E403,  E403)),
    # retention: "Run now" queues the task and audits it; erasure on request: "preview"
    # shows what will happen and writes nothing (a page: FORM), "confirm" erases the
    # newcomer; no reason or the admin themself answer with the form again
    *rows("get", "privacy:retention",
        ("",                               LOGIN, OK,    E403,  E403,  E403,  E403,  E403,  E403)),
    *rows("post", "privacy:retention_run",
        ("",                               LOGIN, DONE,  E403,  E403,  E403,  E403,  E403,  E403)),
    *rows("get", "privacy:erase",
        ("",                               LOGIN, OK,    E403,  E403,  E403,  E403,  E403,  E403)),
    *rows("post", "privacy:erase",
        ("preview",                        LOGIN, FORM,    E403,  E403,  E403,  E403,  E403,  E403),
        ("confirm",                        LOGIN, DONE,  E403,  E403,  E403,  E403,  E403,  E403),
        ("no_reason",                      LOGIN, FORM,  E403,  E403,  E403,  E403,  E403,  E403),
        ("self",                           LOGIN, FORM,  E403,  E403,  E403,  E403,  E403,  E403)),
    *rows("get", "privacy:erase_done",
        ("",                               LOGIN, OK,    E403,  E403,  E403,  E403,  E403,  E403),
        ("missing",                        LOGIN, E404,  E403,  E403,  E403,  E403,  E403,  E403)),
]
# fmt: on

# URLs that change nothing, whoever calls them and however.
READ_ONLY = {
    "healthz",
    "core:home",
    "core:accessibility",
    "core:skill_list",
    "core:audit_list",
    "accounts:user_list",
    "accounts:user_detail",
    "accounts:invitation_list",
    "accounts:organisation_list",
    "accounts:organisation_detail",
    "prototypes:list",
    "prototypes:flow",
    "prototypes:detail",
    "prototypes:attachment",
    "trainees:list",
    "trainees:profile",
    "trainees:skill_history",
    "trainees:log_list",
    "trainees:log_detail",
    "trainees:milestones",
    "trainees:milestone_types",
    "trainees:summary_page",
    "trainees:outcomes",
    "cohorts:list",
    "cohorts:progress",
    "cohorts:detail",
    "cohorts:apply_list",
    "cohorts:apply_thanks",
    "cohorts:applicant_list",
    "cohorts:applicant_detail",
    "cohorts:board",
    "cohorts:match",
    "cohorts:assignment_detail",
    "cohorts:employer_list",
    "cohorts:placement",
    "reports:dashboard",
    "reports:exports",
    "reports:export_job",
    "privacy:home",
    "privacy:retention",
    "privacy:erase_done",
    # downloads: each writes who fetched it to the audit log, and changes nothing else
    "trainees:skill_evidence",
    "trainees:summary",
    "cohorts:plan_pdf",
    "cohorts:shared_summary",  # counts the download on the share too, like the audit row
    "reports:export",
    "reports:export_logs",
    "reports:pdf",
    "reports:export_job_download",
}


# The world every case is tried in ---------------------------------------------------------
IDEA_STATES = (
    "draft",
    "submitted",
    "needs_information",
    "accepted",
    "delivered",
    "evaluated",
    "archived",
)
NEW_PASSWORD = "ett-långt-lösenord-för-matrisen"


@dataclass
class World:
    users: dict[str, User]
    sessions: dict[str, str]
    organisation: Organisation
    department: Department
    skill: Skill
    ideas: dict[str, Idea]  # by status
    attachments: dict[str, IdeaAttachment]  # by their idea's status
    invitations: dict[str, Invitation]  # pending, accepted, pending_admin
    tokens: dict[str, str]  # the raw tokens of the pending and the accepted invitation
    cohorts: dict[str, Cohort]  # supervised, other, earlier, recruiting, planned
    enrolments: dict[str, Enrolment]  # trainee, other_trainee, left (the trainee's earlier)
    rotation: RotationPeriod  # of the trainee's enrolment
    applicants: dict[str, Applicant]  # to the recruiting cohort, by status: new, offered
    new_skill: Skill  # in no trainee's profile yet
    skill_records: dict[str, SkillRecord]  # trainee, trainee:validated, other_trainee
    logs: dict[str, ProgressLog]  # by whose they are: trainee, other_trainee
    milestones: dict[str, Milestone]  # planned, done, skipped, other_trainee:planned
    milestone_type: MilestoneType  # one the lab added
    plan: Plan
    employers: Employers
    follow_ups: dict[str, FollowUp]  # of a former trainee who agreed to them: sent, answered
    export_jobs: dict[str, ExportJob]  # whose: lab_lead, admin (ready); queued (lab lead's)

    def client(self, persona: str) -> Client:
        client = Client()
        if persona in self.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[persona]
        return client

    def idea(self, state: str) -> Idea:
        return self.ideas[state.split("->")[0]]

    def trainee(self, state: str) -> User:
        """The trainee a row is about: the state names them (and maybe their record)."""
        return self.users[state.split(":")[0]]

    def milestone(self, state: str) -> Milestone:
        return self.milestones[state.split("->")[0]]

    def cohort(self, state: str) -> Cohort:
        """The cohort a row is about: the state names it, or its status ("source->target")."""
        name = state.split("->")[0].split(":")[0]
        return self.cohorts[COHORT_IN_STATUS.get(name, name)]

    def applicant(self, state: str) -> Applicant:
        return self.applicants[state.split("->")[0]]

    def plan_idea(self, state: str) -> Idea:
        return self.plan.ideas[state.split(":")[0]]

    def assignment(self, state: str) -> Assignment:
        return self.plan.assignments[state.split("->")[0].split(":")[0]]

    def role(self, state: str) -> OpenRole:
        """The open role a row is about: the state is its status ("source->target")."""
        return self.employers.roles[state.split("->")[0]]


@dataclass
class Plan:
    """The planning world. Ideas of the department, by the state of their plan: "ready"
    (accepted, ready to plan, needing skills), "planned" and "in_progress" (with an
    assignment of that status in the trainee's cohort, the trainee on the team),
    "declined", and "other" (planned in the other trainee's cohort, with them). The
    trainee is on two active assignments: as many as one may be (`max_parallel`)."""

    ideas: dict[str, Idea]
    assignments: dict[str, Assignment]  # planned, in_progress, other: as their ideas
    cohort: Cohort  # running, with two trainees on no assignment: `team`
    team: list[Enrolment]
    starts_on: date  # a period within every running cohort's, when the trainee is busy
    ends_on: date


@dataclass
class Employers:
    """The employer partners' world: a partner organisation with an active and an
    inactive contact and a role in each status (the open one names the active contact),
    and the trainee's summary shared with the active contact: a link that still works
    ("valid") and one past its days ("expired")."""

    partner: Organisation
    contacts: dict[str, EmployerContact]  # active, inactive
    roles: dict[str, OpenRole]  # by status: open, filled, closed
    shares: dict[str, SummaryShare]  # valid, expired


# The cohort whose status a "source->target" row changes, by `source`.
COHORT_IN_STATUS = {
    CohortStatus.PLANNED: "planned",
    CohortStatus.RECRUITING: "recruiting",
    CohortStatus.RUNNING: "supervised",
    CohortStatus.FINISHED: "earlier",
}


def build_world() -> World:
    department = DepartmentFactory()
    staff = UserFactory(role="department_staff", department=department, full_name="Disa")
    users = {
        "admin": give_totp(UserFactory(role="admin")),
        "lab_lead": give_totp(UserFactory(role="lab_lead")),
        "department_staff": staff,
        "colleague": UserFactory(role="department_staff", department=department),
        "trainee": UserFactory(role="trainee", full_name="Tim Matrispraktikant"),
        "supervisor": UserFactory(role="supervisor"),
        # as the `outsider` fixture of tests/conftest.py: a new department of a new organisation
        "outsider": UserFactory(role="department_staff", department=DepartmentFactory()),
        "another_admin": UserFactory(role="admin"),
        # no persona: the trainee whose records the personas must not reach
        "other_trainee": UserFactory(role="trainee", full_name="Olle Annanpraktikant"),
        # no persona: a trainee in no cohort yet, whom the lab enrols
        "newcomer": UserFactory(role="trainee", full_name="Nora Nykomling"),
    }
    assert users["outsider"].organisation_id != department.organisation_id
    sessions = {}
    for persona in PERSONAS[1:]:
        client = Client()
        client.force_login(users[persona])
        sessions[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value
    ideas = {
        state: IdeaFactory(
            department=department, submitted_by=staff, status=state, title=f"Matrisidé {state}"
        )
        for state in IDEA_STATES
    }
    attachments = {
        state: IdeaAttachmentFactory(idea=ideas[state], uploaded_by=staff)
        for state in ("draft", "submitted", "accepted", "archived")
    }
    tokens = {"pending": "matrix-pending", "accepted": "matrix-accepted"}
    invitations = {
        "pending": InvitationFactory(token=tokens["pending"]),
        "accepted": InvitationFactory(token=tokens["accepted"], accepted_at=timezone.now()),
        "pending_admin": InvitationFactory(role="admin"),
    }
    enrolments = enrol_trainees(users)
    left = enrol_earlier(users)
    recruiting = CohortFactory(status=CohortStatus.RECRUITING, name="Matrisomgång rekrytering")
    cohorts = {
        "supervised": enrolments["trainee"].cohort,
        "other": enrolments["other_trainee"].cohort,
        "earlier": left.cohort,
        "recruiting": recruiting,
        "planned": CohortFactory(starts_on=timezone.localdate() + timedelta(weeks=30)),
    }
    plan = build_plan(users, department, enrolments)
    for who in ("trainee", "other_trainee"):
        TraineeProfileFactory(user=users[who], background="Matrisens bakgrund")
    return World(
        users=users,
        sessions=sessions,
        organisation=department.organisation,
        department=department,
        skill=SkillFactory(),
        ideas=ideas,
        attachments=attachments,
        invitations=invitations,
        tokens=tokens,
        cohorts=cohorts,
        enrolments={**enrolments, "left": left},
        rotation=RotationPeriodFactory(enrolment=enrolments["trainee"]),
        applicants={
            status: ApplicantFactory(
                cohort=recruiting, status=status, full_name=f"Matrissökande {status}"
            )
            for status in (ApplicantStatus.NEW, ApplicantStatus.OFFERED)
        },
        new_skill=SkillFactory(),
        skill_records=build_skill_records(users),
        logs={
            who: ProgressLogFactory(trainee=users[who], enrolment=enrolment, week=last_monday(2))
            for who, enrolment in enrolments.items()
        },
        milestones=build_milestones(users),
        milestone_type=MilestoneTypeFactory(name_sv="Matrisdelmål", name_en="Matrix milestone"),
        plan=plan,
        employers=build_employers(users, enrolments),
        follow_ups=build_follow_ups(),
        export_jobs=build_export_jobs(users),
    )


def enrol_trainees(users: dict[str, User]) -> dict[str, Enrolment]:
    """As the `enrolment` and `supervisor` fixtures of tests/conftest.py: the trainee in a
    cohort that started 20 weeks ago, the supervisor named on it; the other trainee in a
    cohort of the same weeks that the supervisor is not named on. Both are running."""
    start = timezone.localdate() - timedelta(weeks=20)
    enrolments = {
        who: EnrolmentFactory(
            cohort=CohortFactory(
                starts_on=start, ends_on=start + timedelta(weeks=40), status=CohortStatus.RUNNING
            ),
            trainee=users[who],
        )
        for who in ("trainee", "other_trainee")
    }
    enrolments["trainee"].cohort.supervisors.add(users["supervisor"])
    return enrolments


def enrol_earlier(users: dict[str, User]) -> Enrolment:
    """The trainee's earlier cohort, finished before the current one began: they left it
    early; the supervisor supervised that enrolment and is not named on the cohort."""
    start = timezone.localdate() - timedelta(weeks=80)
    enrolment = EnrolmentFactory(
        cohort=CohortFactory(
            starts_on=start, ends_on=start + timedelta(weeks=40), status=CohortStatus.FINISHED
        ),
        trainee=users["trainee"],
        ends_on=start + timedelta(weeks=20),
        left_early=True,
        leave_reason="Fick ett jobb.",
    )
    enrolment.supervisors.add(users["supervisor"])
    return enrolment


def build_skill_records(users: dict[str, User]) -> dict[str, SkillRecord]:
    def record(who: str, **validation: Any) -> SkillRecord:
        return SkillRecordFactory(
            trainee=users[who],
            self_level=CompetenceLevel.WORKING,
            evidence_file=SimpleUploadedFile("intyg.pdf", PDF_BYTES),
            **validation,
        )

    return {
        "trainee": record("trainee"),
        "trainee:validated": record(
            "trainee",
            validated_level=CompetenceLevel.WORKING,
            validation_method=ValidationMethod.PROTOTYPE,
            validation_evidence="Byggde formuläret själv.",
            validated_by=users["lab_lead"],
            validated_at=timezone.now(),
        ),
        "other_trainee": record("other_trainee"),
    }


def build_milestones(users: dict[str, User]) -> dict[str, Milestone]:
    def milestone(who: str, type_en: str, status: str) -> Milestone:
        return MilestoneFactory(
            trainee=users[who],
            type=MilestoneType.objects.get(name_en=type_en),
            due_on=timezone.localdate(),
            status=status,
            done_at=timezone.now() if status == MilestoneStatus.DONE else None,
        )

    return {
        "planned": milestone("trainee", "CV reviewed", MilestoneStatus.PLANNED),
        "done": milestone("trainee", "Cover letter reviewed", MilestoneStatus.DONE),
        "skipped": milestone("trainee", "Interview training done", MilestoneStatus.SKIPPED),
        "other_trainee:planned": milestone("other_trainee", "CV reviewed", MilestoneStatus.PLANNED),
    }


def build_plan(
    users: dict[str, User], department: Department, enrolments: dict[str, Enrolment]
) -> Plan:
    today = timezone.localdate()
    staff = users["department_staff"]

    def idea(status: str, title: str = "") -> Idea:
        return IdeaFactory(
            department=department,
            submitted_by=staff,
            status=status,
            title=title or f"Planeringsidé {status}",
        )

    ready = PlannableIdeaFactory(
        department=department, submitted_by=staff, title="Planeringsidé ready", size_weeks=4
    )
    ready.skills.set([SkillFactory(), SkillFactory()])
    ideas = {
        "ready": ready,
        "planned": idea(IdeaStatus.PLANNED),
        "in_progress": idea(IdeaStatus.IN_PROGRESS),
        "declined": idea(IdeaStatus.DECLINED),
        "other": idea(IdeaStatus.PLANNED, title="Planeringsidé other"),
    }

    def assignment(key: str, enrolment: Enrolment, status: str) -> Assignment:
        made = AssignmentFactory(
            idea=ideas[key],
            cohort=enrolment.cohort,
            status=status,
            starts_on=today - timedelta(weeks=1),
            ends_on=today + timedelta(weeks=9),
        )
        AssignmentMemberFactory(assignment=made, enrolment=enrolment)
        return made

    cohort = CohortFactory(
        name="Matrisomgång planering",
        status=CohortStatus.RUNNING,
        starts_on=today - timedelta(weeks=4),
        ends_on=today + timedelta(weeks=36),
        capacity=6,
    )
    starts_on = today + timedelta(weeks=1)
    return Plan(
        ideas=ideas,
        assignments={
            "planned": assignment("planned", enrolments["trainee"], AssignmentStatus.PLANNED),
            "in_progress": assignment(
                "in_progress", enrolments["trainee"], AssignmentStatus.IN_PROGRESS
            ),
            "other": assignment("other", enrolments["other_trainee"], AssignmentStatus.PLANNED),
        },
        cohort=cohort,
        team=[
            EnrolmentFactory(cohort=cohort, trainee=UserFactory(role="trainee", full_name=name))
            for name in ("Pia Planering", "Pål Planering")
        ],
        starts_on=starts_on,
        ends_on=starts_on + timedelta(weeks=5, days=-1),
    )


def build_employers(users: dict[str, User], enrolments: dict[str, Enrolment]) -> Employers:
    partner = PartnerFactory(name="Matrispartnern AB")
    contacts = {
        "active": EmployerContactFactory(organisation=partner, name="Karin Matris"),
        "inactive": EmployerContactFactory(
            organisation=partner, name="Ivar Inaktiv", is_active=False
        ),
    }
    roles = {
        status: OpenRoleFactory(
            organisation=partner,
            title=f"Matrisroll {status}",
            status=status,
            contact=contacts["active"] if status == RoleStatus.OPEN else None,
        )
        for status in (RoleStatus.OPEN, RoleStatus.FILLED, RoleStatus.CLOSED)
    }

    def share(**fields: Any) -> SummaryShare:
        return SummaryShareFactory(
            enrolment=enrolments["trainee"],
            contact=contacts["active"],
            role=roles[RoleStatus.OPEN],
            shared_by=users["lab_lead"],
            **fields,
        )

    shares = {"valid": share(), "expired": share(expires_at=timezone.now() - timedelta(days=1))}
    return Employers(partner=partner, contacts=contacts, roles=roles, shares=shares)


def build_follow_ups() -> dict[str, FollowUp]:
    """A former trainee (no persona) whose programme ended three months ago and who
    agreed to follow-ups: the one at three months emailed and waiting for an answer, the
    one at six (made early, for its link) answered already."""
    enrolment = former_trainee(full_name="Fia Förrematris")
    now = timezone.now()

    def follow_up(months: int, **fields: Any) -> FollowUp:
        return FollowUp.objects.create(
            trainee=enrolment.trainee,
            enrolment=enrolment,
            months_after=months,
            due_on=enrolment.ends_on,
            emails_sent=1,
            last_sent_at=now,
            nonce=f"matrix{months}".ljust(32, "0"),
            **fields,
        )

    return {
        "sent": follow_up(3, status=FollowUpStatus.SENT),
        "answered": follow_up(6, status=FollowUpStatus.ANSWERED, answered_at=now),
    }


def build_export_jobs(users: dict[str, User]) -> dict[str, ExportJob]:
    """Exports of the whole history, as the pages ask for them: the lab lead's and the
    admin's prepared (small files: the world has no outcomes), and one more of the lab
    lead's still queued. The worker is never asked: the module's transaction never
    commits."""

    def export(who: str, *, prepared: bool = True) -> ExportJob:
        job = request_export(actor=users[who], filters=Filters(), file_format="csv")
        if prepared:
            build_export(job.pk)
        return ExportJob.objects.get(pk=job.pk)

    return {
        "lab_lead": export("lab_lead"),
        "admin": export("admin"),
        "queued": export("lab_lead", prepared=False),
    }


@pytest.fixture(scope="module")
def matrix_media(tmp_path_factory):
    return tmp_path_factory.mktemp("matrix-media")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, matrix_media):
    # Overrides the conftest fixture: the world's attachments outlive a single test.
    settings.MEDIA_ROOT = matrix_media


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, matrix_media):
    """Made once, in a transaction rolled back when the module is done; each test adds
    its own savepoint (the `db` fixture), as Django's TestCase does with setUpTestData."""
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast, MEDIA_ROOT=matrix_media),
        transaction.atomic(),
    ):
        yield build_world()
        transaction.set_rollback(True)


# How each URL is called ------------------------------------------------------------------
def nothing(world: World, state: str) -> Any:
    return None


@dataclass(frozen=True)
class Call:
    """The URL arguments, POST data (or GET query) for the object in `state`, and the probe:
    a value of the database that a write through this URL changes and nothing else does."""

    args: Callable[[World, str], list] = lambda world, state: []
    data: Callable[[World, str], dict] = lambda world, state: {}
    probe: Callable[[World, str], Any] = nothing
    # The query string of a GET (e.g. whose logs to list).
    query: Callable[[World, str], dict] = lambda world, state: {}
    # Run by the same client before the request (e.g. open the emailed link first).
    before: Callable[[Client, World, str], Any] | None = None


def idea_pk(world: World, state: str) -> list:
    return [world.idea(state).pk]


def idea_field(name: str) -> Callable[[World, str], Any]:
    return lambda world, state: getattr(Idea.objects.get(pk=world.idea(state).pk), name)


def current_version(world: World, state: str) -> int:
    return Idea.objects.get(pk=world.idea(state).pk).version


def idea_content(title: str) -> dict:
    return {
        "title": title,
        "problem": "Blanketter skrivs av för hand.",
        "affected_users": AffectedUsers.STAFF,
        "improvement": "Ett formulär som fyller i systemet.",
        "benefit_kind": BenefitKind.TIME,
        "benefit_size": BenefitSize.MEDIUM,
        "urgency": Urgency.NORMAL,
        "contact_person": "Disa",
    }


def accept_data() -> dict:
    return {"full_name": "Ny Person", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}


def open_invitation_link(client: Client, world: World, state: str) -> None:
    if state == "link_opened":
        client.get(reverse("accounts:invitation_accept", args=[world.tokens["pending"]]))


def person_in(world: World, state: str) -> User:
    """The person a user row is about: the state is their role."""
    return world.users["department_staff" if state == "department_staff" else "another_admin"]


def user_update_data(world: World, state: str) -> dict:
    person = person_in(world, state)
    return {
        "full_name": "Nytt Namn",
        "role": person.role,
        "department": person.department_id or "",
        "is_active": "on",
    }


def trainee_pk(world: World, state: str) -> list:
    return [world.trainee(state).pk]


def record_pk(world: World, state: str) -> list:
    return [world.skill_records[state].pk]


def record_of(world: World, state: str) -> SkillRecord:
    return SkillRecord.objects.get(pk=world.skill_records[state].pk)


def profile_of(world: World, state: str) -> TraineeProfile:
    return TraineeProfile.objects.get(user=world.trainee(state))


def log_of(world: World, state: str) -> ProgressLog:
    return ProgressLog.objects.get(pk=world.logs[state].pk)


def log_data(week: Any, **extra: Any) -> dict:
    return {
        "week": str(week),
        "hours_practical": "30",
        "hours_education": "10",
        "did": "Skrev tester för matrisen.",
        **extra,
    }


def milestone_count(world: World, state: str) -> int:
    return Milestone.objects.filter(trainee=world.trainee(state)).count()


def milestone_field(name: str) -> Callable[[World, str], Any]:
    return lambda world, state: getattr(Milestone.objects.get(pk=world.milestone(state).pk), name)


def milestone_move(world: World, state: str) -> dict:
    source, target = state.split(":")[-1].split("->")
    return {"target": target, "seen": source}


def milestone_type_data(name_sv: str, name_en: str) -> dict:
    return {"name_sv": name_sv, "name_en": name_en, "position": 70, "is_active": "on"}


def cohort_pk(world: World, state: str) -> list:
    return [world.cohort(state).pk]


def cohort_field(name: str) -> Callable[[World, str], Any]:
    return lambda world, state: getattr(Cohort.objects.get(pk=world.cohort(state).pk), name)


def cohort_update_data(world: World, state: str) -> dict:
    cohort = Cohort.objects.get(pk=world.cohort(state).pk)
    return {
        "name": "Omdöpt omgång",
        "organisation": cohort.organisation_id,
        "starts_on": str(cohort.starts_on),
        "ends_on": str(cohort.ends_on),
        "capacity": cohort.capacity,
        "supervisors": [p.pk for p in cohort.supervisors.all()],
        "education_target_percent": cohort.education_target_percent,
        "version": cohort.version,
    }


def enrolment_pk(world: World, state: str) -> list:
    return [world.enrolments[state].pk]


def enrolment_of(world: World, state: str) -> Enrolment:
    return Enrolment.objects.get(pk=world.enrolments[state].pk)


# TEST-NET-3: no other test applies from here.
APPLICANT_ADDRESS = "203.0.113.91"


def from_a_fresh_address(client: Client, world: World, state: str) -> None:
    """Apply from an address that has applied to nothing this hour: the rate limit counts
    in the cache, which no rollback empties, and would otherwise answer 429 to the rows."""
    client.defaults["REMOTE_ADDR"] = APPLICANT_ADDRESS
    cache.delete(recruitment_spam.submission_key(APPLICANT_ADDRESS))


def application_data(world: World, state: str) -> dict:
    """The public form, sent as the state says: in full, without consent, from the address
    of someone who applied already, or by a robot (the hidden field filled in)."""
    how = state.partition(":")[2]
    data = {
        "full_name": "Amira Matris",
        "email": world.applicants["new"].email if how == "known_address" else "amira@example.se",
        "language": "sv",
        "wants_to_work_with": "Webbutveckling.",
        "shown_language": "sv",
        recruitment_spam.HONEYPOT_FIELD: "https://example.com" if how == "robot" else "",
    }
    if how != "no_consent":
        data["consent"] = "on"
    return data


def applicant_of(world: World, state: str) -> Applicant:
    return Applicant.objects.get(pk=world.applicant(state).pk)


def applicant_move(world: World, state: str) -> dict:
    target, _, how = state.split("->")[1].partition(":")
    note = "" if how == "no_reason" else "Stämmer med vad omgången behöver."
    return {"target": target, "note": note, "version": applicant_of(world, state).version}


def plan_data(world: World, state: str) -> dict:
    """Assign the idea to the free team of the planning cohort; ":overbooked": to the
    trainee, who is on as many active assignments as one may be."""
    plan = world.plan
    overbooked = state.endswith(":overbooked")
    team = [world.enrolments["trainee"]] if overbooked else plan.team
    return {
        "idea": world.plan_idea(state).pk,
        "cohort": team[0].cohort_id,
        "starts_on": plan.starts_on.isoformat(),
        "ends_on": plan.ends_on.isoformat(),
        "team": [e.pk for e in team],
        "month": "",
    }


def plan_of_idea(world: World, state: str) -> tuple:
    idea = Idea.objects.get(pk=world.plan_idea(state).pk)
    return Assignment.objects.filter(idea=idea).count(), idea.status, idea.version


def assignment_of(world: World, state: str) -> Assignment:
    return Assignment.objects.get(pk=world.assignment(state).pk)


def assignment_state(world: World, state: str) -> tuple:
    """What a change, move or handover of the assignment writes."""
    assignment = assignment_of(world, state)
    return (
        assignment.status,
        assignment.version,
        assignment.starts_on,
        assignment.ends_on,
        sorted(assignment.memberships.values_list("enrolment_id", flat=True)),
        Idea.objects.get(pk=assignment.idea_id).status,
        Assignment.objects.filter(continues=assignment).count(),
    )


def assignment_update_data(world: World, state: str) -> dict:
    """A week more, with the same team; ":stale": based on an older version."""
    assignment = assignment_of(world, state)
    stale = state.endswith(":stale")
    return {
        "team": [world.enrolments["trainee"].pk],
        "starts_on": assignment.starts_on.isoformat(),
        "ends_on": (assignment.ends_on + timedelta(weeks=1)).isoformat(),
        "version": assignment.version - 1 if stale else assignment.version,
    }


def handover_data(world: World, state: str) -> dict:
    plan = world.plan
    return {
        "cohort": plan.cohort.pk,
        "team": [plan.team[0].pk],
        "starts_on": plan.starts_on.isoformat(),
        "ends_on": plan.ends_on.isoformat(),
        "handover_notes": "Koden finns i GitLab; nästa steg är inloggningen.",
        "version": assignment_of(world, state).version,
    }


def outcome_enrolment(world: World, state: str) -> Enrolment:
    return world.enrolments[state.split(":")[0]]


def end_outcome(world: World, state: str) -> Any:
    """The end outcome's version and employer (None while there is none)."""
    return (
        Outcome.objects.filter(enrolment=outcome_enrolment(world, state), months_after=0)
        .values_list("version", "employer")
        .first()
    )


def outcome_saved_twice(client: Client, world: World, state: str) -> None:
    """For "stale": the outcome exists at version 2, and the form posts version 1."""
    if state.endswith(":stale"):
        enrolment = outcome_enrolment(world, state)
        lab = world.users["lab_lead"]
        data = {"category": "studies"}
        record_outcome(actor=lab, enrolment=enrolment, data=data)
        record_outcome(actor=lab, enrolment=enrolment, data=data, expected_version=1)


def outcome_data(world: World, state: str) -> dict:
    return {
        "category": "employed_it",
        "employer": "" if state.endswith(":no_employer") else "Matrisbolaget",
        "role": "Utvecklare",
        "region": "",
        "starts_on": "2030-01-01",
        "employment_type": "permanent",
        "partner": "",
        "note": "",
        "version": "1" if state.endswith(":stale") else "",
    }


def follow_up_link(world: World, state: str) -> list:
    """The answer link of the state's follow-up: as emailed, as emailed longer ago than
    links work ("expired"), or changed by hand ("tampered")."""
    how = state.split(":")[0]
    if how == "answered":
        return [answer_token(world.follow_ups["answered"])]
    sent = world.follow_ups["sent"]
    if how == "expired":
        return [old_token(sent, days=settings.FOLLOW_UP_LINK_DAYS + 1)]
    return [answer_token(sent) + ("x" if how == "tampered" else "")]


def follow_up_state(world: World, state: str) -> tuple:
    """What an answer writes: the follow-up's status and answer, and the outcomes."""
    follow_up = world.follow_ups["answered" if state == "answered" else "sent"]
    follow_up = FollowUp.objects.get(pk=follow_up.pk)
    outcomes = Outcome.objects.filter(enrolment=follow_up.enrolment_id).count()
    return follow_up.status, follow_up.answered_at, follow_up.answer, outcomes


def former_trainee_of(world: World) -> User:
    return world.follow_ups["sent"].trainee


def stop_link(world: World, state: str) -> list:
    token = withdraw_token(former_trainee_of(world))
    return [token + ("x" if state == "tampered" else "")]


def contact_of(world: World) -> EmployerContact:
    return EmployerContact.objects.get(pk=world.employers.contacts["active"].pk)


def contact_data(version: Any) -> dict:
    return {
        "name": "Ny Kontakt",
        "email": "ny@partner.example.se",
        "is_active": "on",
        "version": version,
    }


def role_of(world: World, state: str) -> OpenRole:
    return OpenRole.objects.get(pk=world.role(state).pk)


def role_state(world: World, state: str) -> tuple:
    role = role_of(world, state)
    return role.status, role.version


def in_days(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def role_data(world: World, closes_on: date, version: Any) -> dict:
    return {
        "title": "Ny tjänst",
        "closes_on": closes_on.isoformat(),
        "contact": world.employers.contacts["active"].pk,
        "version": version,
    }


def share_data(world: World, state: str) -> dict:
    """The share form, sent as the state says: to the confirmation ("unconfirmed"), from
    it ("confirmed"), or refused: consent on a day to come, no way of consent recorded,
    or to the inactive contact."""
    contacts = world.employers.contacts
    data = {
        "contact": contacts["inactive" if state == "inactive_contact" else "active"].pk,
        "role": world.employers.roles[RoleStatus.OPEN].pk,
        "language": "sv",
        "consent_method": "" if state == "no_consent_method" else "in_person",
        "consent_given_on": str(in_days(1 if state == "future_consent" else 0)),
    }
    if state != "unconfirmed":
        data["confirm"] = "1"
    return data


def summary_link(world: World, state: str) -> list:
    share = world.employers.shares["expired" if state == "expired" else "valid"]
    return [share_token(share) + ("x" if state == "tampered" else "")]


def bad_period(world: World, state: str) -> dict:
    return {"starts": "2026-06-01", "ends": "2026-01-01"} if state == "bad_period" else {}


def named_exports(world: World, state: str) -> int:
    return AuditEntry.objects.filter(action="report.exported", details__named=True).count()


def export_request_data(world: World, state: str) -> dict:
    if not state.startswith("named"):
        return {"file_format": "csv"}
    reason = "" if state.endswith(":no_reason") else "Uppföljning åt kommunstyrelsen."
    return {"file_format": "xlsx", "named": "on", "reason": reason}


def export_jobs(world: World, state: str) -> int:
    """The exports prepared; for "named", those with names only."""
    jobs = ExportJob.objects.all()
    return (jobs.filter(named=True) if state.startswith("named") else jobs).count()


def access_request_email(world: World, state: str) -> str:
    return "ingen@example.se" if state == "nobody" else world.users["trainee"].email


def erase_data(world: World, state: str) -> dict:
    person = world.users["admin" if state == "self" else "newcomer"]
    data = {"email": person.email, "reason": " " if state == "no_reason" else "Begäran 2026/1"}
    return data if state == "preview" else {**data, "confirm": "1"}


def erasures(world: World, state: str) -> tuple[int, int]:
    removed = User.objects.filter(removed_at__isnull=False).count()
    return removed, Erasure.objects.count()


def erasure_pk(world: World, state: str) -> list:
    erasure = Erasure.objects.create(
        person=world.users["newcomer"],
        reason="Begäran 2026/2",
        requested_by=world.users["admin"],
        done_at=timezone.now(),
    )
    return [erasure.pk + 10_000 if state == "missing" else erasure.pk]


CALLS: dict[str, Call] = {
    "core:set_language": Call(
        data=lambda w, s: {"language": "en"},
        probe=lambda w, s: User.objects.filter(language="en").count(),
    ),
    "core:skill_create": Call(
        data=lambda w, s: {"name_sv": "Matrisfärdighet", "name_en": "Matrix", "category": "data"},
        probe=lambda w, s: Skill.objects.filter(name_sv="Matrisfärdighet").exists(),
    ),
    "core:skill_update": Call(
        args=lambda w, s: [w.skill.pk],
        data=lambda w, s: {"name_sv": "Omdöpt", "name_en": "Renamed", "category": "data"},
        probe=lambda w, s: Skill.objects.get(pk=w.skill.pk).name_sv,
    ),
    "accounts:user_detail": Call(args=lambda w, s: [person_in(w, s).pk]),
    "accounts:user_update": Call(
        args=lambda w, s: [person_in(w, s).pk],
        data=user_update_data,
        probe=lambda w, s: User.objects.get(pk=person_in(w, s).pk).full_name,
    ),
    "accounts:invitation_create": Call(
        data=lambda w, s: {"email": "ny@example.se", "role": s, "language": "sv"},
        probe=lambda w, s: Invitation.objects.filter(email="ny@example.se").exists(),
    ),
    "accounts:invitation_revoke": Call(
        args=lambda w, s: [w.invitations[s].pk],
        probe=lambda w, s: Invitation.objects.get(pk=w.invitations[s].pk).revoked_at,
    ),
    "accounts:invitation_accept": Call(
        args=lambda w, s: [w.tokens[s]],
        data=lambda w, s: accept_data(),
        probe=lambda w, s: User.objects.filter(email=w.invitations[s].email).exists(),
    ),
    "accounts:invitation_accept_form": Call(
        before=open_invitation_link,
        data=lambda w, s: accept_data(),
        probe=lambda w, s: User.objects.filter(email=w.invitations["pending"].email).exists(),
    ),
    "accounts:organisation_create": Call(
        data=lambda w, s: {"name": "Matriskommunen", "kind": "municipality", "is_active": "on"},
        probe=lambda w, s: Organisation.objects.filter(name="Matriskommunen").exists(),
    ),
    "accounts:organisation_detail": Call(args=lambda w, s: [w.organisation.pk]),
    "accounts:organisation_update": Call(
        args=lambda w, s: [w.organisation.pk],
        data=lambda w, s: {"name": "Omdöpt kommun", "kind": "municipality", "is_active": "on"},
        probe=lambda w, s: Organisation.objects.get(pk=w.organisation.pk).name,
    ),
    "accounts:department_create": Call(
        args=lambda w, s: [w.organisation.pk],
        data=lambda w, s: {"name": "Matrisförvaltningen", "is_active": "on"},
        probe=lambda w, s: Department.objects.filter(name="Matrisförvaltningen").exists(),
    ),
    "accounts:department_update": Call(
        args=lambda w, s: [w.organisation.pk, w.department.pk],
        data=lambda w, s: {"name": "Omdöpt förvaltning", "is_active": "on"},
        probe=lambda w, s: Department.objects.get(pk=w.department.pk).name,
    ),
    "prototypes:create": Call(
        data=lambda w, s: idea_content("Ny idé från matrisen"),
        probe=lambda w, s: Idea.objects.filter(title="Ny idé från matrisen").exists(),
    ),
    "prototypes:detail": Call(args=idea_pk),
    "prototypes:update": Call(
        args=idea_pk,
        data=lambda w, s: {**idea_content("Ändrad titel"), "version": current_version(w, s)},
        probe=idea_field("title"),
    ),
    "prototypes:transition": Call(
        args=lambda w, s: [w.idea(s).pk, s.split("->")[1]],
        data=lambda w, s: {"note": "Vad behöver ni för data?"},
        probe=idea_field("status"),
    ),
    "prototypes:comment": Call(
        args=idea_pk,
        data=lambda w, s: {"body": "Hur många ansökningar kommer in per månad?"},
        probe=lambda w, s: IdeaComment.objects.filter(idea=w.idea(s)).count(),
    ),
    "prototypes:triage": Call(
        args=idea_pk,
        data=lambda w, s: {"size_weeks": 6, "version": current_version(w, s)},
        probe=idea_field("size_weeks"),
    ),
    "prototypes:prototype": Call(
        args=idea_pk,
        data=lambda w, s: {"working_title": "Matrisprototypen"},
        probe=lambda w, s: PrototypeRecord.objects.filter(idea=w.idea(s)).exists(),
    ),
    "prototypes:evaluate": Call(
        args=idea_pk,
        data=lambda w, s: {"benefit_realised": 4, "adoption": Adoption.TAKE_INTO_USE},
        probe=lambda w, s: Evaluation.objects.filter(idea=w.idea(s)).exists(),
    ),
    "prototypes:attachment": Call(
        args=lambda w, s: [w.idea(s).pk, w.attachments[s].pk],
    ),
    "prototypes:attachment_delete": Call(
        args=lambda w, s: [w.idea(s).pk, w.attachments[s].pk],
        probe=lambda w, s: IdeaAttachment.objects.filter(pk=w.attachments[s].pk).exists(),
    ),
    "trainees:profile": Call(args=trainee_pk),
    "trainees:profile_edit": Call(
        data=lambda w, s: {
            "background": "Ändrad i matrisen",
            "version": profile_of(w, "trainee").version,
        },
        probe=lambda w, s: profile_of(w, "trainee").background,
    ),
    "trainees:reference_contact": Call(
        args=trainee_pk,
        data=lambda w, s: {"reference_contact": w.users["lab_lead"].pk},
        probe=lambda w, s: profile_of(w, s).reference_contact_id,
    ),
    "trainees:skill_add": Call(
        data=lambda w, s: {"skill": w.new_skill.pk, "self_level": CompetenceLevel.INDEPENDENT},
        probe=lambda w, s: SkillRecord.objects.filter(skill=w.new_skill).count(),
    ),
    "trainees:skill_edit": Call(
        args=record_pk,
        data=lambda w, s: {
            "self_level": CompetenceLevel.ADVANCED,
            "seen": record_token(record_of(w, s)),
        },
        probe=lambda w, s: record_of(w, s).self_level,
    ),
    "trainees:skill_remove": Call(
        args=record_pk,
        probe=lambda w, s: SkillRecord.objects.filter(pk=w.skill_records[s].pk).exists(),
    ),
    "trainees:skill_evidence": Call(args=record_pk),
    "trainees:skill_validate": Call(
        args=record_pk,
        data=lambda w, s: {
            "validated_level": CompetenceLevel.INDEPENDENT,
            "validation_method": ValidationMethod.TASK,
            "validation_evidence": "Löste uppgiften på egen hand.",
            "seen": record_token(record_of(w, s)),
        },
        probe=lambda w, s: SkillEvent.objects.filter(
            record=w.skill_records[s], kind=SkillEventKind.VALIDATED
        ).count(),
    ),
    "trainees:skill_history": Call(args=record_pk),
    "trainees:log_list": Call(
        query=lambda w, s: {"trainee": w.trainee(s).pk} if s else {},
    ),
    "trainees:log_create": Call(
        data=lambda w, s: log_data(last_monday(1)),
        probe=lambda w, s: ProgressLog.objects.filter(trainee=w.users["trainee"]).count(),
    ),
    "trainees:log_detail": Call(args=lambda w, s: [w.logs[s].pk]),
    "trainees:log_edit": Call(
        args=lambda w, s: [w.logs[s].pk],
        data=lambda w, s: log_data(log_of(w, s).week, version=log_of(w, s).version),
        probe=lambda w, s: log_of(w, s).did,
    ),
    "trainees:log_comment": Call(
        args=lambda w, s: [w.logs[s].pk],
        data=lambda w, s: {"body": "Bra vecka! Vad blockerar dig?"},
        probe=lambda w, s: LogComment.objects.filter(log=w.logs[s]).count(),
    ),
    "trainees:milestones": Call(args=trainee_pk),
    "trainees:milestone_create": Call(
        args=trainee_pk,
        data=lambda w, s: {
            "type": MilestoneType.objects.get(name_en="Reference agreed").pk,
            "due_on": "2030-01-01",
            "note": "",
        },
        probe=milestone_count,
    ),
    "trainees:milestone_standard": Call(args=trainee_pk, probe=milestone_count),
    "trainees:milestone_update": Call(
        args=lambda w, s: [w.milestone(s).pk],
        data=lambda w, s: {"due_on": "2030-01-01", "note": "Flyttad i matrisen"},
        probe=milestone_field("due_on"),
    ),
    "trainees:milestone_status": Call(
        args=lambda w, s: [w.milestone(s).pk],
        data=milestone_move,
        probe=milestone_field("status"),
    ),
    "trainees:milestone_type_create": Call(
        data=lambda w, s: milestone_type_data("Mentorsamtal", "Mentor talk"),
        probe=lambda w, s: MilestoneType.objects.filter(name_en="Mentor talk").exists(),
    ),
    "trainees:milestone_type_update": Call(
        args=lambda w, s: [w.milestone_type.pk],
        data=lambda w, s: milestone_type_data("Omdöpt delmål", "Renamed milestone"),
        probe=lambda w, s: MilestoneType.objects.get(pk=w.milestone_type.pk).name_en,
    ),
    "trainees:summary_page": Call(args=trainee_pk),
    "trainees:summary": Call(args=trainee_pk),
    "trainees:outcomes": Call(args=trainee_pk),
    "trainees:follow_up_consent": Call(
        args=trainee_pk,
        data=lambda w, s: {"given": "" if s.endswith(":no_choice") else "yes"},
        probe=lambda w, s: ConsentEvent.objects.filter(trainee=w.trainee(s)).count(),
    ),
    "trainees:follow_up_answer": Call(
        args=follow_up_link,
        data=lambda w, s: {
            "category": "employed_it",
            "employer": "" if s.endswith(":no_employer") else "Matrisbolaget",
            "role": "Utvecklare",
            "region": "Kronoberg",
            "starts_on": "",
            "employment_type": "",
        },
        probe=follow_up_state,
    ),
    "trainees:follow_up_withdraw": Call(
        args=stop_link,
        probe=lambda w, s: ConsentEvent.objects.filter(trainee=former_trainee_of(w)).count(),
    ),
    "cohorts:detail": Call(args=cohort_pk),
    "cohorts:progress": Call(args=cohort_pk),
    "cohorts:create": Call(
        data=lambda w, s: {
            "name": "Matrisomgången",
            "organisation": w.organisation.pk,
            "starts_on": "2031-01-06",
            "ends_on": "2031-06-27",
            "capacity": "12",
            "education_target_percent": "20",
        },
        probe=lambda w, s: Cohort.objects.filter(name="Matrisomgången").exists(),
    ),
    "cohorts:update": Call(args=cohort_pk, data=cohort_update_data, probe=cohort_field("name")),
    "cohorts:status": Call(
        args=cohort_pk,
        query=lambda w, s: {"target": s.split("->")[1]},
        data=lambda w, s: dict(zip(("seen", "target"), s.split("->"), strict=True)),
        probe=cohort_field("status"),
    ),
    "cohorts:plan_pdf": Call(args=cohort_pk, query=lambda w, s: {"lang": "en"}),
    "cohorts:enrolment_create": Call(
        args=cohort_pk,
        data=lambda w, s: {
            "trainee": w.users["newcomer"].pk,
            "starts_on": w.cohort(s).starts_on.isoformat(),
            "ends_on": w.cohort(s).ends_on.isoformat(),
        },
        probe=lambda w, s: Enrolment.objects.filter(trainee=w.users["newcomer"]).count(),
    ),
    "cohorts:enrolment_update": Call(
        args=enrolment_pk,
        data=lambda w, s: {
            "starts_on": str(enrolment_of(w, s).starts_on + timedelta(days=7)),
            "ends_on": str(enrolment_of(w, s).ends_on),
            "supervisors": [p.pk for p in enrolment_of(w, s).supervisors.all()],
            "version": enrolment_of(w, s).version,
        },
        probe=lambda w, s: enrolment_of(w, s).starts_on,
    ),
    "cohorts:enrolment_leave": Call(
        args=enrolment_pk,
        data=lambda w, s: {
            "left_on": str(enrolment_of(w, s).starts_on + timedelta(days=100)),
            "reason": "Fick ett jobb i matrisen.",
            "version": enrolment_of(w, s).version,
        },
        probe=lambda w, s: enrolment_of(w, s).leave_reason,
    ),
    "cohorts:rotation_create": Call(
        args=enrolment_pk,
        data=lambda w, s: {
            "organisation": w.rotation.organisation_id,
            "starts_on": str(enrolment_of(w, s).starts_on + timedelta(days=120)),
            "ends_on": str(enrolment_of(w, s).starts_on + timedelta(days=130)),
        },
        probe=lambda w, s: RotationPeriod.objects.filter(enrolment=w.enrolments[s]).count(),
    ),
    "cohorts:rotation_delete": Call(
        args=lambda w, s: [w.rotation.pk],
        probe=lambda w, s: RotationPeriod.objects.filter(pk=w.rotation.pk).exists(),
    ),
    "cohorts:enrolment_outcome": Call(
        args=lambda w, s: [outcome_enrolment(w, s).pk],
        data=outcome_data,
        probe=end_outcome,
        before=outcome_saved_twice,
    ),
    "cohorts:employer_contact_create": Call(
        args=lambda w, s: [w.employers.partner.pk if s == "partner" else w.organisation.pk],
        data=lambda w, s: contact_data(version=""),
        probe=lambda w, s: EmployerContact.objects.count(),
    ),
    "cohorts:employer_contact_update": Call(
        args=lambda w, s: [w.employers.contacts["active"].pk],
        data=lambda w, s: contact_data(
            version=contact_of(w).version - (1 if s == "stale_version" else 0)
        ),
        probe=lambda w, s: contact_of(w).version,
    ),
    "cohorts:employer_role_create": Call(
        args=lambda w, s: [w.employers.partner.pk],
        data=lambda w, s: role_data(
            w, closes_on=in_days(-1 if s == "closes_in_the_past" else 20), version=""
        ),
        probe=lambda w, s: OpenRole.objects.count(),
    ),
    "cohorts:employer_role_update": Call(
        args=lambda w, s: [w.role(s).pk],
        data=lambda w, s: role_data(w, closes_on=in_days(20), version=role_of(w, s).version),
        probe=role_state,
    ),
    "cohorts:employer_role_status": Call(
        args=lambda w, s: [w.role(s).pk],
        query=lambda w, s: {"target": s.split("->")[1]},
        data=lambda w, s: {"target": s.split("->")[1], "version": role_of(w, s).version},
        probe=role_state,
    ),
    "cohorts:share_summary": Call(
        args=lambda w, s: [w.enrolments["trainee"].pk],
        data=share_data,
        probe=lambda w, s: (SummaryShare.objects.count(), OutboxEmail.objects.count()),
    ),
    "cohorts:shared_summary": Call(args=summary_link),
    "cohorts:apply": Call(
        args=cohort_pk,
        before=from_a_fresh_address,
        data=application_data,
        probe=lambda w, s: Applicant.objects.count(),
    ),
    "cohorts:applicant_detail": Call(args=lambda w, s: [w.applicant(s).pk]),
    "cohorts:applicant_move": Call(
        args=lambda w, s: [w.applicant(s).pk],
        data=applicant_move,
        probe=lambda w, s: (applicant_of(w, s).status, applicant_of(w, s).invitation_id),
    ),
    "cohorts:board": Call(query=lambda w, s: {"view": s} if s else {}),
    "reports:dashboard": Call(query=bad_period),
    "reports:exports": Call(query=bad_period),
    "reports:export": Call(args=lambda w, s: s.split(".")),
    "privacy:access_request": Call(
        query=lambda w, s: {"email": access_request_email(w, s)} if s else {},
        data=lambda w, s: {
            "email": access_request_email(w, s),
            "reason": "" if s == "no_reason" else "Begäran inkom 2026-11-20, dnr 2026/123",
        },
        probe=lambda w, s: AuditEntry.objects.filter(action="privacy.access_request").count(),
    ),
    "privacy:retention_run": Call(
        probe=lambda w, s: AuditEntry.objects.filter(
            action="privacy.retention_run_requested"
        ).count()
    ),
    "privacy:erase": Call(data=erase_data, probe=erasures),
    "privacy:erase_done": Call(args=erasure_pk),
    "reports:export_logs": Call(args=lambda w, s: [s]),
    "reports:export_named": Call(
        data=lambda w, s: {
            "file_format": "csv",
            "reason": "" if s == "no_reason" else "Uppföljning åt kommunstyrelsen.",
        },
        probe=named_exports,
    ),
    "reports:export_request": Call(data=export_request_data, probe=export_jobs),
    "reports:export_job": Call(args=lambda w, s: [w.export_jobs[s].pk]),
    "reports:export_job_download": Call(args=lambda w, s: [w.export_jobs[s].pk]),
    "cohorts:match": Call(query=lambda w, s: {"idea": w.plan_idea(s).pk}),
    "cohorts:assign": Call(data=plan_data, probe=plan_of_idea),
    "cohorts:assignment_detail": Call(args=lambda w, s: [w.assignment(s).pk]),
    "cohorts:assignment_update": Call(
        args=lambda w, s: [w.assignment(s).pk],
        data=assignment_update_data,
        probe=assignment_state,
    ),
    "cohorts:assignment_move": Call(
        args=lambda w, s: [w.assignment(s).pk],
        data=lambda w, s: {
            "target": s.split("->")[1],
            "note": "",
            "version": assignment_of(w, s).version,
        },
        probe=assignment_state,
    ),
    "cohorts:assignment_cancel": Call(
        args=lambda w, s: [w.assignment(s).pk],
        data=lambda w, s: {
            "reason": "" if s.endswith(":no_reason") else "Budgeten drogs in.",
            "version": assignment_of(w, s).version,
        },
        probe=assignment_state,
    ),
    "cohorts:handover": Call(
        args=lambda w, s: [w.assignment(s).pk], data=handover_data, probe=assignment_state
    ),
}


# The tests ---------------------------------------------------------------------------------
def project_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                module = getattr(pattern.callback, "__module__", "")
                if module.startswith(PROJECT_MODULES):
                    names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


def test_every_project_url_is_in_the_matrix():
    in_matrix = {row.name for row in MATRIX}
    missing = project_url_names() - in_matrix
    stale = in_matrix - project_url_names()
    assert not missing, f"URLs without a row in the permission matrix: {sorted(missing)}"
    assert not stale, f"Rows for URLs that no longer exist: {sorted(stale)}"


def test_every_url_is_read_only_or_has_its_writes_tried():
    written = {row.name for row in MATRIX if row.method == "post"}
    undecided = project_url_names() - READ_ONLY - written
    assert not undecided, f"Add POST rows, or declare read-only: {sorted(undecided)}"
    assert not READ_ONLY & written


def test_rows_are_unique():
    ids = [row.id for row in MATRIX]
    assert len(ids) == len(set(ids))


def outcome_of(response: Any, wrote: bool, method: str) -> str:
    status = response.status_code
    if status in (301, 302, 303):
        if wrote:
            outcome = DONE  # wherever it leads next, e.g. to sign in with the new account
        elif response.url.startswith(reverse("account_login")):
            outcome = LOGIN
        else:
            outcome = BACK
    elif status == 200 and method == "post" and wrote:
        outcome = SENT
    elif status in (200, 400):
        outcome = FORM if method == "post" else OK
    else:
        outcome = str(status)
    return outcome if outcome in (DONE, SENT) or not wrote else f"{outcome}, and it wrote"


CASES = [
    pytest.param(row, persona, id=f"{row.id}-{persona}") for row in MATRIX for persona in PERSONAS
]


@pytest.mark.parametrize(("row", "persona"), CASES)
def test_permission_matrix(row, persona, world, db):
    # given
    call = CALLS.get(row.name, Call())
    client = world.client(persona)
    if call.before:
        call.before(client, world, row.state)
    url = reverse(row.name, args=call.args(world, row.state))
    data = call.data(world, row.state) if row.method == "post" else call.query(world, row.state)
    before = call.probe(world, row.state)

    # when
    response = getattr(client, row.method)(url, data)

    # then
    expected = row.outcomes[persona]
    if expected != ANY:
        wrote = call.probe(world, row.state) != before
        assert outcome_of(response, wrote, row.method) == expected


def test_lists_show_each_persona_only_the_ideas_it_may_see(world, db):
    def titles_on_list(persona: str) -> set[str]:
        html = world.client(persona).get(reverse("prototypes:list")).content.decode()
        return {idea.title for idea in world.ideas.values() if idea.title in html}

    every_title = {idea.title for idea in world.ideas.values()}
    submitted = every_title - {"Matrisidé draft"}
    assert titles_on_list("outsider") == set()
    assert titles_on_list("department_staff") == every_title
    assert titles_on_list("colleague") == submitted
    assert titles_on_list("lab_lead") == submitted


def test_the_log_picker_shows_each_persona_only_the_trainees_it_follows(world, db):
    def trainees_on_picker(persona: str) -> set[str]:
        html = world.client(persona).get(reverse("trainees:log_list")).content.decode()
        trainees = (world.users["trainee"], world.users["other_trainee"])
        return {trainee.full_name for trainee in trainees if trainee.full_name in html}

    assert trainees_on_picker("supervisor") == {"Tim Matrispraktikant"}
    assert trainees_on_picker("lab_lead") == {"Tim Matrispraktikant", "Olle Annanpraktikant"}


def test_the_world_is_as_the_matrix_assumes(world, db):
    # The table's columns rely on these; a factory change must not silently shift them.
    assert Authenticator.objects.filter(user=world.users["admin"]).exists()
    assert Authenticator.objects.filter(user=world.users["lab_lead"]).exists()
    assert world.ideas["draft"].submitted_at is None
    assert world.ideas["archived"].submitted_at is not None
    assert world.invitations["pending"].is_usable
    assert not world.invitations["accepted"].is_usable
    assert world.invitations["pending"].expires_at > timezone.now() + timedelta(days=1)
    supervised = trainees_visible_to(world.users["supervisor"])
    assert set(supervised) == {world.users["trainee"]}
    assert world.cohort("supervised").supervisors.filter(pk=world.users["supervisor"].pk).exists()
    assert enrolment_covering(enrolments_of(world.users["trainee"]), last_monday(1))
    assert not world.skill_records["trainee"].is_validated
    assert world.skill_records["trainee:validated"].is_validated
    assert all(record.evidence_file for record in world.skill_records.values())
    assert not MilestoneType.objects.filter(name_en="Mentor talk").exists()
    assert not Milestone.objects.filter(
        trainee__in=[world.users["trainee"], world.users["other_trainee"]],
        type__name_en="Reference agreed",
    ).exists()
    assert profile_of(world, "trainee").reference_contact_id is None
    supervisor = world.users["supervisor"]
    assert {c.status for c in world.cohorts.values()} == set(COHORT_IN_STATUS)
    assert all(world.cohort(status).status == status for status in COHORT_IN_STATUS)
    assert not world.cohort("other").supervisors.exists()
    assert not world.cohort("earlier").supervisors.exists()
    assert world.enrolments["left"].left_early
    assert world.enrolments["left"].trainee == world.users["trainee"]
    assert list(Enrolment.objects.filter(supervisors=supervisor)) == [world.enrolments["left"]]
    assert not world.cohort("recruiting").enrolments.exists()
    assert not Enrolment.objects.filter(trainee=world.users["newcomer"]).exists()
    assert world.rotation.enrolment == world.enrolments["trainee"]
    assert world.rotation.organisation.kind == "partner"
    assert world.applicant("new").status == ApplicantStatus.NEW
    assert world.applicant("offered").status == ApplicantStatus.OFFERED
    assert all(a.cohort == world.cohort("recruiting") for a in world.applicants.values())
    assert not User.objects.filter(email=world.applicant("offered").email).exists()
    assert not Invitation.objects.filter(email=world.applicant("offered").email).exists()
    assert not Applicant.objects.filter(email="amira@example.se").exists()
    plan = world.plan
    assert plan_blocker(plan.ideas["ready"]) is None and plan.ideas["ready"].skills.exists()
    assert all(i.department == world.department for i in plan.ideas.values())
    assert {k: a.idea.status for k, a in plan.assignments.items()} == {
        "planned": IdeaStatus.PLANNED,
        "in_progress": IdeaStatus.IN_PROGRESS,
        "other": IdeaStatus.PLANNED,
    }
    assert world.assignment("other").cohort == world.cohort("other")
    assert world.assignment("planned").cohort == world.cohort("supervised")
    # in the period planned: the trainee is at the limit, the free team on nothing
    period = matching.Period(plan.starts_on, plan.ends_on)
    loads = {c.enrolment_id: c.load for c in load_match(needs=[], period=period).candidates}
    assert loads[world.enrolments["trainee"].pk] == matching.max_parallel()
    assert [loads[e.pk] for e in plan.team] == [0, 0]
    assert plan.cohort.status == CohortStatus.RUNNING
    # outcomes: none recorded yet, nobody asked about follow-ups (a "yes" writes)
    trainees = [world.users["trainee"], world.users["other_trainee"]]
    assert not Outcome.objects.filter(trainee__in=trainees).exists()
    assert not ConsentEvent.objects.filter(trainee__in=trainees).exists()
    follow_ups = world.follow_ups
    assert follow_ups["sent"].status == FollowUpStatus.SENT
    assert follow_ups["sent"].answered_at is None and follow_ups["answered"].answered_at
    assert follow_ups["sent"].trainee.follow_up_consent.given
    assert follow_ups["sent"].trainee not in world.users.values()
    # employer partners
    employers = world.employers
    assert employers.partner.kind == "partner" and world.organisation.kind != "partner"
    assert employers.contacts["active"].is_active and not employers.contacts["inactive"].is_active
    assert {state: role.status for state, role in employers.roles.items()} == {
        "open": "open",
        "filled": "filled",
        "closed": "closed",
    }
    assert employers.roles["open"].contact == employers.contacts["active"]
    assert employers.shares["expired"].is_expired and not employers.shares["valid"].is_expired
    assert employers.shares["valid"].enrolment == world.enrolments["trainee"]
    # exports of the whole history
    jobs = world.export_jobs
    assert [jobs[who].requested_by for who in ("lab_lead", "admin", "queued")] == [
        world.users["lab_lead"],
        world.users["admin"],
        world.users["lab_lead"],
    ]
    assert jobs["lab_lead"].is_ready and jobs["admin"].is_ready and jobs["lab_lead"].file
    assert jobs["queued"].status == ExportStatus.QUEUED
    assert not ExportJob.objects.filter(named=True).exists()
