"""Many outcome rows in bulk, for the export memory test and the export benchmark:
1,000 trainees, each in 25 cohorts one after another, an outcome at each of the four
points of every enrolment (100,000 rows), made by the database in a few statements."""

import datetime

from django.db import connection

from cohorts.models import Cohort
from labportal.accounts.models import Organisation, User
from trainees.models import OutcomeCategory, OutcomeSource

ROWS = 100_000
TRAINEES = 1_000
POINTS = (0, 3, 6, 12)


def make_outcome_rows() -> None:
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
