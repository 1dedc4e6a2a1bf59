"""Database expressions shared by the apps' constraints. Migrations import these by
path, so they stay here."""

from __future__ import annotations

from typing import Any

from django.db import models


class DateRange(models.Func):
    """PostgreSQL's `daterange(start, end, '[]')`: both days included."""

    function = "DATERANGE"
    template = "%(function)s(%(expressions)s, '[]')"
    output_field = models.DateField()  # only compared inside a constraint


class SameId(models.Func):
    """`int8range(id, id, '[]')`: an id as a one-point range, so that an exclusion
    constraint can say "the same person" with `&&` on a plain GiST index, without the
    btree_gist extension (which not every PostgreSQL a municipality runs provides)."""

    function = "INT8RANGE"
    template = "%(function)s(%(expressions)s, %(expressions)s, '[]')"
    output_field = models.BigIntegerField()

    def __init__(self, field: str, **extra: Any) -> None:
        super().__init__(models.F(field), **extra)
