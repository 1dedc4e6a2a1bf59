"""The cache answers as an empty one while Redis is unreachable (labportal/core/cache.py)."""

import logging
import uuid

import pytest
from django.urls import reverse

from labportal.core import cache as cache_module
from labportal.core.cache import OutageTolerantRedisCache
from tests.accounts.factories import PASSWORD, UserFactory

UNREACHABLE = "redis://127.0.0.1:1/0"


def test_an_unreachable_cache_answers_as_an_empty_one(caplog, monkeypatch):
    monkeypatch.setattr(cache_module, "_last_logged", [0.0])  # as in a fresh process
    # A Celery worker started by an earlier test raises the root logger's level; this
    # test reads what the module logs at WARNING.
    caplog.set_level(logging.WARNING, logger=cache_module.logger.name)
    cache = OutageTolerantRedisCache(UNREACHABLE, {})
    assert cache.get("key", "default") == "default"
    assert cache.add("key", 1) is True  # a lock taken with add() goes ahead
    cache.set("key", 1)
    assert cache.get_many(["key"]) == {}
    assert cache.has_key("key") is False
    assert cache.delete("key") is False
    with pytest.raises(ValueError):  # as for a missing key
        cache.incr("key")
    assert "Cache unavailable, working without it" in caplog.text


def test_a_reachable_cache_is_plain_redis(settings):
    cache = OutageTolerantRedisCache(settings.REDIS_URL, {"KEY_PREFIX": uuid.uuid4().hex})
    cache.set("key", 1)
    assert cache.get("key") == 1
    assert cache.add("key", 2) is False
    assert cache.incr("key") == 2
    assert cache.delete("key") is True


def test_people_sign_in_while_redis_is_down_with_no_rate_limit_counted(client, db, settings):
    # given: the cache on a Redis that does not answer
    settings.CACHES = {
        "default": {
            "BACKEND": "labportal.core.cache.OutageTolerantRedisCache",
            "LOCATION": UNREACHABLE,
        }
    }
    person = UserFactory(role="trainee")
    # when: more wrong passwords than the limit allows (10 a minute), then the right one
    for _ in range(12):
        wrong = client.post(reverse("account_login"), {"login": person.email, "password": "wrong"})
        assert wrong.status_code == 200  # the form again, never 429 or 500
    right = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    # then: signed in; the limits count again once Redis is back
    assert right.status_code == 302
