"""The trainees' journey in the demo data (`manage.py load_demo`, `demo.trainees`):
half a year of a running cohort made through the trainees' services, shown on the
cohort's progress page, and loaded once however often the command runs."""

import datetime
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Cohort, Enrolment
from demo import cohorts as demo_cohorts
from demo.management.commands import load_demo
from demo.personas import PERSONAS
from labportal.accounts.models import Role, User
from labportal.core.models import AuditEntry, OutboxEmail
from tests.conftest import english
from trainees import access
from trainees.log_figures import missing_weeks
from trainees.models import (
    LogComment,
    Milestone,
    MilestoneStatus,
    ProgressLog,
    SkillEvent,
    SkillEventKind,
    SkillRecord,
    TraineeProfile,
)
from trainees.services.profile import PROFILE_FIELDS

pytestmark = pytest.mark.django_db

LEAD = "labbansvarig@demo.labportal.se"
RUN_DEMO = Path(__file__).resolve().parents[2] / "scripts" / "run-demo.sh"
BY_NAME = {persona.email: persona for persona in PERSONAS}


@pytest.fixture
def demo(settings):
    # the demo lets lab leads in without two-factor authentication (scripts/run-demo.sh)
    settings.REQUIRE_MFA_FOR_PRIVILEGED = False
    call_command("load_demo")
    return Cohort.objects.get(name="Omgång 1")


def journey_counts():
    models = [
        User,
        EmailAddress,
        Cohort,
        Enrolment,
        Cohort.supervisors.through,
        TraineeProfile,
        SkillRecord,
        SkillEvent,
        ProgressLog,
        LogComment,
        Milestone,
        AuditEntry,
        OutboxEmail,
    ]
    counts = {model.__name__: model.objects.count() for model in models}
    counts["done"] = Milestone.objects.filter(status=MilestoneStatus.DONE).count()
    counts["validated"] = SkillRecord.objects.filter(validated_level__isnull=False).count()
    return counts


def test_demo_running_cohort_began_half_a_year_ago_with_six_trainees_and_a_supervisor(demo):
    today = timezone.localdate()

    assert demo.starts_on <= today - datetime.timedelta(weeks=26)
    assert demo.state_on(today) == "running"
    assert demo.enrolments.count() == 6
    supervisor = User.objects.get(email=load_demo.SUPERVISOR_EMAIL)
    assert supervisor.role == Role.SUPERVISOR
    assert supervisor.organisation.name == "Partnerbolaget AB"
    assert EmailAddress.objects.get(user=supervisor).verified
    assert supervisor.check_password(load_demo.DEMO_PASSWORD)
    assert list(demo.supervisors.all()) == [supervisor]
    # ... so the supervisor follows exactly the running cohort's trainees
    assert set(access.supervised_trainees(supervisor)) == {
        enrolment.trainee for enrolment in demo.enrolments.all()
    }


def test_demo_trainees_have_profiles_and_skills_validated_by_the_lead(demo):
    lead = User.objects.get(email=LEAD)

    for persona in PERSONAS:
        trainee = User.objects.get(email=persona.email)
        profile = TraineeProfile.objects.get(user=trainee)
        for field in PROFILE_FIELDS:
            assert getattr(profile, field) == getattr(persona, field)
        assert profile.version == 2  # saved once, by the trainee, through the service
        records = {r.skill.name_en: r for r in SkillRecord.objects.filter(trainee=trainee)}
        assert set(records) == {plan.skill_en for plan in persona.skills}
        for plan in persona.skills:
            record = records[plan.skill_en]
            assert record.self_level == plan.level
            assert record.evidence_note == plan.note
            assert record.evidence_link == plan.link
            kinds = set(record.events.values_list("kind", flat=True))
            if plan.validated is None:
                assert record.validated_level is None
                assert kinds == {SkillEventKind.SELF_ASSESSED}
                continue
            level, method, evidence = plan.validated
            assert (record.validated_level, record.validation_method) == (level, method)
            assert record.validation_evidence == evidence
            assert record.validated_by == lead
            assert record.validated_at < timezone.now()
            assert kinds == {SkillEventKind.SELF_ASSESSED, SkillEventKind.VALIDATED}
        assert any(plan.validated for plan in persona.skills)


def test_demo_trainees_logged_half_a_year_with_gaps_blockers_and_comments(demo):
    today = timezone.localdate()
    lead = User.objects.get(email=LEAD)
    supervisor = User.objects.get(email=load_demo.SUPERVISOR_EMAIL)

    amir = User.objects.get(email="trainee1@demo.labportal.se")
    logs = ProgressLog.objects.filter(trainee=amir)
    assert logs.count() >= 26
    assert len({log.did for log in logs}) == logs.count()  # every week says something new
    # every log was written through the service (one audit row each), in its own week
    assert AuditEntry.objects.filter(action="log.created").count() == ProgressLog.objects.count()
    for log in ProgressLog.objects.all():
        assert log.enrolment.cohort == demo
        assert log.week <= log.created_at.date() <= log.week + datetime.timedelta(days=7)
        assert log.total_hours <= 40
    assert ProgressLog.objects.filter(hours_practical=32, hours_education=8).count() > (
        ProgressLog.objects.count() / 2
    )
    below = [log for log in ProgressLog.objects.all() if log.education_percent < 20]
    assert 10 < len(below) < ProgressLog.objects.count() / 2
    assert ProgressLog.objects.exclude(prototypes_text="").exists()

    # one trainee was away two weeks, another is two weeks behind
    for email, gap in [("trainee2@demo.labportal.se", 2), ("trainee5@demo.labportal.se", 2)]:
        trainee = User.objects.get(email=email)
        assert len(missing_weeks(trainee, list(trainee.enrolments.all()), today)) == gap
    # the latest log of two trainees names what blocks them now
    for email in ("trainee6@demo.labportal.se", "trainee8@demo.labportal.se"):
        latest = ProgressLog.objects.filter(trainee__email=email).order_by("-week").first()
        assert latest.blockers == BY_NAME[email].blocked_now

    # the supervisor and the lead comment; each comment tells its trainee by email
    comments = LogComment.objects.select_related("log")
    assert comments.filter(author=supervisor).count() >= 10
    assert comments.filter(author=lead).count() >= 10
    for comment in comments:
        assert comment.created_at > comment.log.created_at
        assert OutboxEmail.objects.filter(
            key=f"log-comment:{comment.pk}:{comment.log.trainee_id}"
        ).exists()
    english_comment = comments.filter(log__trainee__email="trainee6@demo.labportal.se").first()
    assert english_comment is not None
    email = OutboxEmail.objects.get(key__startswith=f"log-comment:{english_comment.pk}:")
    assert email.to == "trainee6@demo.labportal.se"


def test_demo_milestones_are_given_some_done_and_one_overdue(demo):
    today = timezone.localdate()

    for persona in PERSONAS:
        assert Milestone.objects.filter(trainee__email=persona.email).count() == 6
    running = Milestone.objects.filter(trainee__enrolments__cohort=demo)
    done = running.filter(status=MilestoneStatus.DONE)
    assert done.count() >= 12
    assert all(m.done_at is not None and m.done_at <= timezone.now() for m in done)
    overdue = [m for m in running if m.is_overdue]
    assert [(m.trainee.email, m.type.name_en) for m in overdue] == [
        ("trainee7@demo.labportal.se", "Profile on a job site")
    ]
    # the trainee marked their own job-site profile; the lab marked the rest
    own = AuditEntry.objects.filter(
        action="milestone.status_changed",
        object_id__in=[str(m.pk) for m in done.filter(type__name_en="Profile on a job site")],
    )
    assert own.exists()
    assert all(entry.actor.role == Role.TRAINEE for entry in own)
    # the planned cohort's trainees have theirs ahead of them
    planned = Milestone.objects.filter(trainee__email__in=demo_cohorts.PLANNED_TRAINEES)
    assert planned.count() == 12
    assert all(m.due_on > today and m.status == MilestoneStatus.PLANNED for m in planned)


def test_demo_progress_page_of_the_running_cohort_shows_the_journey(demo):
    lead = User.objects.get(email=LEAD)

    response = english(lead).get(reverse("cohorts:progress", args=[demo.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    for enrolment in demo.enrolments.select_related("trainee"):
        assert enrolment.trainee.full_name in page
    assert "below target" in page
    assert "1 overdue" in page
    rows = {row.trainee.email: row for row in response.context["page"].object_list}
    assert rows["trainee5@demo.labportal.se"].missing_weeks == 2
    assert rows["trainee1@demo.labportal.se"].missing_weeks == 0
    assert rows["trainee6@demo.labportal.se"].has_blockers
    assert rows["trainee7@demo.labportal.se"].below_target
    assert rows["trainee7@demo.labportal.se"].overdue == 1
    # the fifth milestone falls due within days, whatever the weekday
    assert rows["trainee2@demo.labportal.se"].due_soon == 1


def test_demo_supervisor_reads_and_the_trainee_sees_the_comments(demo):
    supervisor = User.objects.get(email=load_demo.SUPERVISOR_EMAIL)
    comment = LogComment.objects.filter(author=supervisor).select_related("log").first()

    for user in (supervisor, comment.log.trainee):
        response = english(user).get(reverse("trainees:log_detail", args=[comment.log.pk]))
        assert response.status_code == 200
        assert comment.body in response.content.decode()


def test_load_demo_a_second_time_adds_nothing_to_the_journey(demo):
    before = journey_counts()
    assert before["ProgressLog"] >= 6 * 24
    assert before["LogComment"] > 0
    assert before["done"] > 0

    call_command("load_demo")

    assert journey_counts() == before


def test_load_demo_moves_back_a_running_cohort_from_an_older_demo():
    """A demo database loaded before the trainees' journey had a running cohort of three
    months: the journey needs half a year, so loading again moves its start back."""
    today = timezone.localdate()
    call_command("load_demo")
    ProgressLog.objects.all().delete()
    Cohort.objects.filter(name="Omgång 1").update(starts_on=today - datetime.timedelta(days=90))

    call_command("load_demo")

    cohort = Cohort.objects.get(name="Omgång 1")
    assert cohort.starts_on <= today - datetime.timedelta(weeks=26)
    assert ProgressLog.objects.filter(trainee__email="trainee1@demo.labportal.se").count() >= 26


def test_make_run_prints_every_demo_login():
    """`make run` (scripts/run-demo.sh) lists the demo logins: everyone but the
    trainees by address, the trainees as a range."""
    script = RUN_DEMO.read_text()
    trainees = [email for email, _name, role, _dept in load_demo.PEOPLE if role == Role.TRAINEE]
    for email, _name, role, _dept in load_demo.PEOPLE:
        if role != Role.TRAINEE:
            assert email in script
    assert f"{trainees[0]} ... {trainees[-1]}" in script
    assert trainees == [f"trainee{n}@demo.labportal.se" for n in range(1, len(trainees) + 1)]
