"""Exports of the outcome data as CSV and XLSX, written row by row in constant memory
whatever the row count. Here: the figures, the pseudonyms, the formula safety and the
audit; the row exports (outcomes, progress logs) are in `reports.exports_rows`, their
cells made by PostgreSQL (`reports.exports_sql`), their XLSX by
`reports.exports_xlsx`.

Two kinds:

- the figures: the dashboard's table (`reports.figures.outcome_report`), hidden cells
  as "<k" — the same cells the dashboard and the PDF hide;
- the rows: one per outcome. Pseudonymised by default: no name, email, employer,
  role or note, and a stable pseudonym per trainee (an HMAC of the trainee's id with
  the installation's secret, so two exports of one installation can be joined and
  nobody can turn a pseudonym back into a person). Named rows are for admins only,
  with a reason, and every export is written to the audit log (`record_export`).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from labportal.core.services import record_audit
from reports.exports_xlsx import write_sheet
from reports.figures import Filters, OutcomeReport
from reports.suppression import shown_value


def _pseudonym_key() -> bytes:
    # What django.utils.crypto.salted_hmac derives from its salt and secret, made once:
    # deriving it for each of a hundred thousand rows would cost more than the rows.
    salt = "labportal.reports.pseudonym"
    return hashlib.sha256((salt + settings.PSEUDONYM_SECRET).encode()).digest()


def pseudonym(trainee_id: int, key: bytes | None = None) -> str:
    """The trainee's stable pseudonym in this installation."""
    digest = hmac.new(key or _pseudonym_key(), str(trainee_id).encode(), hashlib.sha256)
    return "T-" + digest.hexdigest()[:12]


class Pseudonyms(dict[int, str]):
    """Each trainee's pseudonym, computed once per export."""

    def __init__(self) -> None:
        super().__init__()
        self.key = _pseudonym_key()

    def __missing__(self, trainee_id: int) -> str:
        self[trainee_id] = value = pseudonym(trainee_id, self.key)
        return value


# Figures ---------------------------------------------------------------------------------
def figure_header(report: OutcomeReport, group_label: str) -> list[str]:
    header = [group_label, _("Trainees")]
    for month in report.points:
        when = _("at the end") if month == 0 else _("after %(months)s months") % {"months": month}
        header += [
            _("With an outcome %(when)s") % {"when": when},
            _("In work %(when)s") % {"when": when},
            _("In IT %(when)s") % {"when": when},
        ]
    header += [
        _("Median days to a job"),
        _("Follow-ups sent"),
        _("Follow-ups answered"),
        _("Jobs through a partner"),
    ]
    return header


def figure_rows(report: OutcomeReport) -> Iterator[list[Any]]:
    """The dashboard's table, line by line and then the total, hidden cells as "<k"."""
    k = report.k
    for line in [*report.lines, report.total]:
        row: list[Any] = [safe(line.label) or _("All"), shown_value(line.trainees, k)]
        for month in report.points:
            point = line.points[month]
            row += [
                shown_value(point.base, k),
                shown_value(point.in_work, k),
                shown_value(point.in_it, k),
            ]
        row += [
            "" if line.median_days is None else line.median_days,
            shown_value(line.asked, k),
            shown_value(line.answered, k),
            shown_value(line.through_partner, k),
        ]
        yield row


# Writers -----------------------------------------------------------------------------------
FORMULA_STARTS = frozenset("=+-@\t\r")
LINES_PER_CHUNK = 500


def safe(value: Any) -> Any:
    """Text a spreadsheet would run as a formula is written as text (CSV injection)."""
    if value and isinstance(value, str) and value[0] in FORMULA_STARTS:
        return "'" + value
    return value


def csv_lines(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    """The CSV text, a few hundred lines at a time, with a byte-order mark so Excel
    reads UTF-8. The rows' text is safe already (`safe`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([safe(value) for value in header])
    yield "\ufeff" + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for count, row in enumerate(rows, start=1):
        writer.writerow(row)
        if count % LINES_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def write_xlsx(header: list[str], rows: Iterable[Iterable[Any]], title: str) -> IO[bytes]:
    """An XLSX file of the rows (`reports.exports_xlsx`), in a temporary file (removed
    when closed), rewound for reading."""
    return write_sheet(header, rows, title)


def record_export(
    *,
    actor: Any,
    kind: str,
    file_format: str,
    filters: Filters,
    named: bool,
    rows: int,
    reason: str = "",
) -> None:
    """Who exported what (the audit row's object is the person who exported): the
    kind, the format, the filters, how many rows, named or not, and the reason given
    for a named export."""
    record_audit(
        actor,
        "report.exported",
        actor,
        kind=kind,
        format=file_format,
        named=named,
        rows=rows,
        reason=reason,
        filters={
            "starts": filters.starts.isoformat() if filters.starts else None,
            "ends": filters.ends.isoformat() if filters.ends else None,
            "cohort": filters.cohort_id,
            "organisation": filters.organisation_id,
        },
    )
