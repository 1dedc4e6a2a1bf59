"""Spam protection of the public application page without a third-party service: a
honeypot field that people never see, and at most APPLICATION_RATE_LIMIT_PER_HOUR
applications per client IP address and clock hour, counted in the cache (Redis).

The address is kept in the cache only as a keyed hash, for at most two hours."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

WINDOW_SECONDS = 60 * 60
# The name of the hidden field: one a form-filling robot is tempted to fill in.
HONEYPOT_FIELD = "website"


def submission_key(ip: str | None, at: float | None = None) -> str:
    """The cache key counting the applications from `ip` in the hour of `at` (now)."""
    hour = int((time.time() if at is None else at) // WINDOW_SECONDS)
    digest = salted_hmac("cohorts.application-rate", ip or "unknown").hexdigest()[:32]
    return f"application-rate:{digest}:{hour}"


def seconds_left_in_window(at: float | None = None) -> int:
    now = time.time() if at is None else at
    return int(WINDOW_SECONDS - now % WINDOW_SECONDS) + 1


def is_over_limit(ip: str | None) -> bool:
    """Has `ip` used up this hour's applications? Reads only (for a quick refusal)."""
    limit: int = settings.APPLICATION_RATE_LIMIT_PER_HOUR
    return int(cache.get(submission_key(ip), 0)) >= limit


def count_submission(ip: str | None) -> bool:
    """Count one application from `ip`; False when it is over this hour's limit.

    The count is an atomic increment, so two applications sent at once never both
    take the last place."""
    key = submission_key(ip)
    cache.add(key, 0, timeout=2 * WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=2 * WINDOW_SECONDS)
        count = 1
    limit: int = settings.APPLICATION_RATE_LIMIT_PER_HOUR
    return int(count) <= limit


def is_honeypot_filled(value: str | None) -> bool:
    return bool((value or "").strip())
