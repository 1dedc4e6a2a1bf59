"""Employer partners: the people the lab knows at partner organisations, the roles those
organisations want to fill, and the record of every trainee summary sent to one of
them (only ever with the trainee's consent, recorded on the share)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models.cohort import Enrolment
from labportal.accounts.models import Organisation
from labportal.core.models import Skill, TimeStampedModel
from trainees.models import CompetenceLevel


class EmployerContact(TimeStampedModel):
    """A person at a partner organisation (`cohorts.access.partner_organisations`) who
    may receive trainees' summaries; an inactive contact receives nothing new."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("partner organisation"),
        on_delete=models.PROTECT,
        related_name="employer_contacts",
    )
    name = models.CharField(_("name"), max_length=150)
    title = models.CharField(_("title"), max_length=150, blank=True)
    email = models.EmailField(_("email address"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=4000)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"], name="employer_contact_unique_email"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "is_active", "name"], name="employer_contact_list")
        ]
        verbose_name = _("employer contact")
        verbose_name_plural = _("employer contacts")

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})" if self.organisation_id else self.name


class RoleStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FILLED = "filled", _("Filled")
    CLOSED = "closed", _("Closed")


class OpenRole(TimeStampedModel):
    """A job or placement a partner organisation wants to fill, with the skills it
    needs. Its status moves through `cohorts.workflow.ROLE_MOVES` only."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("partner organisation"),
        on_delete=models.PROTECT,
        related_name="open_roles",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    skills: models.ManyToManyField[Skill, RoleSkill] = models.ManyToManyField(
        Skill, verbose_name=_("required skills"), through="RoleSkill", related_name="+"
    )
    region = models.CharField(_("region"), max_length=100, blank=True)
    closes_on = models.DateField(_("applications close"))
    contact = models.ForeignKey(
        EmployerContact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="roles",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RoleStatus.choices, default=RoleStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["closes_on", "title", "pk"]
        indexes = [
            # the matching page reads the open roles not yet closed, soonest first
            models.Index(fields=["status", "closes_on"], name="open_role_status_closes"),
            models.Index(fields=["organisation", "status"], name="open_role_organisation"),
        ]
        verbose_name = _("open role")
        verbose_name_plural = _("open roles")

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == RoleStatus.OPEN

    @property
    def is_filled(self) -> bool:
        return self.status == RoleStatus.FILLED

    @property
    def is_closed(self) -> bool:
        return self.status == RoleStatus.CLOSED


class RoleSkill(models.Model):
    """A skill a role requires, with the lowest validated level that meets it (none:
    any validated level)."""

    role = models.ForeignKey(
        OpenRole, on_delete=models.CASCADE, related_name="requirements", verbose_name=_("role")
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.PROTECT, related_name="+", verbose_name=_("skill")
    )
    min_level = models.PositiveSmallIntegerField(
        _("minimum level"), choices=CompetenceLevel.choices, null=True, blank=True
    )

    class Meta:
        ordering = ["skill__name_sv"]
        constraints = [
            models.UniqueConstraint(fields=["role", "skill"], name="role_skill_unique"),
            models.CheckConstraint(
                condition=Q(min_level__isnull=True) | Q(min_level__gte=1, min_level__lte=4),
                name="role_skill_min_level_1_to_4",
            ),
        ]
        verbose_name = _("required skill")
        verbose_name_plural = _("required skills")

    def __str__(self) -> str:
        return f"{self.skill}: {self.min_level or '-'}"


class ConsentMethod(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    EMAIL = "email", _("By email")
    PHONE = "phone", _("On the phone")


class SummaryShareQuerySet(models.QuerySet["SummaryShare"]):
    def for_display(self) -> SummaryShareQuerySet:
        """With the contact, their organisation and the role, newest first: what a list
        of shares names (also through `trainee.summary_shares`, for the trainee's pages,
        which may not import this app)."""
        return self.select_related("contact__organisation", "role").order_by("-created_at", "-pk")


class SummaryShare(models.Model):
    """A trainee's summary sent to an employer's contact: the trainee's consent (how and
    when it was given), who sent it, and the emailed link's life (expiry, downloads).

    The link names the share and its random `token`, signed with the site's key
    (`cohorts.services.placement`): knowing the token alone opens nothing."""

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.PROTECT,
        related_name="summary_shares",
    )
    enrolment = models.ForeignKey(
        Enrolment,
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        related_name="summary_shares",
    )
    contact = models.ForeignKey(
        EmployerContact,
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        related_name="summary_shares",
    )
    role = models.ForeignKey(
        OpenRole,
        verbose_name=_("role"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="summary_shares",
    )
    language = models.CharField(
        _("language of the summary"), max_length=8, choices=settings.LANGUAGES, default="sv"
    )
    consent_method = models.CharField(
        _("how the trainee consented"), max_length=10, choices=ConsentMethod.choices
    )
    consent_given_on = models.DateField(_("consent given on"))
    consent_note = models.TextField(_("note on the consent"), blank=True, max_length=2000)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    token = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("link expires"))
    downloads = models.PositiveIntegerField(_("downloads"), default=0)
    last_downloaded_at = models.DateTimeField(_("last downloaded"), null=True, blank=True)

    objects = SummaryShareQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # No share without a recorded consent, whoever writes the row.
            models.CheckConstraint(
                condition=Q(consent_method__in=ConsentMethod.values),
                name="summary_share_has_consent",
            )
        ]
        indexes = [
            models.Index(fields=["trainee", "-created_at"], name="summary_share_trainee"),
            models.Index(fields=["enrolment", "-created_at"], name="summary_share_enrolment"),
        ]
        verbose_name = _("shared summary")
        verbose_name_plural = _("shared summaries")

    def __str__(self) -> str:
        return f"{self.trainee} → {self.contact}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
