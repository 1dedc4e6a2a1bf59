"""Shared building blocks: timestamps, the skills vocabulary, the email outbox,
the audit log and the worker heartbeat."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


# Skills vocabulary ---------------------------------------------------------
class SkillCategory(models.TextChoices):
    PROGRAMMING = "programming", _("Programming")
    WEB = "web", _("Web and apps")
    DATA = "data", _("Data and analysis")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure and operations")
    DESIGN = "design", _("Design and user experience")
    METHOD = "method", _("Methods and ways of working")
    SECURITY = "security", _("Security and privacy")


class SkillQuerySet(models.QuerySet):
    def active(self) -> SkillQuerySet:
        return self.filter(is_active=True)

    def visible_to(self, user: Any) -> SkillQuerySet:
        # The vocabulary is shared by everyone who is signed in; only admins see retired skills.
        if not user.is_authenticated:
            return self.none()
        if getattr(user, "is_admin", False):
            return self.all()
        return self.active()


class Skill(TimeStampedModel):
    name_sv = models.CharField(_("name in Swedish"), max_length=100, unique=True)
    name_en = models.CharField(_("name in English"), max_length=100, unique=True)
    category = models.CharField(
        _("category"), max_length=20, choices=SkillCategory.choices, db_index=True
    )
    esco_uri = models.URLField(
        _("ESCO URI"),
        blank=True,
        help_text=_("Optional link to the skill in the European ESCO classification."),
    )
    is_active = models.BooleanField(
        _("in use"),
        default=True,
        help_text=_("Retired skills stay on old ideas and profiles but cannot be chosen anew."),
    )

    objects = SkillQuerySet.as_manager()

    class Meta:
        ordering = ["category", "name_sv"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("core:skill_update", args=[self.pk])

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "sv").startswith("en") else self.name_sv


# Email outbox --------------------------------------------------------------
class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboxEmail(models.Model):
    """An email to send, written in the same transaction as the event it tells of.

    `key` names the event (e.g. ``invitation:42``); it is unique, so queueing the
    same event twice yields one row and one email.

    A sign-in link is never part of the stored body: the body holds a placeholder
    and the link waits in `secret_values`, which the sender substitutes at send
    time and empties in the same UPDATE that marks the row sent. `claimed_at` is
    when a worker took the row for sending (its lease); `next_attempt_at` is when
    a temporarily failed email may be tried again.
    """

    key = models.CharField(_("event key"), max_length=200, unique=True)
    to = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    secret_values = models.JSONField(default=dict, blank=True, editable=False)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=OutboxStatus.choices,
        default=OutboxStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    purged_at = models.DateTimeField(_("content removed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")

    def __str__(self) -> str:
        return f"{self.key} → {self.to}"

    @property
    def can_be_sent_again(self) -> bool:
        """A failed email whose content is still kept (not yet purged)."""
        return self.status == OutboxStatus.FAILED and self.purged_at is None


# Audit log -----------------------------------------------------------------
# The audit list offers the actions and object types in the log: at most this many.
MAX_DISTINCT_VALUES = 500
# Columns that lead an index of the audit log (see AuditEntry.Meta.indexes).
DISTINCT_COLUMNS = frozenset({"action", "object_type"})


class AuditEntryQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> AuditEntryQuerySet:
        # The audit log names people and what they did: administrators only.
        if getattr(user, "is_admin", False) and user.is_active:
            return self.all()
        return self.none()

    def action_names(self) -> list[str]:
        """Every distinct action name in the log (see `distinct_values`)."""
        return self.distinct_values("action")

    def object_types(self) -> list[str]:
        """Every distinct object type in the log (see `distinct_values`)."""
        return self.distinct_values("object_type")

    def distinct_values(self, column: str) -> list[str]:
        """The distinct values of an indexed column over the whole log (not only this
        queryset's rows), sorted; none when this queryset is empty by rule
        (``visible_to`` a non-admin).

        Read as a loose index scan: one probe of the index the column leads per value,
        so the cost grows with the number of values, not with the size of the log (a
        plain SELECT DISTINCT reads the whole index)."""
        if column not in DISTINCT_COLUMNS:
            raise ValueError(f"{column} does not lead an index of the audit log")
        if self.query.is_empty():
            return []
        table = connection.ops.quote_name(self.model._meta.db_table)
        col = connection.ops.quote_name(column)
        sql = f"""
            WITH RECURSIVE found(value, depth) AS (
                (SELECT {col}, 1 FROM {table} ORDER BY {col} LIMIT 1)
                UNION ALL
                SELECT (SELECT e.{col} FROM {table} e
                        WHERE e.{col} > found.value ORDER BY e.{col} LIMIT 1),
                       found.depth + 1
                FROM found WHERE found.value IS NOT NULL AND found.depth < %s
            )
            SELECT value FROM found WHERE value IS NOT NULL
        """  # noqa: S608 (table and column are ours, quoted; no user input)
        with connection.cursor() as cursor:
            cursor.execute(sql, [MAX_DISTINCT_VALUES])
            return [row[0] for row in cursor.fetchall()]


class AuditEntry(models.Model):
    """Who did what to which object, and when; written by services, never edited.

    Append-only in the database: a trigger refuses UPDATE and DELETE (migration 0007).
    So a user who acted is never deleted (PROTECT): people are anonymised instead, and
    their entries then show them as the anonymised user displays."""

    # The object of entries about a person (sign-ins, role changes, viewed profiles).
    PERSON_OBJECT_TYPE = "accounts.user"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # led by audit_actor_time_idx
    )
    action = models.CharField(_("action"), max_length=100)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        # The audit list filters by actor, action or object and always sorts newest first.
        indexes = [
            models.Index(
                fields=["object_type", "object_id", "-created_at"], name="audit_object_time_idx"
            ),
            models.Index(fields=["actor", "-created_at"], name="audit_actor_time_idx"),
            models.Index(fields=["action", "-created_at"], name="audit_action_time_idx"),
            # The action filter matches the start of the name (LIKE 'user.%').
            models.Index(
                fields=["action"], opclasses=["varchar_pattern_ops"], name="audit_action_prefix_idx"
            ),
        ]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"

    @property
    def person_id(self) -> int | None:
        """The user this entry is about, when its object is a person."""
        if self.object_type == self.PERSON_OBJECT_TYPE and self.object_id.isdigit():
            return int(self.object_id)
        return None

    @property
    def details_text(self) -> str:
        """The details as "key: value" pairs, for the audit list."""
        if not isinstance(self.details, dict):
            return str(self.details)
        return "; ".join(f"{key}: {value}" for key, value in self.details.items())


# Worker heartbeat ------------------------------------------------------------
class WorkerHeartbeat(models.Model):
    """The last time a Celery worker ran the heartbeat task (scheduled by beat)."""

    name = models.CharField(max_length=50, unique=True, default="worker")
    beat_at = models.DateTimeField()

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.name} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"
