"""The weekly-log panels on the start page and the menu entries: a trainee's week,
split, next milestones and prototypes; a supervisor's trainees."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from labportal.core import nav, startpage
from tests.accounts.factories import UserFactory
from tests.cohorts.factories import EnrolmentFactory
from tests.conftest import english
from tests.trainees.factories import (
    MilestoneFactory,
    ProgressLogFactory,
    last_monday,
)
from trainees.models import MilestoneStatus
from trainees.startpage import supervisor_logs_panel, trainee_week_panel


def panel_of(response, template):
    (panel,) = [p for p in response.context["panels"] if p["template"] == template]
    return panel


TRAINEE_PANEL = "trainees/includes/_start_panel_trainee.html"
SUPERVISOR_PANEL = "trainees/includes/_start_panel_supervisor.html"


def test_panels_are_registered():
    assert trainee_week_panel in startpage._providers
    assert supervisor_logs_panel in startpage._providers


# The trainee ------------------------------------------------------------------------------
def test_trainee_sees_this_weeks_log_due(trainee, enrolment):
    response = english(trainee).get(reverse("core:home"))

    panel = panel_of(response, TRAINEE_PANEL)
    assert panel["is_due"]
    assert panel["this_week_log"] is None
    page = response.content.decode()
    assert "Your log for this week is not written yet." in page
    assert f'href="{reverse("trainees:log_create")}"' in page


def test_trainee_sees_this_weeks_log_done(trainee, enrolment):
    log = ProgressLogFactory(trainee=trainee, enrolment=enrolment, week=last_monday(0))

    response = english(trainee).get(reverse("core:home"))

    panel = panel_of(response, TRAINEE_PANEL)
    assert panel["this_week_log"] == log
    assert not panel["is_due"]
    assert "You have logged this week." in response.content.decode()
    assert log.get_absolute_url() in response.content.decode()


def test_trainee_without_an_enrolment_has_no_log_due(trainee):
    response = english(trainee).get(reverse("core:home"))

    assert not panel_of(response, TRAINEE_PANEL)["is_due"]
    assert "this week is outside your enrolment" in response.content.decode()


def test_trainee_sees_the_running_split(trainee, enrolment):
    ProgressLogFactory(
        trainee=trainee,
        enrolment=enrolment,
        hours_practical=Decimal(30),
        hours_education=Decimal(10),
    )

    response = english(trainee).get(reverse("core:home"))

    assert "75 % practical / 25 % education (target 80/20)" in response.content.decode()


def test_trainee_sees_the_next_three_open_milestones(trainee, enrolment):
    today = timezone.localdate()
    due = [
        MilestoneFactory(trainee=trainee, due_on=today + datetime.timedelta(days=d))
        for d in (9, 2, 30, 5)
    ]
    MilestoneFactory(
        trainee=trainee, due_on=today, status=MilestoneStatus.DONE, done_at=timezone.now()
    )
    MilestoneFactory(trainee=UserFactory(role="trainee"), due_on=today)

    panel = panel_of(english(trainee).get(reverse("core:home")), TRAINEE_PANEL)

    assert panel["milestones"] == [due[1], due[3], due[0]]


def test_trainee_sees_the_prototypes_of_their_last_log(trainee, enrolment):
    ProgressLogFactory(trainee=trainee, week=last_monday(3), prototypes_text="Gammal")
    ProgressLogFactory(trainee=trainee, week=last_monday(1), prototypes_text="Bygglovsguiden")

    response = english(trainee).get(reverse("core:home"))

    assert panel_of(response, TRAINEE_PANEL)["prototypes_text"] == "Bygglovsguiden"
    assert "Bygglovsguiden" in response.content.decode()


# The supervisor ---------------------------------------------------------------------------
def test_supervisor_sees_their_trainees_with_last_week_and_recent_blockers(
    trainee, enrolment, supervisor, other_trainee
):
    ProgressLogFactory(trainee=trainee, week=last_monday(0), blockers="Inget konto")
    ProgressLogFactory(trainee=trainee, week=last_monday(2), blockers="Väntar på data")
    ProgressLogFactory(trainee=trainee, week=last_monday(1), blockers="   ")
    ProgressLogFactory(trainee=trainee, week=last_monday(5), blockers="För länge sedan")
    ProgressLogFactory(trainee=other_trainee, week=last_monday(0), blockers="Inte din")
    quiet = EnrolmentFactory(cohort=enrolment.cohort, trainee=UserFactory(role="trainee")).trainee

    response = english(supervisor).get(reverse("core:home"))

    rows = {row.pk: row for row in panel_of(response, SUPERVISOR_PANEL)["rows"]}
    assert set(rows) == {trainee.pk, quiet.pk}
    assert rows[trainee.pk].last_log_week == last_monday(0)
    assert rows[trainee.pk].recent_blocker_logs == 2
    assert rows[quiet.pk].last_log_week is None
    page = response.content.decode()
    assert f"{reverse('trainees:log_list')}?trainee={trainee.pk}" in page
    assert "No log yet" in page


def test_supervisor_panel_links_to_all_when_there_are_many(enrolment, supervisor):
    for _ in range(11):
        EnrolmentFactory(cohort=enrolment.cohort)

    panel = panel_of(english(supervisor).get(reverse("core:home")), SUPERVISOR_PANEL)

    assert len(panel["rows"]) == 10
    assert panel["has_more"]


@pytest.mark.parametrize("persona", ["lab_lead", "department_staff", "outsider"])
def test_others_get_no_log_panels(request, enrolment, supervisor, persona):
    user = request.getfixturevalue(persona)

    assert trainee_week_panel(user) is None
    assert supervisor_logs_panel(user) is None


# The menu ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("persona", "label"),
    [
        ("trainee", "My weekly logs"),
        ("supervisor", "Progress logs"),
        ("lab_lead", None),
        ("department_staff", None),
    ],
)
def test_menu_entry_for_the_logs(request, enrolment, persona, label):
    user = request.getfixturevalue(persona)

    entries = [
        entry for entry in nav.entries_for(user) if entry.url == reverse("trainees:log_list")
    ]

    assert [str(entry.label) for entry in entries] == ([label] if label else [])
