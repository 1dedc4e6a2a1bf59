"""URLs of the cohorts app: manage (included by `cohorts.urls`). The cohort's page,
creating and editing cohorts, their status, enrolments, rotation periods and the plan
as a PDF; the views are `cohorts.views.cohorts`, `cohorts.views.enrolments` and, for
the outcome at the end of an enrolment, `cohorts.views.outcomes`."""

from django.urls import URLPattern, path

from cohorts.views import cohorts as views
from cohorts.views import enrolments, outcomes

urlpatterns: list[URLPattern] = [
    path("cohorts/new/", views.cohort_create, name="create"),
    path("cohorts/<int:pk>/", views.cohort_detail, name="detail"),
    path("cohorts/<int:pk>/edit/", views.cohort_update, name="update"),
    path("cohorts/<int:pk>/status/", views.cohort_status, name="status"),
    path("cohorts/<int:pk>/plan.pdf", views.cohort_plan_pdf, name="plan_pdf"),
    path("cohorts/<int:pk>/enrolments/new/", enrolments.enrolment_create, name="enrolment_create"),
    path("enrolments/<int:pk>/edit/", enrolments.enrolment_update, name="enrolment_update"),
    path("enrolments/<int:pk>/leave/", enrolments.enrolment_leave, name="enrolment_leave"),
    path(
        "enrolments/<int:pk>/outcome/",
        outcomes.enrolment_outcome,
        name="enrolment_outcome",
    ),
    path("enrolments/<int:pk>/rotations/new/", enrolments.rotation_create, name="rotation_create"),
    path("rotations/<int:pk>/delete/", enrolments.rotation_delete, name="rotation_delete"),
]
