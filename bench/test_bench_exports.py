"""Speed and memory of the outcome export (run: `make bench`), beside
django-import-export exporting the same queryset in the same run.

100,000 outcome rows (`tests.reports.bulk_outcomes`). Ours: the pseudonymised rows as
CSV and as XLSX (`reports.exports`), streamed from a server-side cursor. The peer: a
`ModelResource` over the same outcome rows and fields, exported as CSV and XLSX by
tablib, as a municipality would do it from the admin. Time is measured without
tracing; the peak of Python's allocations in a second, traced run (tracing slows both
alike).

Targets (DEVELOPERS.md, issue #9 and #11): CSV at least 100,000 rows/s with under
50 MB of memory; XLSX of 100,000 rows within 10 s; ten times the peer's speed and a
tenth of its memory."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest

from reports.exports import RowExport, csv_lines, write_xlsx
from reports.figures import Filters
from tests.reports.bulk_outcomes import ROWS, make_outcome_rows
from trainees.models import Outcome

TARGET_ROWS_PER_S = 100_000
TARGET_CSV_MB = 50
TARGET_XLSX_S = 10
TARGET_RATIO = 10
LINE = "  {:<22}{:6.2f} s  {:10,.0f} rows/s  peak {:6.1f} MB"


def _peer_resource() -> Any:
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


def _ours(file_format: str) -> Callable[[], int]:
    def run() -> int:
        export = RowExport(named=False)
        if file_format == "csv":
            return sum(len(line) for line in csv_lines(export.header(), export.rows(Filters())))
        with write_xlsx(export.header(), export.rows(Filters()), "Outcomes") as handle:
            return len(handle.read())

    return run


def _peer(file_format: str) -> Callable[[], int]:
    def run() -> int:
        queryset = Outcome.objects.select_related("enrolment__cohort__organisation")
        dataset = _peer_resource().export(queryset=queryset)
        return len(dataset.export(file_format))

    return run


def _measure(run: Callable[[], int]) -> tuple[float, float]:
    """(seconds, peak MB of Python allocations)."""
    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    try:
        run()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return seconds, peak / 1024 / 1024


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_bench_outcome_export_beside_django_import_export(file_format):
    make_outcome_rows()
    assert Outcome.objects.count() == ROWS

    our_s, our_mb = _measure(_ours(file_format))
    peer_s, peer_mb = _measure(_peer(file_format))

    print(
        f"\n{file_format.upper()} export of {ROWS:,} outcome rows",
        LINE.format("LabPortal:", our_s, ROWS / our_s, our_mb),
        LINE.format("django-import-export:", peer_s, ROWS / peer_s, peer_mb),
        f"  ratio: {peer_s / our_s:.1f}x faster, {peer_mb / our_mb:.1f}x less memory",
        sep="\n",
    )
    if file_format == "csv":
        assert ROWS / our_s >= TARGET_ROWS_PER_S, f"{ROWS / our_s:,.0f} rows/s"
        assert our_mb < TARGET_CSV_MB
    else:
        assert our_s <= TARGET_XLSX_S
    assert peer_mb / our_mb >= TARGET_RATIO
    assert peer_s / our_s >= TARGET_RATIO
