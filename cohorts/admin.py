from django.contrib import admin
from django.http import HttpRequest

from cohorts.models import (
    Applicant,
    ApplicantEvent,
    ApplicantSkill,
    Assignment,
    AssignmentEvent,
    AssignmentMember,
    Cohort,
    EmployerContact,
    Enrolment,
    OpenRole,
    RotationPeriod,
    SummaryShare,
)


class EnrolmentInline(admin.TabularInline[Enrolment, Cohort]):
    model = Enrolment
    extra = 0
    autocomplete_fields = ["trainee"]
    fields = ["trainee", "starts_on", "ends_on", "left_early"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin[Cohort]):
    list_display = ["name", "organisation", "status", "starts_on", "ends_on", "capacity"]
    list_filter = ["status"]
    search_fields = ["name"]
    filter_horizontal = ["served_organisations", "supervisors"]
    inlines = [EnrolmentInline]


class RotationInline(admin.TabularInline[RotationPeriod, Enrolment]):
    model = RotationPeriod
    extra = 0


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin[Enrolment]):
    list_display = ["trainee", "cohort", "starts_on", "ends_on", "left_early"]
    list_select_related = ["trainee", "cohort"]
    search_fields = ["trainee__full_name", "trainee__email", "cohort__name"]
    autocomplete_fields = ["trainee", "cohort"]
    inlines = [RotationInline]


class ApplicantSkillInline(admin.TabularInline[ApplicantSkill, Applicant]):
    model = ApplicantSkill
    extra = 0


class ApplicantEventInline(admin.TabularInline[ApplicantEvent, Applicant]):
    model = ApplicantEvent
    extra = 0
    can_delete = False
    readonly_fields = ["actor", "from_status", "to_status", "note", "created_at"]


@admin.register(Applicant)
class ApplicantAdmin(admin.ModelAdmin[Applicant]):
    list_display = ["full_name", "cohort", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["cohort"]
    search_fields = ["full_name", "email"]
    inlines = [ApplicantSkillInline, ApplicantEventInline]


class AssignmentMemberInline(admin.TabularInline[AssignmentMember, Assignment]):
    model = AssignmentMember
    extra = 0
    autocomplete_fields = ["enrolment"]


class AssignmentEventInline(admin.TabularInline[AssignmentEvent, Assignment]):
    model = AssignmentEvent
    extra = 0
    can_delete = False
    readonly_fields = ["actor", "kind", "from_status", "to_status", "note", "created_at"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin[Assignment]):
    list_display = ["idea", "cohort", "status", "starts_on", "ends_on"]
    list_filter = ["status"]
    list_select_related = ["idea", "cohort"]
    search_fields = ["idea__title", "cohort__name"]
    raw_id_fields = ["idea", "continues"]
    inlines = [AssignmentMemberInline, AssignmentEventInline]


@admin.register(EmployerContact)
class EmployerContactAdmin(admin.ModelAdmin[EmployerContact]):
    list_display = ["name", "organisation", "email", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "email", "organisation__name"]
    list_select_related = ["organisation"]


@admin.register(OpenRole)
class OpenRoleAdmin(admin.ModelAdmin[OpenRole]):
    list_display = ["title", "organisation", "status", "closes_on"]
    list_filter = ["status"]
    search_fields = ["title", "organisation__name"]
    raw_id_fields = ["contact", "created_by"]
    list_select_related = ["organisation"]


@admin.register(SummaryShare)
class SummaryShareAdmin(admin.ModelAdmin[SummaryShare]):
    """Read only: a record of a summary sent with the trainee's consent."""

    list_display = ["trainee", "contact", "consent_method", "created_at", "downloads"]
    search_fields = ["trainee__full_name", "trainee__email", "contact__email"]
    exclude = ["token"]  # the emailed link's secret: not shown
    list_select_related = ["trainee", "contact"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SummaryShare | None = None) -> bool:
        return False
