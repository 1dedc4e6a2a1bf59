"""Placement: trainees near the end of their enrolment, the partners' open roles that
fit them, and sending a trainee's summary to an employer's contact.

- ENDING SOON on `today`: an enrolment not left early, of an active trainee, ending from
  `today` up to WINDOW_MONTHS months later. A role is OPEN for matching while its status
  is open and it closes today or later.
- A trainee's SCORE for a role is the planning board's `cohorts.matching.skill_score`
  over the role's required skills, counting only VALIDATED levels that meet the skill's
  minimum (a self-assessed level never counts). A skill not validated, or below its
  minimum, is MISSING. Ranked by score, fewer missing, soonest closing; a role that
  requires no skill comes last. The page reads a fixed number of queries.
- Sharing is refused without the trainee's consent recorded (how, and a day not in the
  future), to an inactive contact or one not of an active partner, and for a role of
  another organisation or not open. It writes the share and an audit row and queues ONE
  email (outbox key `summary-share:<pk>`) with a signed link that downloads the summary
  without an account for SUMMARY_SHARE_DAYS days (`cohorts.services.placement_links`);
  the stored email holds a placeholder, never the link.
"""

from __future__ import annotations

import datetime
import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from cohorts import access, matching
from cohorts.models import (
    ConsentMethod,
    EmployerContact,
    Enrolment,
    OpenRole,
    RoleSkill,
    RoleStatus,
    SummaryShare,
)
from cohorts.services.placement_links import share_url
from labportal.accounts.models import User
from labportal.core.services import queue_email, record_audit
from trainees.models import SkillRecord
from trainees.services.outcomes import add_months
from trainees.services.summary import summary_language

WINDOW_MONTHS = 2
NOTE_LIMIT = 2000


def window_end(today: datetime.date) -> datetime.date:
    return add_months(today, WINDOW_MONTHS)


def ending_soon(today: datetime.date) -> QuerySet[Enrolment]:
    """Enrolments not left early, of active trainees, ending from `today` up to
    WINDOW_MONTHS months later; the soonest end first."""
    return Enrolment.objects.filter(
        left_early=False,
        trainee__is_active=True,
        ends_on__gte=today,
        ends_on__lte=window_end(today),
    ).order_by("ends_on", "trainee__full_name", "pk")


# Matching roles to a trainee: plain data ------------------------------------------------------
@dataclass(frozen=True)
class RoleNeed(matching.Need):
    """A skill a role requires; `min_level` None: any validated level."""

    min_level: int | None = None

    @property
    def required_level(self) -> int:
        return self.min_level or 1


@dataclass(frozen=True)
class RoleInfo:
    pk: int
    title: str
    organisation: str
    region: str
    closes_on: datetime.date
    needs: tuple[RoleNeed, ...]


@dataclass(frozen=True)
class Shortfall:
    """A required skill the trainee does not meet: `level` is their validated level when
    it is below the minimum, None when the skill is not validated at all."""

    need: RoleNeed
    level: int | None

    @property
    def is_below_minimum(self) -> bool:
        return self.level is not None


@dataclass(frozen=True)
class RoleMatch:
    role: RoleInfo
    score: float
    met: tuple[RoleNeed, ...]
    missing: tuple[Shortfall, ...]

    @property
    def percent(self) -> int:
        return round(self.score * 100)

    @property
    def has_needs(self) -> bool:
        return bool(self.role.needs)

    @property
    def is_complete(self) -> bool:
        return self.has_needs and not self.missing


def match_role(levels: Mapping[int, int], role: RoleInfo) -> RoleMatch:
    """How a trainee's validated `levels` ({skill pk: level}) cover `role` (see the module)."""
    meeting = {
        n.skill_id: levels[n.skill_id]
        for n in role.needs
        if levels.get(n.skill_id, 0) >= n.required_level
    }
    return RoleMatch(
        role=role,
        score=matching.skill_score(meeting, role.needs),
        met=tuple(n for n in role.needs if n.skill_id in meeting),
        missing=tuple(
            Shortfall(n, levels.get(n.skill_id)) for n in role.needs if n.skill_id not in meeting
        ),
    )


def rank_roles(levels: Mapping[int, int], roles: Iterable[RoleInfo]) -> list[RoleMatch]:
    """The roles best covered first (see the module)."""
    ranked = [match_role(levels, role) for role in roles]
    ranked.sort(
        key=lambda m: (
            not m.has_needs,
            -m.score,
            len(m.missing),
            m.role.closes_on,
            m.role.title,
            m.role.pk,
        )
    )
    return ranked


@dataclass(frozen=True)
class TraineeRoles:
    """A trainee ending soon with every open role ranked for them."""

    enrolment_id: int
    trainee_id: int
    name: str
    cohort: str
    ends_on: datetime.date
    days_left: int
    roles: tuple[RoleMatch, ...]
    shares: int

    @property
    def best(self) -> RoleMatch | None:
        return self.roles[0] if self.roles and self.roles[0].has_needs else None

    @property
    def best_percent(self) -> int:
        return self.best.percent if self.best else 0


# Reading: a fixed number of queries ------------------------------------------------------------
def open_roles(today: datetime.date) -> list[RoleInfo]:
    """The roles open for matching, with their required skills (two queries)."""
    roles = (
        OpenRole.objects.filter(
            status=RoleStatus.OPEN,
            closes_on__gte=today,
            organisation__in=access.partner_organisations().values("pk"),
        )
        .select_related("organisation")
        .prefetch_related(
            Prefetch("requirements", queryset=RoleSkill.objects.select_related("skill"))
        )
        .order_by("closes_on", "title", "pk")
    )
    return [
        RoleInfo(
            pk=role.pk,
            title=role.title,
            organisation=role.organisation.name,
            region=role.region,
            closes_on=role.closes_on,
            needs=tuple(
                sorted(
                    (
                        RoleNeed(r.skill_id, r.skill.name, r.min_level)
                        for r in role.requirements.all()
                    ),
                    key=lambda n: n.name.casefold(),
                )
            ),
        )
        for role in roles
    ]


def validated_levels(
    trainee_ids: Sequence[int], skill_ids: Iterable[int]
) -> dict[int, dict[int, int]]:
    """{trainee pk: {skill pk: validated level}} in one query; self-assessed levels are
    left out."""
    levels: dict[int, dict[int, int]] = defaultdict(dict)
    skill_ids = list(set(skill_ids))
    if not trainee_ids or not skill_ids:
        return levels
    records = SkillRecord.objects.filter(
        trainee_id__in=trainee_ids, skill_id__in=skill_ids, validated_level__isnull=False
    ).values_list("trainee_id", "skill_id", "validated_level")
    for trainee_id, skill_id, level in records:
        if level is not None:
            levels[trainee_id][skill_id] = level
    return levels


SORTS = ("ends", "name", "match")


def placement_board(today: datetime.date, sort: str = "ends") -> list[TraineeRoles]:
    """Every trainee ending soon with the open roles ranked for them, sorted by the
    soonest end ("ends"), name ("name") or best match ("match"); five queries."""
    rows = list(
        ending_soon(today).values_list(
            "pk", "trainee_id", "trainee__full_name", "trainee__email", "cohort__name", "ends_on"
        )
    )
    roles = open_roles(today)
    levels = validated_levels(
        [row[1] for row in rows], (n.skill_id for role in roles for n in role.needs)
    )
    shares = dict(
        SummaryShare.objects.filter(enrolment_id__in=[row[0] for row in rows])
        .values_list("enrolment_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    board = [
        TraineeRoles(
            enrolment_id=pk,
            trainee_id=trainee_id,
            name=name or email,
            cohort=cohort,
            ends_on=ends_on,
            days_left=(ends_on - today).days,
            roles=tuple(rank_roles(levels.get(trainee_id, {}), roles)),
            shares=shares.get(pk, 0),
        )
        for pk, trainee_id, name, email, cohort, ends_on in rows
    ]
    if sort == "name":
        board.sort(key=lambda t: (t.name.casefold(), t.enrolment_id))
    elif sort == "match":
        board.sort(key=lambda t: (-t.best_percent, t.ends_on, t.name.casefold(), t.enrolment_id))
    return board


def ranked_roles_for(enrolment: Enrolment, today: datetime.date) -> list[RoleMatch]:
    """The open roles ranked for one trainee (the share page)."""
    roles = open_roles(today)
    levels = validated_levels(
        [enrolment.trainee_id], (n.skill_id for role in roles for n in role.needs)
    )
    return rank_roles(levels.get(enrolment.trainee_id, {}), roles)


# Sharing ----------------------------------------------------------------------------------------
def _consent_errors(method: str, given_on: datetime.date | None) -> dict[str, str]:
    errors = {}
    if method not in ConsentMethod.values:
        errors["consent_method"] = gettext("Record how the trainee gave their consent.")
    if given_on is None:
        errors["consent_given_on"] = gettext("Record the day the trainee gave their consent.")
    elif given_on > timezone.localdate():
        errors["consent_given_on"] = gettext(
            "The consent must already be given: choose today or an earlier day."
        )
    return errors


def _recipient(contact: EmployerContact) -> EmployerContact:
    """The contact's row, locked, if it may receive a summary now; else a refusal."""
    locked = (
        EmployerContact.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=contact.pk)
    )
    if not access.shareable_contacts().filter(pk=locked.pk).exists():
        if not locked.is_active:
            message = gettext("%(name)s is no longer an active contact.")
        else:
            message = gettext("%(name)s is not a contact of an active partner organisation.")
        raise ValidationError(
            {"contact": ValidationError(message % {"name": locked.name}, code="not_shareable")}
        )
    return locked


def _check_role(role: OpenRole | None, contact: EmployerContact) -> None:
    if role is None:
        return
    if role.organisation_id != contact.organisation_id:
        message = gettext("The role is at another organisation than %(organisation)s.") % {
            "organisation": contact.organisation
        }
    elif OpenRole.objects.filter(pk=role.pk, status=RoleStatus.OPEN).exists():
        return
    else:
        message = gettext("The role is no longer open.")
    raise ValidationError({"role": ValidationError(message, code="role")})


@transaction.atomic
def share_summary(
    *,
    actor: User,
    enrolment: Enrolment,
    contact: EmployerContact,
    role: OpenRole | None,
    consent_method: str,
    consent_given_on: datetime.date | None,
    note: str = "",
    language: str | None = None,
) -> SummaryShare:
    """Send the trainee's summary to `contact` (see the module for what is refused):
    write the share with the consent and its audit row, and queue one email with the
    download link, in `language` (default: the trainee's), which is also the summary's."""
    if not access.can_share_summary(actor):
        raise PermissionDenied
    errors = _consent_errors(consent_method, consent_given_on)
    note = note.strip()
    if len(note) > NOTE_LIMIT:
        errors["consent_note"] = gettext("This is too long: at most %(limit)s characters.") % {
            "limit": NOTE_LIMIT
        }
    if errors or consent_given_on is None:
        raise ValidationError(errors, code="consent")
    locked = _recipient(contact)
    _check_role(role, locked)
    trainee = User.objects.get(pk=enrolment.trainee_id)
    if not trainee.is_active:
        raise ValidationError(gettext("The trainee's account is closed."), code="inactive")
    now = timezone.now()
    share = SummaryShare.objects.create(
        trainee=trainee,
        enrolment=enrolment,
        contact=locked,
        role=role,
        language=summary_language(trainee, language),
        consent_method=consent_method,
        consent_given_on=consent_given_on,
        consent_note=note,
        shared_by=actor,
        token=secrets.token_urlsafe(32),
        expires_at=now + datetime.timedelta(days=settings.SUMMARY_SHARE_DAYS),
    )
    record_audit(
        actor,
        "summary_share.created",
        share,
        trainee=trainee.pk,
        contact=locked.pk,
        role=role.pk if role else None,
        consent_method=consent_method,
        consent_given_on=str(consent_given_on),
    )
    queue_email(
        key=f"summary-share:{share.pk}",
        to=locked.email,
        template="summary_share",
        context={
            "contact_name": locked.name,
            "trainee_name": trainee.display_name,
            "sender": actor.display_name,
            "organisation": enrolment.cohort.organisation.name,
            "role_title": role.title if role else "",
            "expires": date_format(timezone.localtime(share.expires_at), "j F Y"),
        },
        language=share.language,
        secrets={"link": share_url(share)},
    )
    return share
