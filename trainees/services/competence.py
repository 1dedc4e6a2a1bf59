"""A trainee's competence profile: the trainee's self-assessment with its evidence,
and the lab's validation.

Invariants every write here keeps:

- The self-assessment (`self_level`, evidence) and the validation (`validated_*`)
  are separate: a trainee's write saves only the self-assessment fields, so a
  validated level never changes because the trainee edited their own level.
- Every change of a level leaves a SkillEvent (who, when, how): the history.
- One record per trainee and skill; a second one is refused with a pointer to the
  existing record (`DuplicateSkill`).
- An evidence file is checked (type by name and content, size) before anything is
  written; a file stored by a write that then fails is removed again, and a
  replaced or removed file goes only once the database agrees.
- Each write is atomic, locks its row, judges rights with `trainees.access` on the
  locked row, and writes an audit row.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from labportal.accounts.models import User
from labportal.core.models import Skill
from labportal.core.services import record_audit
from prototypes.attachments import validate_attachment
from trainees import access
from trainees.models import (
    CompetenceLevel,
    SkillEvent,
    SkillEventKind,
    SkillRecord,
    ValidationMethod,
)

SELF_FIELDS = ("self_level", "evidence_link", "evidence_file", "evidence_note")


class DuplicateSkill(ValidationError):
    """The trainee already has this skill: `existing` is the record to edit instead."""

    def __init__(self, existing: SkillRecord) -> None:
        super().__init__(
            {"skill": _("%(skill)s is already in your profile.") % {"skill": existing.skill}},
            code="duplicate",
        )
        self.existing = existing


def record_token(record: SkillRecord) -> str:
    """What a form remembers of the record it was built from, to spot a later change."""
    return record.updated_at.isoformat() if record.updated_at else ""


def _claim(locked: SkillRecord, seen: str) -> None:
    if record_token(locked) != seen:
        raise ValidationError(
            _(
                "This skill was changed while you had the page open. Your text is still in "
                "the form and what is saved now is shown on this page: compare them, then "
                "save again to keep your text."
            ),
            code="conflict",
        )


def check_evidence_file(upload: UploadedFile | None) -> None:
    """Refuse a file of a type we do not take, whose content does not match its
    name, or that is too large; before anything is written."""
    if upload is None:
        return
    try:
        validate_attachment(upload)
    except ValidationError as error:
        raise ValidationError({"evidence_file": error}) from error


def _check_level(level: int, field: str) -> None:
    if level not in CompetenceLevel.values:
        raise ValidationError({field: _("Choose a level from 1 to 4.")}, code="level")


def _event_evidence(record: SkillRecord) -> str:
    file_name = record.evidence_file.name.rsplit("/", 1)[-1] if record.evidence_file else ""
    return "\n".join(
        part for part in (record.evidence_note, record.evidence_link, file_name) if part
    )


@contextmanager
def _file_kept_only_on_success(record: SkillRecord, upload: UploadedFile | None) -> Iterator[None]:
    """If the write that stores `upload` fails after the file reached the storage, the
    database forgets the row and this removes the file: no orphan on disk."""
    try:
        yield
    except BaseException:
        if upload is not None and record.evidence_file and record.evidence_file._committed:
            record.evidence_file.storage.delete(str(record.evidence_file.name))
        raise


def _delete_on_commit(file: FieldFile | None) -> None:
    if file:
        storage, name = file.storage, str(file.name)
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def add_skill(
    *,
    actor: User,
    trainee: User,
    skill: Skill,
    self_level: int,
    evidence_link: str = "",
    evidence_file: UploadedFile | None = None,
    evidence_note: str = "",
) -> SkillRecord:
    """Add a skill to the trainee's own competence profile with a self-assessed level
    and evidence; returns the new record.

    The trainee only, an active skill only, one record per skill: adding a skill
    twice raises `DuplicateSkill` (the trainee's row is locked first, so two adds at
    once cannot both pass the check). Writes a SkillEvent(self_assessed)."""
    locked_trainee = User.objects.select_for_update().get(pk=trainee.pk)
    if not access.can_edit_own_profile(actor, locked_trainee):
        raise PermissionDenied
    if not skill.is_active:
        raise ValidationError(
            {"skill": _("%(skill)s is no longer in use. Choose another skill.") % {"skill": skill}},
            code="inactive",
        )
    existing = (
        SkillRecord.objects.filter(trainee=locked_trainee, skill=skill)
        .select_related("skill")
        .first()
    )
    if existing is not None:
        raise DuplicateSkill(existing)
    _check_level(self_level, "self_level")
    check_evidence_file(evidence_file)
    record = SkillRecord(
        trainee=locked_trainee,
        skill=skill,
        self_level=self_level,
        evidence_link=evidence_link,
        evidence_note=evidence_note,
    )
    if evidence_file is not None:
        record.evidence_file = evidence_file
    record.full_clean(exclude=["evidence_file"])
    with _file_kept_only_on_success(record, evidence_file):
        record.save()
        SkillEvent.objects.create(
            record=record,
            kind=SkillEventKind.SELF_ASSESSED,
            level=record.self_level,
            evidence=_event_evidence(record),
            actor=actor,
        )
        record_audit(actor, "skill_record.created", record, skill=skill.pk, level=self_level)
    return record


def lock_record(record: SkillRecord) -> SkillRecord:
    """The record's current row, locked until the transaction ends.

    A record removed meanwhile (the trainee removed the skill while the lead was
    validating it, or in another tab) is refused with a message (code "removed")
    rather than judged: there is nothing left to change."""
    locked = (
        SkillRecord.objects.select_for_update()
        .select_related("trainee", "skill")
        .filter(pk=record.pk)
        .first()
    )
    if locked is None:
        raise ValidationError(
            _("This skill is no longer in the profile: it was removed meanwhile."),
            code="removed",
        )
    return locked


@transaction.atomic
def update_skill(
    *,
    actor: User,
    record: SkillRecord,
    seen: str,
    self_level: int,
    evidence_link: str = "",
    evidence_file: UploadedFile | None = None,
    remove_file: bool = False,
    evidence_note: str = "",
) -> SkillRecord:
    """Change the trainee's own self-assessment of a skill and its evidence; returns
    the saved record.

    Saves the self-assessment fields only: the validated level, method, evidence,
    validator and time stay exactly as the lab left them. A change of level or
    evidence writes a SkillEvent(self_assessed); a save that changes nothing writes
    nothing. `seen` is `record_token` of the record the form was built from; a
    record changed since (another tab, the lab's validation) is refused as a
    conflict, so the trainee sees what changed before overwriting it. A new file
    replaces the old one, which is deleted once the database agrees."""
    locked = lock_record(record)
    if not access.can_edit_skill(actor, locked):
        raise PermissionDenied
    _claim(locked, seen)
    _check_level(self_level, "self_level")
    check_evidence_file(evidence_file)
    old_file = locked.evidence_file if locked.evidence_file else None
    changed: list[str] = []
    for field, value in (
        ("self_level", self_level),
        ("evidence_link", evidence_link),
        ("evidence_note", evidence_note),
    ):
        if getattr(locked, field) != value:
            setattr(locked, field, value)
            changed.append(field)
    if evidence_file is not None:
        locked.evidence_file = evidence_file
        changed.append("evidence_file")
    elif remove_file and old_file:
        locked.evidence_file = None
        changed.append("evidence_file")
    if not changed:
        return locked
    locked.full_clean(exclude=["evidence_file", "trainee", "skill"])
    with _file_kept_only_on_success(locked, evidence_file):
        # Never the validated_* fields: the lab's judgement is not the trainee's to change.
        locked.save(update_fields=[*changed, "updated_at"])
        SkillEvent.objects.create(
            record=locked,
            kind=SkillEventKind.SELF_ASSESSED,
            level=locked.self_level,
            evidence=_event_evidence(locked),
            actor=actor,
        )
        record_audit(actor, "skill_record.updated", locked, fields=changed)
    if "evidence_file" in changed:
        _delete_on_commit(old_file)
    return locked


@transaction.atomic
def remove_skill(*, actor: User, record: SkillRecord) -> None:
    """Take a skill out of the trainee's own profile, with its history and evidence.

    Refused once the lab has validated it (judged on the locked row): removing it
    would silently take a validated level away. The file goes after the commit."""
    locked = lock_record(record)
    if not access.can_edit_skill(actor, locked):
        raise PermissionDenied
    if not access.can_remove_skill(actor, locked):
        raise ValidationError(
            _(
                "The lab has validated %(skill)s, so it stays in your profile. Ask the lab "
                "lead if it should be removed."
            )
            % {"skill": locked.skill},
            code="validated",
        )
    record_audit(actor, "skill_record.removed", locked, skill=locked.skill_id)
    old_file = locked.evidence_file if locked.evidence_file else None
    locked.delete()
    _delete_on_commit(old_file)


@transaction.atomic
def validate_skill(
    *,
    actor: User,
    record: SkillRecord,
    seen: str,
    level: int,
    method: str,
    evidence: str,
) -> SkillRecord:
    """The lab's assessment of a trainee's skill: level, method and evidence, with
    who and when; returns the saved record.

    The lab only (judged on the locked row). Leaves the trainee's self-assessment as
    it is and writes a SkillEvent(validated). A record changed since the form was
    built (`seen`, e.g. the trainee added evidence) is refused as a conflict, so the
    lead judges what is there now. Validating again replaces the current validation;
    the earlier one stays in the history."""
    locked = lock_record(record)
    if not access.can_validate_skill(actor, locked):
        raise PermissionDenied
    _claim(locked, seen)
    _check_level(level, "validated_level")
    errors: dict[str, str] = {}
    if method not in ValidationMethod.values:
        errors["validation_method"] = _("Choose how you assessed the skill.")
    if not evidence.strip():
        errors["validation_evidence"] = _(
            "Write what you based the assessment on, for example the task or the prototype."
        )
    if errors:
        raise ValidationError(errors, code="required")
    locked.validated_level = level
    locked.validation_method = method
    locked.validation_evidence = evidence
    locked.validated_by = actor
    locked.validated_at = timezone.now()
    fields = [
        "validated_level",
        "validation_method",
        "validation_evidence",
        "validated_by",
        "validated_at",
        "updated_at",
    ]
    locked.save(update_fields=fields)
    SkillEvent.objects.create(
        record=locked,
        kind=SkillEventKind.VALIDATED,
        level=level,
        method=method,
        evidence=evidence,
        actor=actor,
        created_at=locked.validated_at,
    )
    record_audit(actor, "skill_record.validated", locked, level=level, method=method)
    return locked


@transaction.atomic
def record_evidence_download(*, actor: User, record: SkillRecord) -> None:
    """Write who fetched which evidence file: it may hold personal data. The caller
    fetched `record` through `trainees.access.get_skill_record_for_user`."""
    record_audit(actor, "skill_record.evidence_downloaded", record, name=record.evidence_file.name)


def validated_skills(trainee: User) -> QuerySet[SkillRecord]:
    """The trainee's validated skills with how, by whom and when, by skill name: what
    planning matches on and what the end-of-programme summary lists. Reads only; the
    caller has checked that the user may see this trainee's competence."""
    return (
        SkillRecord.objects.filter(trainee=trainee, validated_level__isnull=False)
        .select_related("skill", "validated_by")
        .order_by("skill__name_sv", "pk")
    )


def skill_history(record: SkillRecord) -> QuerySet[SkillEvent]:
    """What happened to a skill record, newest first, with who did it."""
    return record.events.select_related("actor").order_by("-created_at", "-pk")


def competence_profile(trainee: User) -> QuerySet[SkillRecord]:
    """Every skill in the trainee's profile, by skill name, with what a page shows."""
    return (
        SkillRecord.objects.filter(trainee=trainee)
        .select_related("skill", "validated_by")
        .order_by("skill__name_sv", "pk")
    )
