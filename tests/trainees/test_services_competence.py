"""The competence profile (`trainees.services.competence`): the trainee's
self-assessment with evidence, the lab's validation, and the history of both."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from labportal.core.models import AuditEntry
from tests.core.factories import SkillFactory
from tests.prototypes.factories import PDF_BYTES, PNG_BYTES
from tests.trainees.factories import SkillRecordFactory
from trainees.models import SkillEvent, SkillEventKind, SkillRecord, ValidationMethod
from trainees.services.competence import (
    DuplicateSkill,
    add_skill,
    record_token,
    remove_skill,
    skill_history,
    update_skill,
    validate_skill,
    validated_skills,
)

NOTE = "Byggde bokningsformuläret i prototypen för parkeringstillstånd, med validering."


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def pdf(name="intyg.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


@pytest.fixture
def skill(db):
    return SkillFactory(name_sv="Testfärdighet", name_en="Test skill")


@pytest.fixture
def record(trainee, skill):
    """A skill the trainee added themself, as the service does."""
    return add_skill(actor=trainee, trainee=trainee, skill=skill, self_level=2, evidence_note=NOTE)


def validated(record, lab_lead, level=3):
    return validate_skill(
        actor=lab_lead,
        record=record,
        seen=record_token(record),
        level=level,
        method=ValidationMethod.PROTOTYPE,
        evidence="Såg det i prototypen.",
    )


# Adding -----------------------------------------------------------------------------------
def test_add_skill_keeps_level_and_evidence_and_starts_the_history(trainee, skill):
    record = add_skill(
        actor=trainee,
        trainee=trainee,
        skill=skill,
        self_level=2,
        evidence_link="https://github.com/tim/bokning",
        evidence_file=pdf(),
        evidence_note=NOTE,
    )

    record.refresh_from_db()
    assert (record.self_level, record.evidence_note) == (2, NOTE)
    assert record.evidence_link == "https://github.com/tim/bokning"
    assert record.evidence_file.name.startswith("competence/")
    assert record.evidence_file.read() == PDF_BYTES
    assert record.validated_level is None
    event = record.events.get()
    assert (event.kind, event.level, event.actor) == (SkillEventKind.SELF_ASSESSED, 2, trainee)
    assert NOTE in event.evidence
    assert AuditEntry.objects.filter(action="skill_record.created", object_id=str(record.pk))


def test_add_skill_twice_names_the_existing_record(trainee, skill, record):
    with pytest.raises(DuplicateSkill) as error:
        add_skill(actor=trainee, trainee=trainee, skill=skill, self_level=4)

    assert error.value.existing == record
    assert "skill" in error.value.error_dict
    assert SkillRecord.objects.count() == 1


def test_add_skill_refuses_a_retired_skill(trainee):
    retired = SkillFactory(is_active=False)

    with pytest.raises(ValidationError) as error:
        add_skill(actor=trainee, trainee=trainee, skill=retired, self_level=1)

    assert "skill" in error.value.error_dict
    assert not SkillRecord.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("program.exe", b"MZ\x90\x00" + b"\x00" * 32),
        ("intyg.pdf", b"MZ\x90\x00 not a pdf"),
        ("skiss.png", PDF_BYTES),
    ],
)
def test_add_skill_with_a_refused_file_writes_nothing(trainee, skill, name, content):
    with pytest.raises(ValidationError) as error:
        add_skill(
            actor=trainee,
            trainee=trainee,
            skill=skill,
            self_level=2,
            evidence_file=SimpleUploadedFile(name, content),
            evidence_note=NOTE,
        )

    assert name in error.value.error_dict["evidence_file"][0].messages[0]
    assert not SkillRecord.objects.exists()
    assert not SkillEvent.objects.exists()
    assert stored_files() == []


def test_add_skill_with_a_too_large_file_writes_nothing(settings, trainee, skill):
    settings.IDEA_ATTACHMENT_MAX_MB = 1
    big = SimpleUploadedFile("stor.pdf", PDF_BYTES + b"0" * (1024 * 1024))

    with pytest.raises(ValidationError) as error:
        add_skill(actor=trainee, trainee=trainee, skill=skill, self_level=2, evidence_file=big)

    assert error.value.error_dict["evidence_file"][0].code == "too_large"
    assert not SkillRecord.objects.exists()
    assert stored_files() == []


@pytest.mark.parametrize("persona", ["lab_lead", "other_trainee", "supervisor"])
def test_add_skill_is_for_the_trainee_only(request, trainee, skill, persona):
    with pytest.raises(PermissionDenied):
        add_skill(
            actor=request.getfixturevalue(persona), trainee=trainee, skill=skill, self_level=2
        )

    assert not SkillRecord.objects.exists()


# Editing the self-assessment ---------------------------------------------------------------
def test_editing_the_self_level_never_changes_the_validation(trainee, lab_lead, record):
    record = validated(record, lab_lead, level=2)
    before = SkillRecord.objects.values(
        "validated_level",
        "validation_method",
        "validation_evidence",
        "validated_by",
        "validated_at",
    ).get(pk=record.pk)

    update_skill(
        actor=trainee,
        record=record,
        seen=record_token(record),
        self_level=4,
        evidence_note=NOTE + " Och mer.",
    )

    record.refresh_from_db()
    assert record.self_level == 4
    after = SkillRecord.objects.values(*before).get(pk=record.pk)
    assert after == before


def test_editing_the_self_level_adds_to_the_history(trainee, record):
    update_skill(
        actor=trainee, record=record, seen=record_token(record), self_level=3, evidence_note=NOTE
    )

    kinds_and_levels = [(event.kind, event.level) for event in skill_history(record)]
    assert kinds_and_levels == [
        (SkillEventKind.SELF_ASSESSED, 3),
        (SkillEventKind.SELF_ASSESSED, 2),
    ]
    entry = AuditEntry.objects.get(action="skill_record.updated")
    assert entry.details["fields"] == ["self_level"]


def test_saving_an_unchanged_assessment_writes_nothing(trainee, record):
    update_skill(
        actor=trainee, record=record, seen=record_token(record), self_level=2, evidence_note=NOTE
    )

    assert record.events.count() == 1
    assert not AuditEntry.objects.filter(action="skill_record.updated").exists()


def test_editing_from_a_stale_page_is_refused(trainee, lab_lead, record):
    # given: the trainee opened the edit form, then the lead validated the skill
    seen = record_token(record)
    validated(record, lab_lead)

    # when
    with pytest.raises(ValidationError) as error:
        update_skill(actor=trainee, record=record, seen=seen, self_level=4, evidence_note="Ny")

    # then
    assert error.value.code == "conflict"
    record.refresh_from_db()
    assert (record.self_level, record.evidence_note) == (2, NOTE)


def test_a_new_file_replaces_the_old_one_after_commit(
    trainee, record, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record = update_skill(
            actor=trainee,
            record=record,
            seen=record_token(record),
            self_level=2,
            evidence_file=pdf("forsta.pdf"),
            evidence_note=NOTE,
        )
    first = Path(record.evidence_file.path)

    with django_capture_on_commit_callbacks(execute=True):
        record = update_skill(
            actor=trainee,
            record=record,
            seen=record_token(record),
            self_level=2,
            evidence_file=SimpleUploadedFile("andra.png", PNG_BYTES),
            evidence_note=NOTE,
        )

    assert not first.exists()
    assert stored_files() == [Path(record.evidence_file.path)]
    assert record.evidence_file.name.endswith("andra.png")


def test_removing_the_file_deletes_it_after_commit(
    trainee, skill, django_capture_on_commit_callbacks
):
    record = add_skill(
        actor=trainee, trainee=trainee, skill=skill, self_level=1, evidence_file=pdf()
    )

    with django_capture_on_commit_callbacks(execute=True):
        update_skill(
            actor=trainee, record=record, seen=record_token(record), self_level=1, remove_file=True
        )

    record.refresh_from_db()
    assert not record.evidence_file
    assert stored_files() == []


def test_a_refused_file_on_edit_keeps_the_old_one(trainee, skill):
    record = add_skill(
        actor=trainee, trainee=trainee, skill=skill, self_level=1, evidence_file=pdf()
    )

    with pytest.raises(ValidationError):
        update_skill(
            actor=trainee,
            record=record,
            seen=record_token(record),
            self_level=3,
            evidence_file=SimpleUploadedFile("virus.exe", b"MZ" + b"\x00" * 20),
        )

    record.refresh_from_db()
    assert record.self_level == 1
    assert stored_files() == [Path(record.evidence_file.path)]


@pytest.mark.parametrize("persona", ["lab_lead", "admin", "other_trainee"])
def test_editing_the_self_assessment_is_for_the_trainee_only(request, record, persona):
    with pytest.raises(PermissionDenied):
        update_skill(
            actor=request.getfixturevalue(persona),
            record=record,
            seen=record_token(record),
            self_level=4,
        )

    record.refresh_from_db()
    assert record.self_level == 2


# Removing -------------------------------------------------------------------------------------
def test_remove_skill_deletes_record_history_and_file(
    trainee, skill, django_capture_on_commit_callbacks
):
    record = add_skill(
        actor=trainee, trainee=trainee, skill=skill, self_level=1, evidence_file=pdf()
    )

    with django_capture_on_commit_callbacks(execute=True):
        remove_skill(actor=trainee, record=record)

    assert not SkillRecord.objects.exists()
    assert not SkillEvent.objects.exists()
    assert stored_files() == []
    assert AuditEntry.objects.filter(action="skill_record.removed").exists()


def test_a_validated_skill_cannot_be_removed_by_the_trainee(trainee, lab_lead, record):
    validated(record, lab_lead)

    with pytest.raises(ValidationError) as error:
        remove_skill(actor=trainee, record=record)

    assert error.value.code == "validated"
    assert SkillRecord.objects.filter(pk=record.pk).exists()


def test_remove_skill_is_for_the_trainee_only(lab_lead, record):
    with pytest.raises(PermissionDenied):
        remove_skill(actor=lab_lead, record=record)

    assert SkillRecord.objects.filter(pk=record.pk).exists()


# Validation ----------------------------------------------------------------------------------
def test_validate_skill_keeps_who_when_and_how(trainee, lab_lead, record):
    record = validate_skill(
        actor=lab_lead,
        record=record,
        seen=record_token(record),
        level=3,
        method=ValidationMethod.TASK,
        evidence="Löste uppgiften med databasmodellen själv.",
    )

    record.refresh_from_db()
    assert record.validated_level == 3
    assert record.validation_method == ValidationMethod.TASK
    assert record.validation_evidence == "Löste uppgiften med databasmodellen själv."
    assert record.validated_by == lab_lead
    assert record.validated_at is not None
    assert record.self_level == 2  # the trainee's own assessment stays
    latest = skill_history(record).first()
    assert (latest.kind, latest.level, latest.method, latest.actor) == (
        SkillEventKind.VALIDATED,
        3,
        ValidationMethod.TASK,
        lab_lead,
    )
    assert latest.created_at == record.validated_at
    entry = AuditEntry.objects.get(action="skill_record.validated")
    assert entry.details == {"level": 3, "method": "task"}


def test_validating_again_keeps_the_earlier_validation_in_the_history(lab_lead, admin, record):
    record = validated(record, lab_lead, level=2)
    validated(record, admin, level=4)

    record.refresh_from_db()
    assert (record.validated_level, record.validated_by) == (4, admin)
    history = [(e.kind, e.level, e.actor) for e in skill_history(record)]
    assert history == [
        (SkillEventKind.VALIDATED, 4, admin),
        (SkillEventKind.VALIDATED, 2, lab_lead),
        (SkillEventKind.SELF_ASSESSED, 2, record.trainee),
    ]


def test_validate_skill_needs_a_method_and_evidence(lab_lead, record):
    with pytest.raises(ValidationError) as error:
        validate_skill(
            actor=lab_lead,
            record=record,
            seen=record_token(record),
            level=3,
            method="",
            evidence=" ",
        )

    assert set(error.value.error_dict) == {"validation_method", "validation_evidence"}
    record.refresh_from_db()
    assert record.validated_level is None


def test_validate_skill_from_a_stale_page_is_refused(trainee, lab_lead, record):
    # given: the lead opened the form, then the trainee raised their level
    seen = record_token(record)
    update_skill(actor=trainee, record=record, seen=seen, self_level=4, evidence_note=NOTE)

    with pytest.raises(ValidationError) as error:
        validate_skill(
            actor=lab_lead,
            record=record,
            seen=seen,
            level=3,
            method=ValidationMethod.INTERVIEW,
            evidence="Intervju",
        )

    assert error.value.code == "conflict"
    record.refresh_from_db()
    assert record.validated_level is None


@pytest.mark.parametrize("persona", ["trainee", "supervisor", "department_staff"])
def test_validate_skill_is_for_the_lab_only(request, record, persona):
    with pytest.raises(PermissionDenied):
        validate_skill(
            actor=request.getfixturevalue(persona),
            record=record,
            seen=record_token(record),
            level=4,
            method=ValidationMethod.TASK,
            evidence="Jag kan det.",
        )

    record.refresh_from_db()
    assert record.validated_level is None


def test_validated_skills_lists_only_validated_records_by_name(trainee, lab_lead):
    sql = SkillRecordFactory(trainee=trainee, skill=SkillFactory(name_sv="Test SQL"))
    git = SkillRecordFactory(trainee=trainee, skill=SkillFactory(name_sv="Test Git"))
    SkillRecordFactory(trainee=trainee, skill=SkillFactory(name_sv="Test Docker"))
    SkillRecordFactory(skill=sql.skill)  # another trainee's
    for record in (sql, git):
        validated(record, lab_lead)

    assert list(validated_skills(trainee)) == [git, sql]
