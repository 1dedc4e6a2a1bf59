from django.urls import reverse

from labportal.accounts.models import Invitation, User
from labportal.core.models import OutboxEmail
from tests.accounts.factories import InvitationFactory
from tests.conftest import client_for


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
    url = reverse("accounts:invitation_accept", args=["tok"])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"full_name": "Ny Person", "password1": "kort", "password2": "kort"}
    )
    assert response.status_code == 200  # too short: shown, nothing created
    assert 'value="Ny Person"' in response.content.decode()
    assert not User.objects.filter(email="ny@example.se").exists()
    response = client.post(
        url,
        {
            "full_name": "Ny Person",
            "password1": "ett-långt-lösenord-9",
            "password2": "ett-långt-lösenord-9",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("account_login")
    assert User.objects.get(email="ny@example.se").full_name == "Ny Person"
    # the link works once
    assert client.get(url).status_code == 410


def test_unknown_invitation_token_answers_404(client, db):
    assert client.get(reverse("accounts:invitation_accept", args=["nope"])).status_code == 404


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
