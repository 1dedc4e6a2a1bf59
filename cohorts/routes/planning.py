"""URLs of the cohorts app: planning (included by `cohorts.urls`)."""

from django.urls import URLPattern, path

from cohorts.views import assignments, planning

urlpatterns: list[URLPattern] = [
    path("planning/", planning.board_page, name="board"),
    path("planning/match/", planning.match, name="match"),
    path("planning/assign/", planning.assign, name="assign"),
    path(
        "assignments/<int:pk>/",
        assignments.assignment_detail,
        name="assignment_detail",
    ),
    path(
        "assignments/<int:pk>/edit/",
        assignments.assignment_update,
        name="assignment_update",
    ),
    path(
        "assignments/<int:pk>/move/",
        assignments.assignment_move,
        name="assignment_move",
    ),
    path(
        "assignments/<int:pk>/cancel/",
        assignments.assignment_cancel,
        name="assignment_cancel",
    ),
    path(
        "assignments/<int:pk>/handover/",
        assignments.handover,
        name="handover",
    ),
]
