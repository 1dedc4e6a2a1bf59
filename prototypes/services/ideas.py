"""The department's idea: drafting, editing and submitting it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from labportal.accounts.models import User
from labportal.core.services import record_audit
from prototypes.access import can_create_idea, can_edit_content
from prototypes.models import CONTENT_FIELDS, Idea, IdeaStatus
from prototypes.services.attachments import attachments_stored, check_attachments
from prototypes.services.concurrency import claim_version, lock_idea
from prototypes.services.status import apply_transition


@transaction.atomic
def create_idea(
    *,
    actor: User,
    data: dict[str, Any],
    files: Iterable[UploadedFile] = (),
    submit: bool = False,
) -> Idea:
    """Save a new idea of the actor's department as a draft, and submit it if asked.

    Only what the department writes is taken from `data`. A refused attachment or a
    missing required answer (named per field) rolls everything back, files included,
    so the form can be shown again with what the user wrote."""
    if not can_create_idea(actor):
        raise PermissionDenied
    # `can_create_idea` made sure the actor belongs to a department.
    idea = Idea(department_id=cast(int, actor.department_id), submitted_by=actor)
    for field in CONTENT_FIELDS:
        if field in data:
            setattr(idea, field, data[field])
    if not idea.contact_person:
        idea.contact_person = actor.full_name or actor.email
    idea.full_clean(exclude=["search_vector"])
    files = list(files)
    check_attachments(idea, files)
    idea.save()
    record_audit(actor, "idea.created", idea)
    with attachments_stored(actor, idea, files):
        if submit:
            apply_transition(actor, idea, IdeaStatus.SUBMITTED, note="")
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
    """Save changes to what the department wrote, and submit a draft if asked;
    returns the saved idea.

    Rights and version are judged on the locked row: a department that may no
    longer edit (the lab accepted the idea) is refused outright, and an edit based
    on an outdated version, including one prepared before a status change, is
    refused as a conflict (see `claim_version`). A save that also submits raises
    the version once."""
    locked = lock_idea(idea)
    if not can_edit_content(actor, locked):
        raise PermissionDenied
    claim_version(locked, expected_version)
    changed = [
        field for field in CONTENT_FIELDS if field in data and getattr(locked, field) != data[field]
    ]
    for field in changed:
        setattr(locked, field, data[field])
    locked.full_clean(exclude=["search_vector"])
    files = list(files)
    check_attachments(locked, files)
    locked.save(update_fields=[*changed, "version", "updated_at"])
    record_audit(actor, "idea.updated", locked, fields=changed)
    with attachments_stored(actor, locked, files):
        if submit and locked.is_draft:
            apply_transition(actor, locked, IdeaStatus.SUBMITTED, note="", bump_version=False)
    return locked
