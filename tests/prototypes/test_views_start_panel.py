"""The ideas panel on the start page, contributed by the prototypes app."""

from django.urls import reverse

from prototypes.models import IdeaStatus
from tests.conftest import client_for
from tests.prototypes.factories import IdeaFactory


def test_start_panel_invites_department_staff_without_ideas_to_submit_one(department_staff):
    response = client_for(department_staff).get(reverse("core:home"))

    html = response.content.decode()
    assert response.context["panels"][0]["total"] == 0
    assert 'class="empty-state' in html
    assert reverse("prototypes:create") in html


def test_start_panel_counts_the_departments_ideas_and_questions(department_staff, outsider):
    IdeaFactory(department=department_staff.department, submitted_by=department_staff)
    IdeaFactory(
        department=department_staff.department,
        submitted_by=department_staff,
        status=IdeaStatus.NEEDS_INFORMATION,
    )
    IdeaFactory(department=outsider.department, submitted_by=outsider)  # not theirs

    panel = client_for(department_staff).get(reverse("core:home")).context["panels"][0]

    assert (panel["total"], panel["questions"], panel["is_lab"]) == (2, 1, False)


def test_start_panel_shows_the_lab_what_waits_for_triage(lab_lead, department_staff):
    IdeaFactory.create_batch(
        3, department=department_staff.department, submitted_by=department_staff
    )
    IdeaFactory(
        department=department_staff.department,
        submitted_by=department_staff,
        status=IdeaStatus.DRAFT,
    )  # a draft is nobody's business but its author's

    response = client_for(lab_lead).get(reverse("core:home"))

    panel = response.context["panels"][0]
    assert (panel["waiting"], panel["is_lab"]) == (3, True)
    assert f"{reverse('prototypes:list')}?status=submitted" in response.content.decode()


def test_start_panel_is_not_shown_to_trainees(trainee):
    panels = client_for(trainee).get(reverse("core:home")).context["panels"]
    # the trainee's own journey panel only, no ideas panel
    assert [panel["template"] for panel in panels] == [
        "trainees/includes/_start_panel_trainee.html"
    ]
