import re
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.urls import reverse

from labportal.core.models import OutboxEmail, OutboxStatus
from labportal.core.outbox import secret_placeholder
from tests.conftest import wait_for
from tests.core.smtp import smtp_server, text_of, use_smtp

RESET_LINK = re.compile(r"https?://\S+/accounts/password/reset/key/\S+")


def reset_email(user):
    return OutboxEmail.objects.get(to=user.email, key__startswith="allauth:password_reset_key")


def test_password_reset_mail_is_queued_with_the_link_apart(client, trainee):
    client.post(reverse("account_reset_password"), {"email": trainee.email})
    email = reset_email(trainee)
    assert RESET_LINK.search(email.body_text) is None
    assert secret_placeholder("password_reset_url") in email.body_text
    assert RESET_LINK.fullmatch(email.secret_values["password_reset_url"])
    # allauth's greeting names the site, as its own send_mail would
    assert "LabPortal" in email.body_text


@pytest.mark.django_db(transaction=True)
def test_password_reset_goes_through_the_outbox_works_and_leaves_no_link(
    celery_worker, settings, client, trainee
):
    # given: a real mail server, and the worker sending to it
    with smtp_server() as (port, server):
        use_smtp(settings, port)
        client.post(reverse("account_reset_password"), {"email": trainee.email})
        email = reset_email(trainee)
        assert wait_for(lambda: OutboxEmail.objects.get(pk=email.pk).status == OutboxStatus.SENT)

    # when: we take the link from the email that arrived
    link = RESET_LINK.search(text_of(server.received[0])).group(0)
    key = urlsplit(link).path.rstrip("/").rsplit("/", 1)[1]

    # then: no column of the outbox row holds the key
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(OutboxEmail._meta.db_table)
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [email.pk])  # noqa: S608
        stored = " ".join(str(value) for value in cursor.fetchone())
    assert trainee.email in stored
    assert key not in stored

    # ... while the link itself sets a new password
    response = client.get(urlsplit(link).path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else urlsplit(link).path
    response = client.post(
        form_url, {"password1": "ett-nytt-långt-lösenord", "password2": "ett-nytt-långt-lösenord"}
    )
    assert response.status_code == 302
    trainee.refresh_from_db()
    assert trainee.check_password("ett-nytt-långt-lösenord")


def test_password_reset_for_unknown_address_reveals_nothing(client, db):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.se"})
    assert response.status_code == 302
