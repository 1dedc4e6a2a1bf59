import re
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.urls import reverse

from labportal.accounts import services
from labportal.accounts.models import Invitation, User
from labportal.accounts.views import INVITATION_SESSION_KEY
from labportal.core.models import OutboxEmail, OutboxStatus
from tests.accounts.factories import InvitationFactory
from tests.conftest import client_for, wait_for
from tests.core.smtp import smtp_server, text_of, use_smtp

INVITATION_LINK = re.compile(r"https?://\S+/invitations/accept/\S+/")


def test_lab_lead_invites_department_staff(lab_lead, department):
    response = client_for(lab_lead).post(
        reverse("accounts:invitation_create"),
        {
            "email": "ny@example.se",
            "role": "department_staff",
            "department": department.pk,
            "language": "sv",
        },
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="ny@example.se")
    assert invitation.invited_by == lab_lead
    assert OutboxEmail.objects.filter(key=f"invitation:{invitation.pk}").count() == 1


def test_invitation_form_errors_keep_input_and_name_the_field(lab_lead):
    response = client_for(lab_lead).post(
        reverse("accounts:invitation_create"),
        {
            "email": "kvar@example.se",
            "full_name": "Kvar Kvist",
            "role": "department_staff",
            "language": "sv",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="kvar@example.se"' in html
    assert 'value="Kvar Kvist"' in html
    assert 'aria-invalid="true"' in html
    assert 'id="id_department_error"' in html
    assert not Invitation.objects.exists()


def test_lab_lead_cannot_choose_admin_role(lab_lead):
    response = client_for(lab_lead).post(
        reverse("accounts:invitation_create"),
        {"email": "a@example.se", "role": "admin", "language": "sv"},
    )
    assert response.status_code == 200
    assert not Invitation.objects.exists()


def test_accepting_an_invitation_creates_account_and_sends_to_login(client, db):
    InvitationFactory(token="tok", email="ny@example.se", role="trainee")
    link = reverse("accounts:invitation_accept", args=["tok"])
    form_url = reverse("accounts:invitation_accept_form")

    # the link moves the token out of the address at once
    response = client.get(link)
    assert response.status_code == 302
    assert response.url == form_url
    assert "tok" not in response.url
    assert client.get(form_url).status_code == 200

    response = client.post(
        form_url, {"full_name": "Ny Person", "password1": "kort", "password2": "kort"}
    )
    assert response.status_code == 200  # too short: shown, nothing created
    assert 'value="Ny Person"' in response.content.decode()
    assert not User.objects.filter(email="ny@example.se").exists()
    response = client.post(
        form_url,
        {
            "full_name": "Ny Person",
            "password1": "ett-långt-lösenord-9",
            "password2": "ett-långt-lösenord-9",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("account_login")
    assert User.objects.get(email="ny@example.se").full_name == "Ny Person"
    # the link works once, and the session forgot the token
    assert client.get(link).status_code == 410
    assert client.get(form_url).status_code == 404


def test_invitation_form_without_an_opened_link_answers_404(client, db):
    InvitationFactory(token="someone-elses")
    response = client.get(reverse("accounts:invitation_accept_form"))
    assert response.status_code == 404
    assert "accounts/invitation_invalid.html" in [t.name for t in response.templates]


def test_invitation_revoked_after_the_link_was_opened_is_refused_on_the_form(client, admin):
    invitation = InvitationFactory(token="late")
    client.get(reverse("accounts:invitation_accept", args=["late"]))
    services.revoke_invitation(actor=admin, invitation=invitation)
    response = client.post(
        reverse("accounts:invitation_accept_form"),
        {
            "full_name": "Sen",
            "password1": "ett-långt-lösenord-9",
            "password2": "ett-långt-lösenord-9",
        },
    )
    assert response.status_code == 410
    assert not User.objects.filter(email=invitation.email).exists()


def test_a_form_posted_to_the_old_link_address_still_works(client, db):
    InvitationFactory(token="old-page", email="gammal@example.se")
    response = client.post(
        reverse("accounts:invitation_accept", args=["old-page"]),
        {
            "full_name": "Gammal Sida",
            "password1": "ett-långt-lösenord-9",
            "password2": "ett-långt-lösenord-9",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email="gammal@example.se").exists()


def test_unknown_invitation_token_answers_404(client, db):
    assert client.get(reverse("accounts:invitation_accept", args=["nope"])).status_code == 404


def test_expired_invitation_link_answers_410(client, db):
    from datetime import timedelta

    from django.utils import timezone

    InvitationFactory(token="old", expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(reverse("accounts:invitation_accept", args=["old"]))
    assert response.status_code == 410
    assert INVITATION_SESSION_KEY not in client.session


def test_lab_lead_sees_why_an_admins_invitation_cannot_be_replaced(lab_lead, admin):
    services.invite_user(actor=admin, email="chef@example.se", role="admin")
    response = client_for(lab_lead).post(
        reverse("accounts:invitation_create"),
        {"email": "chef@example.se", "role": "trainee", "language": "sv"},
    )
    assert response.status_code == 200
    assert 'id="id_email_error"' in response.content.decode()
    assert Invitation.objects.filter(email="chef@example.se").count() == 1


def test_revoke_asks_for_confirmation_first(admin):
    invitation = InvitationFactory(token="r")
    client = client_for(admin)
    url = reverse("accounts:invitation_revoke", args=[invitation.pk])
    assert client.get(url).status_code == 200
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    client.post(url)
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_expired_invitation_can_be_sent_again_with_a_prefilled_form(admin, department):
    from datetime import timedelta

    from django.utils import timezone

    expired = InvitationFactory(
        email="sen@example.se",
        role="department_staff",
        department=department,
        expires_at=timezone.now() - timedelta(days=1),
    )
    client = client_for(admin)
    html = client.get(reverse("accounts:invitation_list")).content.decode()
    assert "?email=sen%40example.se&amp;role=department_staff" in html
    response = client.get(
        reverse("accounts:invitation_create"),
        {"email": expired.email, "role": "department_staff", "department": department.pk},
    )
    form = response.context["form"]
    assert form["email"].value() == "sen@example.se"
    assert str(form["department"].value()) == str(department.pk)


@pytest.mark.django_db(transaction=True)
def test_sent_invitation_leaves_no_working_link_in_the_outbox(
    celery_worker, settings, admin, client
):
    # given: a real mail server, and the worker sending to it
    with smtp_server() as (port, server):
        use_smtp(settings, port)
        invitation, _ = services.invite_user(
            actor=admin, email="ingen.lank@example.se", role="trainee"
        )
        email = OutboxEmail.objects.get(key=f"invitation:{invitation.pk}")
        assert wait_for(lambda: OutboxEmail.objects.get(pk=email.pk).status == OutboxStatus.SENT)

    # when: we take the link from the email that arrived
    link = INVITATION_LINK.search(text_of(server.received[0])).group(0)
    token = link.rstrip("/").rsplit("/", 1)[1]

    # then: no column of the outbox row holds the token
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(OutboxEmail._meta.db_table)
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [email.pk])  # noqa: S608
        row = cursor.fetchone()
    stored = " ".join(str(value) for value in row)
    assert "ingen.lank@example.se" in stored
    assert token not in stored

    # ... while the link itself works
    response = client.get(urlsplit(link).path, follow=True)
    assert response.status_code == 200
    assert response.context["invitation"] == invitation
    assert token not in response.redirect_chain[-1][0]
