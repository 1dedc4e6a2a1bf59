"""A trainee's profile: background, languages and wishes in the trainee's own words,
and the lab's reference contact.

Every write is atomic, locks the profile's row, judges rights with `trainees.access`
on the locked row and writes an audit row."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from labportal.accounts.models import Role, User
from labportal.core.services import record_audit
from trainees import access
from trainees.models import TraineeProfile

# What the trainee writes; the reference contact and the version are not theirs.
PROFILE_FIELDS = ("background", "work_experience", "languages", "wants_to_work_with")


@transaction.atomic
def ensure_profile(*, actor: Any, trainee: User) -> TraineeProfile:
    """The trainee's profile, created empty on first access by someone who may see it.

    Idempotent: two first visits at once give one profile (the user is unique on the
    profile; `get_or_create` takes the row the other one made)."""
    if trainee.role != Role.TRAINEE or not access.can_see_journey(actor, trainee):
        raise PermissionDenied
    profile, created = TraineeProfile.objects.get_or_create(user=trainee)
    if created:
        record_audit(actor, "trainee_profile.created", profile)
    return profile


def lock_profile(profile: TraineeProfile) -> TraineeProfile:
    """The profile's current row, locked until the transaction ends; decide on this,
    never on the copy a page was built from."""
    return TraineeProfile.objects.select_for_update().select_related("user").get(pk=profile.pk)


def stale_profile_error() -> ValidationError:
    return ValidationError(
        _(
            "Your profile was changed in another window or tab while you were editing it. "
            "Your text is still in the form and what is saved now is shown below it: "
            "compare them, then save again to keep your text."
        ),
        code="conflict",
    )


@transaction.atomic
def update_profile(
    *, actor: User, profile: TraineeProfile, data: dict[str, Any], expected_version: int
) -> TraineeProfile:
    """Save the trainee's own words about themself; returns the saved profile.

    Only the trainee edits their profile (judged on the locked row). A save based on
    an outdated version (another tab saved in between) is refused as a conflict and
    writes nothing, so the caller can show the form again with the text kept. Every
    save raises the version by one."""
    locked = lock_profile(profile)
    if not access.can_edit_own_profile(actor, locked.user):
        raise PermissionDenied
    if locked.version != expected_version:
        raise stale_profile_error()
    changed = [
        field for field in PROFILE_FIELDS if field in data and getattr(locked, field) != data[field]
    ]
    for field in changed:
        setattr(locked, field, data[field])
    locked.full_clean(exclude=["user", "reference_contact"])
    locked.version += 1
    locked.save(update_fields=[*changed, "version", "updated_at"])
    record_audit(actor, "trainee_profile.updated", locked, fields=changed)
    return locked


@transaction.atomic
def set_reference_contact(
    *, actor: User, profile: TraineeProfile, contact: User | None
) -> TraineeProfile:
    """Name the person at the lab an employer may call (or nobody).

    The lab only, and only an active person of the lab (`access.reference_contacts`).
    The trainee's version is left alone: this field is not theirs, so naming a contact
    never makes the trainee's open edit a conflict."""
    locked = lock_profile(profile)
    if not access.can_set_reference_contact(actor) or not access.can_see_journey(
        actor, locked.user
    ):
        raise PermissionDenied
    if contact is not None and not access.reference_contacts().filter(pk=contact.pk).exists():
        raise ValidationError(
            {"reference_contact": _("Choose an active person at the lab.")}, code="invalid"
        )
    locked.reference_contact = contact
    locked.save(update_fields=["reference_contact", "updated_at"])
    record_audit(
        actor,
        "trainee_profile.reference_contact_set",
        locked,
        contact=contact.pk if contact else None,
    )
    return locked
