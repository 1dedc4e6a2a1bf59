from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from labportal.accounts import services
from labportal.accounts.models import Invitation, Role, User
from labportal.core.models import AuditEntry, OutboxEmail
from labportal.core.outbox import secret_placeholder
from tests.accounts.factories import InvitationFactory, UserFactory


def test_invite_user_writes_invitation_email_and_audit(admin, department):
    invitation, token = services.invite_user(
        actor=admin,
        email=" New.Person@Example.se ",
        role=Role.DEPARTMENT_STAFF,
        department=department,
    )
    assert invitation.email == "new.person@example.se"
    assert invitation.organisation == department.organisation
    assert invitation.token_hash != token  # only the hash is stored
    email = OutboxEmail.objects.get(key=f"invitation:{invitation.pk}")
    assert email.to == "new.person@example.se"
    # the link waits apart from the text, which holds a placeholder for it
    assert token not in email.body_text
    assert secret_placeholder("url") in email.body_text
    assert email.secret_values == {"url": services.invitation_url(token)}
    assert "bjudit in dig" in email.body_text or "invited you" in email.body_text
    assert AuditEntry.objects.filter(
        action="invitation.created", object_id=str(invitation.pk)
    ).exists()


def test_invite_user_email_is_in_the_chosen_language(admin):
    invitation, _ = services.invite_user(
        actor=admin, email="a@example.se", role=Role.TRAINEE, language="en"
    )
    assert "You are invited" in OutboxEmail.objects.get(key=f"invitation:{invitation.pk}").subject


def test_lab_lead_cannot_invite_an_admin(lab_lead):
    with pytest.raises(PermissionDenied):
        services.invite_user(actor=lab_lead, email="x@example.se", role=Role.ADMIN)


def test_department_staff_and_trainees_cannot_invite(department_staff, trainee):
    for actor in (department_staff, trainee):
        with pytest.raises(PermissionDenied):
            services.invite_user(actor=actor, email="x@example.se", role=Role.TRAINEE)


def test_invite_department_staff_requires_department(admin):
    with pytest.raises(ValidationError) as error:
        services.invite_user(actor=admin, email="x@example.se", role=Role.DEPARTMENT_STAFF)
    assert "department" in error.value.error_dict


def test_invite_existing_account_is_refused(admin, trainee):
    with pytest.raises(ValidationError):
        services.invite_user(actor=admin, email=trainee.email.upper(), role=Role.TRAINEE)


def test_a_new_invitation_revokes_the_earlier_pending_one_with_an_audit_row(admin):
    first, first_token = services.invite_user(actor=admin, email="x@example.se", role=Role.TRAINEE)
    second, _ = services.invite_user(actor=admin, email="x@example.se", role=Role.TRAINEE)
    first.refresh_from_db()
    assert first.revoked_at is not None
    with pytest.raises(ValidationError):
        services.accept_invitation(token=first_token, password="a-long-password-123", full_name="X")
    audit = AuditEntry.objects.get(action="invitation.revoked", object_id=str(first.pk))
    assert audit.actor == admin
    assert audit.details == {"reason": "superseded", "by": second.pk}


def test_lab_lead_cannot_replace_an_invitation_only_an_admin_could_make(admin, lab_lead):
    # given: an admin has invited someone as administrator
    boss, boss_token = services.invite_user(actor=admin, email="boss@example.se", role=Role.ADMIN)

    # when: a lab lead invites the same address as a trainee
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.invite_user(actor=lab_lead, email="Boss@example.se", role=Role.TRAINEE)

    # then: refused, saying whom to ask; the admin's invitation still works
    assert "administrator" in error.value.message_dict["email"][0]
    boss.refresh_from_db()
    assert boss.is_usable
    assert Invitation.objects.filter(email="boss@example.se").count() == 1
    assert not AuditEntry.objects.filter(action="invitation.revoked").exists()
    services.accept_invitation(token=boss_token, password="a-long-password-123", full_name="B")


def test_lab_lead_replaces_a_lab_leads_pending_invitation(admin, lab_lead):
    first, _ = services.invite_user(actor=admin, email="t@example.se", role=Role.TRAINEE)
    services.invite_user(actor=lab_lead, email="t@example.se", role=Role.LAB_LEAD)
    first.refresh_from_db()
    assert first.revoked_at is not None


def test_accept_invitation_creates_verified_account_once(admin, department):
    invitation, token = services.invite_user(
        actor=admin,
        email="staff@example.se",
        role=Role.DEPARTMENT_STAFF,
        department=department,
        language="en",
    )
    user = services.accept_invitation(
        token=token, password="a-long-password-123", full_name="Stina Staff"
    )
    assert user.role == Role.DEPARTMENT_STAFF
    assert user.department == department
    assert user.organisation == department.organisation
    assert user.language == "en"
    assert user.check_password("a-long-password-123")
    assert EmailAddress.objects.get(user=user).verified
    invitation.refresh_from_db()
    assert invitation.accepted_user == user
    with pytest.raises(ValidationError):
        services.accept_invitation(token=token, password="a-long-password-123", full_name="Again")
    assert User.objects.filter(email="staff@example.se").count() == 1


def test_expired_invitation_cannot_be_accepted(db):
    InvitationFactory(token="old", expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError):
        services.accept_invitation(token="old", password="a-long-password-123", full_name="Late")
    assert not User.objects.filter(full_name="Late").exists()


def test_revoke_invitation_writes_an_audit_row(admin):
    invitation = InvitationFactory(token="t")
    services.revoke_invitation(actor=admin, invitation=invitation)
    assert Invitation.objects.get(pk=invitation.pk).status == "revoked"
    audit = AuditEntry.objects.get(action="invitation.revoked", object_id=str(invitation.pk))
    assert (audit.actor, audit.details) == (admin, {"reason": "revoked"})
    with pytest.raises(ValidationError):
        services.revoke_invitation(actor=admin, invitation=invitation)


def test_lab_lead_cannot_revoke_an_admin_invitation(lab_lead):
    invitation = InvitationFactory(role=Role.ADMIN)
    with pytest.raises(PermissionDenied):
        services.revoke_invitation(actor=lab_lead, invitation=invitation)
    assert Invitation.objects.get(pk=invitation.pk).is_usable


def test_revoke_judges_the_invitation_as_stored(admin):
    # given: the invitation was accepted after the page showing it was loaded
    invitation = InvitationFactory()
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
    # when / then
    with pytest.raises(ValidationError):
        services.revoke_invitation(actor=admin, invitation=invitation)
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is None


def test_update_user_refuses_self_demotion(admin):
    with pytest.raises(ValidationError):
        services.update_user(
            actor=admin,
            user=admin,
            full_name="",
            role=Role.TRAINEE,
            department=None,
            is_active=True,
        )


def test_update_user_keeps_admin_flags_in_step(admin):
    person = UserFactory(role=Role.TRAINEE)
    services.update_user(
        actor=admin, user=person, full_name="Ny", role=Role.ADMIN, department=None, is_active=True
    )
    person.refresh_from_db()
    assert person.is_staff and person.is_superuser


def test_lab_lead_cannot_change_an_admin_even_through_a_modified_object(lab_lead):
    boss = UserFactory(role=Role.ADMIN)
    boss.role = Role.TRAINEE  # what a bound form would have done before the service runs
    with pytest.raises(PermissionDenied):
        services.update_user(
            actor=lab_lead,
            user=boss,
            full_name="",
            role=Role.TRAINEE,
            department=None,
            is_active=True,
        )
    boss.refresh_from_db()
    assert boss.role == Role.ADMIN
