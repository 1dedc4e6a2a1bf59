"""Matching (`cohorts.matching`): the scoring, ranking, team proposal, room and warnings
as pure functions over plain data, and the query builder over the database."""

import datetime

import pytest
from django.utils import translation

from cohorts import matching
from cohorts.matching import Candidate, CohortInfo, Need, Period, PlannedWork
from cohorts.services.planning_match import load_match
from prototypes.models import IdeaStatus
from tests.cohorts.factories import (
    AssignmentFactory,
    AssignmentMemberFactory,
    EnrolmentFactory,
    PlannableIdeaFactory,
)
from tests.cohorts.planning_fixtures import make_plan

D = datetime.date
PERIOD = Period(D(2026, 3, 2), D(2026, 4, 26))  # 8 weeks
PY, SQL, UX = Need(1, "Python"), Need(2, "SQL"), Need(3, "UX")
NEEDS = [PY, SQL, UX]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


YEAR_START, YEAR_END = D(2026, 1, 1), D(2026, 12, 31)


def person(pk, name, levels=None, *, load=0, cohort=10, starts=YEAR_START, ends=YEAR_END):
    return Candidate(
        enrolment_id=pk,
        trainee_id=100 + pk,
        name=name,
        cohort_id=cohort,
        cohort_name=f"Omgång {cohort}",
        starts_on=starts,
        ends_on=ends,
        levels=levels or {},
        load=load,
        education_percent=20,
    )


# Scores ----------------------------------------------------------------------------------------
def test_skill_score_is_the_mean_validated_level_over_the_needs():
    assert matching.skill_score({1: 4, 2: 4, 3: 4}, NEEDS) == 1
    assert matching.skill_score({1: 4, 2: 2}, NEEDS) == pytest.approx((4 + 2) / 12)
    assert matching.skill_score({9: 4}, NEEDS) == 0
    assert matching.skill_score({1: 4}, []) == 0


def test_rank_puts_the_best_cover_first_and_ties_to_the_lower_load():
    busy = person(1, "Ada", {1: 3}, load=1)
    free = person(2, "Bea", {1: 3}, load=0)
    expert = person(3, "Cem", {1: 4, 2: 4})

    ranked = matching.rank_candidates([busy, free, expert], NEEDS, PERIOD, limit=2)

    assert [r.candidate.name for r in ranked] == ["Cem", "Bea", "Ada"]
    assert ranked[0].percent == 67
    assert [n.name for n in ranked[0].missing] == ["UX"]
    assert ranked[0].covered == ((PY, 4), (SQL, 4))


def test_rank_marks_the_overbooked_and_those_not_enrolled_the_whole_period():
    ranked = matching.rank_candidates(
        [person(1, "Ada", load=2), person(2, "Bea", ends=D(2026, 3, 31))], NEEDS, PERIOD, limit=2
    )
    by_name = {r.candidate.name: r for r in ranked}

    assert by_name["Ada"].is_overbooked and by_name["Ada"].covers_period
    assert not by_name["Bea"].is_overbooked and not by_name["Bea"].covers_period


def test_propose_team_adds_whoever_covers_what_is_missing():
    ranked = matching.rank_candidates(
        [
            person(1, "Ada", {1: 4, 2: 4}),
            person(2, "Bea", {1: 4, 2: 3}),  # more of the same
            person(3, "Cem", {3: 2}),  # the missing skill
            person(4, "Dan", {1: 4, 2: 4, 3: 4}, load=5),  # overbooked
        ],
        NEEDS,
        PERIOD,
        limit=2,
    )

    team = matching.propose_team(ranked, NEEDS, 2)

    assert [r.candidate.name for r in team] == ["Ada", "Cem"]
    assert matching.missing_skills([r.candidate for r in team], NEEDS) == []


def test_missing_skills_are_those_nobody_on_the_team_validated():
    team = [person(1, "Ada", {1: 2}), person(2, "Bea", {1: 4})]

    assert matching.missing_skills(team, NEEDS) == [SQL, UX]
    assert matching.team_levels(team) == {1: 4}


# Room and cohorts ------------------------------------------------------------------------------
COHORT = CohortInfo(10, "Omgång 10", 6, D(2026, 1, 1), D(2026, 12, 31), 20)


def test_cohort_room_is_practical_weeks_less_the_planned_work():
    members = [person(1, "Ada"), person(2, "Bea")]  # 8 weeks each, 80 % practical
    work = [
        PlannedWork(10, D(2026, 3, 2), D(2026, 4, 26), size_weeks=4, members=1),  # inside
        PlannedWork(10, D(2026, 4, 13), D(2026, 5, 24), size_weeks=6, members=2),  # half inside
        PlannedWork(11, D(2026, 3, 2), D(2026, 4, 26), size_weeks=99, members=1),  # other cohort
    ]

    room = matching.cohort_room(COHORT, members, work, PERIOD)

    assert room == pytest.approx(2 * 8 * 0.8 - 4 - 6 * 14 / 42)


def test_planned_weeks_without_a_size_take_the_teams_time():
    work = [PlannedWork(10, D(2026, 3, 2), D(2026, 3, 29), size_weeks=None, members=2)]

    assert matching.planned_weeks(work, PERIOD, 20) == pytest.approx(2 * 4 * 0.8)


def test_rank_cohorts_puts_those_with_room_and_cover_first():
    other = CohortInfo(11, "Omgång 11", 4, D(2026, 1, 1), D(2026, 12, 31), 20)
    ranked = matching.rank_candidates(
        [person(1, "Ada", {1: 4}), person(2, "Bea", {1: 4, 2: 4, 3: 4}, cohort=11)],
        NEEDS,
        PERIOD,
        limit=2,
    )
    full = [PlannedWork(11, D(2026, 3, 2), D(2026, 4, 26), size_weeks=20, members=1)]

    rooms = matching.rank_cohorts(
        [COHORT, other], ranked, full, NEEDS, PERIOD, size_weeks=4, team_size=2
    )

    assert [r.cohort.name for r in rooms] == ["Omgång 10", "Omgång 11"]
    assert rooms[0].has_room and not rooms[1].has_room
    assert rooms[1].coverage == 1
    assert [n.name for n in rooms[0].missing] == ["SQL", "UX"]


def test_default_period_starts_next_monday_and_fits_the_size():
    period = matching.default_period(D(2026, 2, 25), size_weeks=8)  # a Wednesday

    assert period.starts_on == D(2026, 3, 2)
    assert period.days == 5 * 7


# Warnings --------------------------------------------------------------------------------------
def warn(team, **kwargs):
    values = {"size_weeks": 8, "cohort_name": "Omgång 10", "room_weeks": 50.0, "limit": 2}
    return matching.plan_warnings(team, PERIOD, **{**values, **kwargs})


def test_no_warnings_for_a_team_with_time_and_room():
    assert warn([person(1, "Ada"), person(2, "Bea")]) == []


def test_a_trainee_at_the_limit_is_overbooked():
    warnings = warn([person(1, "Ada", load=2)], size_weeks=None)

    assert [w.code for w in warnings] == [matching.OVERBOOKED]
    assert warnings[0].message == (
        "Ada is already on 2 active assignments in this period (at most 2 at once)."
    )


def test_the_size_spread_over_the_team_must_fit_the_practical_weeks():
    warnings = warn([person(1, "Ada")], size_weeks=7)  # 7 > 8 weeks x 0.8

    assert [w.code for w in warnings] == [matching.TOO_LITTLE_TIME]
    assert "6.4 weeks of practical work" in warnings[0].message


def test_the_size_must_fit_the_cohorts_room():
    warnings = warn([person(1, "Ada"), person(2, "Bea")], room_weeks=3.0)

    assert [w.code for w in warnings] == [matching.CAPACITY]
    assert "Omgång 10 has about 3.0 trainee weeks" in warnings[0].message


def test_a_period_outside_an_enrolment_is_warned():
    warnings = warn([person(1, "Ada", ends=D(2026, 3, 31))], size_weeks=None)

    assert [w.code for w in warnings] == [matching.OUTSIDE_ENROLMENT]


# The query builder -----------------------------------------------------------------------------
@pytest.mark.django_db
def test_load_match_reads_available_trainees_with_validated_levels_and_load(
    django_assert_max_num_queries,
):
    plan = make_plan()
    EnrolmentFactory(cohort=plan.cohort, left_early=True)
    busy = AssignmentFactory(
        idea=PlannableIdeaFactory(status=IdeaStatus.PLANNED),
        cohort=plan.cohort,
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
    )
    AssignmentMemberFactory(assignment=busy, enrolment=plan.anna)
    needs = [Need(plan.python.pk, "Python"), Need(plan.sql.pk, "SQL")]

    with django_assert_max_num_queries(4):
        data = load_match(needs=needs, period=Period(plan.starts_on, plan.ends_on))

    by_name = {c.name: c for c in data.candidates}
    assert set(by_name) == {"Anna Andersson", "Bo Berg", "Cia Castro"}
    assert by_name["Anna Andersson"].levels == {plan.python.pk: 4, plan.sql.pk: 3}
    assert by_name["Anna Andersson"].load == 1
    assert by_name["Cia Castro"].levels == {plan.sql.pk: 2}  # the self-assessment is not counted
    assert [c.name for c in data.cohorts] == [plan.cohort.name]
    assert len(data.work) == 1 and data.work[0].members == 1

    data = load_match(
        needs=needs, period=Period(plan.starts_on, plan.ends_on), exclude_assignment_id=busy.pk
    )
    assert {c.name: c.load for c in data.candidates}["Anna Andersson"] == 0
    assert data.work == []
