"""The list of trainees, a profile and a skill's history read a fixed number of
queries, whether there are a few trainees and skills or many."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from labportal.accounts.models import User
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.core.factories import SkillFactory
from tests.querycount import assert_bounded_queries
from tests.trainees.factories import TraineeProfileFactory
from trainees.models import SkillEvent, SkillEventKind, SkillRecord

# Session, user, MFA check, the page's own queries and pagination.
MAX_QUERIES = 10
SKILLS_PER_TRAINEE = 3


@pytest.fixture
def skills(db):
    return SkillFactory.create_batch(8)


def add_records(trainee, skills, count, validator):
    """`count` skill records for the trainee, every other one validated, each with
    two events: the self-assessment and (where validated) the validation."""
    now = timezone.now()
    existing = SkillRecord.objects.filter(trainee=trainee).count()
    records = SkillRecord.objects.bulk_create(
        SkillRecord(
            trainee=trainee,
            skill=skills[index],
            self_level=1 + index % 4,
            evidence_note=f"Bevis {index}",
            evidence_file=f"competence/2025/01/intyg-{trainee.pk}-{index}.pdf" if index % 3 else "",
            evidence_link="https://example.se/kod",
            validated_level=2 if index % 2 else None,
            validation_method="task" if index % 2 else "",
            validation_evidence="Löste uppgiften" if index % 2 else "",
            validated_by=validator if index % 2 else None,
            validated_at=now if index % 2 else None,
        )
        for index in range(existing, count)
    )
    SkillEvent.objects.bulk_create(
        SkillEvent(
            record=record,
            kind=kind,
            level=2,
            actor=validator if kind == SkillEventKind.VALIDATED else trainee,
        )
        for record in records
        for kind in (SkillEventKind.SELF_ASSESSED, SkillEventKind.VALIDATED)
    )


@pytest.mark.parametrize("query", ["", "?q=person", "?unvalidated=1", "?level=2", "?page=2"])
def test_trainee_list_has_bounded_queries(django_assert_max_num_queries, lab_lead, skills, query):
    def grow_to(size):
        for _index in range(User.objects.filter(role="trainee").count(), size):
            trainee = UserFactory(role="trainee")
            add_records(trainee, skills, SKILLS_PER_TRAINEE, lab_lead)

    client, url = client_for(lab_lead), reverse("trainees:list") + query

    assert_bounded_queries(django_assert_max_num_queries, client, url, grow_to, MAX_QUERIES)

    page = client.get(url).context["page"]
    assert len(page.object_list) == settings.PAGE_SIZE
    assert all(len(user.validated_records) == 1 for user in page.object_list)


@pytest.mark.parametrize("persona", ["lab_lead", "trainee"])
def test_profile_has_bounded_queries(
    django_assert_max_num_queries, request, lab_lead, trainee, persona
):
    TraineeProfileFactory(user=trainee, reference_contact=lab_lead)
    skills = SkillFactory.create_batch(60)

    client = client_for(request.getfixturevalue(persona))
    url = reverse("trainees:profile", args=[trainee.pk])

    assert_bounded_queries(
        django_assert_max_num_queries,
        client,
        url,
        lambda size: add_records(trainee, skills, size // 2, lab_lead),
        MAX_QUERIES,
    )

    html = client.get(url).content.decode()
    assert html.count('class="skill-card ') == 60


def test_skill_history_has_bounded_queries(django_assert_max_num_queries, lab_lead, trainee):
    add_records(trainee, SkillFactory.create_batch(1), 1, lab_lead)
    record = SkillRecord.objects.get(trainee=trainee)

    def grow_to(size):
        SkillEvent.objects.bulk_create(
            SkillEvent(
                record=record,
                kind=SkillEventKind.SELF_ASSESSED,
                level=3,
                actor=UserFactory(role="lab_lead") if index % 10 == 0 else trainee,
            )
            for index in range(record.events.count(), size)
        )

    client = client_for(trainee)
    url = reverse("trainees:skill_history", args=[record.pk])

    assert_bounded_queries(django_assert_max_num_queries, client, url, grow_to, MAX_QUERIES)

    assert len(client.get(url).context["events"]) == 120
