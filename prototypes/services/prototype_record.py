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
    the locked idea). An idea has one record: a new one for an idea that got its
    record meanwhile (two leads saving the first one at once; the idea's lock makes
    the second wait) updates that record, as a second edit would."""
    idea = lock_idea(record.idea)
    if not can_keep_prototype_record(actor, idea):
        raise PermissionDenied
    if record.pk is None:
        existing = PrototypeRecord.objects.filter(idea=idea).first()
        if existing is not None:
            record.pk, record.created_at = existing.pk, existing.created_at
            record._state.adding = False
    created = record.pk is None
    record.full_clean()
    record.save()
    record_audit(actor, "prototype.created" if created else "prototype.updated", idea)
    return record
