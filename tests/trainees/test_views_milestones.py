"""The milestone pages: the list with overdue marked and the status buttons, adding
and changing milestones, the standard six, and the lab's kinds of milestones."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for, english
from tests.trainees.factories import MilestoneFactory, MilestoneTypeFactory
from trainees.models import Milestone, MilestoneStatus, MilestoneType

pytestmark = pytest.mark.django_db

S = MilestoneStatus
TODAY = timezone.localdate()


def list_url(trainee):
    return reverse("trainees:milestones", args=[trainee.pk])


def cv():
    return MilestoneType.objects.get(name_en="CV reviewed")


def test_milestone_list_shows_type_due_status_and_overdue(lab_lead, trainee):
    MilestoneFactory(trainee=trainee, type=cv(), due_on=TODAY - datetime.timedelta(days=2))
    MilestoneFactory(
        trainee=trainee,
        type=MilestoneType.objects.get(name_en="Reference agreed"),
        due_on=TODAY - datetime.timedelta(days=2),
        status=S.DONE,
        done_at=timezone.now(),
    )

    response = english(lab_lead).get(list_url(trainee))

    html = response.content.decode()
    assert "Milestones of Tim Trainee" in html
    assert "CV reviewed" in html and "Reference agreed" in html
    assert html.count("Overdue") == 1  # a done milestone is not overdue
    assert "To do" in html and "Done" in html
    assert [row["milestone"].is_overdue for row in response.context["rows"]] == [True, False]


def test_milestone_list_in_swedish_names_the_types_in_swedish(trainee):
    MilestoneFactory(trainee=trainee, type=cv())

    response = client_for(trainee).get(list_url(trainee))

    assert "CV granskat" in response.content.decode()


def test_trainee_sees_own_list_with_a_done_button_and_no_lab_actions(trainee):
    MilestoneFactory(trainee=trainee, type=cv())

    response = english(trainee).get(list_url(trainee))

    html = response.content.decode()
    assert "My milestones" in html
    assert "Mark as done" in html
    assert "Mark as not needed" not in html
    assert "Add a milestone" not in html
    assert "Change due date" not in html


def test_trainee_marks_own_milestone_done(trainee):
    milestone = MilestoneFactory(trainee=trainee)

    response = english(trainee).post(
        reverse("trainees:milestone_status", args=[milestone.pk]),
        {"target": S.DONE, "seen": S.PLANNED},
        follow=True,
    )

    milestone.refresh_from_db()
    assert milestone.status == S.DONE
    assert milestone.done_at is not None
    assert response.redirect_chain[-1][0] == list_url(trainee)
    assert "is now “Done”" in response.content.decode()


def test_status_change_on_a_stale_page_is_refused_with_a_message(lab_lead, trainee):
    milestone = MilestoneFactory(trainee=trainee, status=S.DONE, done_at=timezone.now())

    response = english(lab_lead).post(
        reverse("trainees:milestone_status", args=[milestone.pk]),
        {"target": S.SKIPPED, "seen": S.PLANNED},
        follow=True,
    )

    milestone.refresh_from_db()
    assert milestone.status == S.DONE
    assert "already “Done”" in response.content.decode()


def test_status_change_outside_the_table_is_refused_with_a_message(lab_lead, trainee):
    milestone = MilestoneFactory(trainee=trainee, status=S.SKIPPED)

    response = english(lab_lead).post(
        reverse("trainees:milestone_status", args=[milestone.pk]),
        {"target": S.DONE, "seen": S.SKIPPED},
        follow=True,
    )

    milestone.refresh_from_db()
    assert milestone.status == S.SKIPPED
    assert "cannot become" in response.content.decode()


def test_status_change_with_a_bad_target_says_so(lab_lead, trainee):
    milestone = MilestoneFactory(trainee=trainee)

    response = english(lab_lead).post(
        reverse("trainees:milestone_status", args=[milestone.pk]),
        {"target": "finished", "seen": S.PLANNED},
        follow=True,
    )

    milestone.refresh_from_db()
    assert milestone.status == S.PLANNED
    assert "Choose one of the buttons" in response.content.decode()


def test_lab_adds_a_milestone(lab_lead, trainee):
    due = TODAY + datetime.timedelta(days=30)

    response = english(lab_lead).post(
        reverse("trainees:milestone_create", args=[trainee.pk]),
        {"type": cv().pk, "due_on": due.isoformat(), "note": "Ta med CV"},
    )

    assert response.status_code == 302
    milestone = Milestone.objects.get(trainee=trainee)
    assert (milestone.type, milestone.due_on, milestone.note) == (cv(), due, "Ta med CV")


def test_adding_a_duplicate_shows_a_message_and_keeps_the_note(lab_lead, trainee):
    MilestoneFactory(trainee=trainee, type=cv())
    note = "En lång anteckning som inte får försvinna. " * 20

    response = english(lab_lead).post(
        reverse("trainees:milestone_create", args=[trainee.pk]),
        {"type": cv().pk, "due_on": TODAY.isoformat(), "note": note},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Tim Trainee already has the milestone “CV reviewed”" in html
    assert note.strip() in html
    assert Milestone.objects.filter(trainee=trainee).count() == 1


def test_adding_without_a_due_date_asks_for_it(lab_lead, trainee):
    response = english(lab_lead).post(
        reverse("trainees:milestone_create", args=[trainee.pk]),
        {"type": cv().pk, "due_on": "", "note": "Behåll mig"},
    )

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert "Behåll mig" in response.content.decode()
    assert not Milestone.objects.exists()


def test_add_form_offers_only_kinds_in_use(lab_lead, trainee):
    retired = MilestoneTypeFactory(is_active=False, name_en="Retired kind")

    response = english(lab_lead).get(reverse("trainees:milestone_create", args=[trainee.pk]))

    choices = [str(label) for _value, label in response.context["form"].fields["type"].choices]
    assert "CV reviewed" in choices
    assert retired.name_en not in choices


def test_lab_changes_the_due_date(lab_lead, trainee):
    milestone = MilestoneFactory(trainee=trainee, due_on=TODAY)
    later = TODAY + datetime.timedelta(days=14)
    url = reverse("trainees:milestone_update", args=[milestone.pk])

    form = english(lab_lead).get(url)
    response = english(lab_lead).post(url, {"due_on": later.isoformat(), "note": "Senare"})

    assert f'value="{TODAY.isoformat()}"' in form.content.decode()
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.due_on, milestone.note) == (later, "Senare")


def test_lab_gives_the_standard_milestones_once(lab_lead, trainee, enrolment):
    url = reverse("trainees:milestone_standard", args=[trainee.pk])
    client = english(lab_lead)

    assert "Add the standard milestones" in client.get(list_url(trainee)).content.decode()
    first = client.post(url, follow=True)
    second = client.post(url, follow=True)

    assert "6 standard milestones are added." in first.content.decode()
    assert "already has every standard milestone" in second.content.decode()
    assert Milestone.objects.filter(trainee=trainee).count() == 6
    assert max(m.due_on for m in Milestone.objects.filter(trainee=trainee)) < enrolment.end
    assert "Add the standard milestones" not in client.get(list_url(trainee)).content.decode()


def test_milestone_list_has_bounded_queries(django_assert_max_num_queries, lab_lead, trainee):
    client = client_for(lab_lead)
    for size in (2, 20):
        while Milestone.objects.filter(trainee=trainee).count() < size:
            MilestoneFactory(trainee=trainee)
        with django_assert_max_num_queries(8, info=f"{size} milestones"):
            assert client.get(list_url(trainee)).status_code == 200


# Kinds of milestones ----------------------------------------------------------------------------
def test_milestone_types_list_shows_the_seeded_six(lab_lead):
    response = english(lab_lead).get(reverse("trainees:milestone_types"))

    html = response.content.decode()
    for name in ("CV granskat", "Study visit to an employer"):
        assert name in html
    assert "Add a kind of milestone" in html


def test_lab_adds_and_retires_a_kind_of_milestone(lab_lead):
    client = english(lab_lead)

    response = client.post(
        reverse("trainees:milestone_type_create"),
        {"name_sv": "Mentorsamtal", "name_en": "Mentor talk", "position": 70, "is_active": "on"},
    )
    kind = MilestoneType.objects.get(name_en="Mentor talk")
    client.post(
        reverse("trainees:milestone_type_update", args=[kind.pk]),
        {"name_sv": "Mentorsamtal", "name_en": "Mentor talk", "position": 70},
    )

    assert response.status_code == 302
    kind.refresh_from_db()
    assert not kind.is_active


def test_a_kind_with_a_name_in_use_is_refused_with_a_message(lab_lead):
    response = english(lab_lead).post(
        reverse("trainees:milestone_type_create"),
        {"name_sv": "CV granskat", "name_en": "Another CV", "position": 5, "is_active": "on"},
    )

    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert not MilestoneType.objects.filter(name_en="Another CV").exists()
