"""The retention decisions are configured here by administrators; the runs and the
erasures are records kept by the services (read-only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import F
from django.forms import ModelForm
from django.http import HttpRequest

from labportal.accounts.access import has_role
from labportal.accounts.models import Role
from labportal.core.admin import ReadOnlyAdmin
from labportal.core.services import record_audit
from privacy.models import Erasure, RetentionRule, RetentionRun


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin[RetentionRule]):
    """Every change is versioned and written to the audit log with who made it; the
    model's `clean` refuses rules the law or the statistics do not allow."""

    list_display = ["category", "months", "anchor", "action", "is_active", "updated_at"]
    list_filter = ["is_active", "action", "anchor"]
    EDITABLE = ("category", "months", "anchor", "action", "is_active", "note")
    readonly_fields = ("updated_by", "updated_at", "version")

    def get_fields(self, request: HttpRequest, obj: RetentionRule | None = None) -> tuple[str, ...]:
        return (*self.EDITABLE, *self.readonly_fields) if obj else self.EDITABLE

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, Role.ADMIN)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_role(request.user, Role.ADMIN)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, Role.ADMIN)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_role(request.user, Role.ADMIN)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A decision is switched off (not applied), never lost: its history is the audit log.
        return False

    @transaction.atomic
    def save_model(
        self, request: HttpRequest, obj: RetentionRule, form: ModelForm[RetentionRule], change: bool
    ) -> None:
        obj.updated_by = request.user if request.user.is_authenticated else None
        if change:
            obj.version = F("version") + 1
        super().save_model(request, obj, form, change)
        obj.refresh_from_db(fields=["version"])
        record_audit(
            request.user,
            "privacy.retention_rule_changed" if change else "privacy.retention_rule_created",
            obj,
            category=obj.category,
            months=obj.months,
            anchor=obj.anchor,
            then=obj.action,
            is_active=obj.is_active,
            version=obj.version,
            changed=list(form.changed_data),
        )


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "finished_at", "triggered_by", "error"]
    fields = readonly_fields = ("started_at", "finished_at", "triggered_by", "counts", "error")


@admin.register(Erasure)
class ErasureAdmin(ReadOnlyAdmin):
    list_display = ["done_at", "person", "applicant_id", "requested_by"]
    fields = readonly_fields = (
        "done_at",
        "person",
        "applicant_id",
        "requested_by",
        "reason",
        "categories_done",
        "categories_kept",
    )
