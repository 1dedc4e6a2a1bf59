"""The base layout's context: the menu, gathered from the apps through
`labportal.core.nav` (so core names no app), and the site-wide settings it shows."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from labportal.core import nav


def navigation(request: HttpRequest) -> dict[str, object]:
    entries = nav.entries_for(getattr(request, "user", None))
    path = request.path
    return {
        "nav_items": [
            {
                "label": entry.label,
                "url": entry.url,
                "current": path == entry.url or (entry.url != "/" and path.startswith(entry.url)),
            }
            for entry in entries
        ],
        "mfa_required": settings.REQUIRE_MFA_FOR_PRIVILEGED,
        "accessibility_statement_url": settings.ACCESSIBILITY_STATEMENT_URL
        or reverse("core:accessibility"),
        "is_demo": settings.ENVIRONMENT == "development",
    }
