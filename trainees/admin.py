from django.contrib import admin
from django.http import HttpRequest

from trainees.models import (
    ConsentEvent,
    FollowUp,
    FollowUpConsent,
    LogComment,
    Milestone,
    MilestoneType,
    Outcome,
    ProgressLog,
    SkillEvent,
    SkillRecord,
    TraineeProfile,
)


@admin.register(TraineeProfile)
class TraineeProfileAdmin(admin.ModelAdmin[TraineeProfile]):
    list_display = ["user", "languages", "updated_at"]
    search_fields = ["user__full_name", "user__email"]
    raw_id_fields = ["user", "reference_contact"]


class SkillEventInline(admin.TabularInline[SkillEvent, SkillRecord]):
    model = SkillEvent
    extra = 0
    readonly_fields = ["kind", "level", "method", "evidence", "actor", "created_at"]
    can_delete = False


@admin.register(SkillRecord)
class SkillRecordAdmin(admin.ModelAdmin[SkillRecord]):
    list_display = ["trainee", "skill", "self_level", "validated_level", "validated_at"]
    list_filter = ["validated_level", "validation_method"]
    search_fields = ["trainee__full_name", "trainee__email", "skill__name_sv"]
    raw_id_fields = ["trainee", "skill", "validated_by"]
    inlines = [SkillEventInline]


class LogCommentInline(admin.TabularInline[LogComment, ProgressLog]):
    model = LogComment
    extra = 0
    raw_id_fields = ["author"]


@admin.register(ProgressLog)
class ProgressLogAdmin(admin.ModelAdmin[ProgressLog]):
    list_display = ["trainee", "week", "hours_practical", "hours_education"]
    list_filter = ["week"]
    search_fields = ["trainee__full_name", "trainee__email"]
    raw_id_fields = ["trainee", "enrolment"]
    filter_horizontal = ["prototypes"]
    inlines = [LogCommentInline]


@admin.register(MilestoneType)
class MilestoneTypeAdmin(admin.ModelAdmin[MilestoneType]):
    list_display = ["name_sv", "name_en", "position", "is_active"]
    list_editable = ["position", "is_active"]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin[Milestone]):
    list_display = ["trainee", "type", "due_on", "status"]
    list_filter = ["status", "type"]
    search_fields = ["trainee__full_name", "trainee__email"]
    raw_id_fields = ["trainee"]


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin[Outcome]):
    list_display = ["trainee", "enrolment", "months_after", "category", "source", "updated_at"]
    list_filter = ["months_after", "category", "source"]
    search_fields = ["trainee__full_name", "trainee__email", "employer"]
    raw_id_fields = ["trainee", "enrolment", "partner", "recorded_by"]
    list_select_related = ["trainee", "enrolment__cohort"]


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin[FollowUp]):
    """Read only: follow-ups are made and moved by the daily run and the answers."""

    list_display = ["trainee", "months_after", "due_on", "status", "emails_sent", "answered_at"]
    list_filter = ["status", "months_after"]
    search_fields = ["trainee__full_name", "trainee__email"]
    exclude = ["nonce"]  # part of the links: not shown
    list_select_related = ["trainee"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: FollowUp | None = None) -> bool:
        return False


@admin.register(FollowUpConsent)
class FollowUpConsentAdmin(admin.ModelAdmin[FollowUpConsent]):
    """Read only: a trainee decides on their page (or tells the lab)."""

    list_display = ["trainee", "given", "decided_at"]
    list_filter = ["given"]
    search_fields = ["trainee__full_name", "trainee__email"]
    list_select_related = ["trainee"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: FollowUpConsent | None = None
    ) -> bool:
        return False


@admin.register(ConsentEvent)
class ConsentEventAdmin(admin.ModelAdmin[ConsentEvent]):
    """The history of decisions: kept as it was."""

    list_display = ["trainee", "given", "channel", "actor", "created_at"]
    list_filter = ["given", "channel"]
    search_fields = ["trainee__full_name", "trainee__email"]
    list_select_related = ["trainee", "actor"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ConsentEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ConsentEvent | None = None) -> bool:
        return False
