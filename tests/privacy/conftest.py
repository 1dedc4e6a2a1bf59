"""`person_with_everything`: a trainee with data in every category of the registry
(built through the services where there is one), and the secrets that must never
leave the database; `build_everything` makes one more (e.g. a bystander)."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cohorts.models import Applicant, Enrolment
from labportal.accounts.models import User
from labportal.core.models import AuditEntry
from labportal.core.services import record_audit
from tests.accounts.factories import InvitationFactory, UserFactory, give_totp
from tests.cohorts.factories import (
    ApplicantEventFactory,
    ApplicantFactory,
    ApplicantSkillFactory,
    AssignmentMemberFactory,
    CohortFactory,
    EnrolmentFactory,
    RotationPeriodFactory,
)
from tests.cohorts.factories_employers import SummaryShareFactory
from tests.core.factories import OutboxEmailFactory, SkillFactory
from tests.prototypes.factories import (
    PDF_BYTES,
    EvaluationFactory,
    IdeaCommentFactory,
    IdeaFactory,
)
from tests.trainees.factories import MilestoneTypeFactory, TraineeProfileFactory, last_monday
from trainees.models import FollowUp, ProgressLog
from trainees.services.competence import add_skill, record_token, validate_skill
from trainees.services.logs import comment_on_log, create_log
from trainees.services.milestones import add_milestone
from trainees.services.outcomes import decide_follow_ups, record_outcome

EVIDENCE = b"%PDF-1.4 evidence of the person " + PDF_BYTES


@dataclass
class Everything:
    person: User
    enrolment: Enrolment
    applicant: Applicant
    # Values that must never appear in an export (hashes, tokens, nonces, secrets).
    secrets: dict[str, str] = field(default_factory=dict)


def build_everything(*, lab_lead: User, name: str = "Tove Testsson") -> Everything:
    """A trainee who applied, was invited, enrolled, logged weeks, was coached,
    validated, placed, followed up and shared; who also wrote an idea, a comment and
    an evaluation, and has a second factor and a single sign-on account."""
    person = give_totp(UserFactory(role="trainee", full_name=name))
    start = timezone.localdate() - datetime.timedelta(weeks=20)
    cohort = CohortFactory(starts_on=start, ends_on=start + datetime.timedelta(weeks=40))
    enrolment = EnrolmentFactory(cohort=cohort, trainee=person)
    RotationPeriodFactory(enrolment=enrolment, note="Hos partnern i fyra veckor.")
    AssignmentMemberFactory(enrolment=enrolment, assignment__cohort=cohort)

    # An application, accepted through an invitation the person took.
    invitation = InvitationFactory(
        email=person.email, full_name=name, accepted_user=person, accepted_at=timezone.now()
    )
    applicant = ApplicantFactory(
        email=person.email, full_name=name, phone="070-111 22 33", invitation=invitation
    )
    ApplicantSkillFactory(applicant=applicant)
    ApplicantEventFactory(applicant=applicant, actor=lab_lead, note="Stark ansökan.")

    TraineeProfileFactory(user=person, background="Systemvetenskap", languages="Svenska, farsi")
    skill = SkillFactory()
    record = add_skill(
        actor=person,
        trainee=person,
        skill=skill,
        self_level=2,
        evidence_link="https://example.se/bevis",
        evidence_file=SimpleUploadedFile("intyg.pdf", EVIDENCE, content_type="application/pdf"),
        evidence_note="Byggde sökningen.",
    )
    validate_skill(
        actor=lab_lead,
        record=record,
        seen=record_token(record),
        level=3,
        method="prototype",
        evidence="Såg det i prototypen.",
    )

    for weeks_ago in (1, 2):
        create_log(
            actor=person,
            data={
                "week": last_monday(weeks_ago),
                "hours_practical": Decimal(30),
                "hours_education": Decimal(10),
                "did": f"Vecka {weeks_ago}: byggde formuläret.",
                "learned": "Tillgänglighet.",
                "blockers": "Väntar på behörighet.",
            },
        )
    log = ProgressLog.objects.filter(trainee=person).latest("week")
    comment_on_log(actor=lab_lead, log=log, body="Fin vecka, Tove!")

    add_milestone(
        actor=lab_lead,
        trainee=person,
        milestone_type=MilestoneTypeFactory(),
        due_on=timezone.localdate() + datetime.timedelta(days=7),
        note="CV-genomgång med coach.",
    )
    record_outcome(
        actor=lab_lead,
        enrolment=enrolment,
        data={
            "category": "employed_it",
            "employer": "Kommunens IT-avdelning",
            "role": "Utvecklare",
            "region": "Luleå",
            "starts_on": datetime.date(2025, 9, 1),
            "employment_type": "permanent",
            "via_lab_network": False,
            "partner": None,
            "note": "",
        },
    )
    decide_follow_ups(actor=person, trainee=person, given=True, channel="page")
    nonce = secrets.token_hex(16)
    FollowUp.objects.create(
        trainee=person,
        enrolment=enrolment,
        months_after=3,
        due_on=enrolment.ends_on + datetime.timedelta(days=90),
        nonce=nonce,
        answer={"category": "studies", "note": "Läser vidare."},
    )
    share = SummaryShareFactory(enrolment=enrolment, consent_note="Muntligt samtycke.")

    # What the person wrote as department staff earlier (contributions).
    idea = IdeaFactory(submitted_by=person, contact_person=name)
    IdeaCommentFactory(idea=idea, author=person, body="Vi har 200 ansökningar i månaden.")
    EvaluationFactory(evaluated_by=person, comments="Sparar oss mycket tid.")

    link = f"https://labportal.example.se/login/{secrets.token_urlsafe(16)}"
    OutboxEmailFactory(to=person.email, subject="Välkommen", secret_values={"link": link})
    record_audit(lab_lead, "user.viewed", person)

    app = SocialApp.objects.create(provider="openid_connect", provider_id="idp", name="IdP")
    account = SocialAccount.objects.create(
        user=person, provider="idp", uid=f"uid-{person.pk}", extra_data={"name": name}
    )
    token = secrets.token_hex(20)
    SocialToken.objects.create(app=app, account=account, token=token, token_secret="refresh-x")

    person.refresh_from_db()
    return Everything(
        person=person,
        enrolment=enrolment,
        applicant=applicant,
        secrets={
            "password": person.password,
            "token_hash": invitation.token_hash,
            "nonce": nonce,
            "share_token": share.token,
            "link": link,
            "totp": person.totp_secret,
            "social_token": token,
        },
    )


def add_logs(person: User, count: int) -> None:
    """`count` more weekly logs, written straight to the table (the weeks before the
    ones the services made): for the size of a long history, not its rules."""
    first = last_monday(3)
    ProgressLog.objects.bulk_create(
        ProgressLog(
            trainee=person,
            week=first - datetime.timedelta(weeks=n),
            hours_practical=Decimal(30),
            hours_education=Decimal(10),
            did=f"Vecka {n}: " + "arbetade i prototypen. " * 10,
            learned="Något nytt. " * 5,
        )
        for n in range(count)
    )
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=person,
            action="log.created",
            object_type="trainees.progresslog",
            object_id=str(pk),
        )
        for pk in ProgressLog.objects.filter(trainee=person).values_list("pk", flat=True)[:count]
    )


@pytest.fixture
def person_with_everything(db, lab_lead) -> Everything:
    """A trainee with data in every category, and a bystander with data of their own
    that no export about the trainee may show."""
    build_everything(lab_lead=lab_lead, name="Bo Bystander")
    return build_everything(lab_lead=lab_lead)
