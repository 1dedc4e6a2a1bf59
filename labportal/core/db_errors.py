"""A lost database answers a short "try again in a minute" page (503), not an error.

While PostgreSQL restarts or fails over, nearly every request fails: its view reads
the database, and so does the session behind every signed-in request (loaded in
middleware). Django hands any such uncaught exception, from a view or a middleware,
to `handler500` (`labportal.core.views.server_error`), which answers from here.

The page is rendered without the request, so no context processor runs: nothing
touches the database again (no session, no user, no menu). It is translated (the
language comes from the cookie or the browser, set before anything failed) and
carries Retry-After. Each such request is logged as one warning line, not as an
error with its traceback: an outage would otherwise write thousands of identical
tracebacks, and /healthz already logs that the database check failed.
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 60


def is_database_unavailable(exc: BaseException | None) -> bool:
    """Did this exception come from a database we cannot reach (or lost mid-request)?

    Follows the chain of causes, for an error raised while handling the first."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def service_unavailable(request: HttpRequest, exc: BaseException | None) -> HttpResponse:
    """templates/503.html, status 503, Retry-After, never cached; logged once, briefly."""
    logger.warning(
        "Database unavailable, answered 503: %s %s (%s: %s)",
        request.method,
        request.path,
        exc.__class__.__name__,
        str(exc).strip().partition("\n")[0],
    )
    content = render_to_string("503.html", {"retry_url": request.get_full_path()})
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    response._has_been_logged = True  # type: ignore[attr-defined]  # logged above
    return response
