"""What the database itself refuses about cohorts and enrolments, whoever writes."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from tests.accounts.factories import UserFactory
from tests.cohorts.factories import CohortFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db


def spring():
    return CohortFactory(starts_on=date(2026, 1, 5), ends_on=date(2026, 6, 26))


def test_an_enrolment_takes_its_cohorts_dates_unless_told():
    enrolment = EnrolmentFactory(cohort=spring(), starts_on=None, ends_on=None)
    enrolment.refresh_from_db()

    assert (enrolment.starts_on, enrolment.ends_on) == (date(2026, 1, 5), date(2026, 6, 26))


def test_a_person_cannot_be_enrolled_twice_in_overlapping_periods():
    trainee = UserFactory(role="trainee")
    EnrolmentFactory(cohort=spring(), trainee=trainee)
    autumn = CohortFactory(starts_on=date(2026, 6, 1), ends_on=date(2026, 12, 18))

    with pytest.raises(IntegrityError, match="enrolment_no_overlap"), transaction.atomic():
        EnrolmentFactory(cohort=autumn, trainee=trainee)
    # the day after the first ends is free
    EnrolmentFactory(cohort=autumn, trainee=trainee, starts_on=date(2026, 6, 27))


def test_two_people_may_share_a_period():
    cohort = spring()
    EnrolmentFactory(cohort=cohort)
    EnrolmentFactory(cohort=cohort)

    assert cohort.enrolments.count() == 2


def test_an_enrolment_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError, match="enrolment_ends_after_start"), transaction.atomic():
        EnrolmentFactory(cohort=spring(), starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 1))
