"""Writes to ideas: drafting, submitting, triage, the question thread, the prototype
record and the evaluation. Every write is atomic, audited, and tells the people it
concerns by email through the outbox (one email per event and recipient)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from labportal.accounts.models import Role, User
from labportal.core.services import queue_email, record_audit
from prototypes import workflow
from prototypes.attachments import content_type_for, validate_attachment
from prototypes.models import (
    EDITABLE_BY_DEPARTMENT,
    Evaluation,
    Idea,
    IdeaAttachment,
    IdeaComment,
    IdeaEvent,
    IdeaStatus,
    PrototypeRecord,
)

# What the department writes; the lab's triage fields are saved separately.
CONTENT_FIELDS = (
    "title",
    "problem",
    "affected_users",
    "affected_description",
    "improvement",
    "benefit_kind",
    "benefit_size",
    "benefit_description",
    "urgency",
    "contact_person",
    "data_access",
    "success_measure",
    "result_users",
)
# A submitted idea must answer these; a draft may leave them empty.
REQUIRED_TO_SUBMIT = (
    "title",
    "problem",
    "affected_users",
    "improvement",
    "benefit_kind",
    "benefit_size",
)
MAX_ATTACHMENTS = 10


def lab_leads() -> Iterable[User]:
    return User.objects.filter(role=Role.LAB_LEAD, is_active=True).order_by("pk")


# Permissions ---------------------------------------------------------------------
def can_edit_content(user: Any, idea: Idea) -> bool:
    party = workflow.party_of(user, idea)
    if party == workflow.LAB:
        # A draft is its author's alone; the lab edits only what was sent to it.
        return idea.submitted_at is not None and idea.status != IdeaStatus.ARCHIVED
    return party == workflow.DEPARTMENT and idea.status in EDITABLE_BY_DEPARTMENT


def can_triage(user: Any, idea: Idea) -> bool:
    return workflow.party_of(user, idea) == workflow.LAB and idea.status != IdeaStatus.DRAFT


def can_comment(user: Any, idea: Idea) -> bool:
    return workflow.party_of(user, idea) is not None and idea.status not in (
        IdeaStatus.DRAFT,
        IdeaStatus.ARCHIVED,
    )


def can_ask_for_information(user: Any, idea: Idea) -> bool:
    """May `user` put a question to the department that waits for its answer?"""
    return workflow.party_of(user, idea) == workflow.LAB and idea.status == IdeaStatus.SUBMITTED


def can_evaluate(user: Any, idea: Idea) -> bool:
    return workflow.party_of(user, idea) == workflow.DEPARTMENT and idea.status == (
        IdeaStatus.DELIVERED
    )


def can_create_idea(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.role == Role.DEPARTMENT_STAFF
        and user.department_id
    )


# Drafting and submitting ------------------------------------------------------------
def _conflict() -> ValidationError:
    return ValidationError(
        _(
            "Someone else changed this idea while you were editing it. Your text is still "
            "in the form: open the idea in a new tab to see their changes, then save again."
        ),
        code="conflict",
    )


def _claim_version(idea: Idea, expected_version: int) -> None:
    """Raise the version if it is still the one the editor saw; refuse otherwise.

    The conditional update locks the row, so of two concurrent saves based on the
    same version exactly one wins and the other is told, instead of overwriting."""
    claimed = Idea.objects.filter(pk=idea.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not claimed:
        raise _conflict()
    idea.version = expected_version + 1


def _check_attachments(idea: Idea, files: list[UploadedFile]) -> None:
    """Refuse the whole upload before anything is written, if any file is refused."""
    existing = idea.attachments.count() if idea.pk else 0
    if existing + len(files) > MAX_ATTACHMENTS:
        raise ValidationError(
            {
                "attachments": _("An idea can have at most %(count)s attachments.")
                % {"count": MAX_ATTACHMENTS}
            }
        )
    messages: list[str] = []
    for upload in files:
        try:
            validate_attachment(upload)
        except ValidationError as error:
            messages.extend(error.messages)
    if messages:
        raise ValidationError({"attachments": messages})


@contextmanager
def _attachments_stored(actor: User, idea: Idea, files: list[UploadedFile]) -> Iterator[None]:
    """Store checked files for the idea; if the rest of the write fails, the database
    rolls back their rows and this removes the files, so no orphan stays on disk."""
    stored: list[IdeaAttachment] = []
    try:
        for upload in files:
            stored.append(
                IdeaAttachment.objects.create(
                    idea=idea,
                    file=upload,
                    original_name=upload.name[:255],
                    content_type=content_type_for(upload.name),
                    size=upload.size,
                    uploaded_by=actor,
                )
            )
            record_audit(actor, "idea.attachment_added", idea, name=upload.name)
        yield
    except BaseException:
        for attachment in stored:
            attachment.file.storage.delete(attachment.file.name)
        raise


def missing_for_submission(idea: Idea) -> dict[str, str]:
    return {
        field: _("Fill this in before you submit the idea.")
        for field in REQUIRED_TO_SUBMIT
        if not str(getattr(idea, field) or "").strip()
    }


@transaction.atomic
def create_idea(
    *,
    actor: User,
    data: dict[str, Any],
    files: Iterable[UploadedFile] = (),
    submit: bool = False,
) -> Idea:
    """Save a new idea of the actor's department as a draft, and submit it if asked.

    A refused attachment or a missing required answer rolls everything back, so the
    form can be shown again with what the user wrote."""
    if not can_create_idea(actor):
        raise PermissionDenied
    idea = Idea(department_id=actor.department_id, submitted_by=actor)
    for field in CONTENT_FIELDS:
        if field in data:
            setattr(idea, field, data[field])
    if not idea.contact_person:
        idea.contact_person = actor.full_name or actor.email
    idea.full_clean(exclude=["search_vector"])
    files = list(files)
    _check_attachments(idea, files)
    if submit:
        _check_complete(idea)
    idea.save()
    record_audit(actor, "idea.created", idea)
    with _attachments_stored(actor, idea, files):
        if submit:
            _transition(actor, idea, IdeaStatus.SUBMITTED, note="")
    return idea


@transaction.atomic
def update_idea(
    *,
    actor: User,
    idea: Idea,
    data: dict[str, Any],
    expected_version: int,
    files: Iterable[UploadedFile] = (),
    submit: bool = False,
) -> Idea:
    """Save changes to what the department wrote; refuses an edit based on an
    outdated version (see `_claim_version`)."""
    if not can_edit_content(actor, idea):
        raise PermissionDenied
    _claim_version(idea, expected_version)
    changed = [
        field for field in CONTENT_FIELDS if field in data and getattr(idea, field) != data[field]
    ]
    for field in changed:
        setattr(idea, field, data[field])
    idea.full_clean(exclude=["search_vector"])
    files = list(files)
    _check_attachments(idea, files)
    submit = submit and idea.status == IdeaStatus.DRAFT
    if submit:
        _check_complete(idea)
    idea.save(update_fields=[*changed, "version", "updated_at"])
    record_audit(actor, "idea.updated", idea, fields=changed)
    with _attachments_stored(actor, idea, files):
        if submit:
            _transition(actor, idea, IdeaStatus.SUBMITTED, note="")
    return idea


def _check_complete(idea: Idea) -> None:
    missing = missing_for_submission(idea)
    if missing:
        raise ValidationError(missing)


@transaction.atomic
def delete_attachment(*, actor: User, attachment: IdeaAttachment) -> None:
    idea = attachment.idea
    if not can_edit_content(actor, idea):
        raise PermissionDenied
    name = attachment.original_name
    file = attachment.file
    attachment.delete()
    record_audit(actor, "idea.attachment_deleted", idea, name=name)
    # The file goes only once the database agrees it is gone.
    transaction.on_commit(lambda: file.storage.delete(file.name))


# Status changes --------------------------------------------------------------------
@transaction.atomic
def transition_idea(*, actor: User, idea: Idea, target: str, note: str = "") -> IdeaEvent:
    """Move the idea to `target` if the state machine allows it for this actor.

    Illegal moves are refused with a message that says why; a declined idea needs a
    reason, which the submitter sees. Submitting a draft checks it is complete."""
    if target == IdeaStatus.SUBMITTED and idea.status == IdeaStatus.DRAFT:
        locked = Idea.objects.select_for_update().get(pk=idea.pk)
        is_authors_current_draft = locked.status == idea.status and (
            workflow.party_of(actor, locked) == workflow.DEPARTMENT
        )
        if is_authors_current_draft and missing_for_submission(locked):
            raise ValidationError(
                _("The idea is not complete yet: edit it and answer the required questions.")
            )
        # Anything else (a stale copy, the wrong person) is refused by `_transition`.
    return _transition(actor, idea, target, note=note)


def _transition(
    actor: User, idea: Idea, target: str, *, note: str, notify: bool = True
) -> IdeaEvent:
    locked = Idea.objects.select_for_update().get(pk=idea.pk)
    party = workflow.party_of(actor, locked)
    if party is None:
        raise PermissionDenied
    if locked.status != idea.status:
        # Someone moved it since this user looked: their decision was about another state.
        raise ValidationError(
            _("The idea changed status to “%(status)s” meanwhile. Look at it again.")
            % {"status": locked.get_status_display()},
            code="stale",
        )
    transition = workflow.find_transition(locked.status, target, party)
    if transition is None:
        if workflow.is_known_transition(locked.status, target):
            raise PermissionDenied
        raise ValidationError(
            workflow.cannot_become(locked.status, target),
            code="illegal_transition",
        )
    note = note.strip()
    if transition.note_required and not note:
        message = (
            _("Give a reason: the department will see it.")
            if target == IdeaStatus.DECLINED
            else _("Write what the lab needs to know.")
        )
        raise ValidationError({"note": message})

    now = timezone.now()
    source = locked.status
    locked.status = target
    fields = ["status", "updated_at"]
    if target == IdeaStatus.SUBMITTED and locked.submitted_at is None:
        locked.submitted_at = now
        fields.append("submitted_at")
    if source == IdeaStatus.SUBMITTED and party == workflow.LAB and locked.triaged_at is None:
        locked.triaged_at = now
        fields.append("triaged_at")
    if target in (IdeaStatus.ACCEPTED, IdeaStatus.DECLINED):
        locked.decided_at = now
        fields.append("decided_at")
    if target == IdeaStatus.DECLINED:
        locked.decline_reason = note
        fields.append("decline_reason")
    if target == IdeaStatus.DELIVERED:
        locked.delivered_at = now
        fields.append("delivered_at")
    locked.save(update_fields=fields)
    for field in fields:
        setattr(idea, field, getattr(locked, field))

    event = IdeaEvent.objects.create(
        idea=locked, actor=actor, from_status=source, to_status=target, note=note
    )
    record_audit(actor, "idea.status_changed", locked, source=source, target=target)
    if notify:
        _notify_submitter_of_event(event)
    return event


def _notify_submitter_of_event(event: IdeaEvent) -> None:
    idea = event.idea
    submitter = idea.submitted_by
    is_receipt = event.from_status == IdeaStatus.DRAFT and event.to_status == IdeaStatus.SUBMITTED
    if event.actor_id == submitter.pk and not is_receipt:
        return  # nobody needs an email about what they just did themselves
    _email(submitter, f"idea-event:{event.pk}", "idea_status_changed", idea=idea, event=event)


def _email(person: User, event_key: str, template: str, **context: Any) -> None:
    """Queue one email about an event to an active person, in their language; the key
    (event and person) makes it the only one, however often the event is replayed."""
    if not person.is_active:
        return
    queue_email(
        key=f"{event_key}:{person.pk}",
        to=person.email,
        template=template,
        context={**context, "recipient": person},
        language=person.language,
    )


# The question thread ------------------------------------------------------------------
@transaction.atomic
def add_comment(
    *, actor: User, idea: Idea, body: str, ask_for_information: bool = False
) -> IdeaComment:
    """Add a message to the idea's thread.

    A question from the lab can put the idea on "needs information"; an answer from
    the department to such a question sends the idea back to the lab. The other side
    is told by email: the submitter of the lab's messages, the lab leads of the
    department's."""
    if not can_comment(actor, idea):
        raise PermissionDenied
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write a message.")})
    party = workflow.party_of(actor, idea)
    comment = IdeaComment.objects.create(
        idea=idea, author=actor, body=body, from_lab=party == workflow.LAB
    )
    record_audit(actor, "idea.commented", idea, comment=comment.pk)
    if party == workflow.LAB:
        if ask_for_information and can_ask_for_information(actor, idea):
            _transition(actor, idea, IdeaStatus.NEEDS_INFORMATION, note=body, notify=False)
        _email(
            idea.submitted_by,
            f"idea-comment:{comment.pk}",
            "idea_question",
            idea=idea,
            comment=comment,
        )
    else:
        if idea.status == IdeaStatus.NEEDS_INFORMATION:
            _transition(actor, idea, IdeaStatus.SUBMITTED, note=_("Answered the lab's question."))
        for lead in lab_leads():
            _email(lead, f"idea-comment:{comment.pk}", "idea_answer", idea=idea, comment=comment)
    return comment


# Triage, prototype and evaluation ---------------------------------------------------------
@transaction.atomic
def update_triage(
    *,
    actor: User,
    idea: Idea,
    expected_version: int,
    skills: Iterable[Any],
    size_weeks: int | None,
    ready_to_plan: bool,
) -> Idea:
    """The lab's assessment: skills needed, size in trainee weeks, ready to plan.
    Only an accepted idea can be ready to plan."""
    if not can_triage(actor, idea):
        raise PermissionDenied
    if ready_to_plan and not idea.is_accepted:
        raise ValidationError(
            {"ready_to_plan": _("Only an accepted idea can be marked as ready to plan.")}
        )
    _claim_version(idea, expected_version)
    idea.size_weeks = size_weeks
    idea.ready_to_plan = ready_to_plan
    idea.full_clean(exclude=["search_vector"])
    idea.save(update_fields=["size_weeks", "ready_to_plan", "version", "updated_at"])
    idea.skills.set(skills)
    record_audit(
        actor,
        "idea.triaged",
        idea,
        size_weeks=size_weeks,
        ready_to_plan=ready_to_plan,
        skills=sorted(skill.pk for skill in skills),
    )
    return idea


def can_keep_prototype_record(user: Any, idea: Idea) -> bool:
    return workflow.party_of(user, idea) == workflow.LAB and idea.is_accepted


@transaction.atomic
def save_prototype_record(*, actor: User, record: PrototypeRecord) -> PrototypeRecord:
    if not can_keep_prototype_record(actor, record.idea):
        raise PermissionDenied
    created = record.pk is None
    record.full_clean()
    record.save()
    record_audit(actor, "prototype.created" if created else "prototype.updated", record.idea)
    return record


@transaction.atomic
def record_evaluation(
    *, actor: User, idea: Idea, benefit_realised: int, adoption: str, comments: str = ""
) -> Evaluation:
    """The department's evaluation of a delivered prototype; the idea becomes evaluated."""
    locked = Idea.objects.select_for_update().get(pk=idea.pk)
    if not can_evaluate(actor, locked):
        if workflow.party_of(actor, locked) == workflow.DEPARTMENT:
            raise ValidationError(
                _("Only a delivered prototype that is not yet evaluated can be evaluated.")
            )
        raise PermissionDenied
    evaluation = Evaluation(
        idea=locked,
        evaluated_by=actor,
        benefit_realised=benefit_realised,
        adoption=adoption,
        comments=comments.strip(),
    )
    evaluation.full_clean()
    evaluation.save()
    record_audit(actor, "idea.evaluated", locked, benefit_realised=benefit_realised)
    locked.status = IdeaStatus.EVALUATED
    locked.save(update_fields=["status", "updated_at"])
    IdeaEvent.objects.create(
        idea=locked,
        actor=actor,
        from_status=IdeaStatus.DELIVERED,
        to_status=IdeaStatus.EVALUATED,
        note="",
    )
    idea.status = locked.status
    return evaluation
