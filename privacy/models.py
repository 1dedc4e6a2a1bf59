"""The retention decisions (one rule per category of `privacy.registry`), each night's
run of them, and the erasures done on a person's request.

None of these rows holds personal data beyond the ids of the people concerned: the
counts of a run, the categories of an erasure and why some were kept."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from privacy.registry import Category


class Anchor(models.TextChoices):
    """From when a rule's months are counted."""

    PROGRAMME_END = "programme_end", _("End of the programme")
    DECIDED = "decided", _("Application decided")
    CREATED = "created", _("Created")


class Action(models.TextChoices):
    ANONYMISE = "anonymise", _("Anonymise")
    DELETE = "delete", _("Delete")


# What was done, as a run's counts and an erasure's record say it.
DONE_LABELS = {Action.ANONYMISE: _("anonymised"), Action.DELETE: _("deleted")}


# The outcome statistics count enrolments and their outcomes, and every other row
# points at the person's account: these are only ever anonymised, never deleted.
ANONYMISE_ONLY = frozenset({Category.ACCOUNT, Category.PROGRAMME, Category.OUTCOME})
# The audit log is append-only (who did what, kept as the security record): it is
# not managed by these rules.
NOT_MANAGED = frozenset({Category.SECURITY})
# Only an application has a decision; an application (no account, no programme) has
# no programme end.
DECIDED_ONLY = frozenset({Category.APPLICATION})


class RetentionRuleQuerySet(models.QuerySet["RetentionRule"]):
    def active(self) -> RetentionRuleQuerySet:
        return self.filter(is_active=True)


class RetentionRule(models.Model):
    """How long one category of personal data is kept, and what happens then."""

    category = models.CharField(
        _("category"),
        max_length=30,
        choices=Category.choices,
        unique=True,
        help_text=_("The kind of personal data the rule is for (one rule per category)."),
    )
    months = models.PositiveSmallIntegerField(
        _("months"),
        validators=[MinValueValidator(1), MaxValueValidator(1200)],
        help_text=_("How many months after the starting point the data is kept."),
    )
    anchor = models.CharField(
        _("counted from"),
        max_length=20,
        choices=Anchor.choices,
        help_text=_(
            "End of the programme: the end of the person's last enrolment, or for staff "
            "the deactivation of the account. Application decided: when the applicant "
            "was accepted or not taken. Created: when each row was written."
        ),
    )
    action = models.CharField(
        _("then"),
        max_length=10,
        choices=Action.choices,
        help_text=_(
            "Anonymise keeps the row without what identifies the person (it still counts "
            "in the statistics); delete removes the rows."
        ),
    )
    is_active = models.BooleanField(
        _("applied"),
        default=True,
        help_text=_("Only applied rules are run every night."),
    )
    note = models.TextField(
        _("note"),
        blank=True,
        help_text=_("For example the decision on disposal (gallringsbeslut) the rule follows."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = RetentionRuleQuerySet.as_manager()

    class Meta:
        ordering = ["category"]
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")

    def __str__(self) -> str:
        return str(self.get_category_display())

    def clean(self) -> None:
        super().clean()
        validate_rule(self.category, self.anchor, self.action)

    @property
    def is_delete(self) -> bool:
        return self.action == Action.DELETE


def validate_rule(category: str, anchor: str, action: str) -> None:
    """Refuse what the law or the statistics do not allow; the admin shows the message
    at the field it concerns."""
    if category in NOT_MANAGED:
        raise ValidationError(
            {
                "category": _(
                    "The audit and security log is append-only and kept as the security "
                    "record: it is not managed by retention rules."
                )
            }
        )
    if action == Action.DELETE and category in ANONYMISE_ONLY:
        raise ValidationError(
            {
                "action": _(
                    "This category can only be anonymised: the outcome statistics count its "
                    "rows, and other records point at them."
                )
            }
        )
    decided = anchor == Anchor.DECIDED
    if (decided and category not in DECIDED_ONLY) or (
        category in DECIDED_ONLY and anchor == Anchor.PROGRAMME_END
    ):
        raise ValidationError(
            {
                "anchor": _(
                    "Applications are counted from their decision (or from when they were "
                    "created); the other categories from the end of the programme or from "
                    "when each row was created."
                )
            }
        )


class RetentionRun(models.Model):
    """One run of the rules: scheduled (no `triggered_by`) or started by an admin."""

    started_at = models.DateTimeField(_("started"), db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    counts = models.JSONField(
        _("counts"),
        default=dict,
        blank=True,
        help_text=_("Per category and action: how many people or rows."),
    )
    error = models.TextField(_("error"), blank=True)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("privacy:retention")

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None

    @property
    def has_error(self) -> bool:
        return bool(self.error)

    @property
    def total(self) -> int:
        return sum(int(n) for actions in self.counts.values() for n in actions.values())

    @property
    def lines(self) -> list[tuple[str, str, int]]:
        """(category, what was done, count) as readable labels, in the registry's order."""
        return [
            (str(Category(category).label), str(DONE_LABELS[Action(action)]), int(count))
            for category in Category.values
            for action, count in sorted(self.counts.get(category, {}).items())
            if action in Action.values
        ]


class Erasure(models.Model):
    """An erasure on a person's request (GDPR art. 17): what was anonymised or deleted,
    and what was kept and why (public records, the audit log, the statistics)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # An applicant has no account; their rows are deleted, so only the id remains.
    applicant_id = models.PositiveIntegerField(_("applicant"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    done_at = models.DateTimeField(_("done"), db_index=True)
    categories_done = models.JSONField(
        _("categories anonymised or deleted"), default=dict, blank=True
    )
    categories_kept = models.JSONField(_("categories kept, and why"), default=dict, blank=True)

    class Meta:
        ordering = ["-done_at", "-pk"]
        indexes = [models.Index(fields=["applicant_id"], name="erasure_applicant")]
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")

    def __str__(self) -> str:
        return f"{self.done_at:%Y-%m-%d %H:%M}"


class Installation(models.Model):
    """This installation's identity, one row made by the first migration and carried
    by every backup: the erasure ledger marks each line with it, so that a ledger is
    never applied to a different database (a reset demo, a copy for testing) whose
    ids name other people."""

    key = models.UUIDField(_("installation"), unique=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("installation")
        verbose_name_plural = _("installations")

    def __str__(self) -> str:
        return str(self.key)

    @classmethod
    def current_key(cls) -> str:
        """The key of this database (made now if the row is missing, e.g. after a
        test flushed the tables)."""
        installation, _created = cls.objects.get_or_create(pk=1)
        return str(installation.key)
