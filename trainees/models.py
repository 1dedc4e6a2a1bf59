"""Trainee profiles. Thin for now: competence profiles, progress logs, milestones
and outcomes arrive with their issues."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from labportal.accounts.models import PRIVILEGED_ROLES
from labportal.core.models import TimeStampedModel

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from labportal.accounts.models import User


class TraineeProfileQuerySet(models.QuerySet["TraineeProfile"]):
    def visible_to(self, user: User | AnonymousUser) -> TraineeProfileQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.role in PRIVILEGED_ROLES:
            return self.all()
        return self.filter(user=user)


class TraineeProfile(TimeStampedModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.CASCADE,
        related_name="trainee_profile",
    )
    background = models.TextField(_("background"), blank=True)

    objects = TraineeProfileQuerySet.as_manager()

    class Meta:
        ordering = ["user__full_name"]
        verbose_name = _("trainee profile")
        verbose_name_plural = _("trainee profiles")

    def __str__(self) -> str:
        return str(self.user)
