"""Coaching milestones and their types."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from labportal.core.models import TimeStampedModel


class MilestoneType(TimeStampedModel):
    """A kind of coaching milestone (CV reviewed, interview training ...); the six
    common ones are seeded and the lab adds its own."""

    name_sv = models.CharField(_("name in Swedish"), max_length=100, unique=True)
    name_en = models.CharField(_("name in English"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "name_sv"]
        verbose_name = _("milestone type")
        verbose_name_plural = _("milestone types")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "sv").startswith("en") else self.name_sv


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", _("To do")
    DONE = "done", _("Done")
    SKIPPED = "skipped", _("Not needed")


class Milestone(TimeStampedModel):
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    type = models.ForeignKey(
        MilestoneType, verbose_name=_("milestone"), on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MilestoneStatus.choices,
        default=MilestoneStatus.PLANNED,
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["trainee", "due_on", "type__position"]
        constraints = [
            models.UniqueConstraint(fields=["trainee", "type"], name="one_milestone_per_type"),
            models.CheckConstraint(
                condition=~Q(status=MilestoneStatus.DONE) | Q(done_at__isnull=False),
                name="done_milestone_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="milestone_due_idx")]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return f"{self.trainee}: {self.type}"

    @property
    def is_done(self) -> bool:
        return self.status == MilestoneStatus.DONE

    @property
    def is_open(self) -> bool:
        return self.status == MilestoneStatus.PLANNED

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < timezone.localdate()
