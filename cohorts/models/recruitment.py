"""Recruitment: people who apply to a recruiting cohort without an account, and the
lead's screening of them. An accepted applicant is invited as a trainee and their
answers become the trainee's profile, so that their skills are known before day one."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cohorts.models.cohort import Cohort
from labportal.accounts.models import Invitation
from labportal.core.models import Skill, TimeStampedModel
from trainees.models import CompetenceLevel


class ApplicantStatus(models.TextChoices):
    NEW = "new", _("New")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    INTERVIEWED = "interviewed", _("Interviewed")
    OFFERED = "offered", _("Offered a place")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Not taken")


# Applicants in these statuses are removed after the retention period.
NOT_TAKEN = frozenset({ApplicantStatus.DECLINED})


class Applicant(TimeStampedModel):
    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE, related_name="applicants"
    )
    full_name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email address"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="sv"
    )
    background = models.TextField(_("education"), blank=True, max_length=4000)
    work_experience = models.TextField(_("earlier work"), blank=True, max_length=4000)
    languages = models.CharField(_("languages"), max_length=300, blank=True)
    wants_to_work_with = models.TextField(
        _("what I want to work with"), blank=True, max_length=4000
    )
    # The consent text exactly as the applicant saw it, and when they agreed.
    consent_text = models.TextField(_("consent text"))
    consented_at = models.DateTimeField(_("consent given"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ApplicantStatus.choices,
        default=ApplicantStatus.NEW,
        db_index=True,
    )
    decline_reason = models.TextField(_("reason"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, db_index=True)
    invitation = models.OneToOneField(
        Invitation,
        verbose_name=_("invitation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applicant",
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["cohort", "status", "-created_at"], name="applicant_screening"),
            # The screening list, newest first (unfiltered or by status) or by name: read
            # in order from these, a page stops after its rows instead of sorting them all.
            models.Index(fields=["-created_at", "-id"], name="applicant_newest"),
            models.Index(fields=["status", "-created_at", "-id"], name="applicant_status_newest"),
            models.Index(fields=["full_name", "id"], name="applicant_name"),
            models.Index(fields=["email"], name="applicant_email"),
        ]
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("cohorts:applicant_detail", args=[self.pk])

    @property
    def is_decided(self) -> bool:
        return self.status in (ApplicantStatus.ACCEPTED, ApplicantStatus.DECLINED)


class ApplicantSkill(models.Model):
    """A skill from the shared vocabulary with the applicant's own level; carried over
    to the trainee's competence profile as a self-assessment (never as validated)."""

    applicant = models.ForeignKey(
        Applicant, on_delete=models.CASCADE, related_name="skills", verbose_name=_("applicant")
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.PROTECT, related_name="+", verbose_name=_("skill")
    )
    level = models.PositiveSmallIntegerField(_("own level"), choices=CompetenceLevel.choices)

    class Meta:
        ordering = ["skill__name_sv"]
        constraints = [
            models.UniqueConstraint(fields=["applicant", "skill"], name="applicant_skill_unique")
        ]
        verbose_name = _("applicant's skill")
        verbose_name_plural = _("applicant's skills")

    def __str__(self) -> str:
        return f"{self.skill}: {self.level}"


class ApplicantEvent(models.Model):
    """One step of the screening: who moved the applicant, from what, to what, why."""

    applicant = models.ForeignKey(
        Applicant, on_delete=models.CASCADE, related_name="events", verbose_name=_("applicant")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    from_status = models.CharField(
        _("from"), max_length=12, choices=ApplicantStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=12, choices=ApplicantStatus.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("screening step")
        verbose_name_plural = _("screening steps")

    def __str__(self) -> str:
        return f"{self.applicant}: {self.from_status} → {self.to_status}"
