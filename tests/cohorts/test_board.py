"""The planning board (`cohorts.board` and `cohorts:board`): the 18-month window, bars
placed by class, the headcount with the months where many leave, the table view and
the backlog beside it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts import board
from prototypes.models import IdeaStatus
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.cohorts.factories import (
    AssignmentFactory,
    AssignmentMemberFactory,
    CohortFactory,
    EnrolmentFactory,
    PlannableIdeaFactory,
    RotationPeriodFactory,
)
from tests.conftest import client_for, english

pytestmark = pytest.mark.django_db
D = datetime.date
WINDOW = board.Window(D(2026, 1, 1))


# The window and the bars --------------------------------------------------------------------
def test_the_default_window_starts_two_months_back_and_spans_18_months():
    window = board.window_from(None, D(2026, 3, 15))

    assert window.start == D(2026, 1, 1)
    assert window.end == D(2027, 6, 30)
    assert len(window.months) == 18
    assert (window.month_earlier, window.half_year_later) == ("2025-12", "2026-07")


@pytest.mark.parametrize("param", ["2026-13", "garbage", "1999-01", ""])
def test_a_bad_month_parameter_gives_the_default_window(param):
    assert board.window_from(param, D(2026, 3, 15)).start == D(2026, 1, 1)


def test_bars_are_placed_by_month_columns_and_cut_at_the_window():
    inside = board.bar(WINDOW, D(2026, 3, 10), D(2026, 8, 31))
    across = board.bar(WINDOW, D(2025, 9, 1), D(2028, 1, 31))

    assert inside.css == "tl-s-3 tl-e-9"
    assert across.css == "tl-s-1 tl-e-19 tl-cut-before tl-cut-after"
    assert board.bar(WINDOW, D(2025, 1, 1), D(2025, 12, 31)) is None


# Headcount ------------------------------------------------------------------------------------
def enrol(cohort, starts_on, ends_on, **fields):
    return EnrolmentFactory(cohort=cohort, starts_on=starts_on, ends_on=ends_on, **fields)


def test_headcount_counts_the_enrolled_and_marks_months_where_many_leave():
    spring = CohortFactory(starts_on=D(2026, 1, 1), ends_on=D(2026, 6, 30))
    for _ in range(3):
        enrol(spring, D(2026, 1, 1), D(2026, 6, 30))
    autumn = CohortFactory(starts_on=D(2026, 6, 1), ends_on=D(2026, 12, 31))
    enrol(autumn, D(2026, 6, 1), D(2026, 12, 31))

    months = {m.month: m for m in board.headcount(WINDOW)}

    assert months[D(2026, 1, 1)].headcount == 3
    assert months[D(2026, 1, 1)].starting == 3
    assert months[D(2026, 6, 1)].headcount == 4
    assert months[D(2026, 6, 1)].leaving == 3
    assert months[D(2026, 6, 1)].is_exodus
    assert months[D(2026, 7, 1)].headcount == 1
    assert not months[D(2026, 12, 1)].is_exodus  # one of one leaves: not "many"


def test_moving_on_to_the_next_cohort_is_not_leaving():
    spring = CohortFactory(starts_on=D(2026, 1, 1), ends_on=D(2026, 6, 30))
    autumn = CohortFactory(starts_on=D(2026, 7, 1), ends_on=D(2026, 12, 31))
    stays, leaves = UserFactory(role="trainee"), UserFactory(role="trainee")
    enrol(spring, D(2026, 1, 1), D(2026, 6, 30), trainee=stays)
    enrol(autumn, D(2026, 7, 1), D(2026, 12, 31), trainee=stays)
    enrol(spring, D(2026, 1, 1), D(2026, 6, 30), trainee=leaves)

    june = next(m for m in board.headcount(WINDOW) if m.month == D(2026, 6, 1))

    assert june.leaving == 1


# The timeline ---------------------------------------------------------------------------------
def test_build_timeline_shows_cohorts_trainees_rotations_and_assignments():
    cohort = CohortFactory(name="Omgång Vår", starts_on=D(2026, 1, 1), ends_on=D(2026, 8, 31))
    anna = enrol(cohort, D(2026, 1, 1), D(2026, 8, 31), trainee=UserFactory(full_name="Anna"))
    enrol(cohort, D(2026, 1, 1), D(2026, 3, 31), left_early=True)
    RotationPeriodFactory(
        enrolment=anna,
        organisation=OrganisationFactory(name="Partner AB"),
        starts_on=D(2026, 4, 1),
        ends_on=D(2026, 4, 30),
    )
    assignment = AssignmentFactory(
        idea=PlannableIdeaFactory(title="Bokning", status=IdeaStatus.PLANNED),
        cohort=cohort,
        starts_on=D(2026, 2, 1),
        ends_on=D(2026, 5, 31),
    )
    AssignmentMemberFactory(assignment=assignment, enrolment=anna)
    CohortFactory(starts_on=D(2024, 1, 1), ends_on=D(2024, 6, 30))  # outside the window

    timeline = board.build_timeline(WINDOW)

    [row] = timeline.cohorts
    assert row.name == "Omgång Vår" and row.enrolled == 2
    assert row.bar.css == "tl-s-1 tl-e-9"
    assert row.trainees[0].name == "Anna"
    assert row.trainees[0].rotations[0].organisation == "Partner AB"
    assert row.trainees[0].rotations[0].bar.css == "tl-s-4 tl-e-5"
    assert any(t.left_early for t in row.trainees)
    [planned] = row.assignments
    assert (planned.title, planned.team, planned.bar.css) == ("Bokning", ["Anna"], "tl-s-2 tl-e-6")


# The page -------------------------------------------------------------------------------------
EXPECTED = {
    "anonymous": "login",
    "admin": 200,
    "lab_lead": 200,
    "trainee": 403,
    "supervisor": 403,
    "department_staff": 403,
    "outsider": 403,
}


@pytest.mark.parametrize("persona", EXPECTED)
@pytest.mark.parametrize("query", ["", "?view=table"])
def test_the_board_is_for_the_lab(request, persona, query):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)

    response = client_for(user).get(reverse("cohorts:board") + query)

    if EXPECTED[persona] == "login":
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == EXPECTED[persona]


@pytest.fixture
def running():
    today = timezone.localdate()
    cohort = CohortFactory(
        name="Omgång Nu",
        starts_on=today - datetime.timedelta(days=60),
        ends_on=today + datetime.timedelta(days=120),
    )
    EnrolmentFactory(cohort=cohort, trainee=UserFactory(role="trainee", full_name="Ebba Ek"))
    return cohort


def test_the_board_shows_the_timeline_and_the_backlog(lab_lead, running):
    PlannableIdeaFactory(title="Digital felanmälan")
    PlannableIdeaFactory(title="Inte redo", ready_to_plan=False)
    PlannableIdeaFactory(title="Redan planerad", status=IdeaStatus.PLANNED)

    html = english(lab_lead).get(reverse("cohorts:board")).content.decode()

    assert "Omgång Nu" in html and "Ebba Ek" in html
    assert "Digital felanmälan" in html
    assert "Inte redo" not in html and "Redan planerad" not in html
    assert 'style="' not in html  # the CSP forbids style attributes


def test_the_table_view_says_the_same_in_rows(lab_lead, running):
    html = english(lab_lead).get(reverse("cohorts:board") + "?view=table").content.decode()

    assert "<table" in html
    assert "Trainees enrolled month by month" in html
    assert "Ebba Ek" in html
    assert 'class="tl-row' not in html


def test_the_board_scrolls_by_months(lab_lead):
    response = client_for(lab_lead).get(reverse("cohorts:board") + "?month=2030-05")

    assert response.context["timeline"].window.start == D(2030, 5, 1)
    assert "month=2030-04" in response.content.decode()


def test_the_backlog_is_searched_in_place_with_htmx(lab_lead):
    PlannableIdeaFactory(title="Parkeringstillstånd digitalt")
    PlannableIdeaFactory(title="Bokning av lokaler")

    response = client_for(lab_lead).get(
        reverse("cohorts:board") + "?q=parkering",
        headers={"HX-Request": "true", "HX-Target": "backlog"},
    )

    html = response.content.decode()
    assert html.startswith('<section id="backlog"')
    assert "Parkeringstillstånd digitalt" in html
    assert "Bokning av lokaler" not in html
    assert "<html" not in html


# Whose cohorts, and pages of cohorts ----------------------------------------------------------
def test_the_board_shows_the_planners_own_organisation_by_default_or_all(lab_lead):
    lab_lead.organisation = OrganisationFactory(name="Labbkommunen")
    lab_lead.save(update_fields=["organisation"])
    ours = CohortFactory(
        name="Vår omgång", organisation=lab_lead.organisation, starts_on=D(2026, 1, 1)
    )
    theirs = CohortFactory(name="Grannens omgång", starts_on=D(2026, 1, 1))
    enrol(ours, D(2026, 1, 1), D(2026, 6, 30))
    for _ in range(2):
        enrol(theirs, D(2026, 1, 1), D(2026, 6, 30))
    client = client_for(lab_lead)
    url = reverse("cohorts:board") + "?month=2026-01"

    own = client.get(url)
    every = client.get(url + "&organisation=all")
    old_link = client.get(url + "&organisation=999999")

    assert [c.name for c in own.context["timeline"].cohorts] == ["Vår omgång"]
    assert own.context["timeline"].months[0].headcount == 1  # the scope's trainees only
    assert own.context["scope"].value == str(lab_lead.organisation_id)
    assert {c.name for c in every.context["timeline"].cohorts} == {"Vår omgång", "Grannens omgång"}
    assert every.context["timeline"].months[0].headcount == 3
    assert old_link.context["scope"].value == str(lab_lead.organisation_id)
    # the choice lists the organisations that run cohorts, after "all"
    options = [label for _value, label in own.context["scope"].options]
    assert options[0] == "Alla organisationer"
    assert set(options[1:]) == {lab_lead.organisation.name, theirs.organisation.name}


def test_a_planner_without_cohorts_of_their_own_sees_all(lab_lead):
    CohortFactory(name="Grannens omgång", starts_on=D(2026, 1, 1))

    response = client_for(lab_lead).get(reverse("cohorts:board") + "?month=2026-01")

    assert response.context["scope"].value == "all"
    assert [c.name for c in response.context["timeline"].cohorts] == ["Grannens omgång"]


def test_cohorts_come_ten_to_a_page_in_start_order(lab_lead):
    for n in range(12):
        CohortFactory(name=f"Omgång {n:02d}", starts_on=D(2026, 1, 1) + datetime.timedelta(n))
    client = english(lab_lead)
    url = reverse("cohorts:board") + "?month=2026-01"

    first = client.get(url)
    second = client.get(url + "&cohort_page=2")
    past_the_end = client.get(url + "&cohort_page=9")

    assert [c.name for c in first.context["timeline"].cohorts] == [
        f"Omgång {n:02d}" for n in range(10)
    ]
    assert [c.name for c in second.context["timeline"].cohorts] == ["Omgång 10", "Omgång 11"]
    assert "Cohorts 1\u201310 of 12" in first.content.decode()
    assert "cohort_page=2" in first.content.decode()
    assert "Cohorts 11\u201312 of 12" in second.content.decode()
    assert past_the_end.context["timeline"].page.number == 2
