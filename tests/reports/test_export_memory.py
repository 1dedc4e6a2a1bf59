"""An export of 100,000 outcome rows is written in constant memory: the rows come
from a server-side cursor in chunks and go out line by line, so the peak of what
Python allocates stays under a fixed bound whatever the row count."""

import datetime
import tracemalloc

import pytest
from django.db import connection

from cohorts.models import Cohort
from labportal.accounts.models import Organisation, User
from reports.exports import RowExport, csv_lines
from reports.figures import Filters
from trainees.models import Outcome, OutcomeCategory, OutcomeSource

ROWS = 100_000
TRAINEES = 1_000
POINTS = (0, 3, 6, 12)
BOUND = 25 * 1024 * 1024  # bytes; the rows themselves are ~15 MB of CSV


@pytest.fixture
def outcomes(db):
    """1,000 trainees, each in 25 cohorts one after another, an outcome at each of the
    four points of every enrolment: 100,000 rows, made in bulk."""
    organisation = Organisation.objects.create(name="Minneskommunen")
    start = datetime.date(2000, 1, 3)
    cohorts = Cohort.objects.bulk_create(
        Cohort(
            name=f"Minnesomgång {n}",
            organisation=organisation,
            starts_on=start + datetime.timedelta(weeks=30 * n),
            ends_on=start + datetime.timedelta(weeks=30 * n + 26),
            capacity=TRAINEES,
        )
        for n in range(ROWS // TRAINEES // len(POINTS))
    )
    trainees = User.objects.bulk_create(
        User(email=f"minne{n}@example.se", full_name=f"Minne {n}", role="trainee")
        for n in range(TRAINEES)
    )
    # The rows themselves in two statements: the database makes them in a second or two.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO cohorts_enrolment (created_at, updated_at, cohort_id, trainee_id,
                starts_on, ends_on, left_early, leave_reason, version)
            SELECT now(), now(), c.id, u.id, c.starts_on, c.ends_on, false, '', 1
            FROM cohorts_cohort c CROSS JOIN accounts_user u
            WHERE c.id = ANY(%s) AND u.id = ANY(%s)
            """,
            [[c.pk for c in cohorts], [t.pk for t in trainees]],
        )
        cursor.execute(
            """
            INSERT INTO trainees_outcome (created_at, updated_at, trainee_id, enrolment_id,
                months_after, category, employer, role, region, starts_on, employment_type,
                via_lab_network, partner_id, source, note, recorded_by_id, version)
            SELECT now(), now(), e.trainee_id, e.id, p.months, %s, 'Minnesbolaget AB', '',
                'Demoregionen', e.ends_on + 20, '', false, NULL, %s, '', NULL, 1
            FROM cohorts_enrolment e CROSS JOIN unnest(%s::int[]) AS p(months)
            WHERE e.cohort_id = ANY(%s)
            """,
            [
                OutcomeCategory.EMPLOYED_IT,
                OutcomeSource.LAB,
                list(POINTS),
                [c.pk for c in cohorts],
            ],
        )


@pytest.mark.django_db
def test_an_export_of_100000_outcome_rows_stays_under_a_fixed_memory_bound(outcomes):
    export = RowExport(named=False)
    lines = csv_lines(export.header(), export.rows(Filters()))

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
