"""Security events of accounts, written to the audit log: sign-ins and failed attempts,
sign-outs, two-factor changes and passwords changed, set or reset.

allauth and Django announce these with signals; the receivers here turn each into one
audit row whose object is the account concerned. They are connected once, in
`AccountsConfig.ready()`.

Sign-ins are taken from allauth's `user_logged_in`, sent once a person has passed every
login stage (password or single sign-on, then the TOTP code), not from Django's, which
fires on every `login()` call, including the half-way logins allauth makes and the test
client's `force_login`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.account import signals as account_signals
from allauth.account.adapter import get_adapter
from allauth.account.authentication import get_authentication_records
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from labportal.accounts.models import User
from labportal.core.models import AuditEntry
from labportal.core.services import record_audit

# A failed sign-in for an address without an account has no row to point at: its object
# is the attempted address itself, so repeated guesses at one address group together.
LOGIN_ATTEMPT_OBJECT_TYPE = "accounts.login"
MAX_EMAIL_LENGTH = 254  # RFC 5321; whatever else was typed is not worth keeping


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as the login rate limits see it (behind the trusted proxies)."""
    if request is None:
        return None
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return None


def on_signed_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    methods = sorted({record["method"] for record in get_authentication_records(request, user)})
    record_audit(user, "user.signed_in", user, methods=methods, ip=client_ip(request))


def on_sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """Record the attempted address, never the password (Django has already masked it,
    and only the address is read here). The object is the account when the address is
    one, so its history shows the attempts; otherwise the address (see above). allauth's
    rate limits refuse further attempts before they reach here, which bounds the rows an
    attacker can cause."""
    typed = credentials.get("email") or credentials.get("username") or ""
    email = str(typed).strip().lower()[:MAX_EMAIL_LENGTH]
    details = {"email": email, "ip": client_ip(request)}
    # Someone signed in who mistypes their password when asked to confirm it is the actor.
    actor = getattr(request, "user", None)
    user = User.objects.filter(email=email).first() if email else None
    if user is not None:
        record_audit(actor, "user.sign_in_failed", user, **details)
        return
    AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action="user.sign_in_failed",
        object_type=LOGIN_ATTEMPT_OBJECT_TYPE,
        object_id=email[: AuditEntry._meta.get_field("object_id").max_length],
        details=details,
    )


def on_signed_out(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None:  # signing out without being signed in changes nothing
        record_audit(user, "user.signed_out", user, ip=client_ip(request))


def _mfa_receiver(action: str) -> Callable[..., None]:
    def receiver(
        sender: Any, request: HttpRequest, user: User, authenticator: Any, **kwargs: Any
    ) -> None:
        # The user, not the authenticator, is the object: a removed authenticator has
        # no primary key left, and the account is what was made weaker or stronger.
        record_audit(user, action, user, type=authenticator.type, ip=client_ip(request))

    return receiver


def _password_receiver(action: str) -> Callable[..., None]:
    def receiver(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
        # After a reset the person is not signed in, but proved to own the address:
        # they are the actor.
        record_audit(user, action, user, ip=client_ip(request))

    return receiver


RECEIVERS = (
    (account_signals.user_logged_in, on_signed_in, "user.signed_in"),
    (auth_signals.user_login_failed, on_sign_in_failed, "user.sign_in_failed"),
    (auth_signals.user_logged_out, on_signed_out, "user.signed_out"),
    (mfa_signals.authenticator_added, _mfa_receiver("user.mfa_added"), "user.mfa_added"),
    (mfa_signals.authenticator_removed, _mfa_receiver("user.mfa_removed"), "user.mfa_removed"),
    (mfa_signals.authenticator_reset, _mfa_receiver("user.mfa_reset"), "user.mfa_reset"),
    (
        account_signals.password_changed,
        _password_receiver("user.password_changed"),
        "user.password_changed",
    ),
    (account_signals.password_set, _password_receiver("user.password_set"), "user.password_set"),
    (
        account_signals.password_reset,
        _password_receiver("user.password_reset"),
        "user.password_reset",
    ),
)


def connect_audit_receivers() -> None:
    """Connect every receiver above; safe to call twice (each has a dispatch_uid)."""
    for signal, receiver, action in RECEIVERS:
        signal.connect(receiver, dispatch_uid=f"labportal.audit.{action}", weak=False)
