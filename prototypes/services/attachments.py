"""An idea's files: stored with the write that brings them, removed after the
database agrees, and every download written to the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from labportal.accounts.models import User
from labportal.core.services import record_audit
from prototypes.access import can_edit_content
from prototypes.attachments import content_type_for, validate_attachment
from prototypes.models import Idea, IdeaAttachment
from prototypes.services.concurrency import lock_idea

MAX_ATTACHMENTS = 10


def check_attachments(idea: Idea, files: list[UploadedFile]) -> None:
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
def attachments_stored(actor: User, idea: Idea, files: list[UploadedFile]) -> Iterator[None]:
    """Store checked files for the idea; if the rest of the write fails, the database
    rolls back their rows and this removes the files, so no orphan stays on disk."""
    stored: list[IdeaAttachment] = []
    try:
        for upload in files:
            name = upload.name or ""
            stored.append(
                IdeaAttachment.objects.create(
                    idea=idea,
                    file=upload,
                    original_name=name[:255],
                    content_type=content_type_for(name),
                    size=upload.size or 0,
                    uploaded_by=actor,
                )
            )
            record_audit(actor, "idea.attachment_added", idea, name=name)
        yield
    except BaseException:
        for attachment in stored:
            attachment.file.storage.delete(attachment.file.name)
        raise


@transaction.atomic
def delete_attachment(*, actor: User, attachment: IdeaAttachment) -> None:
    """Remove an attachment, by someone who may edit the idea now (judged on the
    locked row); the file goes only once the database agrees it is gone."""
    idea = lock_idea(attachment.idea)
    if not can_edit_content(actor, idea):
        raise PermissionDenied
    name = attachment.original_name
    file = attachment.file
    attachment.delete()
    record_audit(actor, "idea.attachment_deleted", idea, name=name)
    transaction.on_commit(lambda: file.storage.delete(file.name))


@transaction.atomic
def record_attachment_download(*, actor: User, attachment: IdeaAttachment) -> None:
    """Write who fetched which file: attachments may hold personal data. The caller
    fetched `attachment` through `prototypes.access.get_attachment_for_user`."""
    record_audit(
        actor,
        "idea.attachment_downloaded",
        attachment.idea,
        name=attachment.original_name,
        attachment=attachment.pk,
    )
