"""The summary's PDF and page read a journey in a fixed number of queries, whatever the
number of weeks, skills, milestones and linked prototypes."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from tests.core.factories import SkillFactory
from tests.prototypes.factories import IdeaFactory
from tests.trainees.factories import (
    MilestoneFactory,
    MilestoneTypeFactory,
    ProgressLogFactory,
    SkillRecordFactory,
    TraineeProfileFactory,
    last_monday,
)
from trainees.models import CompetenceLevel, MilestoneStatus, ValidationMethod

pytestmark = pytest.mark.django_db

# Session and user, the trainee, enrolments, profile, linked ideas, logs, skills,
# milestones; and for the PDF the audit row in its transaction.
MAX_QUERIES = 12


def build_journey(trainee, enrolment, lab_lead, size: int) -> None:
    TraineeProfileFactory(user=trainee, reference_contact=lab_lead)
    ideas = IdeaFactory.create_batch(3)
    for weeks_ago in range(1, size + 1):
        log = ProgressLogFactory(
            trainee=trainee,
            enrolment=enrolment,
            week=last_monday(weeks_ago),
            hours_practical=Decimal(30),
            hours_education=Decimal(8),
            prototypes_text=f"Prototyp {weeks_ago % 12}\nPrototyp {weeks_ago % 7}",
        )
        log.prototypes.add(ideas[weeks_ago % 3])
    for number in range(size):
        SkillRecordFactory(
            trainee=trainee,
            skill=SkillFactory(),
            validated_level=CompetenceLevel.WORKING,
            validation_method=ValidationMethod.PROTOTYPE,
            validated_by=lab_lead,
            validated_at=timezone.now() - datetime.timedelta(days=number),
        )
        MilestoneFactory(
            trainee=trainee,
            type=MilestoneTypeFactory(),
            status=MilestoneStatus.DONE,
            done_at=timezone.now() - datetime.timedelta(days=number),
        )


@pytest.mark.parametrize("size", [5, 50])
def test_summary_pdf_query_count_is_bounded(
    trainee, enrolment, lab_lead, size, django_assert_max_num_queries
):
    build_journey(trainee, enrolment, lab_lead, size)
    client = client_for(trainee)

    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("trainees:summary", args=[trainee.pk]) + "?lang=sv")

    assert response.status_code == 200


@pytest.mark.parametrize("size", [5, 50])
def test_summary_page_query_count_is_bounded(
    trainee, enrolment, lab_lead, size, django_assert_max_num_queries
):
    build_journey(trainee, enrolment, lab_lead, size)
    client = client_for(lab_lead)

    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("trainees:summary_page", args=[trainee.pk]))

    assert response.status_code == 200
    assert len(response.context["summary"].skills) == size
