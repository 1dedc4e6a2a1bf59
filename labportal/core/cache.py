"""The cache on Redis, which answers as an empty cache while Redis is unreachable.

Nothing LabPortal keeps in the cache is needed to serve a page: sessions live in
PostgreSQL, and the cache holds only counters of rate limits (allauth's sign-in
limits, the public application form's hourly limit). So while Redis restarts or is
down, every read finds nothing and every write is forgotten, like Django's
DummyCache, and the error is logged; the request goes on.

What that costs during an outage: rate limits count nothing, so sign-in attempts
and applications are allowed as if each were the first. That is acceptable for
the minutes Redis is away: the passwords are still checked (and slow to guess),
MFA still applies, and /healthz reports Redis failed, which is what pages the
operator. Refusing everyone (the alternative, e.g. allauth answering 429 when it
cannot take its lock) would shut out every user for the whole outage.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
# During an outage every request would log the same error: once a minute is enough.
LOG_EVERY_SECONDS = 60.0
_last_logged = [0.0]


def _unavailable(exc: Exception, answer: Any) -> Any:
    now = time.monotonic()
    if now - _last_logged[0] >= LOG_EVERY_SECONDS:
        _last_logged[0] = now
        logger.warning("Cache unavailable, working without it: %r", exc)
    return answer


class OutageTolerantRedisCache(RedisCache):
    """Django's RedisCache; while Redis is unreachable it answers as DummyCache."""

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except UNREACHABLE as exc:
            return _unavailable(exc, default)

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        try:
            return super().get_many(keys, version)
        except UNREACHABLE as exc:
            return _unavailable(exc, {})

    def has_key(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().has_key(key, version)
        except UNREACHABLE as exc:
            return _unavailable(exc, False)

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        try:
            return super().add(key, value, timeout, version)
        except UNREACHABLE as exc:
            # True, as DummyCache: a caller taking a lock with add() goes ahead (allauth's
            # rate limit would otherwise refuse every sign-in while it cannot lock).
            return _unavailable(exc, True)

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        try:
            super().set(key, value, timeout, version)
        except UNREACHABLE as exc:
            _unavailable(exc, None)

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        try:
            return super().set_many(data, timeout, version)
        except UNREACHABLE as exc:
            return _unavailable(exc, [])

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        try:
            return super().touch(key, timeout, version)
        except UNREACHABLE as exc:
            return _unavailable(exc, False)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE as exc:
            # As for a missing key, which callers handle already (e.g. add, then set).
            _unavailable(exc, None)
            raise ValueError(f"Key {key!r} not found (the cache is unavailable)") from exc

    def delete(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().delete(key, version)
        except UNREACHABLE as exc:
            return _unavailable(exc, False)

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        try:
            super().delete_many(keys, version)
        except UNREACHABLE as exc:
            _unavailable(exc, None)
