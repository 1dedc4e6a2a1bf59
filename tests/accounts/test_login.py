import pytest
from django.urls import reverse

from labportal.accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory
from tests.conftest import client_for


def test_login_with_email_and_password(client, trainee):
    response = client.post(reverse("account_login"), {"login": trainee.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("core:home")


def test_signup_is_closed(client, db):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "self@example.se",
            "password1": "ett-långt-lösenord-9",
            "password2": "ett-långt-lösenord-9",
        },
    )
    assert not User.objects.filter(email="self@example.se").exists()
    assert response.status_code == 200
    assert "signup" in response.templates[0].name


def test_failed_logins_are_rate_limited_per_account(client, db):
    user = UserFactory(email="target@example.se")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session


def test_django_admin_login_goes_through_allauth(client, db):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ["lab_lead", "department_staff", "trainee"])
def test_only_admins_reach_the_django_admin(role, department):
    user = UserFactory(role=role, department=department if role == "department_staff" else None)
    from tests.accounts.factories import give_totp

    give_totp(user)
    assert client_for(user).get(reverse("admin:index")).status_code in (302, 403)


def test_admin_reaches_the_django_admin(admin):
    assert client_for(admin).get(reverse("admin:index")).status_code == 200


def test_createsuperuser_makes_an_admin_who_can_sign_in_without_email(client, db):
    from django.core.management import call_command

    call_command("createsuperuser", "--no-input", "--email", "first@kommun.se", verbosity=0)
    admin = User.objects.get(email="first@kommun.se")
    admin.set_password(PASSWORD)
    admin.save()
    assert admin.role == "admin" and admin.is_staff
    response = client.post(reverse("account_login"), {"login": admin.email, "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
