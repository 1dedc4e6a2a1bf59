from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from labportal.accounts.access import has_role
from labportal.accounts.models import Role
from labportal.core import outbox_upkeep
from labportal.core.models import AuditEntry, OutboxEmail, Skill, WorkerHeartbeat


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record kept by the services: the admin shows it and never writes it."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name_sv", "name_en", "category", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["name_sv", "name_en"]


@admin.register(OutboxEmail)
class OutboxEmailAdmin(ReadOnlyAdmin):
    """The record of what was sent: read-only; failed emails can be sent again."""

    list_display = ["key", "to", "subject", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["key", "to", "subject"]
    # Not `secret_values`: until the email leaves, it holds the sign-in link.
    readonly_fields = (
        "key",
        "to",
        "subject",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "claimed_at",
        "next_attempt_at",
        "sent_at",
        "purged_at",
        "body_text",
        "body_html",
    )
    fields = readonly_fields
    actions = ["send_again"]

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, Role.ADMIN)

    @admin.action(description=_("Send again"), permissions=["resend"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutboxEmail]) -> None:
        selected = queryset.count()
        queued = outbox_upkeep.send_again(actor=request.user, emails=queryset)
        if queued:
            self.message_user(
                request,
                ngettext(
                    "%(count)d email will be sent again.",
                    "%(count)d emails will be sent again.",
                    queued,
                )
                % {"count": queued},
                messages.SUCCESS,
            )
        if selected > queued:
            self.message_user(
                request,
                ngettext(
                    "%(count)d email was left as it is: only failed emails whose text is "
                    "still kept can be sent again.",
                    "%(count)d emails were left as they are: only failed emails whose text "
                    "is still kept can be sent again.",
                    selected - queued,
                )
                % {"count": selected - queued},
                messages.WARNING,
            )


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The audit log can be read here, never written: not added to, changed or deleted,
    by anyone, superusers included (a trail its subjects could edit proves nothing).
    Without the delete permission the bulk "delete selected" action goes too."""

    list_display = ["created_at", "actor", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor__email"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]


admin.site.register(WorkerHeartbeat)
