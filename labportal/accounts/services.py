"""Account writes: invitations, accepting them, organisations and departments."""

from __future__ import annotations

import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from labportal.accounts import access
from labportal.accounts.events import invitation_accepted
from labportal.accounts.models import (
    Department,
    Invitation,
    Organisation,
    Role,
    User,
    hash_token,
)
from labportal.core.outbox import queue_email
from labportal.core.services import record_audit


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
    invitations to the same address are revoked (with an audit row each), so only
    the newest link works; but a pending invitation the actor could not have made
    (a lab lead re-inviting someone an admin invited) is left to its maker: the
    new one is refused with a ValidationError that says whom to ask.

    The link is passed to the outbox as a secret: the stored email text never
    holds it, and the outbox forgets it once the email is sent.
    """
    email = email.strip().lower()
    if not access.can_invite(actor, role):
        raise PermissionDenied
    # Two invitations to one new address at the same moment (the invite page and an
    # applicant's acceptance) would each find no earlier one to revoke and leave two
    # working links; one at a time per address, until this transaction ends.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"invitation:{email}"])
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("There is already an account with this email address.")})
    if role == Role.DEPARTMENT_STAFF and department is None:
        raise ValidationError({"department": _("Choose the department this person works in.")})
    if department is not None:
        organisation = department.organisation
    earlier = list(Invitation.objects.select_for_update().pending().filter(email=email))
    if any(not access.can_invite(actor, old.role) for old in earlier):
        raise ValidationError(
            {
                "email": _(
                    "This address already has a waiting invitation that only an "
                    "administrator can change. Ask an administrator to revoke it first, "
                    "or to send the new invitation."
                )
            }
        )
    now = timezone.now()
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
    for old in earlier:
        old.revoked_at = now
        old.save(update_fields=["revoked_at", "updated_at"])
        record_audit(actor, "invitation.revoked", old, reason="superseded", by=invitation.pk)
    queue_email(
        key=f"invitation:{invitation.pk}",
        to=email,
        template="invitation",
        context={
            "invitation": invitation,
            "inviter": actor,
            "valid_days": settings.INVITATION_VALID_DAYS,
        },
        secrets={"url": invitation_url(token)},
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
    # The role was chosen by whoever invited: they are the actor of the grant.
    record_role_change(
        invitation.invited_by, user, None, user.role, via="invitation", invitation=invitation.pk
    )
    invitation_accepted.send(sender=Invitation, invitation=invitation, user=user)
    return user


@transaction.atomic
def revoke_invitation(*, actor: User, invitation: Invitation) -> Invitation:
    """Cancel a waiting invitation, so its link stops working; writes an audit row.

    The row is locked and judged as stored, so an invitation accepted a moment
    ago is not revoked, and the role checked is the one in the database."""
    stored = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not access.can_invite(actor, stored.role):
        raise PermissionDenied
    if not stored.is_usable:
        raise ValidationError(_("Only a waiting invitation can be revoked."))
    stored.revoked_at = timezone.now()
    stored.save(update_fields=["revoked_at", "updated_at"])
    record_audit(actor, "invitation.revoked", stored, reason="revoked")
    return stored


@transaction.atomic
def save_organisation(*, actor: User, organisation: Organisation) -> Organisation:
    if not access.can_manage_organisations(actor):
        raise PermissionDenied
    created = organisation.pk is None
    organisation.full_clean()
    organisation.save()
    record_audit(actor, "organisation.created" if created else "organisation.updated", organisation)
    return organisation


@transaction.atomic
def save_department(*, actor: User, department: Department) -> Department:
    if not access.can_manage_organisations(actor):
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
    if not access.can_manage_user(actor, stored) or not access.can_invite(actor, role):
        raise PermissionDenied
    if actor.pk == stored.pk and (role != stored.role or not is_active):
        raise ValidationError(_("You cannot change your own role or deactivate yourself."))
    previous_role = stored.role
    stored.full_name = full_name.strip()
    stored.role = role
    stored.department = department if role == Role.DEPARTMENT_STAFF else None
    stored.is_active = is_active
    stored.full_clean()
    stored.save()
    record_audit(actor, "user.updated", stored, role=role, is_active=is_active)
    record_role_change(actor, stored, previous_role, role)
    return stored


def record_role_change(
    actor: User | None, user: User, previous: str | None, role: str, **details: object
) -> None:
    """Write a "user.role_changed" entry when `role` differs from `previous` (None for a
    new account), so who held which rights when can be read from the log alone.

    Call inside the transaction that saves the role."""
    if previous == role:
        return
    record_audit(actor, "user.role_changed", user, **{"from": previous, "to": role}, **details)
