"""Weekly progress logs and the comments on them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from labportal.core.models import TimeStampedModel

# A week of work and education together; more is a typing error, not diligence.
MAX_WEEKLY_HOURS = Decimal(60)


class ProgressLog(TimeStampedModel):
    """A trainee's week: hours of practical work and of education, what was done,
    learned and blocking. One per trainee and week (named by its Monday)."""

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.CASCADE,
        related_name="progress_logs",
    )
    enrolment = models.ForeignKey(
        "cohorts.Enrolment",
        verbose_name=_("enrolment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="progress_logs",
    )
    week = models.DateField(_("week"), help_text=_("The Monday of the week."))
    hours_practical = models.DecimalField(
        _("hours of practical work"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_WEEKLY_HOURS)],
    )
    hours_education = models.DecimalField(
        _("hours of education"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(MAX_WEEKLY_HOURS)],
    )
    did = models.TextField(_("what I did"))
    learned = models.TextField(_("what I learned"), blank=True)
    blockers = models.TextField(_("what blocks me"), blank=True)
    prototypes_text = models.TextField(
        _("prototypes I worked on"),
        blank=True,
        help_text=_("Until planning assigns prototypes to you, name them here."),
    )
    prototypes = models.ManyToManyField(
        "prototypes.Idea", verbose_name=_("prototypes"), blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["trainee", "-week"]
        constraints = [
            models.UniqueConstraint(fields=["trainee", "week"], name="one_log_per_trainee_week"),
            models.CheckConstraint(
                condition=Q(
                    hours_practical__gte=0,
                    hours_education__gte=0,
                    hours_practical__lte=MAX_WEEKLY_HOURS - F("hours_education"),
                ),
                name="log_hours_0_to_60",
            ),
            models.CheckConstraint(condition=Q(week__iso_week_day=1), name="log_week_is_monday"),
        ]
        indexes = [
            # With the hours, so that sums over a trainee's weeks (the cohort progress
            # page's, per trainee) read the index alone.
            models.Index(
                fields=["trainee", "-week"],
                include=["hours_practical", "hours_education"],
                name="log_trainee_week_hours_idx",
            ),
            models.Index(fields=["week"], name="log_week_idx"),
        ]
        verbose_name = _("progress log")
        verbose_name_plural = _("progress logs")

    def __str__(self) -> str:
        return f"{self.trainee}, {self.week:%G-W%V}"

    def get_absolute_url(self) -> str:
        return reverse("trainees:log_detail", args=[self.pk])

    @property
    def total_hours(self) -> Decimal:
        return (self.hours_practical or Decimal(0)) + (self.hours_education or Decimal(0))

    @property
    def education_percent(self) -> int | None:
        """The week's share of education, rounded; None for a week without hours."""
        total = self.total_hours
        if not total:
            return None
        return round(self.hours_education * 100 / total)

    @property
    def has_blockers(self) -> bool:
        return bool(self.blockers.strip())


class LogComment(models.Model):
    """A supervisor's or the lab's comment on a week; the trainee is told by email."""

    log = models.ForeignKey(
        ProgressLog, verbose_name=_("log"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment on a log")
        verbose_name_plural = _("comments on logs")

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"
