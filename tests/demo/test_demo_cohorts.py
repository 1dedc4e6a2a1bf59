"""The demo's cohorts, applicants and plan (`manage.py load_demo`, `demo.cohorts`,
`demo.applicants`): two overlapping cohorts, applicants in several screening
statuses, assignments in progress, planned and handed over to the next cohort, all
made through the cohorts' services, shown on the planning board, and loaded once
however often the command runs."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cohorts.models import (
    Applicant,
    ApplicantEvent,
    ApplicantSkill,
    ApplicantStatus,
    Assignment,
    AssignmentEvent,
    AssignmentMember,
    AssignmentStatus,
    Cohort,
    CohortStatus,
    Enrolment,
    RotationPeriod,
)
from demo import applicants as demo_applicants
from demo import cohorts as demo_cohorts
from demo.personas import FRANVARO, GATUBELYSNING, LEKPLATSER, LOKALER
from labportal.accounts.models import Invitation, OrganisationKind, Role, User
from labportal.core.models import AuditEntry, OutboxEmail
from prototypes.models import Idea, IdeaEvent, IdeaStatus
from tests.conftest import english
from trainees.models import ProgressLog

pytestmark = pytest.mark.django_db

LEAD = "labbansvarig@demo.labportal.se"
BACKLOG = "Öppna data om återvinningsstationer"
A = AssignmentStatus


@pytest.fixture
def demo(settings):
    # the demo lets lab leads in without two-factor authentication (scripts/run-demo.sh)
    settings.REQUIRE_MFA_FOR_PRIVILEGED = False
    call_command("load_demo")
    return (
        Cohort.objects.get(name=demo_cohorts.RUNNING),
        Cohort.objects.get(name=demo_cohorts.NEXT),
    )


def audited(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


def test_demo_has_two_overlapping_cohorts_made_through_the_services(demo):
    running, following = demo
    today = timezone.localdate()
    lead = User.objects.get(email=LEAD)

    # the running cohort began half a year ago; the next recruits and starts before it ends
    assert running.status == CohortStatus.RUNNING
    assert running.starts_on <= today - datetime.timedelta(weeks=26) < today < running.ends_on
    assert following.status == CohortStatus.RECRUITING
    assert today < following.starts_on < running.ends_on < following.ends_on
    assert {running.lab_lead, following.lab_lead} == {lead}
    assert [s.email for s in running.supervisors.all()] == ["handledare@demo.labportal.se"]
    assert not following.supervisors.exists()
    # ... each made, moved and enrolled in by the lead through the services (and so is
    # the finished Omgång 0 of demo.outcomes: three cohorts, three more status changes)
    assert audited("cohort.created") == 3
    assert audited("cohort.status_changed") == 2 + 2
    assert audited("enrolment.created") == Enrolment.objects.count() == 8 + 6
    assert (
        set(following.enrolments.values_list("trainee__email", flat=True))
        == demo_cohorts.PLANNED_TRAINEES
    )
    assert running.enrolments.count() == 6
    assert all(e.ends_on == running.ends_on for e in running.enrolments.all())
    # one trainee joined late, on their own dates
    late = running.enrolments.get(trainee__email=demo_cohorts.LATE_JOINER)
    assert late.starts_on == running.starts_on + datetime.timedelta(
        weeks=demo_cohorts.JOINED_WEEKS_LATE
    )
    own_start = running.enrolments.filter(starts_on__gt=running.starts_on)
    assert [e.trainee.email for e in own_start] == [demo_cohorts.LATE_JOINER]
    # one is on a rotation at the partner company now
    rotation = RotationPeriod.objects.select_related("enrolment__trainee", "organisation").get()
    assert rotation.enrolment.trainee.email == demo_cohorts.ROTATING
    assert rotation.organisation.kind == OrganisationKind.PARTNER
    assert rotation.starts_on <= today <= rotation.ends_on
    assert audited("rotation.created") == 1


def test_demo_applicants_apply_publicly_and_are_screened_by_the_lead(demo):
    _running, following = demo
    lead = User.objects.get(email=LEAD)
    applicants = {a.email: a for a in Applicant.objects.all()}

    assert len(applicants) == len(demo_applicants.APPLICATIONS) >= 6
    assert {a.cohort_id for a in applicants.values()} == {following.pk}
    statuses = {a.status for a in applicants.values()}
    assert len(statuses) >= 4
    assert {ApplicantStatus.NEW, ApplicantStatus.DECLINED} <= statuses
    # each sent the public form: skills, the consent text, a confirmation email
    assert audited("applicant.applied") == len(applicants)
    for plan in demo_applicants.APPLICATIONS:
        applicant = applicants[plan.email]
        assert applicant.status == plan.status
        assert ApplicantSkill.objects.filter(applicant=applicant).count() == len(plan.skills)
        assert following.name in applicant.consent_text
        assert OutboxEmail.objects.filter(key=f"application-received:{applicant.pk}").exists()
        # ... then the lead moved them step by step, in the past, in order
        events = list(ApplicantEvent.objects.filter(applicant=applicant))
        assert [e.to_status for e in events] == [
            ApplicantStatus.NEW,
            *demo_applicants.STEPS[plan.status],
        ]
        assert all(e.actor == lead for e in events[1:])
        times = [e.created_at for e in events]
        assert times == sorted(times) and times[-1] < timezone.now()
        assert applicant.created_at == times[0]
        assert (applicant.decided_at is not None) == applicant.is_decided
    declined = Applicant.objects.get(status=ApplicantStatus.DECLINED)
    assert declined.decline_reason
    # accepting one invited them as a trainee: the email waits in the outbox
    accepted = Applicant.objects.get(status=ApplicantStatus.ACCEPTED)
    invitation = Invitation.objects.get(pk=accepted.invitation_id)
    assert (invitation.email, invitation.role) == (accepted.email, Role.TRAINEE)
    assert OutboxEmail.objects.filter(key=f"invitation:{invitation.pk}").exists()


def test_demo_plan_has_work_in_progress_planned_and_handed_over(demo):
    running, following = demo
    today = timezone.localdate()
    by_title = {
        title: list(Assignment.objects.filter(idea__title=title).order_by("pk"))
        for title in demo_cohorts.PLANS
    }

    # in progress in the running cohort
    [street] = by_title[GATUBELYSNING]
    assert (street.cohort, street.status) == (running, A.IN_PROGRESS)
    assert street.starts_on < today < street.ends_on
    assert street.idea.status == IdeaStatus.IN_PROGRESS
    # planned, to start soon
    [visits] = by_title[demo_cohorts.BESOK]
    assert (visits.cohort, visits.status) == (running, A.PLANNED)
    assert today < visits.starts_on < running.ends_on
    assert visits.idea.status == IdeaStatus.PLANNED
    # done in the first stretch: the ideas delivered (and one evaluated since)
    for title, idea_status in (
        (LEKPLATSER, IdeaStatus.EVALUATED),
        (FRANVARO, IdeaStatus.DELIVERED),
    ):
        [done] = by_title[title]
        assert (done.cohort, done.status, done.idea.status) == (running, A.DONE, idea_status)
        assert running.starts_on < done.starts_on < done.ends_on < today
        assert [e.kind for e in done.events.all()] == ["planned", "started", "done"]
    # handed over to the next cohort's trainees, with the notes, planned from its start;
    # the idea stays in progress
    old, new = by_title[LOKALER]
    assert (old.cohort, old.status) == (running, A.HANDED_OVER)
    assert (new.cohort, new.status) == (following, A.PLANNED)
    assert new.continues == old
    assert new.handover_notes == demo_cohorts.HANDOVER_NOTES
    assert new.starts_on == following.starts_on < old.ends_on
    assert {m.enrolment.trainee.email for m in new.memberships.all()} == (
        demo_cohorts.PLANNED_TRAINEES
    )
    assert new.idea.status == IdeaStatus.IN_PROGRESS
    # ... after its team changed half-way
    assert [e.kind for e in old.events.all()] == ["planned", "started", "changed", "handed_over"]
    assert {m.enrolment.trainee.email for m in old.memberships.all()} == set(
        demo_cohorts.LOKALER_TEAM_LATER.team
    )
    # every idea moved through its workflow by the planning services; none of the
    # assignment's history is later than now
    assert audited("assignment.created") == Assignment.objects.count() == 6
    assert audited("assignment.handed_over") == 1
    assert AssignmentEvent.objects.filter(created_at__gt=timezone.now()).count() == 0
    # ... and raised no warnings (the demo saves its plans "anyway": none may be passed over)
    judged = AuditEntry.objects.filter(action__in=["assignment.created", "assignment.updated"])
    assert [entry.details["warnings"] for entry in judged] == [[]] * 7
    for title in demo_cohorts.PLANS:
        events = IdeaEvent.objects.filter(idea__title=title, to_status=IdeaStatus.PLANNED)
        assert events.count() == 1
    # an idea is left in the backlog for the lead to match on the board
    backlog = Idea.objects.get(title=BACKLOG)
    assert (backlog.status, backlog.ready_to_plan) == (IdeaStatus.ACCEPTED, True)
    assert backlog.skills.exists() and backlog.size_weeks
    assert not backlog.assignments.exists()
    # the trainees' logs name the prototypes of their team in those weeks
    linked = ProgressLog.objects.filter(prototypes__isnull=False)
    assert linked.exists()
    for log in linked.prefetch_related("prototypes"):
        for idea in log.prototypes.all():
            assert AssignmentMember.objects.filter(
                assignment__idea=idea, enrolment__trainee=log.trainee
            ).exists()
    assert ProgressLog.objects.filter(
        trainee__email="trainee6@demo.labportal.se", prototypes__title=GATUBELYSNING
    ).exists()


def test_demo_planning_board_shows_both_cohorts_and_the_plan_to_the_lead(demo):
    running, following = demo
    lead = User.objects.get(email=LEAD)
    client = english(lead)

    response = client.get(reverse("cohorts:board"))

    assert response.status_code == 200
    timeline = response.context["timeline"]
    rows = {row.name: row for row in timeline.cohorts}
    assert {running.name, following.name} <= set(rows)
    assert len(rows[running.name].trainees) == 6
    assert len(rows[following.name].trainees) == 2
    statuses = {(row.name, a.title, a.status) for row, a in timeline.assignments}
    assert {
        (running.name, GATUBELYSNING, A.IN_PROGRESS),
        (running.name, demo_cohorts.BESOK, A.PLANNED),
        (running.name, LOKALER, A.HANDED_OVER),
        (following.name, LOKALER, A.PLANNED),
    } <= statuses
    rotations = [r for t in rows[running.name].trainees for r in t.rotations]
    assert [r.organisation for r in rotations] == ["Partnerbolaget AB"]
    page = response.content.decode()
    for text in (running.name, following.name, GATUBELYSNING, LOKALER, demo_cohorts.BESOK, BACKLOG):
        assert text in page
    assert "Handed over" in page
    assert "Rotation at Partnerbolaget AB" in page

    # the table view says the same
    table = client.get(reverse("cohorts:board"), {"view": "table"}).content.decode()
    for text in (following.name, LOKALER, "Handed over", "Rotation at Partnerbolaget AB"):
        assert text in table

    # the continuing assignment's page shows the handover notes
    new = Assignment.objects.get(cohort=following)
    detail = client.get(reverse("cohorts:assignment_detail", args=[new.pk]))
    assert detail.status_code == 200
    assert demo_cohorts.HANDOVER_NOTES in detail.content.decode()


def test_load_demo_a_second_time_adds_no_cohorts_applicants_or_plans(demo):
    models = [
        Cohort,
        Cohort.supervisors.through,
        Enrolment,
        RotationPeriod,
        Applicant,
        ApplicantEvent,
        ApplicantSkill,
        Invitation,
        Assignment,
        AssignmentMember,
        AssignmentEvent,
        Idea,
        IdeaEvent,
        AuditEntry,
        OutboxEmail,
    ]

    def counts():
        return {model.__name__: model.objects.count() for model in models} | {
            "versions": sorted(Cohort.objects.values_list("version", flat=True))
            + sorted(Assignment.objects.values_list("version", flat=True))
            + sorted(Applicant.objects.values_list("version", flat=True))
        }

    before = counts()

    call_command("load_demo")

    assert counts() == before
