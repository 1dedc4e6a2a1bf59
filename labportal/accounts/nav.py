"""The accounts app's menu entries (see `labportal.core.nav`)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from labportal.accounts import access
from labportal.core.nav import Entry


def accounts_entries(user: Any) -> list[Entry]:
    entries = []
    if access.can_manage_users(user):
        entries.append(Entry(40, _("People"), reverse("accounts:user_list")))
        entries.append(Entry(50, _("Invitations"), reverse("accounts:invitation_list")))
    if access.can_manage_organisations(user):
        entries.append(Entry(60, _("Organisations"), reverse("accounts:organisation_list")))
    return entries
