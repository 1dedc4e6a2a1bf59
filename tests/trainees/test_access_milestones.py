"""Who may open and use the milestone pages: every URL and every persona, and for each
POST whether the write happened. A trainee's milestones are the lab's and the
trainee's; anyone else gets 404 (their existence is not revealed)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from tests.trainees.factories import MilestoneFactory
from trainees.models import Milestone, MilestoneStatus, MilestoneType

pytestmark = pytest.mark.django_db

PERSONAS = (
    "anonymous",
    "admin",
    "lab_lead",
    "trainee",
    "other_trainee",
    "supervisor",
    "department_staff",
    "outsider",
)
LOGIN = "login"


def expect(lab, trainee, others=404):
    """Outcome per persona: the lab's, the trainee's own, everyone else's."""
    return {
        "anonymous": LOGIN,
        "admin": lab,
        "lab_lead": lab,
        "trainee": trainee,
        "other_trainee": others,
        "supervisor": others,
        "department_staff": others,
        "outsider": others,
    }


@pytest.fixture
def world(trainee, supervisor):
    """The `trainee` persona (supervised by `supervisor`) with one planned milestone."""
    milestone = MilestoneFactory(
        trainee=trainee,
        type=MilestoneType.objects.get(name_en="CV reviewed"),
        due_on=timezone.localdate(),
    )
    return {"trainee": trainee, "milestone": milestone}


def client_as(request, persona):
    if persona == "anonymous":
        return client_for(None)
    return client_for(request.getfixturevalue(persona))


def check(response, outcome):
    if outcome == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    elif outcome == "done":
        assert response.status_code == 302
    else:
        assert response.status_code == outcome


GETS = [
    ("trainees:milestones", "trainee", expect(200, 200)),
    ("trainees:milestone_create", "trainee", expect(200, 403)),
    ("trainees:milestone_update", "milestone", expect(200, 403)),
    ("trainees:milestone_types", None, expect(200, 403, others=403)),
    ("trainees:milestone_type_create", None, expect(200, 403, others=403)),
    ("trainees:milestone_type_update", "milestone_type", expect(200, 403, others=403)),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "arg", "outcomes"), GETS, ids=[g[0] for g in GETS])
def test_milestone_pages_get(request, world, persona, name, arg, outcomes):
    args = []
    if arg == "milestone_type":
        args = [world["milestone"].type_id]
    elif arg:
        args = [world[arg].pk]

    response = client_as(request, persona).get(reverse(name, args=args))

    check(response, outcomes[persona])


def _milestone_state(world):
    milestone = Milestone.objects.get(pk=world["milestone"].pk)
    return (milestone.status, milestone.due_on, Milestone.objects.count())


def _types_state(world):
    return list(MilestoneType.objects.order_by("pk").values_list("name_en", "is_active"))


POSTS = [
    (
        "trainees:milestone_create",
        "trainee",
        lambda: {
            "type": MilestoneType.objects.get(name_en="Reference agreed").pk,
            "due_on": "2030-01-01",
            "note": "",
        },
        _milestone_state,
        expect("done", 403),
    ),
    (
        "trainees:milestone_standard",
        "trainee",
        dict,
        _milestone_state,
        expect("done", 403),
    ),
    (
        "trainees:milestone_update",
        "milestone",
        lambda: {"due_on": "2030-01-01", "note": "Flyttad"},
        _milestone_state,
        expect("done", 403),
    ),
    (
        "trainees:milestone_status",
        "milestone",
        lambda: {"target": MilestoneStatus.DONE, "seen": MilestoneStatus.PLANNED},
        _milestone_state,
        expect("done", "done"),
    ),
    (
        "trainees:milestone_type_create",
        None,
        lambda: {"name_sv": "Mentorsamtal", "name_en": "Mentor talk", "position": 70},
        _types_state,
        expect("done", 403, others=403),
    ),
    (
        "trainees:milestone_type_update",
        "milestone_type",
        lambda: {"name_sv": "CV granskat", "name_en": "CV reviewed", "position": 10},
        _types_state,
        expect("done", 403, others=403),
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("name", "arg", "data", "probe", "outcomes"), POSTS, ids=[p[0] for p in POSTS]
)
def test_milestone_pages_post(request, world, persona, name, arg, data, probe, outcomes):
    args = []
    if arg == "milestone_type":
        args = [world["milestone"].type_id]
    elif arg:
        args = [world[arg].pk]
    before = probe(world)

    response = client_as(request, persona).post(reverse(name, args=args), data())

    outcome = outcomes[persona]
    check(response, outcome)
    if outcome == "done":
        assert probe(world) != before, "a write was expected"
    else:
        assert probe(world) == before, "nothing should have been written"


def test_the_trainees_supervisor_still_sees_no_milestones(world, supervisor):
    # Supervisors read logs, nothing else about people (here: a named supervisor).
    response = client_for(supervisor).get(
        reverse("trainees:milestones", args=[world["trainee"].pk])
    )

    assert response.status_code == 404


def test_the_status_url_refuses_get(lab_lead, world):
    url = reverse("trainees:milestone_status", args=[world["milestone"].pk])

    assert client_for(lab_lead).get(url).status_code == 405


def test_due_dates_in_the_past_stay_visible_to_the_trainee(world):
    Milestone.objects.filter(pk=world["milestone"].pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )

    response = client_for(world["trainee"]).get(
        reverse("trainees:milestones", args=[world["trainee"].pk])
    )

    assert response.context["rows"][0]["milestone"].is_overdue
