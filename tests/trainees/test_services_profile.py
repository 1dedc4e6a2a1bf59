"""The trainee's profile (`trainees.services.profile`): created once, edited only by
the trainee with a version against lost updates, the reference contact by the lab."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from labportal.core.models import AuditEntry
from tests.accounts.factories import UserFactory
from tests.trainees.factories import TraineeProfileFactory
from trainees.models import TraineeProfile
from trainees.services.profile import ensure_profile, set_reference_contact, update_profile

WORDS = {
    "background": "Gymnasieexamen, el och energi. Kurs i Python på Komvux 2023.",
    "work_experience": "Lagerarbetare på ICA 2019-2022.",
    "languages": "Svenska, arabiska, engelska",
    "wants_to_work_with": "Webbutveckling för kommunen.",
}


def test_ensure_profile_creates_the_profile_once(trainee):
    first = ensure_profile(actor=trainee, trainee=trainee)
    second = ensure_profile(actor=trainee, trainee=trainee)

    assert first.pk == second.pk
    assert TraineeProfile.objects.filter(user=trainee).count() == 1
    assert AuditEntry.objects.filter(action="trainee_profile.created").count() == 1


def test_ensure_profile_by_the_lab_creates_it_for_the_trainee(lab_lead, trainee):
    profile = ensure_profile(actor=lab_lead, trainee=trainee)

    assert profile.user == trainee


@pytest.mark.parametrize("persona", ["other_trainee", "supervisor", "department_staff"])
def test_ensure_profile_refuses_who_may_not_see_the_trainee(request, trainee, persona):
    with pytest.raises(PermissionDenied):
        ensure_profile(actor=request.getfixturevalue(persona), trainee=trainee)

    assert not TraineeProfile.objects.exists()


def test_ensure_profile_refuses_a_user_who_is_not_a_trainee(admin, lab_lead):
    with pytest.raises(PermissionDenied):
        ensure_profile(actor=admin, trainee=lab_lead)


def test_update_profile_saves_the_trainees_words_and_raises_the_version(trainee):
    profile = TraineeProfileFactory(user=trainee)

    saved = update_profile(actor=trainee, profile=profile, data=WORDS, expected_version=1)

    profile.refresh_from_db()
    assert saved.version == profile.version == 2
    assert {field: getattr(profile, field) for field in WORDS} == WORDS
    entry = AuditEntry.objects.get(action="trainee_profile.updated")
    assert sorted(entry.details["fields"]) == sorted(WORDS)


def test_update_profile_on_a_stale_version_is_refused_and_writes_nothing(trainee):
    # given: two tabs opened the profile at version 1, and the first one saved
    profile = TraineeProfileFactory(user=trainee)
    update_profile(
        actor=trainee, profile=profile, data={"languages": "Svenska"}, expected_version=1
    )

    # when: the second tab saves with what it saw
    with pytest.raises(ValidationError) as error:
        update_profile(actor=trainee, profile=profile, data=WORDS, expected_version=1)

    # then
    assert error.value.code == "conflict"
    profile.refresh_from_db()
    assert profile.languages == "Svenska"
    assert profile.background == ""
    assert profile.version == 2


@pytest.mark.parametrize("persona", ["lab_lead", "other_trainee"])
def test_update_profile_is_for_the_trainee_only(request, trainee, persona):
    profile = TraineeProfileFactory(user=trainee)

    with pytest.raises(PermissionDenied):
        update_profile(
            actor=request.getfixturevalue(persona), profile=profile, data=WORDS, expected_version=1
        )

    profile.refresh_from_db()
    assert profile.background == ""


def test_set_reference_contact_names_a_person_of_the_lab_and_leaves_the_version(
    lab_lead, admin, trainee
):
    profile = TraineeProfileFactory(user=trainee)

    set_reference_contact(actor=admin, profile=profile, contact=lab_lead)

    profile.refresh_from_db()
    assert profile.reference_contact == lab_lead
    assert profile.version == 1  # the trainee's open edit is no conflict
    assert AuditEntry.objects.filter(action="trainee_profile.reference_contact_set").exists()

    set_reference_contact(actor=admin, profile=profile, contact=None)
    profile.refresh_from_db()
    assert profile.reference_contact is None


def test_set_reference_contact_refuses_someone_outside_the_lab(lab_lead, trainee, supervisor):
    profile = TraineeProfileFactory(user=trainee)
    former = UserFactory(role="lab_lead", is_active=False)

    for contact in (supervisor, former):
        with pytest.raises(ValidationError) as error:
            set_reference_contact(actor=lab_lead, profile=profile, contact=contact)
        assert "reference_contact" in error.value.error_dict

    profile.refresh_from_db()
    assert profile.reference_contact is None


@pytest.mark.parametrize("persona", ["trainee", "supervisor"])
def test_set_reference_contact_is_for_the_lab_only(request, lab_lead, trainee, persona):
    profile = TraineeProfileFactory(user=trainee)

    with pytest.raises(PermissionDenied):
        set_reference_contact(
            actor=request.getfixturevalue(persona), profile=profile, contact=lab_lead
        )

    profile.refresh_from_db()
    assert profile.reference_contact is None
