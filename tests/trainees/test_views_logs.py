"""The weekly log pages: writing a week (every error keeps the text), the list with
the running split and the weeks without a log, a log with its comments."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from labportal.core.models import OutboxEmail
from tests.accounts.factories import UserFactory
from tests.cohorts.factories import CohortFactory, EnrolmentFactory
from tests.conftest import client_for, english
from tests.trainees.factories import LogCommentFactory, ProgressLogFactory, last_monday
from trainees.models import LogComment, ProgressLog, monday_of

LONG_TEXT = (
    "Måndag: satte upp utvecklingsmiljön för parkeringsprototypen.\n"
    "Tisdag till torsdag: byggde formuläret, med validering av registreringsnummer.\n"
    "Fredag: visade det för två handläggare och skrev ner deras synpunkter."
)


def form_data(week=None, **overrides):
    data = {
        "week": str(week or last_monday()),
        "hours_practical": "32",
        "hours_education": "8",
        "did": LONG_TEXT,
        "learned": "Att fråga användarna tidigt.",
        "blockers": "",
        "prototypes_text": "Parkeringstillstånd",
    }
    return {**data, **overrides}


# Writing ----------------------------------------------------------------------------------
def test_log_create_offers_this_weeks_monday(trainee, enrolment):
    response = english(trainee).get(reverse("trainees:log_create"))

    assert response.status_code == 200
    assert response.context["form"]["week"].value() == monday_of(timezone.localdate())


def test_log_create_offers_the_week_asked_for(trainee, enrolment):
    week = last_monday(3)

    response = english(trainee).get(reverse("trainees:log_create"), {"week": week.isoformat()})

    assert response.context["form"]["week"].value() == week


def test_log_create_saves_and_shows_the_list(trainee, enrolment):
    response = english(trainee).post(reverse("trainees:log_create"), form_data())

    assert response.status_code == 302
    assert response.url == reverse("trainees:log_list")
    log = ProgressLog.objects.get()
    assert (log.trainee, log.week, log.did) == (trainee, last_monday(), LONG_TEXT)


def test_log_create_takes_an_iso_week(trainee, enrolment):
    week = last_monday(2)
    iso_year, iso_week, _ = week.isocalendar()

    english(trainee).post(
        reverse("trainees:log_create"), form_data(week=None) | {"week": f"{iso_year}-W{iso_week}"}
    )

    assert ProgressLog.objects.get().week == week


def test_log_create_takes_swedish_decimals(trainee, enrolment):
    client_for(trainee).post(
        reverse("trainees:log_create"),
        form_data(hours_practical="31,5", hours_education="7,5"),
    )

    log = ProgressLog.objects.get()
    assert (log.hours_practical, log.hours_education) == (Decimal("31.5"), Decimal("7.5"))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"hours_practical": "-4"}, "Hours cannot be negative."),
        ({"hours_education": "61"}, "At most 60 hours a week."),
        ({"hours_practical": "45", "hours_education": "20"}, "come to 65 hours together"),
        (
            {"week": (monday_of(timezone.localdate()) + datetime.timedelta(weeks=1)).isoformat()},
            "That week has not started yet",
        ),
        ({"week": "2001-01-01"}, "That week is outside your enrolment"),
        ({"week": "inte ett datum"}, "Choose a valid date."),
        ({"hours_education": ""}, "Write the number of hours, 0 if none."),
    ],
)
def test_log_create_errors_keep_every_word(trainee, enrolment, overrides, message):
    data = form_data(**overrides)

    response = english(trainee).post(reverse("trainees:log_create"), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    form = response.context["form"]
    for field in ("did", "learned", "prototypes_text"):
        assert form[field].value() == data[field]
    assert not ProgressLog.objects.exists()


def test_log_create_for_a_logged_week_links_to_that_log(trainee, enrolment):
    existing = ProgressLogFactory(trainee=trainee, enrolment=enrolment, week=last_monday())

    response = english(trainee).post(reverse("trainees:log_create"), form_data())

    assert response.status_code == 400
    page = response.content.decode()
    assert "Open the log for that week" in page
    assert f'href="{existing.get_absolute_url()}"' in page
    assert response.context["form"]["did"].value() == LONG_TEXT
    assert ProgressLog.objects.count() == 1


def test_log_edit_saves_with_the_version_shown(trainee, enrolment):
    log = ProgressLogFactory(trainee=trainee, enrolment=enrolment)
    client = english(trainee)
    shown = client.get(reverse("trainees:log_edit", args=[log.pk])).context["form"]

    response = client.post(
        reverse("trainees:log_edit", args=[log.pk]),
        form_data(week=log.week, version=shown["version"].value()),
    )

    assert response.status_code == 302
    log.refresh_from_db()
    assert (log.did, log.version) == (LONG_TEXT, 2)


def test_log_edit_refuses_a_stale_version_keeping_the_text(trainee, enrolment):
    log = ProgressLogFactory(trainee=trainee, enrolment=enrolment, did="Sparat i en annan flik.")
    ProgressLog.objects.filter(pk=log.pk).update(version=2)
    client = english(trainee)

    response = client.post(
        reverse("trainees:log_edit", args=[log.pk]), form_data(week=log.week, version=1)
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "saved in another window or tab" in page
    assert "What is saved now" in page
    assert "Sparat i en annan flik." in page
    form = response.context["form"]
    assert form["did"].value() == LONG_TEXT
    log.refresh_from_db()
    assert log.did == "Sparat i en annan flik."

    # when: they send the form again after comparing, it now refers to the saved version
    again = client.post(
        reverse("trainees:log_edit", args=[log.pk]),
        form_data(week=log.week, version=form["version"].value()),
    )

    assert again.status_code == 302
    log.refresh_from_db()
    assert log.did == LONG_TEXT


def test_log_edit_is_refused_to_the_lab(trainee, enrolment, lab_lead):
    log = ProgressLogFactory(trainee=trainee, enrolment=enrolment)

    response = client_for(lab_lead).post(
        reverse("trainees:log_edit", args=[log.pk]), form_data(version=1)
    )

    assert response.status_code == 403
    log.refresh_from_db()
    assert log.did != LONG_TEXT


# The list ---------------------------------------------------------------------------------
@pytest.fixture
def three_weeks(trainee, enrolment):
    hours = [(30, 10), (36, 4), (32, 8)]  # 25 %, 10 % (below 20 %), 20 %
    return [
        ProgressLogFactory(
            trainee=trainee,
            enrolment=enrolment,
            week=last_monday(weeks_ago),
            hours_practical=Decimal(practical),
            hours_education=Decimal(education),
        )
        for weeks_ago, (practical, education) in zip([1, 2, 3], hours, strict=True)
    ]


def test_log_list_shows_the_running_split_against_the_target(trainee, three_weeks):
    response = english(trainee).get(reverse("trainees:log_list"))

    page = response.content.decode()
    # 98 h practical, 22 h education: 18 % education
    assert "82 % practical / 18 % education (target 80/20)" in page
    assert "Below the target" in page
    assert "Less than 20 % of the hours so far went to education." in page


def test_log_list_marks_the_weeks_below_the_target(trainee, three_weeks):
    response = english(trainee).get(reverse("trainees:log_list"))

    rows = response.context["rows"]
    assert [row.log.week for row in rows] == [log.week for log in three_weeks]
    assert [row.is_below_target for row in rows] == [False, True, False]
    assert response.content.decode().count("Below the target of 20 %") == 1


def test_log_list_uses_the_cohorts_target(trainee, enrolment, three_weeks):
    enrolment.cohort.education_target_percent = 30
    enrolment.cohort.save()

    response = english(trainee).get(reverse("trainees:log_list"))

    assert "(target 70/30)" in response.content.decode()
    assert [row.is_below_target for row in response.context["rows"]] == [True, True, True]


def test_log_list_without_an_enrolment_uses_the_setting(trainee, settings):
    settings.TRAINEE_EDUCATION_TARGET_PERCENT = 25

    response = english(trainee).get(reverse("trainees:log_list"))

    assert "The target is 75 % practical work and 25 % education." in response.content.decode()


def test_log_list_names_the_weeks_without_a_log(trainee, enrolment, three_weeks):
    response = english(trainee).get(reverse("trainees:log_list"))

    missing = response.context["missing_weeks"]
    start = monday_of(enrolment.start)
    expected = (last_monday(4) - start).days // 7 + 1
    assert len(missing) == expected
    assert missing[0] == last_monday(4)
    assert missing[-1] == start
    assert monday_of(timezone.localdate()) not in missing
    page = response.content.decode()
    assert f"{reverse('trainees:log_create')}?week={last_monday(4).isoformat()}" in page


def test_log_list_offers_this_weeks_log_when_written(trainee, enrolment):
    log = ProgressLogFactory(trainee=trainee, enrolment=enrolment, week=last_monday(0))

    response = english(trainee).get(reverse("trainees:log_list"))

    assert response.context["this_week_log"] == log
    page = response.content.decode()
    assert "Open this week's log" in page
    assert log.get_absolute_url() in page


def test_log_list_of_a_trainee_for_their_supervisor(trainee, three_weeks, supervisor):
    response = english(supervisor).get(reverse("trainees:log_list"), {"trainee": trainee.pk})

    assert response.status_code == 200
    assert response.context["trainee"] == trainee
    assert not response.context["can_write"]
    assert reverse("trainees:log_create") not in response.content.decode()


def test_log_list_lets_a_supervisor_choose_a_trainee(trainee, three_weeks, supervisor):
    ProgressLogFactory(
        trainee=trainee, week=last_monday(0), blockers="Ingen åtkomst till testdata."
    )
    someone_else = UserFactory(role="trainee", full_name="Inte Handledd")

    response = english(supervisor).get(reverse("trainees:log_list"))

    assert response.status_code == 200
    (row,) = response.context["page"].object_list
    assert row == trainee
    assert row.last_log_week == last_monday(0)
    assert row.recent_blocker_logs == 1
    assert someone_else.full_name not in response.content.decode()


def test_log_list_paginates_the_weeks(trainee, enrolment, settings):
    settings.PAGE_SIZE = 5
    for weeks_ago in range(1, 13):
        ProgressLogFactory(trainee=trainee, enrolment=enrolment, week=last_monday(weeks_ago))

    response = english(trainee).get(reverse("trainees:log_list"), {"page": 3})

    assert [row.log.week for row in response.context["rows"]] == [last_monday(11), last_monday(12)]


def test_log_list_of_an_earlier_cohort_keeps_its_own_target(trainee):
    # a log of an earlier enrolment is judged by that cohort's target
    earlier = CohortFactory(
        starts_on=timezone.localdate() - datetime.timedelta(weeks=60),
        ends_on=timezone.localdate() - datetime.timedelta(weeks=30),
        education_target_percent=50,
    )
    enrolment = EnrolmentFactory(cohort=earlier, trainee=trainee)
    ProgressLogFactory(
        trainee=trainee,
        enrolment=enrolment,
        week=monday_of(earlier.starts_on),
        hours_practical=Decimal(30),
        hours_education=Decimal(10),
    )

    response = english(trainee).get(reverse("trainees:log_list"))

    (row,) = response.context["rows"]
    assert row.target == 50
    assert row.is_below_target


# A log and its comments -----------------------------------------------------------------
@pytest.fixture
def log(trainee, enrolment):
    return ProgressLogFactory(
        trainee=trainee, enrolment=enrolment, blockers="Väntar på ett konto i e-tjänsten."
    )


def test_log_detail_shows_the_log_and_its_comments_to_the_trainee(trainee, log):
    LogCommentFactory(log=log, body="Fråga IT om kontot i dag.")

    response = english(trainee).get(reverse("trainees:log_detail", args=[log.pk]))

    page = response.content.decode()
    assert "Väntar på ett konto i e-tjänsten." in page
    assert "Fråga IT om kontot i dag." in page
    assert response.context["comment_form"] is None
    assert reverse("trainees:log_edit", args=[log.pk]) in page


def test_log_detail_offers_the_supervisor_a_comment_form(supervisor, log):
    response = english(supervisor).get(reverse("trainees:log_detail", args=[log.pk]))

    page = response.content.decode()
    assert response.context["comment_form"] is not None
    assert reverse("trainees:log_comment", args=[log.pk]) in page
    assert reverse("trainees:log_edit", args=[log.pk]) not in page


def test_log_comment_saves_and_emails_the_trainee(trainee, supervisor, log):
    response = english(supervisor).post(
        reverse("trainees:log_comment", args=[log.pk]), {"body": "Jag kollar med IT."}
    )

    assert response.status_code == 302
    assert response.url == f"{log.get_absolute_url()}#comments"
    comment = LogComment.objects.get()
    assert OutboxEmail.objects.filter(key=f"log-comment:{comment.pk}:{trainee.pk}").exists()


def test_log_comment_without_text_shows_the_error(supervisor, log):
    response = english(supervisor).post(
        reverse("trainees:log_comment", args=[log.pk]), {"body": "  "}
    )

    assert response.status_code == 400
    assert "Write a comment." in response.content.decode()
    assert not LogComment.objects.exists()
