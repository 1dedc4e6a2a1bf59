"""Menu entries contributed by the apps, so that the core names no app's pages
(imports flow one way; see DESIGN.md).

An app registers a provider in its AppConfig.ready(); a provider returns the
entries this user may follow. The menu shows every entry by `order`, lowest
first: the start page 0, ideas 20, people and organisations 40 to 60, skills 80,
the audit log 90 (leave gaps so a new app fits in between)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from labportal.accounts import access


@dataclass(frozen=True)
class Entry:
    order: int
    label: Any  # lazy text, translated when the menu is rendered
    url: str


Provider = Callable[[Any], Iterable[Entry]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def entries_for(user: Any) -> list[Entry]:
    """The menu of a signed-in user, in order; empty for anyone else."""
    if user is None or not user.is_authenticated:
        return []
    entries = [entry for provider in _providers for entry in provider(user)]
    return sorted(entries, key=lambda entry: entry.order)


def core_entries(user: Any) -> list[Entry]:
    entries = [
        Entry(0, _("Start"), reverse("core:home")),
        Entry(80, _("Skills"), reverse("core:skill_list")),
    ]
    if access.can_view_audit_log(user):
        entries.append(Entry(90, _("Audit log"), reverse("core:audit_list")))
    return entries
