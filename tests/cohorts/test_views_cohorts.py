"""The cohort pages: the cohort's page as the lab, a trainee and a supervisor see it;
creating and editing a cohort; status buttons and the confirmation of destructive
moves; enrolling, changing and leaving enrolments; rotation periods. Refusals come
back as messages that name the conflict, with what the user wrote kept."""

import datetime

import pytest
from django.urls import reverse

from cohorts.models import Cohort, CohortStatus, Enrolment, RotationPeriod
from cohorts.services.cohorts import day
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.cohorts.factories import CohortFactory, EnrolmentFactory, RotationPeriodFactory
from tests.conftest import english

pytestmark = pytest.mark.django_db

START = datetime.date(2031, 2, 3)
END = datetime.date(2031, 8, 29)


def in_english(value: datetime.date) -> str:
    from django.utils import translation

    with translation.override("en"):
        return day(value)


@pytest.fixture
def cohort(lab_lead):
    cohort = CohortFactory(
        name="Omgång Vår",
        organisation=OrganisationFactory(name="Växjö kommun"),
        starts_on=START,
        ends_on=END,
        capacity=4,
        lab_lead=lab_lead,
        notes="Fika på fredagar.",
    )
    cohort.served_organisations.add(OrganisationFactory(name="Alvesta kommun"))
    cohort.supervisors.add(UserFactory(role="supervisor", full_name="Sven Handledare"))
    return cohort


@pytest.fixture
def team(cohort, trainee):
    """The trainee persona and two teammates: one with a rotation who stays longer, one
    who left early."""
    own = EnrolmentFactory(cohort=cohort, trainee=trainee)
    longer = EnrolmentFactory(
        cohort=cohort,
        trainee=UserFactory(role="trainee", full_name="Lisa Längre"),
        ends_on=END + datetime.timedelta(days=30),
    )
    RotationPeriodFactory(
        enrolment=longer,
        organisation=OrganisationFactory(name="Partner AB", kind="partner"),
        starts_on=START + datetime.timedelta(days=60),
        ends_on=START + datetime.timedelta(days=80),
    )
    left = EnrolmentFactory(
        cohort=cohort,
        trainee=UserFactory(role="trainee", full_name="Kalle Kort"),
        ends_on=START + datetime.timedelta(days=40),
        left_early=True,
        leave_reason="Fick jobb på IT-bolaget.",
    )
    return {"own": own, "longer": longer, "left": left}


def detail(user, cohort):
    return english(user).get(reverse("cohorts:detail", args=[cohort.pk]))


# The cohort's page -----------------------------------------------------------------------
def test_the_lab_sees_everything_and_the_management_actions(lab_lead, cohort, team):
    response = detail(lab_lead, cohort)

    html = response.content.decode()
    for text in (
        "Omgång Vår",
        "Växjö kommun",
        "Alvesta kommun",
        "Planned",
        "2 of 4 taken",
        "Leo Labbansvarig",
        "Sven Handledare",
        "20 %",
        "Fika på fredagar.",
        "Lisa Längre",
        "Partner AB",
        "Stays after the cohort ends",
        "Left early",
        "Fick jobb på IT-bolaget.",
        "Edit the cohort",
        "Enrol a trainee",
        "Open for applications",
        "Plan in Swedish (PDF)",
    ):
        assert text in html, text
    assert [m.target for m in response.context["moves"]] == ["recruiting", "running"]
    assert reverse("cohorts:enrolment_leave", args=[team["own"].pk]) in html
    assert reverse("cohorts:enrolment_leave", args=[team["left"].pk]) not in html


def test_a_trainee_sees_their_cohort_with_teammates_names_only(trainee, cohort, team):
    response = detail(trainee, cohort)

    html = response.content.decode()
    assert "Omgång Vår" in html and "Lisa Längre" in html and "Kalle Kort" in html
    rows = {row.enrolment.pk: row.show_details for row in response.context["rows"]}
    assert rows == {team["own"].pk: True, team["longer"].pk: False, team["left"].pk: False}
    assert "Partner AB" not in html
    assert "Fick jobb på IT-bolaget." not in html
    assert "Fika på fredagar." not in html
    assert "Edit the cohort" not in html and "Enrol a trainee" not in html
    assert "Open for applications" not in html and "PDF" not in html


def test_a_supervisor_of_the_cohort_sees_dates_and_rotations_not_reasons(cohort, team):
    supervisor = cohort.supervisors.get()

    response = detail(supervisor, cohort)

    html = response.content.decode()
    assert "Partner AB" in html and "Left early" in html
    assert "Fick jobb på IT-bolaget." not in html
    assert "Fika på fredagar." in html
    assert "Edit the cohort" not in html


def test_a_supervisor_of_one_enrolment_sees_that_ones_details(cohort, team):
    person = UserFactory(role="supervisor")
    team["longer"].supervisors.add(person)

    response = detail(person, cohort)

    rows = {row.enrolment.pk: row.show_details for row in response.context["rows"]}
    assert rows == {team["own"].pk: False, team["longer"].pk: True, team["left"].pk: False}


# Creating and editing ---------------------------------------------------------------------
def form_data(organisation, **changes):
    data = {
        "name": "Omgång Höst",
        "organisation": organisation.pk,
        "starts_on": "2031-09-01",
        "ends_on": "2032-02-27",
        "capacity": "8",
        "education_target_percent": "20",
        "notes": "",
    }
    data.update(changes)
    return data


def test_lab_creates_a_cohort(lab_lead):
    host = OrganisationFactory()
    supervisor = UserFactory(role="supervisor")

    response = english(lab_lead).post(
        reverse("cohorts:create"),
        form_data(host, lab_lead=lab_lead.pk, supervisors=[supervisor.pk]),
    )

    cohort = Cohort.objects.get(name="Omgång Höst")
    assert response.status_code == 302
    assert response.url == cohort.get_absolute_url()
    assert list(cohort.supervisors.all()) == [supervisor]


def test_create_form_offers_only_people_who_may_be_named(lab_lead, department_staff):
    supervisor = UserFactory(role="supervisor")
    trainee = UserFactory(role="trainee")

    form = english(lab_lead).get(reverse("cohorts:create")).context["form"]

    offered = set(form.fields["supervisors"].queryset)
    assert supervisor in offered and lab_lead in offered
    assert trainee not in offered and department_staff not in offered
    assert set(form.fields["lab_lead"].queryset) == {lab_lead}


def test_an_end_before_the_start_is_refused_with_a_clear_message(lab_lead):
    response = english(lab_lead).post(
        reverse("cohorts:create"),
        form_data(OrganisationFactory(), ends_on="2031-08-01", notes="Behåll mig"),
    )

    assert response.status_code == 200
    errors = response.context["form"].errors["ends_on"]
    assert errors == [
        "A cohort must end after it starts: it starts on 1 September 2031 but ends on "
        "1 August 2031."
    ]
    assert "Behåll mig" in response.content.decode()
    assert not Cohort.objects.filter(name="Omgång Höst").exists()


def test_edit_refuses_fewer_places_than_enrolled_naming_both(lab_lead, cohort, team):
    data = form_data(cohort.organisation, name=cohort.name, capacity="1", version=cohort.version)

    response = english(lab_lead).post(reverse("cohorts:update", args=[cohort.pk]), data)

    assert response.status_code == 200
    assert response.context["form"].errors["capacity"] == [
        "2 trainees are enrolled, so the cohort needs at least 2 places; you gave 1."
    ]
    cohort.refresh_from_db()
    assert cohort.capacity == 4


def test_edit_from_an_old_form_keeps_the_text_and_says_so(lab_lead, cohort):
    data = form_data(cohort.organisation, name=cohort.name, notes="Min text", version=0)

    response = english(lab_lead).post(reverse("cohorts:update", args=[cohort.pk]), data)

    html = response.content.decode()
    assert "Someone else changed this cohort" in html
    assert "Min text" in html
    cohort.refresh_from_db()
    assert cohort.notes == "Fika på fredagar."


def test_edit_saves_and_keeps_named_supervisors(lab_lead, cohort):
    supervisor = cohort.supervisors.get()
    data = form_data(
        cohort.organisation,
        name="Omgång Vår 2031",
        supervisors=[supervisor.pk],
        version=cohort.version,
    )

    response = english(lab_lead).post(reverse("cohorts:update", args=[cohort.pk]), data)

    assert response.status_code == 302
    cohort.refresh_from_db()
    assert cohort.name == "Omgång Vår 2031" and cohort.version == 2
    assert list(cohort.supervisors.all()) == [supervisor]


def test_edit_sets_the_text_applicants_read(lab_lead, cohort):
    cohort.status = CohortStatus.RECRUITING
    cohort.save()
    data = form_data(
        cohort.organisation,
        name=cohort.name,
        application_intro="Vi söker dig som vill bygga <tjänster> för Kommun.",
        version=cohort.version,
    )

    english(lab_lead).post(reverse("cohorts:update", args=[cohort.pk]), data)

    page = english(lab_lead).get(reverse("cohorts:apply", args=[cohort.pk])).content.decode()
    assert "Vi söker dig som vill bygga &lt;tjänster&gt; för Kommun." in page


# Status ------------------------------------------------------------------------------------
def test_a_status_button_changes_the_status(lab_lead, cohort):
    response = english(lab_lead).post(
        reverse("cohorts:status", args=[cohort.pk]),
        {"target": CohortStatus.RECRUITING, "seen": CohortStatus.PLANNED},
        follow=True,
    )

    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.RECRUITING
    assert "“Omgång Vår” is now “Recruiting”." in response.content.decode()


def test_finishing_is_confirmed_on_a_page_first(lab_lead, cohort):
    Cohort.objects.filter(pk=cohort.pk).update(status=CohortStatus.RUNNING)
    url = reverse("cohorts:status", args=[cohort.pk])

    page = english(lab_lead).get(f"{url}?target=finished")
    done = english(lab_lead).post(url, {"target": "finished", "seen": "running"})

    assert page.status_code == 200
    assert "Finish the cohort" in page.content.decode()
    assert done.status_code == 302
    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.FINISHED


def test_a_move_from_an_old_page_comes_back_as_a_message(lab_lead, cohort):
    Cohort.objects.filter(pk=cohort.pk).update(status=CohortStatus.RUNNING)

    response = english(lab_lead).post(
        reverse("cohorts:status", args=[cohort.pk]),
        {"target": "recruiting", "seen": "planned"},
        follow=True,
    )

    assert "The cohort is already “Running”." in response.content.decode()
    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.RUNNING


def test_asking_to_confirm_a_move_the_table_lacks_goes_back(lab_lead, cohort):
    response = english(lab_lead).get(
        reverse("cohorts:status", args=[cohort.pk]) + "?target=finished", follow=True
    )

    assert "“Planned” cannot become “Finished”." in response.content.decode()


# Enrolments --------------------------------------------------------------------------------
def test_enrol_form_offers_active_trainees_not_yet_enrolled_and_the_cohorts_dates(
    lab_lead, cohort, team
):
    free = UserFactory(role="trainee")
    UserFactory(role="trainee", is_active=False)

    form = (
        english(lab_lead).get(reverse("cohorts:enrolment_create", args=[cohort.pk])).context["form"]
    )

    assert list(form.fields["trainee"].queryset) == [free]
    assert (form["starts_on"].value(), form["ends_on"].value()) == (START, END)


def test_enrol_with_a_later_start(lab_lead, cohort):
    person = UserFactory(role="trainee", full_name="Mia Sen")

    response = english(lab_lead).post(
        reverse("cohorts:enrolment_create", args=[cohort.pk]),
        {"trainee": person.pk, "starts_on": "2031-03-03", "ends_on": END.isoformat()},
    )

    assert response.status_code == 302
    assert response.url.endswith("#enrolments")
    enrolment = Enrolment.objects.get(trainee=person)
    assert enrolment.starts_on == datetime.date(2031, 3, 3)


def test_enrolling_longer_than_the_cohort_warns(lab_lead, cohort):
    person = UserFactory(role="trainee", full_name="Nils Lång")

    response = english(lab_lead).post(
        reverse("cohorts:enrolment_create", args=[cohort.pk]),
        {"trainee": person.pk, "starts_on": START.isoformat(), "ends_on": "2031-10-31"},
        follow=True,
    )

    html = response.content.decode()
    assert "Nils Lång stays after the cohort ends (29 August 2031)" in html
    assert "Stays after the cohort ends" in html


def test_an_overlapping_enrolment_is_refused_naming_the_conflict(lab_lead, cohort):
    person = UserFactory(role="trainee", full_name="Olle Dubbel")
    other = CohortFactory(name="Omgång Sommar", starts_on=datetime.date(2031, 6, 1))
    EnrolmentFactory(cohort=other, trainee=person)

    response = english(lab_lead).post(
        reverse("cohorts:enrolment_create", args=[cohort.pk]),
        {"trainee": person.pk, "starts_on": START.isoformat(), "ends_on": END.isoformat()},
    )

    assert response.status_code == 200
    message = response.context["form"].non_field_errors()[0]
    assert "Olle Dubbel is already enrolled in Omgång Sommar from 1 June 2031" in message
    assert not cohort.enrolments.exists()


def test_changing_an_enrolments_dates(lab_lead, cohort, team):
    enrolment = team["own"]

    response = english(lab_lead).post(
        reverse("cohorts:enrolment_update", args=[enrolment.pk]),
        {"starts_on": "2031-02-10", "ends_on": END.isoformat(), "version": 1},
    )

    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.starts_on == datetime.date(2031, 2, 10)


def test_leaving_early_is_confirmed_with_a_reason(lab_lead, cohort, team):
    enrolment = team["own"]
    url = reverse("cohorts:enrolment_leave", args=[enrolment.pk])

    page = english(lab_lead).get(url)
    missing = english(lab_lead).post(url, {"left_on": "2031-05-29", "reason": "", "version": 1})
    done = english(lab_lead).post(
        url, {"left_on": "2031-05-29", "reason": "Flyttar norrut.", "version": 1}
    )

    assert "This cannot be undone here." in page.content.decode()
    assert missing.status_code == 200 and "reason" in missing.context["form"].errors
    assert done.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.left_early and enrolment.ends_on == datetime.date(2031, 5, 29)
    assert enrolment.leave_reason == "Flyttar norrut."


def test_leaving_again_goes_back_to_the_cohort(lab_lead, team):
    response = english(lab_lead).get(reverse("cohorts:enrolment_leave", args=[team["left"].pk]))

    assert response.status_code == 302


# Rotation periods --------------------------------------------------------------------------
def test_adding_a_rotation_offers_partners_and_municipalities(lab_lead, team):
    partner = OrganisationFactory(kind="partner")
    municipality = OrganisationFactory(kind="municipality")
    region = OrganisationFactory(kind="region")
    url = reverse("cohorts:rotation_create", args=[team["own"].pk])

    offered = set(english(lab_lead).get(url).context["form"].fields["organisation"].queryset)

    assert {partner, municipality} <= offered and region not in offered


def test_a_rotation_outside_the_enrolment_is_refused_with_its_dates(lab_lead, team):
    enrolment = team["left"]

    response = english(lab_lead).post(
        reverse("cohorts:rotation_create", args=[enrolment.pk]),
        {
            "organisation": OrganisationFactory(kind="partner").pk,
            "starts_on": "2031-05-01",
            "ends_on": "2031-05-20",
        },
    )

    message = response.context["form"].non_field_errors()[0]
    assert in_english(enrolment.ends_on) in message
    assert not enrolment.rotations.exists()


def test_adding_and_removing_a_rotation(lab_lead, team):
    enrolment = team["own"]
    partner = OrganisationFactory(name="Bolaget AB", kind="partner")

    added = english(lab_lead).post(
        reverse("cohorts:rotation_create", args=[enrolment.pk]),
        {"organisation": partner.pk, "starts_on": "2031-04-01", "ends_on": "2031-04-30"},
    )
    rotation = RotationPeriod.objects.get(enrolment=enrolment)
    url = reverse("cohorts:rotation_delete", args=[rotation.pk])
    confirm = english(lab_lead).get(url)
    removed = english(lab_lead).post(url)

    assert added.status_code == 302
    assert "Bolaget AB" in confirm.content.decode()
    assert removed.status_code == 302
    assert not RotationPeriod.objects.filter(pk=rotation.pk).exists()
