from django.contrib import admin

from prototypes.models import Idea


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = ["title", "department", "status", "created_at"]
    list_filter = ["status", "department"]
    search_fields = ["title"]
    filter_horizontal = ["skills"]
