"""Writing rows fast: COPY in a stream, ids reserved from the table's sequence, and a
line per table on stderr with its rate."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.db import connection

# How often (rows) a running table reports its progress.
REPORT_EVERY = 250_000


@dataclass
class TableStat:
    table: str
    rows: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else float(self.rows)


@dataclass
class Loader:
    """Streams rows into tables over Django's own connection (so that it joins the
    command's transaction and the tests' database)."""

    out: TextIO = sys.stderr
    quiet: bool = False
    stats: list[TableStat] = field(default_factory=list)

    def _raw(self) -> Any:
        connection.ensure_connection()
        return connection.connection

    def reserve(self, table: str, count: int) -> int:
        """The first of `count` consecutive ids of `table`, taken from its sequence
        while the table is locked against other writers: the caller writes them itself,
        and the sequence goes on after them."""
        with self._raw().cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{table}" IN SHARE ROW EXCLUSIVE MODE')
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            (sequence,) = cursor.fetchone()
            cursor.execute("SELECT nextval(%s)", [sequence])
            (first,) = cursor.fetchone()
            if count > 0:
                cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
            else:
                cursor.execute("SELECT setval(%s, %s, false)", [sequence, first])
        return int(first)

    def copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        """COPY `rows` into `table`; returns how many were written."""
        started = time.monotonic()
        names = ", ".join(f'"{name}"' for name in columns)
        count = 0
        with (
            self._raw().cursor() as cursor,
            cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy,
        ):
            for row in rows:
                copy.write_row(row)
                count += 1
                if not self.quiet and count % REPORT_EVERY == 0:
                    rate = count / (time.monotonic() - started)
                    print(f"  {table}: {count:,} rows ({rate:,.0f} rows/s)", file=self.out)
        seconds = time.monotonic() - started
        stat = TableStat(table, count, seconds)
        self.stats.append(stat)
        if not self.quiet:
            print(
                f"{table}: {count:,} rows in {seconds:.1f} s ({stat.rate:,.0f} rows/s)",
                file=self.out,
                flush=True,
            )
        return count

    def insert_select(self, table: str, sql: str, params: Sequence[Any] = ()) -> int:
        """Rows the database makes itself (INSERT ... SELECT), timed like a COPY."""
        started = time.monotonic()
        with self._raw().cursor() as cursor:
            cursor.execute(sql, params)
            count = max(int(cursor.rowcount), 0)
        stat = TableStat(table, count, time.monotonic() - started)
        self.stats.append(stat)
        if not self.quiet:
            print(
                f"{table}: {count:,} rows in {stat.seconds:.1f} s ({stat.rate:,.0f} rows/s)",
                file=self.out,
                flush=True,
            )
        return count

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        with self._raw().cursor() as cursor:
            cursor.execute(sql, params)

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self._raw().cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        return row[0] if row else None
