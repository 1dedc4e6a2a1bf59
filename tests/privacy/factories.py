"""Factories and helpers for the retention and erasure tests."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.conf import settings

from labportal.accounts.models import User
from labportal.core.models import AuditEntry
from privacy.models import RetentionRule

UTC = datetime.UTC


def set_rule(category: str, **values: Any) -> RetentionRule:
    """The rule of `category` with these values (the defaults from the migration are
    there already)."""
    rule, _ = RetentionRule.objects.update_or_create(category=category, defaults=values)
    return rule


def only_rules(*categories: str) -> None:
    """Switch off every rule but these."""
    RetentionRule.objects.exclude(category__in=categories).update(is_active=False)
    RetentionRule.objects.filter(category__in=categories).update(is_active=True)


def ledger_lines() -> list[dict[str, Any]]:
    path = Path(settings.PRIVACY_LEDGER_PATH)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def deactivated(user: User, at: datetime.datetime) -> User:
    """The user deactivated at `at`, as `accounts.services.update_user` records it."""
    User.objects.filter(pk=user.pk).update(is_active=False)
    entry = AuditEntry.objects.create(
        actor=None,
        action="user.updated",
        object_type="accounts.user",
        object_id=str(user.pk),
        details={"role": user.role, "is_active": False},
        created_at=at,
    )
    assert entry.pk
    user.refresh_from_db()
    return user


def months_later(day: datetime.date, months: int) -> datetime.datetime:
    """Noon of the day `months` months after `day` (day clamped to 28)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    return datetime.datetime(year, month0 + 1, min(day.day, 28), 12, tzinfo=UTC)
