from typing import Any

from django.contrib import admin

from labportal.accounts.models import Department
from prototypes.models import (
    Evaluation,
    Idea,
    IdeaAttachment,
    IdeaComment,
    IdeaEvent,
    PrototypeRecord,
)


class IdeaAttachmentInline(admin.TabularInline):
    model = IdeaAttachment
    extra = 0
    fields = ("original_name", "content_type", "size", "uploaded_by", "created_at")
    readonly_fields = fields


class IdeaEventInline(admin.TabularInline):
    # The history is a record of what happened: read-only, also here.
    model = IdeaEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "actor", "from_status", "to_status", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:  # noqa: ANN001
        return False


class IdeaCommentInline(admin.TabularInline):
    model = IdeaComment
    extra = 0
    fields = ["created_at", "author", "from_lab", "body"]
    readonly_fields = ["created_at", "author", "from_lab"]


class DepartmentListFilter(admin.RelatedFieldListFilter):
    """The department filter's choices with their organisations in one query (a
    department's name includes its organisation's: one query each otherwise)."""

    def field_choices(self, field: Any, request: Any, model_admin: Any) -> list[tuple[str, Any]]:
        departments = Department.objects.select_related("organisation")
        return [(str(d.pk), str(d)) for d in departments.order_by("organisation__name", "name")]


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = ["title", "department", "status", "submitted_at", "ready_to_plan"]
    list_filter = [
        "status",
        "ready_to_plan",
        "urgency",
        "benefit_size",
        ("department", DepartmentListFilter),
    ]
    search_fields = ["title", "problem"]
    date_hierarchy = "submitted_at"
    list_select_related = ["department__organisation"]  # Department.__str__ names it
    filter_horizontal = ["skills"]
    raw_id_fields = ["submitted_by"]
    # Status changes go through the site, where the state machine and the emails live.
    readonly_fields = [
        "status",
        "submitted_at",
        "triaged_at",
        "decided_at",
        "delivered_at",
        "version",
        "created_at",
        "updated_at",
    ]
    exclude = ["search_vector"]
    inlines = [IdeaAttachmentInline, IdeaCommentInline, IdeaEventInline]


@admin.register(PrototypeRecord)
class PrototypeRecordAdmin(admin.ModelAdmin):
    list_display = ["working_title", "idea", "updated_at"]
    search_fields = ["working_title", "idea__title"]
    raw_id_fields = ["idea"]


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["idea", "benefit_realised", "adoption", "created_at"]
    list_filter = ["adoption", "benefit_realised"]
    raw_id_fields = ["idea", "evaluated_by"]
