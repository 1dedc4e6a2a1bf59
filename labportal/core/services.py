"""Writes shared by every app: the audit trail, the worker heartbeat, skills.

The email outbox lives in `labportal.core.outbox`; `queue_email` and
`queue_rendered_email` stay importable from here, as the apps' services use them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone

from labportal.core.models import AuditEntry, WorkerHeartbeat
from labportal.core.outbox import queue_email as queue_email
from labportal.core.outbox import queue_rendered_email as queue_rendered_email


def record_audit(actor: Any, action: str, obj: models.Model, **details: Any) -> AuditEntry:
    """Append one row to the audit log; call inside the service's transaction."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        details=details,
    )


def record_heartbeat(name: str = "worker") -> WorkerHeartbeat:
    beat, _ = WorkerHeartbeat.objects.update_or_create(
        name=name, defaults={"beat_at": timezone.now()}
    )
    return beat


@transaction.atomic
def save_skill(*, actor: Any, skill: Any) -> Any:
    from labportal.accounts import access

    if not access.can_manage_skills(actor):
        raise PermissionDenied
    created = skill.pk is None
    skill.full_clean()
    skill.save()
    record_audit(actor, "skill.created" if created else "skill.updated", skill)
    return skill
