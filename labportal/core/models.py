"""Shared building blocks: timestamps, the skills vocabulary, the email outbox,
the audit log and the worker heartbeat."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
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
class AuditEntryQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> AuditEntryQuerySet:
        # The audit log names people and what they did: administrators only.
        if getattr(user, "is_admin", False) and user.is_active:
            return self.all()
        return self.none()


class AuditEntry(models.Model):
    """Who did what to which object, and when; written by services, never edited."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"


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
