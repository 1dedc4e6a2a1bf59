from django.urls import path

from prototypes import views

app_name = "prototypes"

urlpatterns = [
    path("ideas/", views.idea_list, name="list"),
    path("ideas/new/", views.idea_create, name="create"),
    path("ideas/flow/", views.idea_flow, name="flow"),
    path("ideas/<int:pk>/", views.idea_detail, name="detail"),
    path("ideas/<int:pk>/edit/", views.idea_update, name="update"),
    path("ideas/<int:pk>/status/<str:target>/", views.idea_transition, name="transition"),
    path("ideas/<int:pk>/comments/", views.idea_comment, name="comment"),
    path("ideas/<int:pk>/triage/", views.idea_triage, name="triage"),
    path("ideas/<int:pk>/prototype/", views.prototype_record, name="prototype"),
    path("ideas/<int:pk>/evaluation/", views.idea_evaluate, name="evaluate"),
    path(
        "ideas/<int:idea_pk>/attachments/<int:pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "ideas/<int:idea_pk>/attachments/<int:pk>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
]
