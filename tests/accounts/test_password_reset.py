import re

from django.urls import reverse

from labportal.core.models import OutboxEmail


def test_password_reset_mail_goes_through_the_outbox_and_works(client, trainee):
    client.post(reverse("account_reset_password"), {"email": trainee.email})
    email = OutboxEmail.objects.get(to=trainee.email, key__startswith="allauth:password_reset_key")
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", email.body_text).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else "/" + path
    response = client.post(
        form_url, {"password1": "ett-nytt-långt-lösenord", "password2": "ett-nytt-långt-lösenord"}
    )
    assert response.status_code == 302
    trainee.refresh_from_db()
    assert trainee.check_password("ett-nytt-långt-lösenord")


def test_password_reset_for_unknown_address_reveals_nothing(client, db):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.se"})
    assert response.status_code == 302
