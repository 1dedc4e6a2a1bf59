"""URLs of the cohorts app: recruitment (included by `cohorts.urls`). The `apply*` pages
are public (no account); the `applicant*` pages are the lab's screening."""

from django.urls import URLPattern, path

from cohorts.views import recruitment as views

urlpatterns: list[URLPattern] = [
    path("apply/", views.apply_list, name="apply_list"),
    path("apply/thanks/", views.apply_thanks, name="apply_thanks"),
    path("apply/<int:pk>/", views.apply, name="apply"),
    path("cohorts/applicants/", views.applicant_list, name="applicant_list"),
    path("cohorts/applicants/<int:pk>/", views.applicant_detail, name="applicant_detail"),
    path("cohorts/applicants/<int:pk>/move/", views.applicant_move, name="applicant_move"),
]
