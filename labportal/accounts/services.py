"""Account writes: invitations, accepting them, organisations and departments."""

from __future__ import annotations

import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from labportal.accounts import policy
from labportal.accounts.models import (
    Department,
    Invitation,
    Organisation,
    Role,
    User,
    hash_token,
)
from labportal.core.services import queue_email, record_audit


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("accounts:invitation_accept", args=[token])


@transaction.atomic
def invite_user(
    *,
    actor: User,
    email: str,
    role: str,
    department: Department | None = None,
    organisation: Organisation | None = None,
    full_name: str = "",
    language: str = settings.LANGUAGE_CODE,
) -> tuple[Invitation, str]:
    """Create an invitation and queue its email; return it with the raw token.

    Refuses roles the actor may not hand out, addresses that already have an
    account, and department staff without a department. Earlier pending
    invitations to the same address are revoked, so only the newest link works.
    """
    email = email.strip().lower()
    if not policy.can_invite(actor, role):
        raise PermissionDenied
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("There is already an account with this email address.")})
    if role == Role.DEPARTMENT_STAFF and department is None:
        raise ValidationError({"department": _("Choose the department this person works in.")})
    if department is not None:
        organisation = department.organisation
    now = timezone.now()
    Invitation.objects.pending().filter(email=email).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        full_name=full_name.strip(),
        role=role,
        department=department,
        organisation=organisation,
        language=language,
        invited_by=actor,
        token_hash=hash_token(token),
        expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    record_audit(actor, "invitation.created", invitation, email=email, role=role)
    queue_email(
        key=f"invitation:{invitation.pk}",
        to=email,
        template="invitation",
        context={
            "invitation": invitation,
            "url": invitation_url(token),
            "inviter": actor,
            "valid_days": settings.INVITATION_VALID_DAYS,
        },
        language=language,
    )
    return invitation, token


def find_invitation(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("department", "organisation")
        .filter(token_hash=hash_token(token))
        .first()
    )


@transaction.atomic
def accept_invitation(*, token: str, password: str, full_name: str) -> User:
    """Turn a usable invitation into an active account with a verified email.

    The invitation row is locked, so a double submit creates one account; the
    second sees the invitation accepted and gets a ValidationError.
    """
    invitation = Invitation.objects.select_for_update().filter(token_hash=hash_token(token)).first()
    if invitation is None or not invitation.is_usable:
        raise ValidationError(_("This invitation link is no longer valid."))
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(_("There is already an account with this email address."))
    user = User.objects.create_user(
        invitation.email,
        password,
        full_name=full_name.strip(),
        role=invitation.role,
        department=invitation.department,
        organisation=invitation.organisation,
        language=invitation.language,
    )
    # The person clicked a link sent to this address: it is verified.
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    invitation.accepted_at = timezone.now()
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user", "updated_at"])
    record_audit(user, "invitation.accepted", invitation)
    return user


@transaction.atomic
def revoke_invitation(*, actor: User, invitation: Invitation) -> Invitation:
    if not policy.can_invite(actor, invitation.role):
        raise PermissionDenied
    if not invitation.is_usable:
        raise ValidationError(_("Only a waiting invitation can be revoked."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])
    record_audit(actor, "invitation.revoked", invitation)
    return invitation


@transaction.atomic
def save_organisation(*, actor: User, organisation: Organisation) -> Organisation:
    if not policy.can_manage_organisations(actor):
        raise PermissionDenied
    created = organisation.pk is None
    organisation.full_clean()
    organisation.save()
    record_audit(actor, "organisation.created" if created else "organisation.updated", organisation)
    return organisation


@transaction.atomic
def save_department(*, actor: User, department: Department) -> Department:
    if not policy.can_manage_organisations(actor):
        raise PermissionDenied
    created = department.pk is None
    department.full_clean()
    department.save()
    record_audit(actor, "department.created" if created else "department.updated", department)
    return department


@transaction.atomic
def set_language(*, user: User, language: str) -> None:
    if user.is_authenticated and language != user.language:
        user.language = language
        user.save(update_fields=["language"])


@transaction.atomic
def update_user(
    *,
    actor: User,
    user: User,
    full_name: str,
    role: str,
    department: Department | None,
    is_active: bool,
) -> User:
    """Change a person's name, role, department or active state.

    Permission is judged on the role stored in the database, not on the object
    passed in, which a form may already have changed.
    """
    stored = User.objects.select_for_update().get(pk=user.pk)
    if not policy.can_manage_user(actor, stored) or not policy.can_invite(actor, role):
        raise PermissionDenied
    if actor.pk == stored.pk and (role != stored.role or not is_active):
        raise ValidationError(_("You cannot change your own role or deactivate yourself."))
    stored.full_name = full_name.strip()
    stored.role = role
    stored.department = department if role == Role.DEPARTMENT_STAFF else None
    stored.is_active = is_active
    stored.full_clean()
    stored.save()
    record_audit(actor, "user.updated", stored, role=role, is_active=is_active)
    return stored
