"""Navigation for the base layout, built from the policy module so that menus and
permissions cannot drift apart."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from labportal.accounts import policy


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    items: list[tuple[str, str]] = []
    if user is not None and user.is_authenticated:
        items.append((_("Start"), reverse("core:home")))
        if policy.can_read_ideas(user):
            items.append((_("Ideas"), reverse("prototypes:list")))
        if policy.can_manage_users(user):
            items.append((_("People"), reverse("accounts:user_list")))
            items.append((_("Invitations"), reverse("accounts:invitation_list")))
        if policy.can_manage_organisations(user):
            items.append((_("Organisations"), reverse("accounts:organisation_list")))
        items.append((_("Skills"), reverse("core:skill_list")))
        if policy.can_view_audit_log(user):
            items.append((_("Audit log"), reverse("core:audit_list")))
    path = request.path
    return {
        "nav_items": [
            {
                "label": label,
                "url": url,
                "current": path == url or (url != "/" and path.startswith(url)),
            }
            for label, url in items
        ],
        "mfa_required": settings.REQUIRE_MFA_FOR_PRIVILEGED,
        "accessibility_statement_url": settings.ACCESSIBILITY_STATEMENT_URL
        or reverse("core:accessibility"),
        "is_demo": settings.ENVIRONMENT == "development",
    }
