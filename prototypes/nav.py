"""The ideas app's menu entry (see `labportal.core.nav`)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from labportal.core.nav import Entry
from prototypes import access


def ideas_entries(user: Any) -> list[Entry]:
    if not access.can_read_ideas(user):
        return []
    return [Entry(20, _("Ideas"), reverse("prototypes:list"))]
