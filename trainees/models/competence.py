"""Competence: self-assessed skills with evidence, validated by the lab, and their history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from labportal.core.models import Skill, TimeStampedModel


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
