"""The department's evaluation of a delivered prototype."""

from django.urls import reverse

from prototypes.models import Evaluation, IdeaEvent, IdeaStatus
from tests.conftest import client_for
from tests.prototypes.factories import IdeaFactory


def test_idea_evaluate_records_the_evaluation_of_a_delivered_idea(department_staff, lab_lead):
    idea = IdeaFactory(
        department=department_staff.department,
        submitted_by=department_staff,
        status=IdeaStatus.DELIVERED,
    )
    client = client_for(department_staff)
    url = reverse("prototypes:evaluate", args=[idea.pk])
    assert client.get(url).status_code == 200

    response = client.post(
        url, {"benefit_realised": "4", "adoption": "use", "comments": " Det fungerar bra. "}
    )

    idea.refresh_from_db()
    assert response.status_code == 302
    assert idea.status == IdeaStatus.EVALUATED
    evaluation = Evaluation.objects.get(idea=idea)
    assert evaluation.benefit_realised == 4
    assert evaluation.adoption == "use"
    assert evaluation.evaluated_by == department_staff
    assert evaluation.comments == "Det fungerar bra."
    assert IdeaEvent.objects.filter(
        idea=idea, from_status=IdeaStatus.DELIVERED, to_status=IdeaStatus.EVALUATED
    ).exists()
    # the lab cannot evaluate on the department's behalf
    assert client_for(lab_lead).get(url).status_code == 403


def test_idea_evaluate_is_refused_before_delivery(department_staff):
    idea = IdeaFactory(
        department=department_staff.department,
        submitted_by=department_staff,
        status=IdeaStatus.IN_PROGRESS,
    )

    response = client_for(department_staff).post(
        reverse("prototypes:evaluate", args=[idea.pk]),
        {"benefit_realised": "4", "adoption": "use", "comments": ""},
    )

    assert response.status_code == 403
    assert not Evaluation.objects.exists()
