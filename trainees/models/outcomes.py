"""Placement outcomes and the follow-ups that keep them current for a year.

An outcome belongs to an enrolment (a string foreign key: this app never imports
`cohorts`) and to a point in time: at the end (0) or some months after it. There is
one outcome per enrolment and point; the lab records the one at the end, a follow-up
answer (or its silence) the later ones. A follow-up is only sent to a trainee whose
current consent says yes (`FollowUpConsent`); every decision about consent is kept
(`ConsentEvent`), every email sent is kept in the outbox, every answer as given on the
follow-up (`FollowUp.answer`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from labportal.core.models import TimeStampedModel


class OutcomeCategory(models.TextChoices):
    EMPLOYED_IT = "employed_it", _("Employed in the IT sector")
    EMPLOYED_OTHER = "employed_other", _("Employed in another sector")
    OWN_BUSINESS = "own_business", _("Own business")
    STUDIES = "studies", _("Studies")
    PROGRAMME = "programme", _("Another labour-market programme")
    JOB_SEEKING = "job_seeking", _("Job seeking")
    UNKNOWN = "unknown", _("Other or unknown")


# What counts as "in work" in the reports: a job in any sector or a business of one's own.
EMPLOYED = frozenset(
    {OutcomeCategory.EMPLOYED_IT, OutcomeCategory.EMPLOYED_OTHER, OutcomeCategory.OWN_BUSINESS}
)
# The categories that name an employer, a role and a start.
WITH_EMPLOYER = EMPLOYED


class EmploymentType(models.TextChoices):
    PERMANENT = "permanent", _("Permanent")
    FIXED_TERM = "fixed_term", _("Fixed term")
    HOURLY = "hourly", _("Hourly or on call")
    SUBSIDISED = "subsidised", _("Subsidised employment")
    OTHER = "other", _("Other")


class OutcomeSource(models.TextChoices):
    LAB = "lab", _("Recorded by the lab")
    FOLLOW_UP = "follow_up", _("Answered a follow-up")
    NO_ANSWER = "no_answer", _("No answer to the follow-up")


class Outcome(TimeStampedModel):
    """Where a trainee stood at one point after an enrolment: at its end or
    `months_after` months later."""

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.CASCADE,
        related_name="outcomes",
    )
    enrolment = models.ForeignKey(
        "cohorts.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="outcomes",
    )
    months_after = models.PositiveSmallIntegerField(
        _("months after the end"), help_text=_("0: at the end of the enrolment.")
    )
    category = models.CharField(_("outcome"), max_length=20, choices=OutcomeCategory.choices)
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=200, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    starts_on = models.DateField(_("start date"), null=True, blank=True)
    employment_type = models.CharField(
        _("type of employment"), max_length=20, choices=EmploymentType.choices, blank=True
    )
    via_lab_network = models.BooleanField(_("through the lab's network"), default=False)
    partner = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("employer partner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("When the job came through one of the lab's partner organisations."),
    )
    source = models.CharField(_("source"), max_length=20, choices=OutcomeSource.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["enrolment", "months_after"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "months_after"], name="outcome_one_per_point"
            ),
        ]
        indexes = [
            models.Index(fields=["months_after", "category"], name="outcome_point_category"),
            models.Index(fields=["trainee", "months_after"], name="outcome_trainee_point"),
        ]

    def __str__(self) -> str:
        return f"{self.trainee}: {self.get_category_display()} (+{self.months_after})"

    @property
    def is_employed(self) -> bool:
        return self.category in EMPLOYED

    @property
    def is_at_end(self) -> bool:
        return self.months_after == 0


class FollowUpConsent(TimeStampedModel):
    """The trainee's current answer to "may the lab follow up on you after the
    programme?" (the history is in `ConsentEvent`)."""

    trainee = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.CASCADE,
        related_name="follow_up_consent",
    )
    given = models.BooleanField(_("consents to follow-ups"))
    decided_at = models.DateTimeField(_("decided"))

    class Meta:
        ordering = ["trainee"]
        verbose_name = _("consent to follow-ups")
        verbose_name_plural = _("consents to follow-ups")
        indexes = [models.Index(fields=["given"], name="followup_consent_given")]

    def __str__(self) -> str:
        return f"{self.trainee}: {self.given}"


class ConsentChannel(models.TextChoices):
    PAGE = "page", _("On their page")
    EMAIL = "email", _("From a follow-up email")
    LAB = "lab", _("Told the lab")


class ConsentEvent(models.Model):
    """One decision about follow-ups: given, declined or withdrawn, and where."""

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.CASCADE,
        related_name="consent_events",
    )
    given = models.BooleanField(_("consents to follow-ups"))
    channel = models.CharField(_("where"), max_length=10, choices=ConsentChannel.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["trainee", "created_at", "pk"]
        verbose_name = _("consent decision")
        verbose_name_plural = _("consent decisions")

    def __str__(self) -> str:
        return f"{self.trainee}: {self.given} ({self.channel})"


class FollowUpStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    SENT = "sent", _("Sent, waiting for an answer")
    ANSWERED = "answered", _("Answered")
    UNANSWERED = "unanswered", _("No answer")
    CANCELLED = "cancelled", _("Cancelled: no consent")


class FollowUp(TimeStampedModel):
    """The follow-up of an enrolment `months_after` months after its end: sent by beat
    with a signed single-use link, reminded twice, then recorded as unanswered."""

    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainee"),
        on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    enrolment = models.ForeignKey(
        "cohorts.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    months_after = models.PositiveSmallIntegerField(_("months after the end"))
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=FollowUpStatus.choices,
        default=FollowUpStatus.SCHEDULED,
    )
    emails_sent = models.PositiveSmallIntegerField(_("emails sent"), default=0)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    # Part of every link to this follow-up: a new one voids the links sent before.
    nonce = models.CharField(max_length=32, editable=False)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answer = models.JSONField(_("answer"), default=dict, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "months_after"], name="followup_one_per_point"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="followup_status_due")]

    def __str__(self) -> str:
        return f"{self.trainee}: +{self.months_after}"

    @property
    def is_open(self) -> bool:
        return self.status in (FollowUpStatus.SCHEDULED, FollowUpStatus.SENT)
