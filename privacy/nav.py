"""The personal-data menu entry (see `labportal.core.nav`), for admins only."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from labportal.core.nav import Entry
from privacy import access


def privacy_entries(user: Any) -> list[Entry]:
    if access.can_manage_personal_data(user):
        return [Entry(88, _("Personal data"), reverse("privacy:home"))]
    return []
