from django.urls import path

from labportal.accounts import views

app_name = "accounts"

urlpatterns = [
    path("people/", views.user_list, name="user_list"),
    path("people/<int:pk>/", views.user_detail, name="user_detail"),
    path("people/<int:pk>/edit/", views.user_update, name="user_update"),
    path("invitations/", views.invitation_list, name="invitation_list"),
    path("invitations/new/", views.invitation_create, name="invitation_create"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invitations/accept/", views.invitation_accept_form, name="invitation_accept_form"),
    path("invitations/accept/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_form, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_form, name="organisation_update"),
    path(
        "organisations/<int:organisation_pk>/departments/new/",
        views.department_form,
        name="department_create",
    ),
    path(
        "organisations/<int:organisation_pk>/departments/<int:pk>/edit/",
        views.department_form,
        name="department_update",
    ),
]
