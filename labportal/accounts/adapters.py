"""allauth adapters: accounts exist only by invitation, also through SSO."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from django.contrib import messages
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from labportal.accounts.models import Invitation
from labportal.core.outbox import queue_rendered_email, secret_placeholder

logger = logging.getLogger(__name__)


# allauth's email context values that sign someone in or prove the mailbox: the
# password reset link and its key, email confirmation links, one-time codes.
SECRET_CONTEXT_KEYS = ("password_reset_url", "activate_url", "key", "code")


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # allauth's own mail (password reset, security notices) goes through the
        # outbox too, so every email is recorded and sent by the worker. Its links
        # and codes are secrets: the stored text holds placeholders, never them.
        # The context allauth's own send_mail gives its templates ("Hello from <site>").
        request = allauth_context.request
        context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            **context,
        }
        secrets = {name: str(context[name]) for name in SECRET_CONTEXT_KEYS if context.get(name)}
        context.update({name: secret_placeholder(name) for name in secrets})
        message = self.render_mail(template_prefix, email, context)
        name = template_prefix.rsplit("/", 1)[-1]
        queue_rendered_email(key=f"allauth:{name}:{uuid.uuid4()}", message=message, secrets=secrets)


class InvitationOnlySocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on for people who were invited, never a way to create an account.

    allauth links the identity provider's login to the account whose address equals a
    verified email the provider sent (SOCIALACCOUNT_EMAIL_AUTHENTICATION); the account's
    own address is verified because it came through an invitation link. Everyone else
    is sent back to the login page with the reason. The usual login stages still run
    afterwards, so a person with two-factor authentication is asked for a code.
    """

    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        if sociallogin.is_existing or sociallogin.state.get("process") == AuthProcess.CONNECT:
            return
        verified = [address.email for address in sociallogin.email_addresses if address.verified]
        if not verified:
            message = _(
                "Your organisation's login did not confirm an email address, so LabPortal "
                "cannot tell which account is yours. Sign in with your email address and "
                "password, or ask your IT support about the login."
            )
        elif Invitation.objects.pending().filter(email__iexact=verified[0]).exists():
            message = _(
                "Your invitation to LabPortal is waiting. Open the link in the invitation "
                "email to create your account; after that you can also sign in with your "
                "organisation's login."
            )
        else:
            message = _(
                "There is no LabPortal account for %(email)s. Accounts are created by "
                "invitation: ask the lab to invite you."
            ) % {"email": verified[0]}
        logger.info(
            "Single sign-on refused: no account for the login from %s", sociallogin.account.provider
        )
        messages.error(request, message)
        raise ImmediateHttpResponse(redirect("account_login"))
