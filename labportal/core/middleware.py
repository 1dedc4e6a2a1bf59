"""Privacy of signed-in use: pages with personal data are never stored by a browser or
a proxy, and a session left alone is signed out.

Both skip static files and the health check: WhiteNoise answers static files before
these run in production, and the exemption keeps that true when it does not (the
development server), so cacheable assets stay cacheable and probes touch no session.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from labportal.core.services import record_audit

PRIVATE_NO_STORE = "private, no-store"
# Session keys: when the person was last seen, and when this session's sign-in began
# (both in whole seconds since the epoch, which the JSON session serializer keeps).
LAST_ACTIVITY_KEY = "_labportal_last_activity"
SIGNED_IN_AT_KEY = "_labportal_signed_in_at"
# The last-activity time is written at most this often: not a session write per request.
TOUCH_INTERVAL_SECONDS = 60
IDLE = "idle"
MAX_AGE = "max_age"


def is_exempt(path: str) -> bool:
    return path.startswith(settings.STATIC_URL) or path.startswith("/healthz")


class PrivateNoStoreMiddleware:
    """`Cache-Control: private, no-store` on every response to a signed-in user, as any
    page may show personal data: the browser's back button, its disk cache or a shared
    proxy must not keep a copy after the person signs out. A response that set its own
    Cache-Control (a download, `never_cache`, a page meant to be cached) keeps it.

    Anonymous answers (the login page, the public application form) are left to their
    views: they show no one's data. Sits right after AuthenticationMiddleware, so it also
    covers the answers of the middleware below it (e.g. the MFA redirect)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user: Any = getattr(request, "user", None)
        if (
            not is_exempt(request.path)
            and not response.has_header("Cache-Control")
            and user is not None
            and user.is_authenticated
        ):
            response["Cache-Control"] = PRIVATE_NO_STORE
        return response


class SessionIdleTimeoutMiddleware:
    """Sign a person out after SESSION_IDLE_MINUTES without a request, and at the latest
    SESSION_COOKIE_AGE seconds after they signed in (however active).

    The last activity is stored in the session, rewritten only when it is more than
    TOUCH_INTERVAL_SECONDS old; so the stored time lags by up to that long, and a person
    is signed out after between SESSION_IDLE_MINUTES and one minute more of inactivity,
    never earlier. Until the first write, the sign-in time (`last_login`, set by every
    login) stands in for both times, so the first minute after signing in costs no
    session write. Every session write pushes the session's own expiry forward, which is
    why the absolute limit is kept here, from the time of sign-in.

    An expired session writes "user.session_expired" to the audit log, is signed out
    with `logout()` (so the usual sign-out signal fires too), and the person is sent to
    the login page with a message; an htmx request gets `HX-Redirect`, so the whole page
    goes there instead of a fragment being swapped in. Place after MessageMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = getattr(request, "user", None)
        if user is None or not user.is_authenticated or is_exempt(request.path):
            return self.get_response(request)
        now = int(time.time())
        times = SessionTimes.read(request.session, user)
        reason = times.end_reason(now)
        if reason is not None:
            return sign_out(request, user, reason, times)
        times.touch(request.session, now)
        return self.get_response(request)


def _epoch(moment: datetime.datetime | None) -> int | None:
    return int(moment.timestamp()) if moment is not None else None


@dataclass(frozen=True)
class SessionTimes:
    """When the session was last active and when its sign-in began (epoch seconds)."""

    last_activity: int | None
    signed_in_at: int | None

    @classmethod
    def read(cls, session: SessionBase, user: Any) -> SessionTimes:
        last, began = session.get(LAST_ACTIVITY_KEY), session.get(SIGNED_IN_AT_KEY)
        login = _epoch(getattr(user, "last_login", None))
        return cls(
            last_activity=last if isinstance(last, int) else login,
            signed_in_at=began if isinstance(began, int) else login,
        )

    def end_reason(self, now: int) -> str | None:
        """IDLE or MAX_AGE when the session has run out, else None."""
        if self.signed_in_at is not None and now - self.signed_in_at > settings.SESSION_COOKIE_AGE:
            return MAX_AGE
        idle_limit = int(settings.SESSION_IDLE_MINUTES) * 60 + TOUCH_INTERVAL_SECONDS
        if self.last_activity is not None and now - self.last_activity > idle_limit:
            return IDLE
        return None

    def touch(self, session: SessionBase, now: int) -> None:
        """Store `now` as the last activity, unless the stored one is recent enough."""
        if self.last_activity is not None and now - self.last_activity < TOUCH_INTERVAL_SECONDS:
            return
        session[LAST_ACTIVITY_KEY] = now
        if not isinstance(session.get(SIGNED_IN_AT_KEY), int):
            session[SIGNED_IN_AT_KEY] = self.signed_in_at or now


def _iso(seconds: object) -> str | None:
    if not isinstance(seconds, int):
        return None
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC).isoformat()


def sign_out(request: HttpRequest, user: Any, reason: str, times: SessionTimes) -> HttpResponse:
    record_audit(
        user,
        "user.session_expired",
        user,
        reason=reason,
        idle_minutes=settings.SESSION_IDLE_MINUTES,
        last_activity=_iso(times.last_activity),
        signed_in_at=_iso(times.signed_in_at),
    )
    logout(request)
    minutes = int(settings.SESSION_IDLE_MINUTES)
    if reason == IDLE:
        message = ngettext(
            "You were signed out after %(minutes)d minute without activity.",
            "You were signed out after %(minutes)d minutes without activity.",
            minutes,
        ) % {"minutes": minutes}
    else:
        message = _("Your sign-in has ended, as it is valid for a limited time. Sign in again.")
    messages.info(request, message)
    login_url = resolve_url(settings.LOGIN_URL)
    htmx = HtmxDetails(request)
    if htmx:
        # Back to the page the fragment was for, not to the fragment's own URL.
        back = htmx.current_url_abs_path
        target = f"{login_url}?{urlencode({'next': back})}" if back else login_url
        return HttpResponseClientRedirect(target)
    if request.method == "GET":
        return redirect_to_login(request.get_full_path(), login_url)
    return HttpResponseRedirect(login_url)
