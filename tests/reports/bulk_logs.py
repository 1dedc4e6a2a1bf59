"""Many weekly progress logs in bulk, for the logs export benchmark: TRAINEES trainees
in one cohort, each with a log for each of WEEKS weeks (LOG_ROWS rows), made by the
database in one statement."""

import datetime

from django.db import connection

from cohorts.models import Cohort, Enrolment
from labportal.accounts.models import Organisation, User

TRAINEES = 1_000


def make_log_rows(rows: int) -> None:
    weeks = rows // TRAINEES
    organisation = Organisation.objects.create(name="Loggkommunen")
    start = datetime.date(2001, 1, 1)  # a Monday
    cohort = Cohort.objects.create(
        name="Loggomgången",
        organisation=organisation,
        starts_on=start,
        ends_on=start + datetime.timedelta(weeks=weeks),
        capacity=TRAINEES,
    )
    trainees = User.objects.bulk_create(
        User(email=f"logg{n}@example.se", full_name=f"Logg {n}", role="trainee")
        for n in range(TRAINEES)
    )
    Enrolment.objects.bulk_create(
        Enrolment(cohort=cohort, trainee=t, starts_on=cohort.starts_on, ends_on=cohort.ends_on)
        for t in trainees
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO trainees_progresslog (created_at, updated_at, trainee_id,
                enrolment_id, week, hours_practical, hours_education, did, learned,
                blockers, prototypes_text, version)
            SELECT now(), now(), e.trainee_id, e.id, %s::date + 7 * w, 30 + w %% 5, 8,
                'Byggde ett formulär.', '', '', '', 1
            FROM cohorts_enrolment e CROSS JOIN generate_series(0, %s - 1) AS w
            WHERE e.cohort_id = %s
            """,
            [start, weeks, cohort.pk],
        )
