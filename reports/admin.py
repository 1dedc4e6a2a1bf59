from django.contrib import admin
from django.http import HttpRequest

from reports.models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin[ExportJob]):
    """Read only: exports are asked for on the exports page and built by the worker."""

    list_display = ["created_at", "requested_by", "status", "file_format", "named", "rows_total"]
    list_filter = ["status", "named", "file_format"]
    search_fields = ["requested_by__email", "requested_by__full_name", "reason"]
    exclude = ["file"]  # downloaded from the export's page, where it is audited
    list_select_related = ["requested_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ExportJob | None = None) -> bool:
        return False
