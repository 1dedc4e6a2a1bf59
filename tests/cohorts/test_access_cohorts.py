"""Who may open and post the cohort pages: the cohort's page for whoever sees the
cohort (the lab, its trainees, its supervisors), everything else for the lab only.
Signed-in people without the role get 403 before any object is looked at; a cohort
the user may not see is 404; anonymous visitors are sent to sign in. A refused post
writes nothing."""

import datetime

import pytest
from django.urls import reverse

from cohorts import access
from cohorts.models import Cohort, CohortStatus, Enrolment, RotationPeriod
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.cohorts.factories import EnrolmentFactory, RotationPeriodFactory
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "admin",
    "lab_lead",
    "trainee",
    "other_trainee",
    "supervisor",
    "department_staff",
    "outsider",
]
LAB_ONLY = {
    "anonymous": "login",
    "admin": 200,
    "lab_lead": 200,
    "trainee": 403,
    "other_trainee": 403,
    "supervisor": 403,
    "department_staff": 403,
    "outsider": 403,
}
DETAIL = {**LAB_ONLY, "trainee": 200, "other_trainee": 404, "supervisor": 200}


@pytest.fixture
def world(enrolment, supervisor):
    """The trainee persona's cohort (the supervisor persona is named on it) with a
    rotation period."""
    rotation = RotationPeriodFactory(enrolment=enrolment)
    return {"cohort": enrolment.cohort, "enrolment": enrolment, "rotation": rotation}


def url_of(name, world):
    cohort, enrolment = world["cohort"], world["enrolment"]
    return {
        "cohorts:detail": reverse("cohorts:detail", args=[cohort.pk]),
        "cohorts:create": reverse("cohorts:create"),
        "cohorts:update": reverse("cohorts:update", args=[cohort.pk]),
        "cohorts:status": reverse("cohorts:status", args=[cohort.pk]) + "?target=recruiting",
        "cohorts:plan_pdf": reverse("cohorts:plan_pdf", args=[cohort.pk]) + "?lang=en",
        "cohorts:enrolment_create": reverse("cohorts:enrolment_create", args=[cohort.pk]),
        "cohorts:enrolment_update": reverse("cohorts:enrolment_update", args=[enrolment.pk]),
        "cohorts:enrolment_leave": reverse("cohorts:enrolment_leave", args=[enrolment.pk]),
        "cohorts:rotation_create": reverse("cohorts:rotation_create", args=[enrolment.pk]),
        "cohorts:rotation_delete": reverse("cohorts:rotation_delete", args=[world["rotation"].pk]),
    }[name]


def judge(response, expected):
    if expected == "login":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == expected


def user_of(request, persona):
    return None if persona == "anonymous" else request.getfixturevalue(persona)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "name",
    [
        "cohorts:detail",
        "cohorts:create",
        "cohorts:update",
        "cohorts:status",
        "cohorts:plan_pdf",
        "cohorts:enrolment_create",
        "cohorts:enrolment_update",
        "cohorts:enrolment_leave",
        "cohorts:rotation_create",
        "cohorts:rotation_delete",
    ],
)
def test_who_may_open_the_cohort_pages(request, world, persona, name):
    expected = DETAIL[persona] if name == "cohorts:detail" else LAB_ONLY[persona]

    response = client_for(user_of(request, persona)).get(url_of(name, world))

    judge(response, expected)


def _posts(world):
    """Each write, with valid data and a probe of what it would change."""
    cohort, enrolment = world["cohort"], world["enrolment"]
    start = cohort.starts_on
    partner = OrganisationFactory(kind="partner")
    newcomer = UserFactory(role="trainee")

    def cohort_state():
        row = Cohort.objects.get(pk=cohort.pk)
        return (row.name, row.status, row.version, Cohort.objects.count())

    def enrolment_state():
        row = Enrolment.objects.get(pk=enrolment.pk)
        return (row.starts_on, row.ends_on, row.left_early, Enrolment.objects.count())

    def rotations():
        return sorted(RotationPeriod.objects.values_list("pk", flat=True))

    return {
        "cohorts:create": (
            {
                "name": "Ny omgång",
                "organisation": cohort.organisation_id,
                "starts_on": "2031-01-01",
                "ends_on": "2031-06-30",
                "capacity": "5",
                "education_target_percent": "20",
            },
            cohort_state,
        ),
        "cohorts:update": (
            {
                "name": "Nytt namn",
                "organisation": cohort.organisation_id,
                "starts_on": cohort.starts_on.isoformat(),
                "ends_on": cohort.ends_on.isoformat(),
                "capacity": "12",
                "education_target_percent": "20",
                "version": cohort.version,
            },
            cohort_state,
        ),
        "cohorts:status": ({"target": "recruiting", "seen": "planned"}, cohort_state),
        "cohorts:enrolment_create": (
            {
                "trainee": newcomer.pk,
                "starts_on": cohort.starts_on.isoformat(),
                "ends_on": cohort.ends_on.isoformat(),
            },
            enrolment_state,
        ),
        "cohorts:enrolment_update": (
            {
                "starts_on": (start + datetime.timedelta(days=7)).isoformat(),
                "ends_on": enrolment.ends_on.isoformat(),
                "version": enrolment.version,
            },
            enrolment_state,
        ),
        "cohorts:enrolment_leave": (
            {
                "left_on": (start + datetime.timedelta(days=100)).isoformat(),
                "reason": "Jobb",
                "version": enrolment.version,
            },
            enrolment_state,
        ),
        "cohorts:rotation_create": (
            {
                "organisation": partner.pk,
                "starts_on": (start + datetime.timedelta(days=120)).isoformat(),
                "ends_on": (start + datetime.timedelta(days=130)).isoformat(),
            },
            rotations,
        ),
        "cohorts:rotation_delete": ({}, rotations),
    }


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "name",
    [
        "cohorts:create",
        "cohorts:update",
        "cohorts:status",
        "cohorts:enrolment_create",
        "cohorts:enrolment_update",
        "cohorts:enrolment_leave",
        "cohorts:rotation_create",
        "cohorts:rotation_delete",
    ],
)
def test_only_the_lab_writes(request, world, persona, name):
    data, probe = _posts(world)[name]
    url = url_of(name, world).split("?")[0]
    before = probe()

    response = client_for(user_of(request, persona)).post(url, data)

    if LAB_ONLY[persona] == 200:
        assert response.status_code == 302, getattr(response, "context", None) and [
            response.context.get("form") and response.context["form"].errors
        ]
        assert probe() != before
    else:
        judge(response, LAB_ONLY[persona])
        assert probe() == before


def test_an_unknown_cohort_is_404_for_the_lab(lab_lead):
    assert client_for(lab_lead).get(reverse("cohorts:detail", args=[98765])).status_code == 404
    assert client_for(lab_lead).get(reverse("cohorts:update", args=[98765])).status_code == 404


def test_the_plan_of_a_cohort_is_for_the_lab_only(world, trainee, supervisor, lab_lead):
    assert access.can_download_cohort_plan(lab_lead)
    assert not access.can_download_cohort_plan(trainee)
    assert not access.can_download_cohort_plan(supervisor)


def test_details_of_enrolments(world, trainee, other_trainee, supervisor, lab_lead):
    cohort = world["cohort"]
    teammate = EnrolmentFactory(cohort=cohort, trainee=other_trainee)
    own = world["enrolment"]
    enrolment_supervisor = UserFactory(role="supervisor")
    teammate.supervisors.add(enrolment_supervisor)

    def detailed(user):
        return set(access.enrolments_detailed_for(user, cohort))

    assert detailed(lab_lead) == {own, teammate}
    assert detailed(supervisor) == {own, teammate}
    assert detailed(trainee) == {own}
    assert detailed(enrolment_supervisor) == {teammate}
    trainee.is_active = False
    assert detailed(trainee) == set()


def test_reasons_for_leaving_are_for_the_lab_and_the_trainee(world, trainee, supervisor, admin):
    enrolment = world["enrolment"]
    other = UserFactory(role="trainee")

    assert access.can_see_leave_reason(admin, enrolment)
    assert access.can_see_leave_reason(trainee, enrolment)
    assert not access.can_see_leave_reason(supervisor, enrolment)
    assert not access.can_see_leave_reason(other, enrolment)


def test_notes_are_for_the_lab_and_supervisors(trainee, supervisor, lab_lead, department_staff):
    assert access.can_see_cohort_notes(lab_lead)
    assert access.can_see_cohort_notes(supervisor)
    assert not access.can_see_cohort_notes(trainee)
    assert not access.can_see_cohort_notes(department_staff)


def test_who_may_be_named(lab_lead, admin, trainee, department_staff):
    supervisor = UserFactory(role="supervisor")
    closed = UserFactory(role="supervisor", is_active=False)

    assert set(access.supervisor_candidates()) == {lab_lead, admin, supervisor}
    assert set(access.lead_candidates()) == {lab_lead, admin}
    assert set(access.enrollable_trainees()) == {trainee}
    assert closed not in access.supervisor_candidates()
    partner = OrganisationFactory(kind="partner")
    municipality = OrganisationFactory(kind="municipality")
    region = OrganisationFactory(kind="region")
    closed_partner = OrganisationFactory(kind="partner", is_active=False)
    offered = set(access.rotation_organisations())
    assert {partner, municipality} <= offered
    assert not {region, closed_partner} & offered


def test_status_moves_leave_a_finished_cohort_alone(world, lab_lead):
    cohort = world["cohort"]
    Cohort.objects.filter(pk=cohort.pk).update(status=CohortStatus.FINISHED)

    response = client_for(lab_lead).post(
        reverse("cohorts:status", args=[cohort.pk]), {"target": "running", "seen": "finished"}
    )

    assert response.status_code == 302
    assert Cohort.objects.get(pk=cohort.pk).status == CohortStatus.FINISHED
