from typing import Any, cast

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from labportal.accounts.models import Department, Invitation, Organisation, User
from labportal.accounts.services import record_role_change
from labportal.core.services import record_audit


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organisation_number", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "organisation_number"]
    inlines = [DepartmentInline]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "is_active"]
    list_filter = ["organisation", "is_active"]
    search_fields = ["name"]
    list_select_related = ["organisation"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "role", "department", "is_active"]
    list_filter = ["role", "is_active", "organisation"]
    search_fields = ["email", "full_name"]
    list_select_related = ["department__organisation"]
    readonly_fields = ["last_login", "date_joined", "is_staff", "is_superuser"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "language"]}),
        (_("Role"), {"fields": ["role", "organisation", "department", "is_active"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "role", "department", "password1", "password2"],
            },
        )
    ]
    filter_horizontal = ()

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # People are never deleted here: their audit entries (append-only, PROTECT) and
        # their work keep pointing at them. A person's data is erased through the
        # personal-data pages, which anonymise the account instead. Without this
        # permission the "delete selected" bulk action goes too.
        return False

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        # The admin writes the model directly, bypassing the services: audit it here.
        # (changeform_view runs in a transaction, so entry and change commit together.)
        previous = form.initial.get("role") if change else None
        super().save_model(request, obj, form, change)
        actor = cast(User, request.user)  # the admin site is for signed-in staff only
        if change:
            record_audit(actor, "user.updated", obj, fields=sorted(form.changed_data), via="admin")
        else:
            record_audit(actor, "user.created", obj, role=obj.role, via="admin")
        record_role_change(actor, obj, previous, obj.role, via="admin")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "department", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["token_hash", "accepted_at", "accepted_user", "invited_by"]
