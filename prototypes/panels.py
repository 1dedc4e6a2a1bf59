"""Panels other apps add to an idea's page, so that `prototypes` shows what later
apps know about an idea (its plan: cohort, team, dates) without importing them
(imports flow one way; see DESIGN.md).

An app registers a provider in its AppConfig.ready(); a provider gets the viewer and
the idea and returns the context of its panel (with the key "template"), or None. A
provider decides itself who sees what, and reads a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from prototypes.models import Idea

IdeaPanel = Callable[[Any, Idea], dict[str, Any] | None]
_panels: list[IdeaPanel] = []


def register_idea_panel(provider: IdeaPanel) -> IdeaPanel:
    if provider not in _panels:
        _panels.append(provider)
    return provider


def idea_panels(user: Any, idea: Idea) -> list[dict[str, Any]]:
    return [panel for provider in _panels if (panel := provider(user, idea)) is not None]
