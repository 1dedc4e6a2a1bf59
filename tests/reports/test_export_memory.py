"""An export of 100,000 outcome rows is written in constant memory: the CSV comes
from PostgreSQL's COPY in blocks and goes out a few hundred kilobytes at a time, the
XLSX from a server-side cursor in chunks into a zip on disk, so the peak of what
Python allocates stays under a fixed bound whatever the row count."""

import tracemalloc

import pytest

from reports.exports_rows import RowExport
from reports.figures import Filters
from tests.reports.bulk_outcomes import ROWS, make_outcome_rows
from trainees.models import Outcome

BOUND = 25 * 1024 * 1024  # bytes; the rows themselves are ~15 MB of CSV


@pytest.fixture
def outcomes(db):
    make_outcome_rows()


@pytest.mark.django_db
def test_an_export_of_100000_outcome_rows_stays_under_a_fixed_memory_bound(outcomes):
    export = RowExport(named=False)
    lines = export.csv(Filters())

    tracemalloc.start()
    try:
        written = sum(len(line) for line in lines)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    count = Outcome.objects.count()
    assert count == ROWS
    assert written > ROWS * 40  # every row was written
    assert peak < BOUND, f"peak {peak / 1e6:.1f} MB"


@pytest.mark.django_db
def test_an_xlsx_of_100000_outcome_rows_stays_under_a_fixed_memory_bound(outcomes):
    export = RowExport(named=False)

    tracemalloc.start()
    try:
        with export.xlsx(Filters(), "Outcomes") as handle:
            written = len(handle.read(1024))
            _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert written == 1024
    assert peak < BOUND, f"peak {peak / 1e6:.1f} MB"
