"""Two people acting on the same row at the same moment, each on a database connection
of its own (a thread), as two lab leads on two web workers do.

Two ways to race (the tests run both):

- `at_once`: a barrier lets both start together; who wins is up to the database.
  Repeated a few rounds with fresh rows, since one round may not overlap at all.
- `first_holds`: the first acts and keeps its transaction open, uncommitted; the second
  starts, and once it waits on a lock (or is done, having waited for nothing) the
  first commits. This is the worst case of `at_once`, made certain: without a row
  lock the second judges a state that is no longer true.

Either way the test then asserts what the rules promise: exactly one of two
conflicting actions succeeds, the other gets the service's normal refusal, and the
rows and their history are what one action alone leaves.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import translation

from tests.conftest import wait_for

MODES = ("at_once", "first_holds")
ROUNDS = {"at_once": 4, "first_holds": 1}


def in_rounds(test: Callable[[str], None]) -> Any:
    """Run the test in each mode, its body `ROUNDS[mode]` times (fresh rows each time)."""

    @functools.wraps(test)
    def rounds(mode: str) -> None:
        for _ in range(ROUNDS[mode]):
            test(mode)

    return pytest.mark.parametrize("mode", MODES)(rounds)


def waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


class Actor(threading.Thread):
    """Runs `action` in a transaction of its own connection; keeps its result or error.
    With a `barrier`, waits there first; with `hold`, keeps the transaction open after
    the action until `release` is set."""

    def __init__(
        self,
        action: Callable[[], Any],
        barrier: threading.Barrier | None = None,
        hold: bool = False,
    ) -> None:
        super().__init__(daemon=True)
        self.action, self.barrier, self.hold = action, barrier, hold
        self.holding, self.release = threading.Event(), threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None
        self.waited = False  # `first_holds`: the second was still waiting when released

    def run(self) -> None:
        try:
            if self.barrier is not None:
                self.barrier.wait(10)
            with translation.override("en"), transaction.atomic():
                self.result = self.action()
                if self.hold:
                    self.holding.set()
                    self.release.wait(30)
        except BaseException as error:  # handed to the test
            self.error = error
        finally:
            self.holding.set()
            connection.close()

    @property
    def succeeded(self) -> bool:
        return self.error is None


def at_once(first: Callable[[], Any], second: Callable[[], Any]) -> tuple[Actor, Actor]:
    barrier = threading.Barrier(2)
    actors = (Actor(first, barrier), Actor(second, barrier))
    for actor in actors:
        actor.start()
    for actor in actors:
        actor.join(30)
    assert not any(actor.is_alive() for actor in actors), "an actor is stuck"
    return actors


def first_holds(first: Callable[[], Any], second: Callable[[], Any]) -> tuple[Actor, Actor]:
    one, two = Actor(first, hold=True), Actor(second)
    one.start()
    assert one.holding.wait(20)
    two.start()
    try:
        wait_for(lambda: waiting_on_a_lock() or not two.is_alive(), timeout=10)
        two.waited = two.is_alive()
    finally:
        one.release.set()
        one.join(30)
        two.join(30)
    assert not one.is_alive() and not two.is_alive(), "an actor is stuck"
    return one, two


def race(mode: str, first: Callable[[], Any], second: Callable[[], Any]) -> tuple[Actor, Actor]:
    """Run both actions in `mode` (see the module); returns both actors, first first."""
    return {"at_once": at_once, "first_holds": first_holds}[mode](first, second)


def winner_and_loser(actors: tuple[Actor, Actor]) -> tuple[Actor, Actor]:
    """Exactly one succeeded (else the assertion names both outcomes)."""
    outcomes = [actor.error for actor in actors]
    assert sorted(actor.succeeded for actor in actors) == [False, True], outcomes
    winner = next(actor for actor in actors if actor.succeeded)
    loser = next(actor for actor in actors if not actor.succeeded)
    return winner, loser


def code_of(error: BaseException | None) -> str | None:
    """The code of a ValidationError, also of one raised with a dict of fields."""
    code = getattr(error, "code", None)
    if code is None and hasattr(error, "error_dict"):
        codes = {e.code for errors in error.error_dict.values() for e in errors}
        code = codes.pop() if len(codes) == 1 else None
    return code
