"""Ideas from departments. Thin for now: the prototype-ideas issue brings the form,
triage state machine, comments and evaluations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from labportal.accounts.models import PRIVILEGED_ROLES, Department, Role
from labportal.core.models import Skill, TimeStampedModel


class IdeaStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    NEEDS_INFORMATION = "needs_information", _("Needs information")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DELIVERED = "delivered", _("Delivered")
    EVALUATED = "evaluated", _("Evaluated")
    ARCHIVED = "archived", _("Archived")


class IdeaQuerySet(models.QuerySet):
    def visible_to(self, user: settings.AUTH_USER_MODEL) -> IdeaQuerySet:
        """Lab leads and admins see every submitted idea; department staff their own
        department's (and their own drafts); trainees none yet."""
        if not user.is_authenticated:
            return self.none()
        if user.role in PRIVILEGED_ROLES:
            return self.exclude(status=IdeaStatus.DRAFT)
        if user.role == Role.DEPARTMENT_STAFF:
            return self.filter(department_id=user.department_id).filter(
                ~Q(status=IdeaStatus.DRAFT) | Q(submitted_by=user)
            )
        return self.none()


class Idea(TimeStampedModel):
    title = models.CharField(_("title"), max_length=200)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="ideas"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="ideas",
    )
    problem = models.TextField(_("the problem today"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=IdeaStatus.choices, default=IdeaStatus.DRAFT
    )
    skills = models.ManyToManyField(Skill, verbose_name=_("skills needed"), blank=True)

    objects = IdeaQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="idea_status_created_idx"),
            models.Index(fields=["department", "status"], name="idea_department_status_idx"),
        ]
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")

    def __str__(self) -> str:
        return self.title
