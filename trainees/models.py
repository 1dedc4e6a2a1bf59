"""The trainee's journey: profile, competence with validation, weekly progress logs,
coaching milestones. Outcomes and follow-ups arrive with their issue.

A trainee's record may point at an enrolment with a string foreign key
("cohorts.Enrolment"); this module never imports `cohorts` (imports flow
labportal ← prototypes ← trainees ← cohorts). Who may see what lives in
`trainees/access.py`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from labportal.core.models import Skill, TimeStampedModel

# A week of work and education together; more is a typing error, not diligence.
MAX_WEEKLY_HOURS = Decimal(60)


def monday_of(day: datetime.date) -> datetime.date:
    """The Monday that starts `day`'s ISO week: a log's week is named by it."""
    return day - datetime.timedelta(days=day.weekday())


# Profile -------------------------------------------------------------------------------
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


# Competence ----------------------------------------------------------------------------
class CompetenceLevel(models.IntegerChoices):
    """The four levels, described so that a trainee and a lead mean the same thing."""

    BEGINNER = 1, _("1. Beginner: has tried it with guidance")
    WORKING = 2, _("2. Working: solves everyday tasks with some support")
    INDEPENDENT = 3, _("3. Independent: solves tasks alone and can explain the choices")
    ADVANCED = 4, _("4. Advanced: handles the hard cases and guides others")


class ValidationMethod(models.TextChoices):
    PROTOTYPE = "prototype", _("Observed in a prototype")
    TASK = "task", _("Practical task")
    INTERVIEW = "interview", _("Interview")


class SkillRecord(TimeStampedModel):
    """One skill in a trainee's competence profile.

    The self-assessment (the trainee's) and the validation (the lab's) are separate
    fields: editing the one never changes the other. Planning matches on
    `validated_level`. Every change is also kept as a SkillEvent, so the history of
    each skill can be shown."""

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.CASCADE,
        related_name="skill_records",
    )
    skill = models.ForeignKey(
        Skill, verbose_name=_("skill"), on_delete=models.PROTECT, related_name="+"
    )
    self_level = models.PositiveSmallIntegerField(_("my level"), choices=CompetenceLevel.choices)
    evidence_link = models.URLField(_("link to evidence"), blank=True)
    evidence_file = models.FileField(
        _("evidence file"), upload_to="competence/%Y/%m/", blank=True, max_length=255
    )
    evidence_note = models.TextField(_("note on evidence"), blank=True)
    validated_level = models.PositiveSmallIntegerField(
        _("validated level"), choices=CompetenceLevel.choices, null=True, blank=True
    )
    validation_method = models.CharField(
        _("validated by method"), max_length=20, choices=ValidationMethod.choices, blank=True
    )
    validation_evidence = models.TextField(_("validation evidence"), blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("validated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    validated_at = models.DateTimeField(_("validated"), null=True, blank=True)

    class Meta:
        ordering = ["trainee", "skill__name_sv"]
        constraints = [
            models.UniqueConstraint(fields=["trainee", "skill"], name="skill_record_unique"),
            models.CheckConstraint(
                condition=Q(self_level__gte=1, self_level__lte=4), name="self_level_1_to_4"
            ),
            models.CheckConstraint(
                condition=Q(validated_level__isnull=True)
                | Q(validated_level__gte=1, validated_level__lte=4, validated_at__isnull=False),
                name="validated_level_1_to_4_with_time",
            ),
        ]
        # planning matches ideas' skills against validated levels
        indexes = [models.Index(fields=["skill", "validated_level"], name="skill_validated_idx")]
        verbose_name = _("skill in a competence profile")
        verbose_name_plural = _("skills in competence profiles")

    def __str__(self) -> str:
        return f"{self.trainee}: {self.skill}"

    @property
    def is_validated(self) -> bool:
        return self.validated_level is not None


class SkillEventKind(models.TextChoices):
    SELF_ASSESSED = "self_assessed", _("Self-assessed")
    VALIDATED = "validated", _("Validated")


class SkillEvent(models.Model):
    """What happened to a skill record, by whom and when: its history."""

    record = models.ForeignKey(
        SkillRecord, verbose_name=_("skill"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("what"), max_length=20, choices=SkillEventKind.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=CompetenceLevel.choices)
    method = models.CharField(
        _("method"), max_length=20, choices=ValidationMethod.choices, blank=True
    )
    evidence = models.TextField(_("evidence"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("skill event")
        verbose_name_plural = _("skill events")

    def __str__(self) -> str:
        return f"{self.record}: {self.kind} {self.level}"

    @property
    def is_validation(self) -> bool:
        return self.kind == SkillEventKind.VALIDATED


# Progress logs -------------------------------------------------------------------------
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


# Coaching milestones ---------------------------------------------------------------------
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
