"""Who may open the end-of-programme summary (its page and its PDF): every URL and
every persona. The summary is the lab's and the trainee's; anyone else gets 404 (the
trainee's existence is not revealed), and only a delivered PDF is audited."""

import pytest
from django.urls import reverse

from labportal.core.models import AuditEntry
from tests.conftest import client_for

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

# The lab and the trainee themself; the trainee's own supervisor is among the others.
EXPECTED = {
    "anonymous": LOGIN,
    "admin": 200,
    "lab_lead": 200,
    "trainee": 200,
    "other_trainee": 404,
    "supervisor": 404,
    "department_staff": 404,
    "outsider": 404,
}
URLS = ["trainees:summary", "trainees:summary_page"]


def client_as(request, persona):
    if persona == "anonymous":
        return client_for(None)
    return client_for(request.getfixturevalue(persona))


def check(response, outcome):
    if outcome == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == outcome


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", URLS)
def test_summary_urls_get(request, trainee, supervisor, persona, name):
    # given: the `trainee` persona, supervised by `supervisor`
    url = reverse(name, args=[trainee.pk])

    # when
    response = client_as(request, persona).get(url)

    # then
    outcome = EXPECTED[persona]
    check(response, outcome)
    downloaded = AuditEntry.objects.filter(action="trainee.summary_downloaded").exists()
    assert downloaded == (name == "trainees:summary" and outcome == 200)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", URLS)
def test_summary_urls_refuse_post(request, trainee, supervisor, persona, name):
    response = client_as(request, persona).post(reverse(name, args=[trainee.pk]))

    check(response, LOGIN if persona == "anonymous" else 405)
    assert not AuditEntry.objects.filter(action="trainee.summary_downloaded").exists()


@pytest.mark.parametrize("name", URLS)
def test_summary_of_a_user_who_is_no_trainee_is_not_found(lab_lead, supervisor, name):
    response = client_for(lab_lead).get(reverse(name, args=[supervisor.pk]))

    assert response.status_code == 404


def test_summary_is_not_delivered_to_a_deactivated_trainee(trainee):
    client = client_for(trainee)
    trainee.is_active = False
    trainee.save(update_fields=["is_active"])

    response = client.get(reverse("trainees:summary", args=[trainee.pk]))

    check(response, LOGIN)
    assert not AuditEntry.objects.filter(action="trainee.summary_downloaded").exists()
