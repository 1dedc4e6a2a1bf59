from django.contrib import admin

from cohorts.models import Cohort, Enrolment


class EnrolmentInline(admin.TabularInline[Enrolment, Cohort]):
    model = Enrolment
    extra = 0
    autocomplete_fields = ["trainee"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin[Cohort]):
    list_display = ["name", "organisation", "starts_on", "ends_on"]
    inlines = [EnrolmentInline]
