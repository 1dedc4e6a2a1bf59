"""Realistic data at scale (`manage.py generate_scale_data`, `demo.scale`), run here at
its tiny size (1/10,000 of the country): the counts the scale promises, every status,
histories the workflow could have written, no overlapping enrolments, the same rows
for the same seed, pages that render with the data, and the refusals."""

import datetime
import io
import itertools

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from cohorts.models import Applicant, ApplicantStatus, Cohort, CohortStatus, Enrolment
from demo.scale.run import TABLES
from demo.scale.sizes import FACTORS, sizes_for
from labportal.accounts.models import Department, Organisation, Role, User
from prototypes.models import Idea, IdeaEvent, IdeaStatus
from prototypes.workflow import is_known_transition
from tests.accounts.factories import UserFactory, give_totp
from tests.conftest import client_for
from trainees.models import FollowUp, Milestone, Outcome, ProgressLog, SkillEvent, SkillRecord

S = IdeaStatus
TODAY = datetime.date(2026, 11, 2)
SIZES = sizes_for(FACTORS["tiny"])
# Tables whose rows the determinism test compares, in full.
COMPARED = (
    "accounts_user",
    "prototypes_idea",
    "prototypes_ideaevent",
    "cohorts_enrolment",
    "cohorts_applicant",
    "trainees_progresslog",
    "trainees_skillrecord",
    "trainees_outcome",
    "trainees_followup",
)


def generate(*args: str) -> None:
    call_command(
        "generate_scale_data",
        "--scale",
        "tiny",
        "--today",
        TODAY.isoformat(),
        *args,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )


def checksums() -> dict[str, str]:
    sums = {}
    with connection.cursor() as cursor:
        for table in COMPARED:
            cursor.execute(f"SELECT md5(string_agg(t::text, '|' ORDER BY t.id)) FROM {table} t")  # noqa: S608
            sums[table] = cursor.fetchone()[0]
    return sums


@pytest.mark.django_db
def test_the_tiny_scale_makes_what_it_promises_in_every_status():
    generate("--seed", "1")

    assert Organisation.objects.count() == SIZES.municipalities + SIZES.partners
    assert Department.objects.count() == SIZES.departments
    roles = {
        Role.ADMIN: SIZES.admins,
        Role.LAB_LEAD: SIZES.lab_leads,
        Role.DEPARTMENT_STAFF: SIZES.department_staff,
        Role.SUPERVISOR: SIZES.supervisors,
        Role.TRAINEE: SIZES.trainees,
    }
    for role, count in roles.items():
        assert User.objects.filter(role=role).count() == count, role
    assert Idea.objects.count() == SIZES.ideas
    assert set(Idea.objects.values_list("status", flat=True)) == set(S)
    assert Applicant.objects.count() == SIZES.applicants
    assert set(Applicant.objects.values_list("status", flat=True)) == set(ApplicantStatus)
    assert Cohort.objects.count() == SIZES.cohorts
    assert {CohortStatus.FINISHED, CohortStatus.RUNNING, CohortStatus.RECRUITING} <= set(
        Cohort.objects.values_list("status", flat=True)
    )
    # every trainee enrolled, logging weeks, with skills, milestones and (once finished) outcomes
    assert Enrolment.objects.values("trainee").distinct().count() == SIZES.trainees
    assert ProgressLog.objects.count() > SIZES.trainees * 10
    assert SkillRecord.objects.filter(validated_level__isnull=False).exists()
    assert SkillEvent.objects.count() >= SkillRecord.objects.count()
    assert Milestone.objects.filter(status="done").exists()
    assert Outcome.objects.filter(months_after=0).exists()
    assert FollowUp.objects.exists()


@pytest.mark.django_db
def test_histories_follow_the_workflow_and_enrolments_never_overlap():
    generate("--seed", "2")

    for idea in Idea.objects.all():
        events = list(IdeaEvent.objects.filter(idea=idea).order_by("created_at", "pk"))
        if not events:
            assert idea.status == S.DRAFT
            continue
        assert events[0].from_status == S.DRAFT
        assert events[-1].to_status == idea.status
        for before, after in itertools.pairwise(events):
            assert before.to_status == after.from_status
        for event in events:
            assert is_known_transition(event.from_status, event.to_status, offered_only=False)
            if event.to_status in (S.NEEDS_INFORMATION, S.DECLINED):
                # the lab's question (also in the thread) or its reason, as the services keep them
                assert event.note
            if event.to_status == S.NEEDS_INFORMATION:
                assert idea.comments.filter(from_lab=True, body=event.note).exists()
        if idea.status in (S.DELIVERED, S.EVALUATED):
            assert None not in (
                idea.submitted_at,
                idea.triaged_at,
                idea.decided_at,
                idea.delivered_at,
            )
            assert idea.submitted_at <= idea.triaged_at <= idea.decided_at <= idea.delivered_at
        if idea.status == S.DRAFT:
            assert idea.submitted_at is None
    assert Idea.objects.filter(search_vector__isnull=True).count() == 0
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM cohorts_enrolment a JOIN cohorts_enrolment b
            ON a.trainee_id = b.trainee_id AND a.id < b.id
            AND daterange(a.starts_on, a.ends_on, '[]') && daterange(b.starts_on, b.ends_on, '[]')
            """
        )
        assert cursor.fetchone()[0] == 0
    # the sequences go on after the generated ids: the application can add rows
    UserFactory(role=Role.TRAINEE)
    Organisation.objects.create(name="Ny kommun")


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_rows():
    generate("--seed", "7", "--flush")
    first = checksums()
    generate("--seed", "7", "--flush")
    again = checksums()
    generate("--seed", "8", "--flush")
    other = checksums()

    assert None not in first.values()
    assert again == first
    assert other["prototypes_idea"] != first["prototypes_idea"]
    assert other["trainees_progresslog"] != first["trainees_progresslog"]


@pytest.mark.django_db
def test_pages_render_with_the_generated_data():
    generate("--seed", "3")
    lead = give_totp(User.objects.filter(role=Role.LAB_LEAD).order_by("pk").first())
    client = client_for(lead)
    delivered = Idea.objects.filter(status=S.DELIVERED).first()

    listing = client.get(reverse("prototypes:list"))
    assert listing.status_code == 200
    assert Idea.objects.filter(submitted_at__isnull=False).first().title in listing.text
    assert client.get(reverse("cohorts:board")).status_code == 200
    assert client.get(reverse("cohorts:list")).status_code == 200
    assert client.get(reverse("prototypes:detail", args=[delivered.pk])).status_code == 200
    staff = User.objects.filter(role=Role.DEPARTMENT_STAFF, ideas__isnull=False).first()
    assert client_for(staff).get(reverse("prototypes:list")).status_code == 200


@pytest.mark.django_db
def test_refuses_a_database_with_data_unless_flushed():
    Organisation.objects.create(name="Befintlig kommun")

    with pytest.raises(CommandError, match="already has"):
        generate("--seed", "1")

    assert list(Organisation.objects.values_list("name", flat=True)) == ["Befintlig kommun"]
    assert not Idea.objects.exists()
    generate("--seed", "1", "--flush")
    assert not Organisation.objects.filter(name="Befintlig kommun").exists()
    assert Idea.objects.count() == SIZES.ideas


@pytest.mark.django_db
def test_refuses_to_run_in_production(settings):
    settings.IS_PRODUCTION = True

    with pytest.raises(CommandError, match="does not run in production"):
        generate("--seed", "1")

    assert not User.objects.exists()


def test_flush_names_only_tables_the_generator_fills():
    # --flush must not empty the vocabularies the migrations seeded (skills, milestones)
    assert "core_skill" not in TABLES
    assert "trainees_milestonetype" not in TABLES
