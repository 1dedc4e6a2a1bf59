"""A weekly log names the prototypes the trainee is on a team of (planning's
assignments, found by reverse lookup), beside the free text; the links are saved,
shown on the log and listed in the summary."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from prototypes.models import IdeaStatus
from tests.cohorts.factories import AssignmentFactory, AssignmentMemberFactory
from tests.conftest import english
from tests.prototypes.factories import IdeaFactory
from tests.trainees.factories import ProgressLogFactory, last_monday
from trainees.models import ProgressLog
from trainees.services.logs import create_log, update_log
from trainees.services.summary import summarise_journey

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_team(enrolment):
    """An idea the `trainee` persona is on the team of."""
    assignment = AssignmentFactory(
        idea=IdeaFactory(title="Bokningsguiden", status=IdeaStatus.IN_PROGRESS),
        cohort=enrolment.cohort,
        starts_on=timezone.localdate() - datetime.timedelta(weeks=6),
        ends_on=timezone.localdate() + datetime.timedelta(weeks=6),
    )
    AssignmentMemberFactory(assignment=assignment, enrolment=enrolment)
    return assignment.idea


@pytest.fixture
def elsewhere(enrolment):
    """An idea of another team of the same cohort."""
    return AssignmentFactory(
        idea=IdeaFactory(title="Felanmälan", status=IdeaStatus.PLANNED), cohort=enrolment.cohort
    ).idea


def form_data(**overrides):
    return {
        "week": str(last_monday()),
        "hours_practical": "32",
        "hours_education": "8",
        "did": "Byggde bokningsflödet.",
        "prototypes_text": "Intern hackathon",
        **overrides,
    }


def test_the_log_form_offers_the_trainees_prototypes(trainee, on_team, elsewhere):
    html = english(trainee).get(reverse("trainees:log_create")).content.decode()

    assert 'name="prototypes"' in html
    assert "Bokningsguiden" in html
    assert "Felanmälan" not in html
    assert 'name="prototypes_text"' in html  # the free text stays


def test_without_a_team_the_form_asks_only_the_free_text(trainee, enrolment):
    html = english(trainee).get(reverse("trainees:log_create")).content.decode()

    assert 'name="prototypes"' not in html
    assert 'name="prototypes_text"' in html


def test_the_log_saves_the_prototypes_and_shows_them(trainee, on_team):
    client = english(trainee)

    response = client.post(reverse("trainees:log_create"), form_data(prototypes=[on_team.pk]))

    assert response.status_code == 302
    log = ProgressLog.objects.get()
    assert list(log.prototypes.all()) == [on_team]
    assert log.prototypes_text == "Intern hackathon"
    html = client.get(log.get_absolute_url()).content.decode()
    assert "Bokningsguiden" in html and "Intern hackathon" in html


def test_a_prototype_of_another_team_is_refused(trainee, on_team, elsewhere):
    response = english(trainee).post(
        reverse("trainees:log_create"), form_data(prototypes=[elsewhere.pk])
    )

    assert response.status_code == 400
    assert not ProgressLog.objects.exists()


def test_the_service_refuses_a_prototype_of_another_team(trainee, on_team, elsewhere):
    data = {
        "week": last_monday(),
        "hours_practical": 30,
        "hours_education": 8,
        "did": "Arbete",
        "prototypes": [elsewhere],
    }
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        create_log(actor=trainee, data=data)

    assert excinfo.value.message_dict["prototypes"] == [
        "Choose only prototypes you are on the team of."
    ]
    assert not ProgressLog.objects.exists()


def test_editing_keeps_a_prototype_the_trainee_has_left(trainee, enrolment, on_team):
    log = ProgressLogFactory(trainee=trainee, enrolment=enrolment)
    log.prototypes.set([on_team])
    on_team.assignments.get().memberships.all().delete()  # the team changed since
    client = english(trainee)

    page = client.get(reverse("trainees:log_edit", args=[log.pk]))
    assert "Bokningsguiden" in page.content.decode()

    update_log(
        actor=trainee,
        log=log,
        data={
            "week": log.week,
            "hours_practical": 30,
            "hours_education": 8,
            "did": "Ändrad text",
            "prototypes": [on_team],
        },
        expected_version=log.version,
    )
    assert list(log.prototypes.all()) == [on_team]


def test_the_summary_lists_the_linked_prototypes(trainee, on_team):
    english(trainee).post(reverse("trainees:log_create"), form_data(prototypes=[on_team.pk]))

    with translation.override("en"):
        summary = summarise_journey(trainee)

    assert any(line.startswith("Bokningsguiden") for line in summary.prototypes)
