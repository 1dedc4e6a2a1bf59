from django.urls import reverse

from tests.accounts.factories import UserFactory, give_totp
from tests.conftest import client_for


def test_privileged_roles_without_totp_are_sent_to_set_it_up(db):
    for role in ("admin", "lab_lead"):
        response = client_for(UserFactory(role=role)).get(reverse("accounts:user_list"))
        assert response.status_code == 302, role
        assert response.url.startswith(reverse("mfa_activate_totp")), role


def test_privileged_roles_with_totp_get_through(db):
    user = give_totp(UserFactory(role="lab_lead"))
    assert client_for(user).get(reverse("accounts:user_list")).status_code == 200


def test_mfa_requirement_can_be_turned_off(db, settings):
    settings.REQUIRE_MFA_FOR_PRIVILEGED = False
    user = UserFactory(role="lab_lead")
    assert client_for(user).get(reverse("accounts:user_list")).status_code == 200


def test_other_roles_are_offered_but_not_forced_mfa(department_staff):
    client = client_for(department_staff)
    assert client.get(reverse("core:home")).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200
