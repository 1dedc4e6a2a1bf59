"""Panels on the start page contributed by the apps, so that the core shows ideas,
cohorts and reports without importing them (imports flow one way; see DESIGN.md).

An app registers a provider in its AppConfig.ready(); a provider returns the
context of its panel for this user (with the key "template"), or None."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Provider = Callable[[Any], dict[str, Any] | None]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def panels_for(user: Any) -> list[dict[str, Any]]:
    return [panel for provider in _providers if (panel := provider(user)) is not None]
