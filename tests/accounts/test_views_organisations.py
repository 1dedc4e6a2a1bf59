from django.urls import reverse

from labportal.accounts.models import Department, Organisation
from labportal.core.models import AuditEntry
from tests.accounts.factories import UserFactory
from tests.conftest import client_for


def test_admin_creates_organisation_and_department(admin):
    client = client_for(admin)
    response = client.post(
        reverse("accounts:organisation_create"),
        {"name": "Växjö kommun", "kind": "municipality", "is_active": "on"},
    )
    organisation = Organisation.objects.get(name="Växjö kommun")
    assert response.url == organisation.get_absolute_url()
    client.post(
        reverse("accounts:department_create", args=[organisation.pk]),
        {"name": "Kultur", "is_active": "on"},
    )
    assert Department.objects.filter(organisation=organisation, name="Kultur").exists()
    assert AuditEntry.objects.filter(action="department.created").exists()


def test_duplicate_department_name_is_refused_with_message(admin, department):
    response = client_for(admin).post(
        reverse("accounts:department_create", args=[department.organisation.pk]),
        {"name": department.name.upper(), "is_active": "on"},
    )
    assert response.status_code == 200
    assert Department.objects.filter(organisation=department.organisation).count() == 1
    assert "id_name_error" in response.content.decode()


def test_lab_lead_changes_role_of_a_person(lab_lead, trainee, department):
    response = client_for(lab_lead).post(
        reverse("accounts:user_update", args=[trainee.pk]),
        {
            "full_name": "Tim Ny",
            "role": "department_staff",
            "department": department.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    trainee.refresh_from_db()
    assert (trainee.role, trainee.department, trainee.full_name) == (
        "department_staff",
        department,
        "Tim Ny",
    )


def test_lab_lead_may_not_open_or_change_an_admin(lab_lead):
    boss = UserFactory(role="admin")
    client = client_for(lab_lead)
    url = reverse("accounts:user_update", args=[boss.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"full_name": "X", "role": "trainee", "is_active": "on"})
    assert response.status_code == 403
    boss.refresh_from_db()
    assert boss.role == "admin"
