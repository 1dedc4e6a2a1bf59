"""Row exports written by PostgreSQL: the query makes every cell (pseudonyms, the
translated labels, text made safe from spreadsheet formulas), so that Python only
passes bytes along.

- CSV: `COPY (SELECT ...) TO STDOUT` through psycopg's `cursor.copy()`, the blocks
  gathered to about COPY_FLUSH bytes and streamed; the header is written in Python,
  translated, with a byte-order mark so Excel reads UTF-8.
- XLSX: the same query's rows from a server-side cursor, written by
  `reports.exports_xlsx` (a streaming sheet writer).

Pseudonyms: an HMAC keyed by PSEUDONYM_SECRET (`reports.exports.pseudonym`), computed
in Python for the trainees of the export and loaded into a temporary table by COPY
FROM STDIN, which the query joins. Neither the key nor the id-to-pseudonym pairs ever
appear in a statement's text, so PostgreSQL's logs and pg_stat_activity cannot hold
them (pgcrypto's `hmac()` would have put the key there); the trainees concerned are a
few thousand at most, which Python hashes in milliseconds.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import IO, Any

from django.db import connection
from django.db.models import Case, CharField, F, Func, IntegerField, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest

from reports.exports import Pseudonyms, safe
from reports.exports_xlsx import write_sheet

COPY_FLUSH = 256 * 1024  # bytes per streamed chunk: few writes, little memory
FETCH = 5000  # rows per round trip of the server-side cursor (XLSX)
PSEUDONYMS = "pg_temp.labportal_export_pseudonyms"


class SafeText(Func):
    """`reports.exports.safe` in SQL: text a spreadsheet would run as a formula (it
    starts with = + - @ tab or CR) gets a leading quote. The expression appears once in
    the template, so its parameters (if any) are bound once."""

    function = "regexp_replace"
    template = "regexp_replace(%(expressions)s, '^([=+@\\t\\r-])', '''\\1')"
    output_field = CharField()


def labels(field: str, choices: list[tuple[Any, Any]], default: Any = None) -> Case:
    """The translated label of a choice field's value (the labels are parameters)."""
    return Case(
        *[When(**{field: key}, then=Value(str(label))) for key, label in choices],
        default=F(field) if default is None else Value(default),
        output_field=CharField(),
    )


def yes_no(condition: dict[str, Any], yes: str, no: str) -> Case:
    return Case(When(then=Value(yes), **condition), default=Value(no), output_field=CharField())


def days_between(later: str, earlier: str) -> Case:
    """Whole days from `earlier` to `later` (0 when later is earlier); NULL without
    `later` (GREATEST alone would make that 0: it skips NULLs). A date minus a date
    is a number of days in PostgreSQL."""
    days = Func(
        F(later),
        F(earlier),
        template="(%(expressions)s)",
        arg_joiner=" - ",
        output_field=IntegerField(),
    )
    return Case(
        When(**{f"{later}__isnull": False}, then=Greatest(days, Value(0))),
        default=None,
        output_field=IntegerField(),
    )


def pseudonym_of(trainee_column: str) -> RawSQL:
    """The trainee's pseudonym from the temporary table `load_pseudonyms` fills
    (`trainee_column` is the quoted column of the query's base table)."""
    # Only constants of this module and of its callers go into the text: no input.
    sql = f"(SELECT p.pseudonym FROM {PSEUDONYMS} p WHERE p.trainee_id = {trainee_column})"  # noqa: S608
    return RawSQL(sql, [])  # noqa: S611


def load_pseudonyms(trainee_ids: QuerySet[Any, Any]) -> None:
    """Fill the temporary table with the pseudonyms of `trainee_ids` (a flat values
    list), on this connection."""
    names = Pseudonyms()
    ids = list(trainee_ids.order_by().distinct())
    with connection.cursor() as wrapper:
        raw = wrapper.cursor
        raw.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {PSEUDONYMS.split('.')[1]} "
            "(trainee_id integer PRIMARY KEY, pseudonym text NOT NULL)"
        )
        raw.execute(f"TRUNCATE {PSEUDONYMS}")
        with raw.copy(f"COPY {PSEUDONYMS} (trainee_id, pseudonym) FROM STDIN") as copy:
            for trainee_id in ids:
                copy.write_row((trainee_id, names[trainee_id]))
        raw.execute(f"ANALYZE {PSEUDONYMS}")


def drop_pseudonyms() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {PSEUDONYMS}")


def header_line(header: list[str]) -> bytes:
    """The CSV header as COPY writes its rows (";" between cells, "\\n" after the
    line), with the byte-order mark."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\n").writerow([safe(h) for h in header])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def copy_csv(
    cells: QuerySet[Any, Any], on_block: Callable[[bytes], None] | None = None
) -> Iterator[bytes]:
    """The query's rows as CSV from PostgreSQL, COPY_FLUSH bytes at a time.
    `on_block` sees each chunk (the worker counts its progress with it)."""
    sql, params = cells.query.get_compiler(using=cells.db).as_sql()
    statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, DELIMITER ';')"
    buffer = bytearray()
    with connection.cursor() as wrapper, wrapper.cursor.copy(statement, params) as copy:
        for block in copy:
            buffer += block
            if len(buffer) >= COPY_FLUSH:
                chunk = bytes(buffer)
                buffer.clear()
                if on_block:
                    on_block(chunk)
                yield chunk
    if buffer:
        chunk = bytes(buffer)
        if on_block:
            on_block(chunk)
        yield chunk


def fetch_rows(cells: QuerySet[Any, Any]) -> Iterator[tuple[Any, ...]]:
    """The query's rows from a server-side cursor, FETCH at a time."""
    return cells.iterator(chunk_size=FETCH)


class SqlExport:
    """An export whose cells a query makes: subclasses give the header, the rows'
    base queryset (for counting), the trainee ids (for the pseudonyms) and the cells
    (a values_list in the header's order)."""

    def header(self) -> list[str]:
        raise NotImplementedError

    def queryset(self, filters: Any) -> QuerySet[Any, Any]:
        raise NotImplementedError

    def cells(self, filters: Any) -> QuerySet[Any, Any]:
        raise NotImplementedError

    def csv(self, filters: Any, on_block: Callable[[bytes], None] | None = None) -> Iterator[bytes]:
        """The CSV, header first, streamed from PostgreSQL's COPY."""
        yield header_line(self.header())
        load_pseudonyms(self.queryset(filters).values_list("trainee_id", flat=True))
        try:
            yield from copy_csv(self.cells(filters), on_block)
        finally:
            drop_pseudonyms()

    def rows(self, filters: Any) -> Iterator[tuple[Any, ...]]:
        """The cells row by row (for the XLSX writer)."""
        load_pseudonyms(self.queryset(filters).values_list("trainee_id", flat=True))
        try:
            yield from fetch_rows(self.cells(filters))
        finally:
            drop_pseudonyms()

    def xlsx(
        self, filters: Any, title: str, rows: Callable[[Iterator[Any]], Iterator[Any]] | None = None
    ) -> IO[bytes]:
        """The XLSX file (a rewound temporary file). `rows` may wrap the row
        iterator (the worker counts its progress with it)."""
        source: Iterator[Any] = self.rows(filters)
        return write_sheet(self.header(), rows(source) if rows else source, title)
