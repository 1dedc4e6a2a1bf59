"""Speed and memory of the row exports (run: `make bench`), beside django-import-export
exporting the same queryset in the same run.

- Outcomes: 100,000 rows (`tests.reports.bulk_outcomes`), 12 columns.
- Progress logs: LOG_ROWS rows (`tests.reports.bulk_logs`, 1,000,000 by default; set
  BENCH_LOG_ROWS to change it), 6 columns.

Ours: the pseudonymised rows (`reports.exports_rows`) as CSV (PostgreSQL's COPY,
streamed) and as XLSX (`reports.exports_xlsx`). The peer: a `ModelResource` over the
same rows and fields, exported by tablib, as a municipality would do it from the
admin. Each run is timed without tracing, with the growth of the process's resident
memory (VmHWM after the run minus VmRSS before it, the peak reset through
/proc/self/clear_refs); the peak of Python's allocations comes from a second, traced
run (tracing slows both alike).

Targets (DEVELOPERS.md, issue #9 and #11): CSV at least 100,000 rows/s with under
50 MB of memory; XLSX of 100,000 rows by 12 columns within 10 s; ten times the peer's
speed and a tenth of its memory."""

from __future__ import annotations

import math
import os
import platform
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection

from bench.results import record
from reports.exports_rows import LogExport, RowExport
from reports.exports_sql import SqlExport
from reports.figures import Filters
from tests.reports.bulk_logs import make_log_rows
from tests.reports.bulk_outcomes import ROWS, make_outcome_rows
from trainees.models import Outcome, ProgressLog

LOG_ROWS = int(os.environ.get("BENCH_LOG_ROWS", "1000000"))
TARGET_ROWS_PER_S = 100_000
TARGET_CSV_MB = 50
TARGET_XLSX_S = 10
TARGET_RATIO = 10
LINE = "  {:<22}{:7.2f} s  {:10,.0f} rows/s  Python peak {:7.1f} MB  RSS growth {:7.1f} MB"


@dataclass(frozen=True)
class Measure:
    seconds: float
    python_mb: float  # peak of Python's allocations (tracemalloc)
    rss_mb: float  # growth of the process's resident memory

    @property
    def memory_mb(self) -> float:
        """The larger of the two measured: what the export costs the machine."""
        return max(value for value in (self.python_mb, self.rss_mb) if value == value)


def _kb(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _reset_peak_rss() -> None:
    # "5" resets VmHWM to the current RSS (Linux 4.0+); without it the growth is a bound
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        pass


def machine() -> str:
    import django
    import openpyxl
    import psycopg
    import tablib
    from import_export import __version__ as import_export_version

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    memory_gb = _kb_of_meminfo() / 1024 / 1024
    return (
        f"Machine: {os.cpu_count()} cores, {memory_gb:.1f} GB, {platform.platform()}; "
        f"Python {sys.version.split()[0]}, Django {django.__version__}, "
        f"PostgreSQL {postgres}, psycopg {psycopg.__version__}, openpyxl "
        f"{openpyxl.__version__}, django-import-export {import_export_version}, "
        f"tablib {tablib.__version__}"
    )


def _kb_of_meminfo() -> int:
    with open("/proc/meminfo") as meminfo:
        return int(meminfo.readline().split()[1])


def _outcome_resource() -> Any:
    from import_export import fields, resources

    class OutcomeResource(resources.ModelResource):
        trainee = fields.Field(attribute="trainee_id", column_name="trainee")
        cohort = fields.Field(attribute="enrolment__cohort__name", column_name="cohort")
        organisation = fields.Field(
            attribute="enrolment__cohort__organisation__name", column_name="organisation"
        )

        class Meta:
            model = Outcome
            fields = (
                "trainee",
                "cohort",
                "organisation",
                "months_after",
                "category",
                "employment_type",
                "region",
                "via_lab_network",
                "partner",
                "starts_on",
                "source",
            )

    return OutcomeResource()


def _log_resource() -> Any:
    from import_export import fields, resources

    class LogResource(resources.ModelResource):
        trainee = fields.Field(attribute="trainee_id", column_name="trainee")
        cohort = fields.Field(attribute="enrolment__cohort__name", column_name="cohort")
        organisation = fields.Field(
            attribute="enrolment__cohort__organisation__name", column_name="organisation"
        )

        class Meta:
            model = ProgressLog
            fields = (
                "trainee",
                "week",
                "hours_practical",
                "hours_education",
                "cohort",
                "organisation",
            )

    return LogResource()


def _ours(export: SqlExport, file_format: str) -> Callable[[], int]:
    def run() -> int:
        if file_format == "csv":
            return sum(len(block) for block in export.csv(Filters()))
        with export.xlsx(Filters(), "Export") as handle:  # read as a response sends it
            return sum(len(chunk) for chunk in iter(lambda: handle.read(1 << 16), b""))

    return run


def _peer(resource: Callable[[], Any], queryset: Any, file_format: str) -> Callable[[], int]:
    def run() -> int:
        dataset = resource().export(queryset=queryset)
        return len(dataset.export(file_format))

    return run


def _measure(run: Callable[[], int], *, traced: bool = True) -> Measure:
    _reset_peak_rss()
    before = _kb("VmRSS")
    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    rss_mb = max(_kb("VmHWM") - before, 0) / 1024
    python_mb = float("nan")
    if traced:
        tracemalloc.start()
        try:
            run()
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        python_mb = peak / 1024 / 1024
    return Measure(seconds, python_mb, rss_mb)


def _report(name: str, title: str, rows: int, ours: Measure, peer: Measure) -> None:
    print(
        f"\n{title} of {rows:,} rows",
        LINE.format("LabPortal:", ours.seconds, rows / ours.seconds, ours.python_mb, ours.rss_mb),
        LINE.format(
            "django-import-export:", peer.seconds, rows / peer.seconds, peer.python_mb, peer.rss_mb
        ),
        f"  ratio: {peer.seconds / ours.seconds:.1f}x faster, "
        f"{peer.memory_mb / ours.memory_mb:.1f}x less memory",
        sep="\n",
    )

    def figures(measure: Measure) -> dict[str, Any]:
        return {
            "seconds": round(measure.seconds, 2),
            "rows_per_s": round(rows / measure.seconds),
            # not traced for the peer's million rows (see below): None, not NaN
            "python_peak_mb": None
            if math.isnan(measure.python_mb)
            else round(measure.python_mb, 1),
            "rss_growth_mb": round(measure.rss_mb, 1),
        }

    record(
        name,
        {
            "machine": machine(),
            "rows": rows,
            "targets": "CSV >= 100,000 rows/s and < 50 MB; XLSX 100,000 x 12 <= 10 s; "
            ">= 10x the peer's speed and 1/10 of its memory",
            "runs": [
                {"who": "LabPortal", **figures(ours)},
                {"who": "django-import-export", **figures(peer)},
            ],
            "faster_x": round(peer.seconds / ours.seconds, 1),
            "less_memory_x": round(peer.memory_mb / ours.memory_mb, 1),
        },
    )


def _check(file_format: str, rows: int, ours: Measure, peer: Measure) -> None:
    if file_format == "csv":
        assert rows / ours.seconds >= TARGET_ROWS_PER_S, f"{rows / ours.seconds:,.0f} rows/s"
        assert ours.memory_mb < TARGET_CSV_MB
    else:
        assert ours.seconds <= TARGET_XLSX_S * rows / ROWS
    assert peer.memory_mb / ours.memory_mb >= TARGET_RATIO
    assert peer.seconds / ours.seconds >= TARGET_RATIO


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_bench_outcome_export_beside_django_import_export(file_format):
    make_outcome_rows()
    assert Outcome.objects.count() == ROWS
    print("\n" + machine())

    ours = _measure(_ours(RowExport(named=False), file_format))
    queryset = Outcome.objects.select_related("enrolment__cohort__organisation")
    peer = _measure(_peer(_outcome_resource, queryset, file_format))

    _report(
        f"export_outcomes_{file_format}",
        f"{file_format.upper()} export of outcomes",
        ROWS,
        ours,
        peer,
    )
    _check(file_format, ROWS, ours, peer)


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_bench_log_export_beside_django_import_export(file_format):
    make_log_rows(LOG_ROWS)
    assert ProgressLog.objects.count() == LOG_ROWS

    ours = _measure(_ours(LogExport(), file_format))
    queryset = ProgressLog.objects.select_related("enrolment__cohort__organisation")
    # the peer once, untraced: traced it takes minutes more on a million rows; its
    # memory is then the growth of the process, which Python's peak cannot exceed much
    peer = _measure(_peer(_log_resource, queryset, file_format), traced=False)

    _report(
        f"export_logs_{file_format}",
        f"{file_format.upper()} export of progress logs",
        LOG_ROWS,
        ours,
        peer,
    )
    _check(file_format, LOG_ROWS, ours, peer)
