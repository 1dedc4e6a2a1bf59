"""The lab's pages after triage: the assessment and the prototype record."""

from django.urls import reverse

from prototypes.models import IdeaStatus, PrototypeRecord
from tests.conftest import client_for
from tests.core.factories import SkillFactory
from tests.prototypes.factories import IdeaFactory


def test_idea_triage_saves_skills_and_size(department_staff, lab_lead):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)
    web, data = SkillFactory(), SkillFactory()
    client = client_for(lab_lead)
    url = reverse("prototypes:triage", args=[idea.pk])
    version = client.get(url).context["form"]["version"].value()

    response = client.post(
        url, {"skills": [web.pk, data.pk], "size_weeks": "6", "version": version}
    )

    idea.refresh_from_db()
    assert response.status_code == 302
    assert set(idea.skills.all()) == {web, data}
    assert idea.size_weeks == 6
    assert not idea.ready_to_plan
    assert idea.version == version + 1


def test_idea_triage_refuses_ready_to_plan_before_acceptance(department_staff, lab_lead):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)

    response = client_for(lab_lead).post(
        reverse("prototypes:triage", args=[idea.pk]),
        {"size_weeks": "6", "ready_to_plan": "on", "version": idea.version},
    )

    # The field is disabled for an idea that is not accepted: the posted value is ignored.
    idea.refresh_from_db()
    assert response.status_code == 302
    assert not idea.ready_to_plan
    assert idea.size_weeks == 6


def test_idea_triage_is_forbidden_to_department_staff(department_staff):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)

    response = client_for(department_staff).get(reverse("prototypes:triage", args=[idea.pk]))

    assert response.status_code == 403


# The prototype record ------------------------------------------------------------------
def test_prototype_record_form_creates_the_record_of_an_accepted_idea(department_staff, lab_lead):
    idea = IdeaFactory(
        department=department_staff.department,
        submitted_by=department_staff,
        status=IdeaStatus.ACCEPTED,
    )
    client = client_for(lab_lead)
    url = reverse("prototypes:prototype", args=[idea.pk])
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "working_title": "Parkeringsappen",
            "repository_url": "https://git.example.se/lab/parkering",
            "demo_url": "",
            "deliverables": "Ett e-formulär och en koppling till ärendesystemet.",
            "handover_notes": "Kontot ägs av IT-avdelningen.",
        },
    )

    assert response.status_code == 302
    record = PrototypeRecord.objects.get(idea=idea)
    assert record.working_title == "Parkeringsappen"
    assert record.repository_url == "https://git.example.se/lab/parkering"
    assert record.handover_notes == "Kontot ägs av IT-avdelningen."


def test_prototype_record_form_is_refused_for_a_submitted_idea(department_staff, lab_lead):
    idea = IdeaFactory(department=department_staff.department, submitted_by=department_staff)

    response = client_for(lab_lead).post(
        reverse("prototypes:prototype", args=[idea.pk]), {"working_title": "För tidigt"}
    )

    assert response.status_code == 403
    assert not PrototypeRecord.objects.exists()
