from django.contrib import admin

from labportal.core.models import AuditEntry, OutboxEmail, Skill, WorkerHeartbeat


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name_sv", "name_en", "category", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["name_sv", "name_en"]


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ["key", "to", "subject", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["key", "to", "subject"]
    readonly_fields = [f.name for f in OutboxEmail._meta.fields]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor__email"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


admin.site.register(WorkerHeartbeat)
