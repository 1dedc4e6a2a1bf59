"""Cohorts (omgångar), who is enrolled in them and where they rotate."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from labportal.accounts.models import Organisation
from labportal.core.db import DateRange, SameId
from labportal.core.models import TimeStampedModel


class CohortStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RECRUITING = "recruiting", _("Recruiting")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")


class Cohort(TimeStampedModel):
    name = models.CharField(_("name"), max_length=150, unique=True)
    # The organisation that runs the lab (its name is on the trainees' summaries).
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("host organisation"),
        on_delete=models.PROTECT,
        related_name="cohorts",
    )
    served_organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("organisations it serves"),
        blank=True,
        related_name="served_cohorts",
        help_text=_("Several organisations may share one cohort."),
    )
    starts_on = models.DateField(_("starts"), db_index=True)
    ends_on = models.DateField(_("ends"), db_index=True)
    capacity = models.PositiveSmallIntegerField(
        _("places"), default=12, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=CohortStatus.choices,
        default=CohortStatus.PLANNED,
        db_index=True,
    )
    lab_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lab lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_cohorts",
    )
    supervisors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisors"),
        blank=True,
        related_name="supervised_cohorts",
        help_text=_("They see and comment on the progress logs of this cohort's trainees."),
    )
    education_target_percent = models.PositiveSmallIntegerField(
        _("target share of education (%)"),
        default=20,
        validators=[MaxValueValidator(100)],
        help_text=_("Trainees' weeks below this share of education are marked."),
    )
    notes = models.TextField(_("notes"), blank=True)
    # What the public application page says about this cohort.
    application_intro = models.TextField(_("text for applicants"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="cohort_ends_after_start"
            )
        ]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cohorts:detail", args=[self.pk])

    def state_on(self, day: datetime.date | None = None) -> str:
        """Where the cohort's dates put it on `day` (the status is what the lead set)."""
        day = day or timezone.localdate()
        if day < self.starts_on:
            return "planned"
        if day > self.ends_on:
            return "finished"
        return "running"

    @property
    def is_recruiting(self) -> bool:
        return self.status == CohortStatus.RECRUITING

    @property
    def is_finished(self) -> bool:
        return self.status == CohortStatus.FINISHED


class Enrolment(TimeStampedModel):
    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="enrolments"
    )
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    # Usually the cohort's dates; a trainee who joins late, extends or leaves early has
    # their own. Always set, so that the database can refuse overlapping enrolments.
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    left_early = models.BooleanField(_("left early"), default=False)
    leave_reason = models.TextField(_("reason for leaving early"), blank=True)
    supervisors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisors"),
        blank=True,
        related_name="supervised_enrolments",
        help_text=_("Supervisors of this trainee only, besides the cohort's."),
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["cohort", "trainee__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "trainee"], name="enrolment_unique"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="enrolment_ends_after_start"
            ),
            # One person is never in two programmes at once, whoever enrols them.
            ExclusionConstraint(
                name="enrolment_no_overlap",
                expressions=[
                    (SameId("trainee_id"), RangeOperators.OVERLAPS),
                    (DateRange("starts_on", "ends_on"), RangeOperators.OVERLAPS),
                ],
            ),
        ]
        indexes = [models.Index(fields=["starts_on", "ends_on"], name="enrolment_period")]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")

    def __str__(self) -> str:
        return f"{self.trainee}, {self.cohort}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Unless told otherwise, a trainee follows the cohort's dates.
        if self.starts_on is None:
            self.starts_on = self.cohort.starts_on
        if self.ends_on is None:
            self.ends_on = self.cohort.ends_on
        super().save(*args, **kwargs)

    @property
    def start(self) -> datetime.date:
        return self.starts_on

    @property
    def end(self) -> datetime.date:
        return self.ends_on


class RotationPeriod(TimeStampedModel):
    """A stint at another organisation (a partner company, a smaller municipality)
    within an enrolment; shown on the planning board's timeline."""

    enrolment = models.ForeignKey(
        Enrolment,
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="rotations",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="rotations",
    )
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="rotation_ends_after_start"
            ),
            ExclusionConstraint(
                name="rotation_no_overlap",
                expressions=[
                    (SameId("enrolment_id"), RangeOperators.OVERLAPS),
                    (DateRange("starts_on", "ends_on"), RangeOperators.OVERLAPS),
                ],
            ),
        ]
        verbose_name = _("rotation period")
        verbose_name_plural = _("rotation periods")

    def __str__(self) -> str:
        return f"{self.organisation}, {self.starts_on}\N{EN DASH}{self.ends_on}"
