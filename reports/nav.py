"""The reports' menu entry (see `labportal.core.nav`), for admins and lab leads."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from labportal.core.nav import Entry
from reports import access


def reports_entries(user: Any) -> list[Entry]:
    if access.can_see_reports(user):
        return [Entry(85, _("Reports"), reverse("reports:dashboard"))]
    return []
