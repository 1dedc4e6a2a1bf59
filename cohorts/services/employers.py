"""Employer partners: the lab keeps partner organisations' contacts and open roles, and
moves a role's status (open → filled or closed, and back to open).

Invariants every write here keeps:

- The lab only (`cohorts.access.can_manage_employers`), asked before anything is read.
- Contacts and roles belong to an active partner organisation (`access.partner_organisations`);
  a role's contact is a contact of the same organisation, and a contact newly named on a
  role is active (one already named stays when it is deactivated later).
- One transaction per write, with its audit row; nothing is half-saved.
- An edit or a status move carries the version its page showed and is judged on the
  locked row: a page older than the row is refused (code "conflict"), the user's text
  stays in the form.
- Every status change goes through `cohorts.workflow.ROLE_MOVES`.
- A role's required skills are replaced as a whole with the role; only skills in use
  may be newly required (a retired one already required stays).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from cohorts import access, workflow
from cohorts.models import EmployerContact, OpenRole, RoleSkill, RoleStatus
from cohorts.services.cohorts import claim_version, field_error
from labportal.accounts.models import Organisation, User
from labportal.core.models import Skill
from labportal.core.services import record_audit
from trainees.models import CompetenceLevel

CONTACT_FIELDS = ("name", "title", "email", "phone", "notes", "is_active")
ROLE_FIELDS = ("title", "description", "region", "closes_on", "contact")
NOTE_LIMIT = 2000

# {skill pk: minimum validated level, or None for any validated level}
Requirements = Mapping[int, int | None]


def _require_lab(actor: User) -> None:
    if not access.can_manage_employers(actor):
        raise PermissionDenied


def role_status_label(status: str) -> str:
    return str(RoleStatus(status).label) if status in RoleStatus.values else status


def _partner(organisation: Organisation) -> Organisation:
    """The organisation's row, locked, if it is an active partner; else a refusal."""
    locked = access.partner_organisations().select_for_update().filter(pk=organisation.pk).first()
    if locked is None:
        raise ValidationError(
            gettext("%(name)s is not an active partner organisation.") % {"name": organisation},
            code="not_a_partner",
        )
    return locked


# Contacts ----------------------------------------------------------------------------------
def _duplicate_email(email: str) -> ValidationError:
    return field_error(
        "email",
        gettext("This organisation already has a contact with the address %(email)s.")
        % {"email": email},
        "duplicate",
    )


def _save_contact(contact: EmployerContact) -> None:
    contact.email = contact.email.strip().lower()
    contact.full_clean(exclude=["organisation"], validate_unique=False)
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError as error:  # the same address saved in another request meanwhile
        raise _duplicate_email(contact.email) from error


@transaction.atomic
def create_contact(
    *, actor: User, organisation: Organisation, data: dict[str, Any]
) -> EmployerContact:
    """Save a new contact of an active partner organisation. An address the organisation
    already has is refused on its field."""
    _require_lab(actor)
    partner = _partner(organisation)
    contact = EmployerContact(
        organisation=partner, **{field: data[field] for field in CONTACT_FIELDS if field in data}
    )
    _save_contact(contact)
    record_audit(actor, "employer_contact.created", contact, organisation=partner.pk)
    return contact


@transaction.atomic
def update_contact(
    *, actor: User, contact: EmployerContact, data: dict[str, Any], expected_version: int
) -> EmployerContact:
    """Change a contact (deactivating one means it receives no summary from now on)."""
    _require_lab(actor)
    locked = (
        EmployerContact.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=contact.pk)
    )
    claim_version(
        locked,
        expected_version,
        gettext(
            "Someone else changed this contact while you were editing it. Your changes are "
            "still in the form: open the partners' list in a new tab to see theirs, then "
            "save again."
        ),
    )
    changed = [f for f in CONTACT_FIELDS if f in data and getattr(locked, f) != data[f]]
    for field in CONTACT_FIELDS:
        if field in data:
            setattr(locked, field, data[field])
    _save_contact(locked)
    record_audit(actor, "employer_contact.updated", locked, fields=changed)
    return locked


# Roles -------------------------------------------------------------------------------------
def _check_contact(
    organisation: Organisation, contact: EmployerContact | None, current_id: int | None
) -> None:
    if contact is None:
        return
    if contact.organisation_id != organisation.pk:
        raise field_error(
            "contact",
            gettext("%(name)s is not a contact of %(organisation)s.")
            % {"name": contact.name, "organisation": organisation},
            "other_organisation",
        )
    if contact.pk != current_id and not contact.is_active:
        raise field_error(
            "contact",
            gettext("%(name)s is no longer an active contact.") % {"name": contact.name},
            "inactive_contact",
        )


def _check_closes_on(closes_on: datetime.date, current: datetime.date | None) -> None:
    if closes_on != current and closes_on < timezone.localdate():
        raise field_error(
            "closes_on", gettext("Choose a date from today on."), "closes_in_the_past"
        )


def _set_requirements(role: OpenRole, requirements: Requirements) -> list[int]:
    """Replace the role's required skills; returns the skill pks now required."""
    if any(
        level is not None and level not in CompetenceLevel.values for level in requirements.values()
    ):
        raise ValidationError(gettext("Choose a level from 1 to 4."), code="level")
    current = set(role.requirements.values_list("skill_id", flat=True))
    usable = set(
        Skill.objects.active().filter(pk__in=list(requirements)).values_list("pk", flat=True)
    ) | (current & set(requirements))
    chosen = sorted(pk for pk in requirements if pk in usable)
    RoleSkill.objects.filter(role=role).delete()
    RoleSkill.objects.bulk_create(
        RoleSkill(role=role, skill_id=pk, min_level=requirements[pk]) for pk in chosen
    )
    return chosen


@transaction.atomic
def create_role(
    *,
    actor: User,
    organisation: Organisation,
    data: dict[str, Any],
    requirements: Requirements,
) -> OpenRole:
    """Save a new open role of an active partner organisation with its required skills
    ({skill pk: minimum level or None}). Its contact must be an active contact of the
    same organisation; it may not close before today."""
    _require_lab(actor)
    partner = _partner(organisation)
    _check_contact(partner, data.get("contact"), None)
    _check_closes_on(data["closes_on"], None)
    role = OpenRole(
        organisation=partner,
        status=RoleStatus.OPEN,
        created_by=actor,
        **{field: data[field] for field in ROLE_FIELDS if field in data},
    )
    role.full_clean(exclude=["organisation", "contact", "created_by"])
    role.save()
    skills = _set_requirements(role, requirements)
    record_audit(actor, "open_role.created", role, organisation=partner.pk, skills=skills)
    return role


def _lock_role(role: OpenRole, expected_version: int) -> OpenRole:
    locked = (
        OpenRole.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=role.pk)
    )
    claim_version(
        locked,
        expected_version,
        gettext(
            "Someone else changed this role while you had the page open. Your changes are "
            "still in the form: open the partners' list in a new tab to see theirs, then "
            "try again."
        ),
    )
    return locked


@transaction.atomic
def update_role(
    *,
    actor: User,
    role: OpenRole,
    data: dict[str, Any],
    requirements: Requirements,
    expected_version: int,
) -> OpenRole:
    """Change a role and replace its required skills (any status: a filled role's text
    may be corrected). A newly named contact must be active and of the organisation; a
    changed closing date may not be in the past."""
    _require_lab(actor)
    locked = _lock_role(role, expected_version)
    _check_contact(locked.organisation, data.get("contact"), locked.contact_id)
    if "closes_on" in data:
        _check_closes_on(data["closes_on"], locked.closes_on)
    for field in ROLE_FIELDS:
        if field in data:
            setattr(locked, field, data[field])
    locked.full_clean(exclude=["organisation", "contact", "created_by"])
    locked.save()
    skills = _set_requirements(locked, requirements)
    record_audit(actor, "open_role.updated", locked, skills=skills)
    return locked


def role_moves(user: User, role: OpenRole) -> list[workflow.Move]:
    """The status buttons a role offers `user` now."""
    if not access.can_manage_employers(user):
        return []
    return workflow.moves_from(workflow.ROLE_MOVES, role.status)


@transaction.atomic
def move_role(
    *, actor: User, role: OpenRole, target: str, expected_version: int, note: str = ""
) -> OpenRole:
    """Move the role's status as `ROLE_MOVES` allows, judged on the locked row against
    the version the page showed; a move the table lacks is refused with a message."""
    _require_lab(actor)
    locked = _lock_role(role, expected_version)
    move = workflow.require(workflow.ROLE_MOVES, locked.status, target, role_status_label)
    note = workflow.check_note(move, note)
    if len(note) > NOTE_LIMIT:
        raise field_error(
            "note",
            gettext("This is too long: at most %(limit)s characters.") % {"limit": NOTE_LIMIT},
            "too_long",
        )
    locked.status = target
    locked.save(update_fields=["status", "version", "updated_at"])
    record_audit(actor, "open_role.moved", locked, source=move.source, target=target, note=note)
    return locked
