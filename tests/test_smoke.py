from django.urls import reverse

from tests.conftest import client_for


def test_login_page_renders_in_swedish_by_default(client, db):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    assert 'lang="sv"' in response.content.decode()


def test_start_page_renders_for_every_role(personas):
    for role, user in personas.items():
        response = client_for(user).get(reverse("core:home"))
        assert response.status_code == 200, role
