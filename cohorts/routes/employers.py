"""URLs of the cohorts app: employer partners (included by `cohorts.urls`). The partners'
list, contacts, open roles and their status, the "ending soon" page and sharing a
trainee's summary are the lab's; `shared_summary` is the public link emailed to a
contact (no account); the views are `cohorts.views.employers`."""

from django.urls import URLPattern, path

from cohorts.views import employers as views

urlpatterns: list[URLPattern] = [
    path("employers/", views.employer_list, name="employer_list"),
    path(
        "employers/<int:organisation>/contacts/new/",
        views.contact_form,
        name="employer_contact_create",
    ),
    path("employers/contacts/<int:pk>/edit/", views.contact_form, name="employer_contact_update"),
    path("employers/<int:organisation>/roles/new/", views.role_form, name="employer_role_create"),
    path("employers/roles/<int:pk>/edit/", views.role_form, name="employer_role_update"),
    path("employers/roles/<int:pk>/status/", views.role_status, name="employer_role_status"),
    path("employers/ending-soon/", views.placement, name="placement"),
    path("enrolments/<int:pk>/share-summary/", views.share_summary_page, name="share_summary"),
    path("shared-summary/<str:token>/", views.shared_summary, name="shared_summary"),
]
