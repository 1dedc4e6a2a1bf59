"""Anonymising an account: what the registry cannot say field by field.

The user row stays (ideas, comments, outcomes and the audit log point at it) and
shows as "removed person" (`User.removed_at`); the name is emptied, the address
becomes a unique placeholder nobody can receive mail at, the password unusable, the
account inactive. What only serves signing in goes: the sign-in addresses, second
factors, single sign-on links and the person's open sessions."""

from __future__ import annotations

import datetime

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.hashers import is_password_usable, make_password
from django.contrib.sessions.models import Session
from django.utils import timezone

from labportal.accounts.models import User


def placeholder_email(user: User) -> str:
    return f"removed-{user.pk}@invalid"


def anonymise_account(user: User, now: datetime.datetime | None = None) -> int:
    """Anonymise the account; returns how many rows changed (0 when it already was).

    Idempotent: an account already anonymised changes nothing, but whatever sign-in
    rows a restored backup brought back are deleted again."""
    changed = 0
    stored = User.objects.select_for_update().get(pk=user.pk)
    if not _is_anonymised(stored):
        stored.full_name = ""
        stored.email = placeholder_email(stored)
        stored.password = make_password(None)
        stored.is_active = False
        stored.last_login = None
        stored.removed_at = stored.removed_at or now or timezone.now()
        stored.save(
            update_fields=[
                "full_name",
                "email",
                "password",
                "is_active",
                "last_login",
                "removed_at",
            ]
        )
        changed += 1
    for model in (EmailAddress, Authenticator, SocialAccount):
        deleted, _per_model = model.objects.filter(user_id=stored.pk).delete()
        changed += deleted
    changed += end_sessions(stored.pk)
    user.refresh_from_db()
    return changed


def _is_anonymised(user: User) -> bool:
    return (
        user.removed_at is not None
        and not user.full_name
        and user.email == placeholder_email(user)
        and not is_password_usable(user.password)
        and not user.is_active
        and user.last_login is None
    )


def end_sessions(user_id: int) -> int:
    """Delete the person's sessions; returns how many. The user's id is only inside
    each session's signed data, so the unexpired sessions are read one by one."""
    ours = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(
            chunk_size=500
        )
        if session.get_decoded().get("_auth_user_id") == str(user_id)
    ]
    if not ours:
        return 0
    deleted, _per_model = Session.objects.filter(session_key__in=ours).delete()
    return deleted
