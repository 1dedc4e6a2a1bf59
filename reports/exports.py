"""Exports of the outcome data as CSV and XLSX, written row by row in constant memory
whatever the row count: CSV through a generator the response streams, XLSX through
openpyxl's write-only workbook (rows go to a temporary file, never held as cells).

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
import datetime
import hashlib
import hmac
import io
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.db.models import F, QuerySet
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from labportal.core.services import record_audit
from reports.figures import Filters, OutcomeReport
from reports.suppression import shown_value
from trainees.models import (
    EmploymentType,
    Outcome,
    OutcomeCategory,
    OutcomeSource,
)

CHUNK = 2000  # rows fetched per round trip: memory stays flat, round trips few


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


# Rows ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RowExport:
    named: bool

    def header(self) -> list[str]:
        header = [_("Trainee")]
        if self.named:
            header += [_("Name"), _("Email")]
        header += [
            _("Cohort"),
            _("Organisation"),
            _("Year the programme ended"),
            _("Months after the end"),
            _("Outcome"),
            _("Type of employment"),
            _("Region"),
            _("Through the lab's network"),
            _("Through a partner"),
            _("Days from the end to the job"),
            _("Source"),
        ]
        if self.named:
            header += [_("Employer"), _("Role"), _("Note")]
        return header

    def queryset(self, filters: Filters) -> QuerySet[Any, dict[str, Any]]:
        fields = [
            "trainee_id",
            "enrolment__cohort__name",
            "enrolment__cohort__organisation__name",
            "ended_year",
            "months_after",
            "category",
            "employment_type",
            "region",
            "via_lab_network",
            "partner_id",
            "starts_on",
            "enrolment__ends_on",
            "source",
        ]
        if self.named:
            fields += ["trainee__full_name", "trainee__email", "employer", "role", "note"]
        return (
            Outcome.objects.filter(filters.q("enrolment__"))
            .annotate(ended_year=ExtractYear(F("enrolment__ends_on")))
            # the unique (enrolment, months_after) index gives this order without a sort
            .order_by("enrolment_id", "months_after")
            .values(*fields)
        )

    def rows(self, filters: Filters) -> Iterator[list[Any]]:
        """One list per outcome, fetched CHUNK rows at a time (a server-side cursor);
        text a spreadsheet could run is made safe here (`safe`)."""
        categories = {key: str(label) for key, label in OutcomeCategory.choices}
        types = {key: str(label) for key, label in EmploymentType.choices}
        types[""] = ""
        sources = {key: str(label) for key, label in OutcomeSource.choices}
        yes, no = str(_("yes")), str(_("no"))
        names = Pseudonyms()
        named = self.named
        for row in self.queryset(filters).iterator(chunk_size=CHUNK):
            starts_on: datetime.date | None = row["starts_on"]
            days = (
                max((starts_on - row["enrolment__ends_on"]).days, 0)
                if starts_on is not None
                else ""
            )
            line: list[Any] = [names[row["trainee_id"]]]
            if named:
                line += [safe(row["trainee__full_name"]), row["trainee__email"]]
            line += [
                safe(row["enrolment__cohort__name"]),
                safe(row["enrolment__cohort__organisation__name"]),
                row["ended_year"],
                row["months_after"],
                categories.get(row["category"], row["category"]),
                types.get(row["employment_type"], ""),
                safe(row["region"]),
                yes if row["via_lab_network"] else no,
                yes if row["partner_id"] else no,
                days,
                sources.get(row["source"], row["source"]),
            ]
            if named:
                line += [safe(row["employer"]), safe(row["role"]), safe(row["note"])]
            yield line


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


def write_xlsx(header: list[str], rows: Iterable[list[Any]], title: str) -> IO[bytes]:
    """An XLSX file of the rows, written in openpyxl's write-only mode to a temporary
    file (removed when closed), rewound for reading."""
    from openpyxl import Workbook  # imported here: only exports need it

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - returned open, closed by the response
    workbook.save(handle)
    handle.seek(0)
    return handle


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
