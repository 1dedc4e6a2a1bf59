"""The trainee's profile: what they bring and want, filled in by the trainee."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from labportal.core.models import TimeStampedModel


def monday_of(day: datetime.date) -> datetime.date:
    """The Monday that starts `day`'s ISO week: a log's week is named by it."""
    return day - datetime.timedelta(days=day.weekday())


class TraineeProfile(TimeStampedModel):
    """What a trainee brings and wants: filled in by the trainee, read by the lab."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.CASCADE,
        related_name="trainee_profile",
    )
    background = models.TextField(
        _("education"), blank=True, help_text=_("Courses, degrees and certificates.")
    )
    work_experience = models.TextField(_("earlier work"), blank=True)
    languages = models.CharField(
        _("languages"), max_length=255, blank=True, help_text=_("For example: Swedish, Arabic.")
    )
    wants_to_work_with = models.TextField(_("what I want to work with"), blank=True)
    reference_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("the lab's reference contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The person at the lab an employer may call for a reference."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["user__full_name"]
        verbose_name = _("trainee profile")
        verbose_name_plural = _("trainee profiles")

    def __str__(self) -> str:
        return str(self.user)

    def get_absolute_url(self) -> str:
        return reverse("trainees:profile", args=[self.user_id])
