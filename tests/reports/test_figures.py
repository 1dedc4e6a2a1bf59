"""The outcome figures (`reports.figures`): counted per cohort, organisation or year
in a fixed number of queries, suppressed where they are about fewer than five
people, and agreeing with the rows they were counted from."""

import datetime

import pytest

from reports.figures import Filters, outcome_report
from tests.cohorts.factories import CohortFactory, EnrolmentFactory
from trainees.models import FollowUp, FollowUpStatus, Outcome, OutcomeCategory, OutcomeSource

pytestmark = pytest.mark.django_db
C = OutcomeCategory
DAY = datetime.timedelta(days=1)


def enrol(cohort, outcomes=(), job_after_days=None, follow_up=None):
    """An enrolment of `cohort` with an outcome per (months_after, category); a job
    outcome starts `job_after_days` after the end; `follow_up` a (months, status)."""
    enrolment = EnrolmentFactory(cohort=cohort)
    for months, category in outcomes:
        in_work = category in (C.EMPLOYED_IT, C.EMPLOYED_OTHER, C.OWN_BUSINESS)
        Outcome.objects.create(
            trainee=enrolment.trainee,
            enrolment=enrolment,
            months_after=months,
            category=category,
            employer="Arbetsgivaren AB" if in_work else "",
            starts_on=(
                enrolment.ends_on + job_after_days * DAY
                if in_work and job_after_days is not None
                else None
            ),
            source=OutcomeSource.LAB,
        )
    if follow_up:
        months, status = follow_up
        FollowUp.objects.create(
            trainee=enrolment.trainee,
            enrolment=enrolment,
            months_after=months,
            due_on=enrolment.ends_on,
            status=status,
            nonce="n",
        )
    return enrolment


@pytest.fixture
def spring():
    cohort = CohortFactory(
        name="Vår", starts_on=datetime.date(2025, 1, 6), ends_on=datetime.date(2025, 9, 30)
    )
    for _ in range(6):
        enrol(
            cohort,
            [(0, C.EMPLOYED_IT), (3, C.EMPLOYED_IT)],
            job_after_days=10,
            follow_up=(3, FollowUpStatus.ANSWERED),
        )
    for _ in range(5):
        enrol(cohort, [(0, C.EMPLOYED_OTHER)], job_after_days=30)
    for _ in range(6):
        enrol(
            cohort,
            [(0, C.JOB_SEEKING), (3, C.UNKNOWN)],
            follow_up=(3, FollowUpStatus.UNANSWERED),
        )
    return cohort


def test_outcome_figures_per_cohort_count_each_point_and_the_total(spring):
    report = outcome_report("cohort")

    [line] = report.lines
    assert (line.key, line.label, line.trainees.value) == (spring.pk, "Vår", 17)
    at_end = line.points[0]
    assert (at_end.base.value, at_end.in_it.value, at_end.in_work.value) == (17, 6, 11)
    assert (at_end.it_share, at_end.work_share) == ("35 %", "65 %")
    three = line.points[3]
    assert (three.base.value, three.in_it.value, three.in_work.value) == (12, 6, 6)
    assert line.points[12].base.value == 0
    assert line.points[12].work_share is None  # nobody asked yet: no share
    # the median of six jobs after 10 days and five after 30
    assert line.median_days == 10
    assert (line.asked.value, line.answered.value, line.response_share) == (12, 6, "50 %")
    # one group: the total says the same
    assert report.total.trainees.value == 17
    assert report.total.points[0].in_work.value == 11
    assert report.total.median_days == 10
    assert report.points == (0, 3, 6, 12)


def test_a_small_group_is_hidden_and_its_neighbours_enough_to_keep_it_hidden(spring):
    autumn = CohortFactory(
        name="Höst", starts_on=datetime.date(2025, 3, 3), ends_on=datetime.date(2025, 11, 28)
    )
    enrol(autumn, [(0, C.EMPLOYED_IT)], job_after_days=5)
    enrol(autumn, [(0, C.JOB_SEEKING)])
    enrol(autumn, [(0, C.STUDIES)])

    report = outcome_report("cohort")

    lines = {line.label: line for line in report.lines}
    small = lines["Höst"]
    # three people: every figure about them hidden, and no share or median shown
    assert small.trainees.hidden
    assert small.points[0].base.hidden and small.points[0].in_it.hidden
    assert small.points[0].it_share is None and small.points[0].work_share is None
    assert small.median_days is None
    # with the total shown, Vår's own counts would give Höst's away: hidden too
    assert lines["Vår"].trainees.hidden
    assert not report.total.trainees.hidden and report.total.trainees.value == 20
    # the hidden values are still the true ones (the exports' named rows use them)
    assert small.trainees.value == 3


def test_outcome_figures_by_year_and_by_organisation_and_filtered(spring):
    later = CohortFactory(
        name="Nästa", starts_on=datetime.date(2026, 1, 5), ends_on=datetime.date(2026, 6, 30)
    )
    for _ in range(5):
        enrol(later, [(0, C.STUDIES)])

    by_year = outcome_report("year")
    assert [(line.key, line.trainees.value) for line in by_year.lines] == [(2025, 17), (2026, 5)]

    by_organisation = outcome_report("organisation")
    assert {line.label for line in by_organisation.lines} == {
        spring.organisation.name,
        later.organisation.name,
    }

    only_2026 = outcome_report("cohort", Filters(starts=datetime.date(2026, 1, 1)))
    assert [line.label for line in only_2026.lines] == ["Nästa"]
    only_spring = outcome_report("cohort", Filters(cohort_id=spring.pk))
    assert [line.label for line in only_spring.lines] == ["Vår"]
    with pytest.raises(ValueError, match="Unknown grouping"):
        outcome_report("department")


@pytest.mark.parametrize("cohorts", [1, 6])
def test_outcome_report_takes_the_same_queries_whatever_the_data(
    django_assert_num_queries, cohorts
):
    for n in range(cohorts):
        cohort = CohortFactory(name=f"Omgång {n}")
        for _ in range(3 * n + 1):
            enrol(
                cohort,
                [(0, C.EMPLOYED_IT), (3, C.JOB_SEEKING)],
                job_after_days=n,
                follow_up=(3, FollowUpStatus.SENT),
            )

    with django_assert_num_queries(3):
        report = outcome_report("cohort")

    assert len(report.lines) == cohorts


def test_jobs_through_a_partner_are_counted_as_such(spring):
    from tests.accounts.factories import OrganisationFactory

    partner = OrganisationFactory(kind="partner", name="Partnerbolaget")
    Outcome.objects.filter(enrolment__cohort=spring, category=C.EMPLOYED_IT).update(
        partner=partner, via_lab_network=True
    )

    [line] = outcome_report("cohort").lines

    # six trainees in IT work through the partner (at the end and after 3 months: once)
    assert (line.through_partner.value, line.through_partner.hidden) == (6, False)


def test_the_median_days_to_a_job_counts_only_those_who_found_one(db):
    # given: five found work 30 days after the end, six did not
    cohort = CohortFactory(
        name="Sommar", starts_on=datetime.date(2025, 1, 6), ends_on=datetime.date(2025, 9, 26)
    )
    for _ in range(5):
        enrol(cohort, [(0, C.EMPLOYED_OTHER)], job_after_days=30)
    for _ in range(6):
        enrol(cohort, [(0, C.JOB_SEEKING)])

    # when
    report = outcome_report("cohort")

    # then: 30, not 0 (the six without a job are not "0 days")
    [line] = report.lines
    assert line.median_days == 30
    assert report.total.median_days == 30
