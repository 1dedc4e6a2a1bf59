"""The competence pages: adding, changing and removing a skill, evidence files,
validation and history, and the lab's list of trainees. Every form error keeps the
text that was typed; a refused file leaves nothing behind."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from labportal.core.models import AuditEntry
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.core.factories import SkillFactory
from tests.prototypes.factories import PDF_BYTES
from tests.trainees.factories import SkillRecordFactory
from trainees.models import SkillEvent, SkillEventKind, SkillRecord, ValidationMethod
from trainees.services.competence import add_skill, record_token, update_skill, validate_skill

NOTE = "Jag byggde bokningsformuläret i prototypen för bygglov och skrev testerna."
EVIDENCE = "Byggde databasmodellen för parkeringstillstånd själv, med migreringar."


def stored_files():
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def pdf(name="intyg.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


@pytest.fixture
def skill(db):
    return SkillFactory(name_sv="Testdatabaser", name_en="Test databases")


@pytest.fixture
def record(trainee, skill):
    return add_skill(actor=trainee, trainee=trainee, skill=skill, self_level=2, evidence_note=NOTE)


def validated(record, lab_lead, level=3):
    return validate_skill(
        actor=lab_lead,
        record=record,
        seen=record_token(record),
        level=level,
        method=ValidationMethod.TASK,
        evidence=EVIDENCE,
    )


def edit_form(client, record):
    return client.get(reverse("trainees:skill_edit", args=[record.pk])).context["form"]


# Adding -------------------------------------------------------------------------------------
def test_skill_add_saves_and_goes_to_the_skill_on_the_profile(trainee, skill):
    response = client_for(trainee).post(
        reverse("trainees:skill_add"),
        {
            "skill": skill.pk,
            "self_level": "2",
            "evidence_link": "github.com/tim/bokning",
            "evidence_note": NOTE,
            "evidence_file": pdf(),
        },
    )

    record = SkillRecord.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("trainees:profile", args=[trainee.pk]) + f"#skill-{record.pk}"
    assert (record.trainee, record.skill, record.self_level) == (trainee, skill, 2)
    assert record.evidence_link == "https://github.com/tim/bokning"
    assert record.evidence_file.read() == PDF_BYTES


def test_skill_add_offers_active_skills_only(trainee, skill):
    retired = SkillFactory(is_active=False)

    form = client_for(trainee).get(reverse("trainees:skill_add")).context["form"]

    choices = set(form.fields["skill"].queryset)
    assert skill in choices
    assert retired not in choices


def test_skill_add_without_a_level_keeps_the_text(trainee, skill):
    response = client_for(trainee).post(
        reverse("trainees:skill_add"),
        {"skill": skill.pk, "evidence_link": "https://example.se/kod", "evidence_note": NOTE},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["self_level"]
    html = response.content.decode()
    assert NOTE in html
    assert "https://example.se/kod" in html
    assert not SkillRecord.objects.exists()


def test_skill_add_with_a_bad_link_keeps_the_text(trainee, skill):
    response = client_for(trainee).post(
        reverse("trainees:skill_add"),
        {
            "skill": skill.pk,
            "self_level": "3",
            "evidence_link": "inte en länk",
            "evidence_note": NOTE,
        },
    )

    assert response.context["form"].errors["evidence_link"]
    assert NOTE in response.content.decode()
    assert not SkillRecord.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [("program.exe", b"MZ\x90\x00" + b"\x00" * 40), ("intyg.pdf", b"MZ\x90\x00 inte en pdf")],
)
def test_skill_add_with_a_bad_file_names_it_keeps_the_text_and_stores_nothing(
    trainee, skill, name, content
):
    response = client_for(trainee).post(
        reverse("trainees:skill_add"),
        {
            "skill": skill.pk,
            "self_level": "3",
            "evidence_note": NOTE,
            "evidence_file": SimpleUploadedFile(name, content),
        },
    )

    assert response.status_code == 200
    errors = response.context["form"].errors["evidence_file"]
    assert name in errors[0]
    html = response.content.decode()
    assert NOTE in html
    assert 'value="3"' in html and "checked" in html
    assert not SkillRecord.objects.exists()
    assert stored_files() == []


def test_skill_add_with_a_too_large_file_is_refused(settings, trainee, skill):
    settings.IDEA_ATTACHMENT_MAX_MB = 1
    big = SimpleUploadedFile("stor.pdf", PDF_BYTES + b"0" * (1024 * 1024 + 1))

    response = client_for(trainee).post(
        reverse("trainees:skill_add"),
        {"skill": skill.pk, "self_level": "1", "evidence_note": NOTE, "evidence_file": big},
    )

    assert "stor.pdf" in response.context["form"].errors["evidence_file"][0]
    assert NOTE in response.content.decode()
    assert stored_files() == []


def test_skill_add_twice_links_to_the_existing_skill_and_keeps_the_text(trainee, skill, record):
    response = client_for(trainee).post(
        reverse("trainees:skill_add"),
        {"skill": skill.pk, "self_level": "4", "evidence_note": "En annan text om samma sak."},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["skill"]
    html = response.content.decode()
    assert reverse("trainees:skill_edit", args=[record.pk]) in html
    assert "En annan text om samma sak." in html
    assert SkillRecord.objects.count() == 1


# Editing -------------------------------------------------------------------------------------
def test_skill_edit_changes_the_own_level_and_keeps_the_validation(trainee, lab_lead, record):
    record = validated(record, lab_lead, level=2)
    client = client_for(trainee)
    form = edit_form(client, record)
    assert form["self_level"].value() == 2
    assert form["evidence_note"].value() == NOTE

    response = client.post(
        reverse("trainees:skill_edit", args=[record.pk]),
        {"self_level": "4", "evidence_note": NOTE, "seen": form["seen"].value()},
    )

    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.self_level, record.validated_level, record.validated_by) == (4, 2, lab_lead)
    assert record.validation_evidence == EVIDENCE


def test_skill_edit_with_a_bad_file_keeps_the_text_and_the_old_state(trainee, record):
    client = client_for(trainee)
    seen = edit_form(client, record)["seen"].value()

    response = client.post(
        reverse("trainees:skill_edit", args=[record.pk]),
        {
            "self_level": "3",
            "evidence_note": NOTE + " Nu med mer.",
            "seen": seen,
            "evidence_file": SimpleUploadedFile("bild.png", b"inte en bild" * 4),
        },
    )

    assert response.status_code == 200
    assert "bild.png" in response.context["form"].errors["evidence_file"][0]
    assert NOTE + " Nu med mer." in response.content.decode()
    record.refresh_from_db()
    assert (record.self_level, record.evidence_note) == (2, NOTE)
    assert stored_files() == []


def test_skill_edit_after_a_validation_shows_the_conflict_and_keeps_the_text(
    trainee, lab_lead, record
):
    # given: the trainee opens the form, then the lead validates
    client = client_for(trainee)
    url = reverse("trainees:skill_edit", args=[record.pk])
    seen = edit_form(client, record)["seen"].value()
    validated(record, lab_lead)

    # when
    data = {
        "self_level": "4",
        "evidence_note": "Min nya, långa text om vad jag gjort.",
        "seen": seen,
    }
    response = client.post(url, data)

    # then: refused, the text kept, the validation shown
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    html = response.content.decode()
    assert "Min nya, långa text om vad jag gjort." in html
    assert EVIDENCE in html
    record.refresh_from_db()
    assert record.self_level == 2

    # and: saving the form as it came back is a deliberate choice, and saves
    again = client.post(url, {**data, "seen": response.context["form"]["seen"].value()})
    assert again.status_code == 302
    record.refresh_from_db()
    assert (record.self_level, record.validated_level) == (4, 3)


def test_skill_edit_with_remove_file_removes_it(trainee, skill, django_capture_on_commit_callbacks):
    record = add_skill(
        actor=trainee, trainee=trainee, skill=skill, self_level=1, evidence_file=pdf()
    )
    client = client_for(trainee)
    form = edit_form(client, record)
    assert "remove_file" in form.fields

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("trainees:skill_edit", args=[record.pk]),
            {"self_level": "1", "remove_file": "on", "seen": form["seen"].value()},
        )

    record.refresh_from_db()
    assert not record.evidence_file
    assert stored_files() == []


# Removing ------------------------------------------------------------------------------------
def test_skill_remove_asks_first_then_removes(trainee, record):
    client = client_for(trainee)
    url = reverse("trainees:skill_remove", args=[record.pk])

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert SkillRecord.objects.exists()

    response = client.post(url)
    assert response.status_code == 302
    assert not SkillRecord.objects.exists()


def test_skill_remove_of_a_validated_skill_is_refused_with_a_message(trainee, lab_lead, record):
    validated(record, lab_lead)
    client = client_for(trainee)

    response = client.post(reverse("trainees:skill_remove", args=[record.pk]), follow=True)

    assert SkillRecord.objects.filter(pk=record.pk).exists()
    assert [m.level for m in response.context["messages"]] == [messages.ERROR]


# Evidence files -------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["trainee", "lab_lead"])
def test_skill_evidence_is_a_download_and_audited(request, trainee, skill, persona):
    record = add_skill(
        actor=trainee, trainee=trainee, skill=skill, self_level=1, evidence_file=pdf("betyg.pdf")
    )
    user = request.getfixturevalue(persona)

    response = client_for(user).get(reverse("trainees:skill_evidence", args=[record.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "betyg" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF_BYTES
    entry = AuditEntry.objects.get(action="skill_record.evidence_downloaded")
    assert (entry.actor, entry.object_id) == (user, str(record.pk))


def test_skill_evidence_without_a_file_is_404(trainee, record):
    response = client_for(trainee).get(reverse("trainees:skill_evidence", args=[record.pk]))

    assert response.status_code == 404


# Validation and history ---------------------------------------------------------------------
def test_skill_validate_shows_the_evidence_and_saves_the_validation(lab_lead, trainee, record):
    client = client_for(lab_lead)
    url = reverse("trainees:skill_validate", args=[record.pk])
    page = client.get(url)
    assert NOTE in page.content.decode()

    response = client.post(
        url,
        {
            "validated_level": "3",
            "validation_method": ValidationMethod.INTERVIEW,
            "validation_evidence": EVIDENCE,
            "seen": page.context["form"]["seen"].value(),
        },
    )

    assert response.status_code == 302
    assert response.url.endswith(f"#skill-{record.pk}")
    record.refresh_from_db()
    assert (record.validated_level, record.validation_method) == (3, "interview")
    assert record.validated_by == lab_lead


def test_skill_validate_without_a_method_keeps_the_evidence_text(lab_lead, record):
    client = client_for(lab_lead)
    url = reverse("trainees:skill_validate", args=[record.pk])
    seen = client.get(url).context["form"]["seen"].value()

    response = client.post(
        url, {"validated_level": "3", "validation_evidence": EVIDENCE, "seen": seen}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["validation_method"]
    assert EVIDENCE in response.content.decode()
    record.refresh_from_db()
    assert record.validated_level is None


def test_skill_validate_after_the_trainee_changed_it_keeps_the_text(lab_lead, trainee, record):
    client = client_for(lab_lead)
    url = reverse("trainees:skill_validate", args=[record.pk])
    seen = client.get(url).context["form"]["seen"].value()
    update_skill(
        actor=trainee, record=record, seen=seen, self_level=4, evidence_note="Ny bevisning."
    )

    response = client.post(
        url,
        {
            "validated_level": "3",
            "validation_method": "task",
            "validation_evidence": EVIDENCE,
            "seen": seen,
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert EVIDENCE in html
    assert "Ny bevisning." in html
    assert response.context["conflict"]
    record.refresh_from_db()
    assert record.validated_level is None


def test_skill_history_lists_every_change_newest_first(trainee, lab_lead, record):
    update_skill(
        actor=trainee, record=record, seen=record_token(record), self_level=3, evidence_note=NOTE
    )
    record.refresh_from_db()
    validated(record, lab_lead, level=2)

    for user in (trainee, lab_lead):
        response = client_for(user).get(reverse("trainees:skill_history", args=[record.pk]))
        assert response.status_code == 200
        events = list(response.context["events"])
        assert [(e.kind, e.level) for e in events] == [
            (SkillEventKind.VALIDATED, 2),
            (SkillEventKind.SELF_ASSESSED, 3),
            (SkillEventKind.SELF_ASSESSED, 2),
        ]
        html = response.content.decode()
        assert EVIDENCE in html
        assert str(lab_lead) in html
    assert SkillEvent.objects.count() == 3


# The lab's list -------------------------------------------------------------------------------
def names(response):
    return [user.full_name for user in response.context["page"].object_list]


@pytest.fixture
def trainees_with_skills(lab_lead, skill):
    """Three trainees: Anna with the skill validated at 3, Bo with it only self-assessed,
    Cecilia with none; created out of name order."""
    cecilia = UserFactory(role="trainee", full_name="Cecilia Cederberg", email="cc@example.se")
    bo = UserFactory(role="trainee", full_name="Bo Berg", email="bo.berg@example.se")
    anna = UserFactory(role="trainee", full_name="Anna Ahl", email="anna@example.se")
    validated(SkillRecordFactory(trainee=anna, skill=skill), lab_lead, level=3)
    SkillRecordFactory(trainee=bo, skill=skill)
    UserFactory(role="lab_lead", full_name="Aaron Labb")  # not a trainee
    return anna, bo, cecilia


def test_trainee_list_is_sorted_by_name(lab_lead, trainees_with_skills):
    response = client_for(lab_lead).get(reverse("trainees:list"))

    assert response.status_code == 200
    assert names(response) == ["Anna Ahl", "Bo Berg", "Cecilia Cederberg"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=berg", ["Bo Berg", "Cecilia Cederberg"]),
        ("q=anna@", ["Anna Ahl"]),
        ("q=bo+berg", ["Bo Berg"]),
        ("skill={skill}", ["Anna Ahl", "Bo Berg"]),
        ("skill={skill}&level=3", ["Anna Ahl"]),
        ("skill={skill}&level=4", []),
        ("level=1", ["Anna Ahl"]),
        ("unvalidated=1", ["Bo Berg"]),
    ],
)
def test_trainee_list_filters(lab_lead, skill, trainees_with_skills, query, expected):
    url = reverse("trainees:list") + "?" + query.format(skill=skill.pk)

    response = client_for(lab_lead).get(url)

    assert names(response) == expected


def test_trainee_list_shows_validated_skills_and_counts(lab_lead, skill, trainees_with_skills):
    response = client_for(lab_lead).get(reverse("trainees:list"))

    anna, bo, _cecilia = response.context["page"].object_list
    assert (anna.skill_count, anna.waiting_count) == (1, 0)
    assert (bo.skill_count, bo.waiting_count) == (1, 1)
    assert "Testdatabaser (3)" in response.content.decode()


def test_trainee_list_is_paginated_keeping_the_filter(settings, lab_lead):
    settings.PAGE_SIZE = 2
    for index in range(5):
        UserFactory(role="trainee", full_name=f"Sökbar {index}")

    response = client_for(lab_lead).get(reverse("trainees:list") + "?q=sökbar&page=2")

    assert names(response) == ["Sökbar 2", "Sökbar 3"]
    html = response.content.decode()
    assert "q=s%C3%B6kbar&amp;page=3" in html or "q=sökbar&amp;page=3" in html
