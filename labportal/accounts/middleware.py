"""Per-user language and the MFA requirement for privileged roles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from labportal.accounts.models import PRIVILEGED_ROLES


class UserLanguageMiddleware:
    """Use the signed-in user's saved language when the browser has no language cookie,
    so a choice made on one device follows the person to the next. Runs after
    LocaleMiddleware and AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = getattr(request, "user", None)
        adopt = bool(
            user is not None
            and user.is_authenticated
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
        )
        if adopt:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        response = self.get_response(request)
        if adopt:
            # Read again: the view may just have changed the person's language.
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response


# Paths a privileged user without MFA may still reach: to set it up, to sign out,
# to switch language, and the machine endpoints.
MFA_EXEMPT_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/healthz", "/media/")


def user_needs_mfa_setup(user: Any) -> bool:
    if not settings.REQUIRE_MFA_FOR_PRIVILEGED:
        return False
    if not getattr(user, "is_authenticated", False) or user.role not in PRIVILEGED_ROLES:
        return False
    from allauth.mfa.models import Authenticator

    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class RequireMFAMiddleware:
    """Admins and lab leads reach personal data only after setting up TOTP."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(MFA_EXEMPT_PREFIXES) and user_needs_mfa_setup(request.user):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
