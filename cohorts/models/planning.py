"""Planning: an accepted idea assigned to a cohort, the trainees who work on it and
when; a prototype still in progress at a cohort's end is handed over to the next."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cohorts.models.cohort import Cohort, Enrolment
from labportal.core.models import TimeStampedModel
from prototypes.models import Idea


class AssignmentStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    HANDED_OVER = "handed_over", _("Handed over")
    CANCELLED = "cancelled", _("Cancelled")


# An idea has at most one assignment in these statuses at a time.
ACTIVE_ASSIGNMENT = (AssignmentStatus.PLANNED, AssignmentStatus.IN_PROGRESS)


class Assignment(TimeStampedModel):
    idea = models.ForeignKey(
        Idea, verbose_name=_("idea"), on_delete=models.PROTECT, related_name="assignments"
    )
    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.PROTECT, related_name="assignments"
    )
    starts_on = models.DateField(_("planned start"))
    ends_on = models.DateField(_("planned end"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.PLANNED,
    )
    members: models.ManyToManyField[Enrolment, AssignmentMember] = models.ManyToManyField(
        Enrolment,
        verbose_name=_("team"),
        through="AssignmentMember",
        related_name="assignments",
    )
    # A handover: the assignment of the earlier cohort this one continues, and what
    # the team that left wrote for the next.
    continues = models.OneToOneField(
        "self",
        verbose_name=_("continues"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="continued_by",
    )
    handover_notes = models.TextField(_("handover notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("planned by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="assignment_ends_after_start"
            ),
            # Two leads planning the same idea at once: one wins, the other is refused.
            models.UniqueConstraint(
                fields=["idea"],
                condition=Q(status__in=ACTIVE_ASSIGNMENT),
                name="assignment_one_active_per_idea",
            ),
        ]
        indexes = [
            models.Index(fields=["cohort", "status", "starts_on"], name="assignment_board"),
            models.Index(fields=["starts_on", "ends_on"], name="assignment_period"),
        ]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self) -> str:
        return f"{self.idea}, {self.cohort}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_ASSIGNMENT

    @property
    def is_planned(self) -> bool:
        return self.status == AssignmentStatus.PLANNED

    @property
    def is_in_progress(self) -> bool:
        return self.status == AssignmentStatus.IN_PROGRESS


class AssignmentMember(models.Model):
    """A trainee (through their enrolment in the assignment's cohort) on the team."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="memberships")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="memberships")
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["enrolment__trainee__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "enrolment"], name="assignment_member_unique"
            )
        ]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")

    def __str__(self) -> str:
        return str(self.enrolment.trainee)


class AssignmentEvent(models.Model):
    """The assignment's history: planned, team changed, started, handed over, done."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="events", verbose_name=_("assignment")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    kind = models.CharField(_("what"), max_length=30)
    from_status = models.CharField(
        _("from"), max_length=12, choices=AssignmentStatus.choices, blank=True
    )
    to_status = models.CharField(
        _("to"), max_length=12, choices=AssignmentStatus.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("assignment event")
        verbose_name_plural = _("assignment events")

    def __str__(self) -> str:
        return f"{self.assignment}: {self.kind}"
