"""The profile pages: what the lab and the trainee see, the trainee's edit with its
version, and the lab's reference contact. Every form error keeps what was typed."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from labportal.core.nav import entries_for
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.trainees.factories import SkillRecordFactory, TraineeProfileFactory
from trainees.models import CompetenceLevel, TraineeProfile
from trainees.services.competence import record_token, validate_skill

BACKGROUND = "Gymnasieexamen, el och energi.\nKurs i Python på Komvux 2023."
WISHES = "Jag vill arbeta med webbutveckling i en kommun, gärna med tillgänglighet."


def level_text(level):
    with translation.override("sv"):
        return str(level.label)


def profile_url(user):
    return reverse("trainees:profile", args=[user.pk])


def edit_data(version, **changes):
    data = {
        "background": BACKGROUND,
        "work_experience": "Lagerarbetare 2019-2022.",
        "languages": "Svenska, arabiska",
        "wants_to_work_with": WISHES,
        "version": version,
    }
    return {**data, **changes}


@pytest.fixture
def filled_profile(trainee, lab_lead):
    profile = TraineeProfileFactory(
        user=trainee,
        background=BACKGROUND,
        languages="Svenska, arabiska",
        wants_to_work_with=WISHES,
        reference_contact=lab_lead,
    )
    record = SkillRecordFactory(trainee=trainee, self_level=2, evidence_note="Byggde formuläret.")
    validate_skill(
        actor=lab_lead,
        record=record,
        seen=record_token(record),
        level=3,
        method="prototype",
        evidence="Såg det i prototypen för bygglov.",
    )
    return profile


def test_profile_shows_background_competence_and_reference_to_the_trainee(
    trainee, filled_profile, lab_lead
):
    response = client_for(trainee).get(profile_url(trainee))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Kurs i Python på Komvux 2023." in html
    assert WISHES in html
    assert "Svenska, arabiska" in html
    assert lab_lead.email in html
    # the own level with its description, the validation with method, who and evidence
    assert escape(level_text(CompetenceLevel.WORKING)) in html
    assert "Såg det i prototypen för bygglov." in html
    assert str(lab_lead) in html
    assert reverse("trainees:profile_edit") in html
    assert reverse("trainees:skill_add") in html
    record = trainee.skill_records.get()
    assert reverse("trainees:skill_edit", args=[record.pk]) in html
    assert reverse("trainees:skill_history", args=[record.pk]) in html
    assert reverse("trainees:skill_validate", args=[record.pk]) not in html
    # validated: the trainee can no longer remove it
    assert reverse("trainees:skill_remove", args=[record.pk]) not in html


def test_profile_for_the_lab_offers_validation_and_the_reference_contact(
    lab_lead, trainee, filled_profile
):
    response = client_for(lab_lead).get(profile_url(trainee))

    html = response.content.decode()
    record = trainee.skill_records.get()
    assert reverse("trainees:skill_validate", args=[record.pk]) in html
    assert reverse("trainees:reference_contact", args=[trainee.pk]) in html
    assert reverse("trainees:skill_edit", args=[record.pk]) not in html
    assert reverse("trainees:profile_edit") not in html


def test_profile_of_a_trainee_without_a_profile_shows_it_empty_and_creates_nothing(
    lab_lead, trainee
):
    response = client_for(lab_lead).get(profile_url(trainee))

    assert response.status_code == 200
    assert not TraineeProfile.objects.exists()


def test_profile_edit_creates_the_profile_on_first_visit(trainee):
    response = client_for(trainee).get(reverse("trainees:profile_edit"))

    assert response.status_code == 200
    profile = TraineeProfile.objects.get(user=trainee)
    assert response.context["form"]["version"].value() == profile.version


def test_profile_edit_saves_and_goes_to_the_profile(trainee):
    client = client_for(trainee)
    url = reverse("trainees:profile_edit")
    version = client.get(url).context["form"]["version"].value()

    response = client.post(url, edit_data(version))

    assert response.status_code == 302
    assert response.url == profile_url(trainee)
    profile = TraineeProfile.objects.get(user=trainee)
    assert (profile.background, profile.wants_to_work_with) == (BACKGROUND, WISHES)
    assert profile.version == version + 1


def test_profile_edit_with_an_error_keeps_the_text(trainee):
    client = client_for(trainee)
    url = reverse("trainees:profile_edit")
    version = client.get(url).context["form"]["version"].value()

    response = client.post(url, edit_data(version, languages="svenska " * 40))

    assert response.status_code == 200
    assert response.context["form"].errors["languages"]
    html = response.content.decode()
    assert "Kurs i Python på Komvux 2023." in html
    assert WISHES in html
    assert TraineeProfile.objects.get(user=trainee).background == ""


def test_profile_edit_in_two_tabs_refuses_the_second_and_keeps_its_text(trainee):
    # given: two tabs open the form at the same version, and the first one saves
    client = client_for(trainee)
    url = reverse("trainees:profile_edit")
    version = client.get(url).context["form"]["version"].value()
    client.post(url, edit_data(version, wants_to_work_with="Drift och nätverk."))

    # when: the second tab saves its own text
    response = client.post(url, edit_data(version))

    # then: refused with a clear message, the typed text kept, what is saved shown beside
    assert response.status_code == 200
    html = response.content.decode()
    form = response.context["form"]
    assert [error.code for error in form.non_field_errors().as_data()] == ["conflict"]
    assert WISHES in html
    assert "Drift och nätverk." in html
    assert response.context["current"].wants_to_work_with == "Drift och nätverk."
    profile = TraineeProfile.objects.get(user=trainee)
    assert profile.wants_to_work_with == "Drift och nätverk."

    # and: having compared, saving the form as it came back keeps the trainee's text
    again = client.post(url, {**edit_data(form["version"].value())})
    assert again.status_code == 302
    profile.refresh_from_db()
    assert profile.wants_to_work_with == WISHES


def test_reference_contact_is_set_by_the_lab(lab_lead, admin, trainee):
    client = client_for(admin)
    url = reverse("trainees:reference_contact", args=[trainee.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, {"reference_contact": lab_lead.pk})

    assert response.status_code == 302
    assert TraineeProfile.objects.get(user=trainee).reference_contact == lab_lead


def test_reference_contact_refuses_someone_outside_the_lab(lab_lead, trainee, supervisor):
    url = reverse("trainees:reference_contact", args=[trainee.pk])

    response = client_for(lab_lead).post(url, {"reference_contact": supervisor.pk})

    assert response.status_code == 200
    assert response.context["form"].errors["reference_contact"]
    assert TraineeProfile.objects.get(user=trainee).reference_contact is None


def test_menu_has_trainees_for_the_lab_and_my_profile_for_a_trainee(
    lab_lead, trainee, supervisor, department_staff
):
    lab_menu = [(entry.order, entry.url) for entry in entries_for(lab_lead)]
    assert (30, reverse("trainees:list")) in lab_menu
    orders = [order for order, _url in lab_menu]
    assert orders == sorted(orders)

    trainee_menu = [entry.url for entry in entries_for(trainee)]
    assert profile_url(trainee) in trainee_menu
    assert reverse("trainees:list") not in trainee_menu

    for person in (supervisor, department_staff, UserFactory(role="trainee", is_active=False)):
        urls = [entry.url for entry in entries_for(person)]
        assert reverse("trainees:list") not in urls
        assert profile_url(person) not in urls


def test_profile_leads_the_lab_on_to_the_trainees_logs_milestones_and_summary(lab_lead, trainee):
    content = client_for(lab_lead).get(profile_url(trainee)).content.decode()

    assert f'href="{reverse("trainees:log_list")}?trainee={trainee.pk}"' in content
    assert f'href="{reverse("trainees:milestones", args=[trainee.pk])}"' in content
    assert f'href="{reverse("trainees:summary_page", args=[trainee.pk])}"' in content
    assert f'href="{reverse("trainees:summary", args=[trainee.pk])}?lang=en"' in content


def test_own_profile_leads_to_the_trainees_own_logs(trainee):
    content = client_for(trainee).get(profile_url(trainee)).content.decode()

    assert f'href="{reverse("trainees:log_list")}"' in content
    assert "?trainee=" not in content
