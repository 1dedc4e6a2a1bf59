"""Cohorts (omgångar) and who is enrolled in them. Thin for now: the planning
board, assignments and matching arrive with the cohort planning issue."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from labportal.accounts.models import PRIVILEGED_ROLES, Organisation, Role
from labportal.core.models import TimeStampedModel

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from labportal.accounts.models import User


class CohortQuerySet(models.QuerySet["Cohort"]):
    def visible_to(self, user: User | AnonymousUser) -> CohortQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.role in PRIVILEGED_ROLES:
            return self.all()
        if user.role == Role.TRAINEE:
            return self.filter(enrolments__trainee=user)
        return self.none()


class Cohort(TimeStampedModel):
    name = models.CharField(_("name"), max_length=150, unique=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="cohorts",
    )
    starts_on = models.DateField(_("starts"), db_index=True)
    ends_on = models.DateField(_("ends"))
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

    objects = CohortQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="cohort_ends_after_start"
            )
        ]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")

    def __str__(self) -> str:
        return self.name

    def state_on(self, day: datetime.date | None = None) -> str:
        day = day or timezone.localdate()
        if day < self.starts_on:
            return "planned"
        if day > self.ends_on:
            return "finished"
        return "running"


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
    # Empty: the cohort's own dates (a trainee who joins late or leaves early has theirs).
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    supervisors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisors"),
        blank=True,
        related_name="supervised_enrolments",
        help_text=_("Supervisors of this trainee only, besides the cohort's."),
    )

    class Meta:
        ordering = ["cohort", "trainee__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "trainee"], name="enrolment_unique")
        ]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")

    def __str__(self) -> str:
        return f"{self.trainee}, {self.cohort}"

    @property
    def start(self) -> datetime.date:
        return self.starts_on or self.cohort.starts_on

    @property
    def end(self) -> datetime.date:
        return self.ends_on or self.cohort.ends_on
