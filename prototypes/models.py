"""Ideas from departments, their triage, the prototype built from them and the
department's evaluation of it."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from labportal.accounts.models import PRIVILEGED_ROLES, Department, Role, User
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


# Statuses an idea passes through after the lab said yes to it.
ACCEPTED_STATUSES = frozenset(
    {
        IdeaStatus.ACCEPTED,
        IdeaStatus.PLANNED,
        IdeaStatus.IN_PROGRESS,
        IdeaStatus.DELIVERED,
        IdeaStatus.EVALUATED,
    }
)
# Statuses in which the department may still change what it wrote.
EDITABLE_BY_DEPARTMENT = frozenset(
    {IdeaStatus.DRAFT, IdeaStatus.SUBMITTED, IdeaStatus.NEEDS_INFORMATION}
)

# What the department writes; the lab's triage fields are saved separately.
CONTENT_FIELDS = (
    "title",
    "problem",
    "affected_users",
    "affected_description",
    "improvement",
    "benefit_kind",
    "benefit_size",
    "benefit_description",
    "urgency",
    "contact_person",
    "data_access",
    "success_measure",
    "result_users",
)


class AffectedUsers(models.TextChoices):
    STAFF = "staff", _("Staff")
    CITIZENS = "citizens", _("Citizens")
    BOTH = "both", _("Staff and citizens")


class BenefitKind(models.TextChoices):
    TIME = "time", _("Time saved")
    QUALITY = "quality", _("Better quality")
    SERVICE = "service", _("Better service to citizens")
    COST = "cost", _("Lower cost")


class BenefitSize(models.TextChoices):
    # The values sort in size order, so the inbox can sort by benefit.
    SMALL = "1_small", _("Small")
    MEDIUM = "2_medium", _("Medium")
    LARGE = "3_large", _("Large")


class Urgency(models.TextChoices):
    LOW = "1_low", _("Can wait")
    NORMAL = "2_normal", _("Within six months")
    HIGH = "3_high", _("Urgent")


class DataAccess(models.TextChoices):
    NOT_NEEDED = "not_needed", _("No data or system access is needed")
    AVAILABLE = "available", _("Needed and available")
    TO_ARRANGE = "to_arrange", _("Needed, not yet arranged")
    UNKNOWN = "unknown", _("Don't know yet")


class IdeaQuerySet(models.QuerySet):
    def visible_to(self, user: User | AnonymousUser) -> IdeaQuerySet:
        """Lab leads and admins see every idea that was ever submitted; department
        staff their department's (an idea never submitted, such as a draft or an
        archived draft, only its author); trainees none yet."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role in PRIVILEGED_ROLES:
            return self.filter(submitted_at__isnull=False)
        if user.role == Role.DEPARTMENT_STAFF and user.department_id:
            return self.filter(department_id=user.department_id).filter(
                Q(submitted_at__isnull=False) | Q(submitted_by=user)
            )
        return self.none()

    def waiting_for_triage(self) -> IdeaQuerySet:
        return self.filter(status=IdeaStatus.SUBMITTED)


class Idea(TimeStampedModel):
    # What the department writes --------------------------------------------
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
    affected_users = models.CharField(
        _("who is affected"), max_length=10, choices=AffectedUsers.choices, blank=True
    )
    affected_description = models.TextField(_("who they are and how many"), blank=True)
    improvement = models.TextField(_("what would be better"), blank=True)
    benefit_kind = models.CharField(
        _("main benefit"), max_length=10, choices=BenefitKind.choices, blank=True
    )
    benefit_size = models.CharField(
        _("size of the benefit"), max_length=10, choices=BenefitSize.choices, blank=True
    )
    benefit_description = models.TextField(_("the benefit in your own words"), blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    contact_person = models.CharField(_("contact person"), max_length=150, blank=True)
    data_access = models.CharField(
        _("data or system access"), max_length=12, choices=DataAccess.choices, blank=True
    )
    success_measure = models.TextField(_("how success will be measured"), blank=True)
    result_users = models.TextField(_("who will use the result"), blank=True)

    # What the lab decides ------------------------------------------------------
    status = models.CharField(
        _("status"), max_length=20, choices=IdeaStatus.choices, default=IdeaStatus.DRAFT
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    skills = models.ManyToManyField(Skill, verbose_name=_("skills needed"), blank=True)
    size_weeks = models.PositiveSmallIntegerField(
        _("estimated size (weeks of one trainee)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(104)],
    )
    ready_to_plan = models.BooleanField(_("ready to plan"), default=False)

    # When things happened (for the flow page and the reminders) -------------------
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    triaged_at = models.DateTimeField(_("first answered by the lab"), null=True, blank=True)
    decided_at = models.DateTimeField(_("accepted or declined"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    # Raised by every save through the services; a form carries the version it showed,
    # so an edit based on an outdated page is refused instead of overwriting.
    version = models.PositiveIntegerField(default=1)

    search_vector = models.GeneratedField(
        expression=SearchVector("title", weight="A", config="swedish")
        + SearchVector("problem", "improvement", weight="B", config="swedish")
        + SearchVector("benefit_description", "affected_description", weight="C", config="swedish"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = IdeaQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        indexes = [
            # Each inbox filter leads an index that ends in the inbox's order (newest,
            # then id), so a page is read in order instead of sorting every match;
            # see prototypes/migrations/0004_idea_inbox_indexes.py.
            models.Index(fields=["-submitted_at", "-id"], name="idea_newest_idx"),
            models.Index(fields=["status", "-submitted_at", "-id"], name="idea_status_newest_idx"),
            models.Index(
                fields=["department", "-submitted_at", "-id"], name="idea_department_newest_idx"
            ),
            models.Index(fields=["department", "status"], name="idea_department_status_idx"),
            models.Index(
                fields=["-benefit_size", "-submitted_at", "-id"], name="idea_benefit_newest_idx"
            ),
            models.Index(
                fields=["-urgency", "-submitted_at", "-id"], name="idea_urgency_newest_idx"
            ),
            models.Index(fields=["title", "id"], name="idea_title_id_idx"),
            models.Index(fields=["status", "delivered_at"], name="idea_delivered_idx"),
            # The planning backlog and its count on the start page: the few accepted
            # ideas ready to plan, oldest decision first (0005).
            models.Index(
                fields=["decided_at", "id"],
                condition=models.Q(status="accepted", ready_to_plan=True),
                name="idea_ready_to_plan_idx",
            ),
            GinIndex(fields=["search_vector"], name="idea_search_idx"),
        ]
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("prototypes:detail", args=[self.pk])

    @property
    def is_accepted(self) -> bool:
        """Accepted by the lab, whatever happened since (planned, delivered, evaluated)."""
        return self.status in ACCEPTED_STATUSES

    @property
    def is_draft(self) -> bool:
        return self.status == IdeaStatus.DRAFT

    @property
    def is_waiting_for_triage(self) -> bool:
        return self.status == IdeaStatus.SUBMITTED

    @property
    def is_waiting_for_answer(self) -> bool:
        """The lab asked a question and waits for the department."""
        return self.status == IdeaStatus.NEEDS_INFORMATION

    @property
    def is_declined(self) -> bool:
        return self.status == IdeaStatus.DECLINED

    @property
    def is_delivered(self) -> bool:
        """Delivered and not yet evaluated."""
        return self.status == IdeaStatus.DELIVERED

    @property
    def is_archived(self) -> bool:
        return self.status == IdeaStatus.ARCHIVED


def attachment_path(instance: IdeaAttachment, filename: str) -> str:
    # The stored name is not the uploaded one: nothing a user types ends up in a path.
    return f"ideas/{instance.idea_id}/{uuid.uuid4().hex}"


class IdeaAttachment(models.Model):
    idea = models.ForeignKey(
        Idea, verbose_name=_("idea"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("prototypes:attachment", args=[self.idea_id, self.pk])


class IdeaEvent(models.Model):
    """One status change of an idea: who moved it from where to where, and why."""

    idea = models.ForeignKey(
        Idea, verbose_name=_("idea"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    from_status = models.CharField(_("from"), max_length=20, choices=IdeaStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=IdeaStatus.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["idea", "created_at"], name="idea_event_idea_idx")]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.from_status} → {self.to_status}"

    @property
    def is_receipt(self) -> bool:
        """The submission of a draft: the submitter gets a thank-you, not a status report."""
        return self.from_status == IdeaStatus.DRAFT and self.to_status == IdeaStatus.SUBMITTED

    @property
    def is_decline(self) -> bool:
        """The lab said no; the note is its reason."""
        return self.to_status == IdeaStatus.DECLINED


class IdeaComment(models.Model):
    """A message in the idea's thread: the lab's questions and the department's answers."""

    idea = models.ForeignKey(
        Idea, verbose_name=_("idea"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    from_lab = models.BooleanField(_("from the lab"), default=False)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["idea", "created_at"], name="idea_comment_idea_idx")]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.body[:40]}"


class PrototypeRecord(TimeStampedModel):
    """What was built from an accepted idea, written so that a next cohort can pick it up."""

    idea = models.OneToOneField(
        Idea, verbose_name=_("idea"), on_delete=models.CASCADE, related_name="prototype"
    )
    working_title = models.CharField(_("working title"), max_length=200)
    repository_url = models.URLField(_("repository"), blank=True)
    demo_url = models.URLField(_("demo"), blank=True)
    deliverables = models.TextField(_("deliverables"), blank=True)
    handover_notes = models.TextField(
        _("handover notes"),
        blank=True,
        help_text=_("What a next cohort needs to know: state, decisions, accounts, next steps."),
    )

    class Meta:
        ordering = ["working_title"]
        verbose_name = _("prototype")
        verbose_name_plural = _("prototypes")

    def __str__(self) -> str:
        return self.working_title

    def get_absolute_url(self) -> str:
        return self.idea.get_absolute_url()


class Adoption(models.TextChoices):
    TAKE_INTO_USE = "use", _("Yes, we will take it into use")
    PROCURE = "procure", _("Yes, we will procure a full solution")
    UNDECIDED = "undecided", _("Not decided yet")
    NO = "no", _("No")


class Evaluation(models.Model):
    """The department's verdict on a delivered prototype."""

    idea = models.OneToOneField(
        Idea, verbose_name=_("idea"), on_delete=models.CASCADE, related_name="evaluation"
    )
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluated by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    benefit_realised = models.PositiveSmallIntegerField(
        _("benefit realised (1 to 5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    adoption = models.CharField(
        _("will it be taken into use or procured?"), max_length=10, choices=Adoption.choices
    )
    comments = models.TextField(_("comments"), blank=True)
    created_at = models.DateTimeField(_("evaluated"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"{self.idea}: {self.benefit_realised}/5"
