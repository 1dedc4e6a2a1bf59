"""The record of what is built from an accepted idea, for the next cohort."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from labportal.accounts.models import User
from labportal.core.services import record_audit
from prototypes.access import can_keep_prototype_record
from prototypes.models import PrototypeRecord
from prototypes.services.concurrency import lock_idea


@transaction.atomic
def save_prototype_record(*, actor: User, record: PrototypeRecord) -> PrototypeRecord:
    """Create or update the record, by the lab, of an idea accepted now (judged on
    the locked idea)."""
    idea = lock_idea(record.idea)
    if not can_keep_prototype_record(actor, idea):
        raise PermissionDenied
    created = record.pk is None
    record.full_clean()
    record.save()
    record_audit(actor, "prototype.created" if created else "prototype.updated", idea)
    return record
