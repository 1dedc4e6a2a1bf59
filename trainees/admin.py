from django.contrib import admin

from trainees.models import (
    LogComment,
    Milestone,
    MilestoneType,
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
