from django.urls import reverse

from tests.conftest import client_for


def test_swedish_is_the_default_language(client, db):
    html = client.get(reverse("account_login")).content.decode()
    assert 'lang="sv"' in html
    assert "Logga in" in html


def test_choosing_english_is_remembered_on_the_account(trainee):
    client = client_for(trainee)
    response = client.post(
        reverse("core:set_language"), {"language": "en", "next": reverse("core:home")}
    )
    assert response.url == reverse("core:home")
    assert response.cookies["django_language"].value == "en"
    trainee.refresh_from_db()
    assert trainee.language == "en"
    assert 'lang="en"' in client.get(reverse("core:home")).content.decode()


def test_saved_language_follows_the_user_to_a_new_browser(trainee):
    trainee.language = "en"
    trainee.save()
    assert 'lang="en"' in client_for(trainee).get(reverse("core:home")).content.decode()


def test_language_switch_refuses_foreign_redirects(client, db):
    response = client.post(
        reverse("core:set_language"), {"language": "en", "next": "https://evil.example"}
    )
    assert response.url == "/"
