"""The cohorts' menu entry (see `labportal.core.nav`)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from labportal.core.nav import Entry
from trainees import access


def cohorts_entries(user: Any) -> list[Entry]:
    if not access.can_view_cohort_progress(user):
        return []
    return [Entry(36, _("Cohorts"), reverse("cohorts:list"))]
