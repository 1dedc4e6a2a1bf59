"""URLs of the cohorts app: planning (included by `cohorts.urls`)."""

from django.urls import URLPattern, path

from cohorts import views_planning, views_planning_assignments

urlpatterns: list[URLPattern] = [
    path("planning/", views_planning.board_page, name="board"),
    path("planning/match/", views_planning.match, name="match"),
    path("planning/assign/", views_planning.assign, name="assign"),
    path(
        "assignments/<int:pk>/",
        views_planning_assignments.assignment_detail,
        name="assignment_detail",
    ),
    path(
        "assignments/<int:pk>/edit/",
        views_planning_assignments.assignment_update,
        name="assignment_update",
    ),
    path(
        "assignments/<int:pk>/move/",
        views_planning_assignments.assignment_move,
        name="assignment_move",
    ),
    path(
        "assignments/<int:pk>/handover/",
        views_planning_assignments.handover,
        name="handover",
    ),
]
