"""A change of role writes its own "user.role_changed" entry with the old and the new
role, wherever it happens: the people pages (`update_user`), an accepted invitation
(the grant of the first role) and the Django admin."""

from __future__ import annotations

from django.urls import reverse

from labportal.accounts import services
from labportal.accounts.models import Role, User
from labportal.core.models import AuditEntry
from tests.accounts.factories import UserFactory
from tests.conftest import client_for

PASSWORD = "a-long-password-123"


def entries(action: str, user) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            action=action, object_type="accounts.user", object_id=str(user.pk)
        ).order_by("pk")
    )


def test_update_user_writes_role_changed_with_from_and_to(admin):
    person = UserFactory(role=Role.TRAINEE)

    services.update_user(
        actor=admin,
        user=person,
        full_name="Ny Roll",
        role=Role.SUPERVISOR,
        department=None,
        is_active=True,
    )

    (changed,) = entries("user.role_changed", person)
    assert changed.actor == admin
    assert changed.details == {"from": Role.TRAINEE, "to": Role.SUPERVISOR}
    (updated,) = entries("user.updated", person)  # the general entry is still written
    assert updated.details == {"role": Role.SUPERVISOR, "is_active": True}


def test_update_user_without_a_new_role_writes_no_role_change(admin):
    person = UserFactory(role=Role.TRAINEE)

    services.update_user(
        actor=admin,
        user=person,
        full_name="Nytt Namn",
        role=Role.TRAINEE,
        department=None,
        is_active=False,
    )

    assert entries("user.role_changed", person) == []
    assert len(entries("user.updated", person)) == 1


def test_accepting_an_invitation_records_the_granted_role(admin, department):
    _invitation, token = services.invite_user(
        actor=admin, email="stina@example.se", role=Role.DEPARTMENT_STAFF, department=department
    )

    user = services.accept_invitation(token=token, password=PASSWORD, full_name="Stina")

    (granted,) = entries("user.role_changed", user)
    assert granted.actor == admin  # who chose the role, not who clicked the link
    assert granted.details["from"] is None
    assert granted.details["to"] == Role.DEPARTMENT_STAFF
    assert granted.details["via"] == "invitation"


def admin_form(person, **changes) -> dict:
    data = {
        "email": person.email,
        "full_name": person.full_name,
        "language": person.language,
        "role": person.role,
        "organisation": person.organisation_id or "",
        "department": person.department_id or "",
        "is_active": "on",
    }
    return data | changes


def test_role_change_in_the_django_admin_is_audited(admin):
    person = UserFactory(role=Role.TRAINEE)
    url = reverse("admin:accounts_user_change", args=[person.pk])

    response = client_for(admin).post(url, admin_form(person, role=Role.LAB_LEAD))

    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert person.role == Role.LAB_LEAD
    (changed,) = entries("user.role_changed", person)
    assert (changed.actor, changed.details["from"], changed.details["to"]) == (
        admin,
        Role.TRAINEE,
        Role.LAB_LEAD,
    )
    (updated,) = entries("user.updated", person)
    assert updated.details == {"fields": ["role"], "via": "admin"}


def test_other_changes_in_the_django_admin_write_no_role_change(admin):
    person = UserFactory(role=Role.TRAINEE)
    url = reverse("admin:accounts_user_change", args=[person.pk])

    client_for(admin).post(url, admin_form(person, full_name="Annat Namn"))

    assert entries("user.role_changed", person) == []
    assert entries("user.updated", person)[0].details == {"fields": ["full_name"], "via": "admin"}


def test_a_person_added_in_the_django_admin_has_their_role_grant_audited(admin):
    response = client_for(admin).post(
        reverse("admin:accounts_user_add"),
        {
            "email": "ny@example.se",
            "role": Role.TRAINEE,
            "department": "",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "usable_password": "true",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    person = User.objects.get(email="ny@example.se")
    (granted,) = entries("user.role_changed", person)
    assert (granted.actor, granted.details["from"], granted.details["to"]) == (
        admin,
        None,
        Role.TRAINEE,
    )
    assert entries("user.created", person)[0].details == {"role": Role.TRAINEE, "via": "admin"}
