from django.urls import path

from trainees.views import (
    competence,
    follow_ups,
    logs,
    milestones,
    outcomes,
    profiles,
    summary,
)

app_name = "trainees"

# Each capability keeps its own block; the views live in trainees/views/<capability>.py.
urlpatterns = [
    # competence: profiles, skills, validation ------------------------------------------
    path("trainees/", profiles.trainee_list, name="list"),
    path("trainees/<int:pk>/", profiles.profile, name="profile"),
    path("trainees/profile/edit/", profiles.profile_edit, name="profile_edit"),
    path(
        "trainees/<int:pk>/reference-contact/",
        profiles.reference_contact,
        name="reference_contact",
    ),
    path("trainees/skills/new/", competence.skill_add, name="skill_add"),
    path("trainees/skills/<int:pk>/edit/", competence.skill_edit, name="skill_edit"),
    path("trainees/skills/<int:pk>/remove/", competence.skill_remove, name="skill_remove"),
    path("trainees/skills/<int:pk>/evidence/", competence.skill_evidence, name="skill_evidence"),
    path("trainees/skills/<int:pk>/validate/", competence.skill_validate, name="skill_validate"),
    path("trainees/skills/<int:pk>/history/", competence.skill_history_view, name="skill_history"),
    # logs: weekly progress logs and comments ---------------------------------------------
    path("logs/", logs.log_list, name="log_list"),
    path("logs/new/", logs.log_create, name="log_create"),
    path("logs/<int:pk>/", logs.log_detail, name="log_detail"),
    path("logs/<int:pk>/edit/", logs.log_edit, name="log_edit"),
    path("logs/<int:pk>/comment/", logs.log_comment, name="log_comment"),
    # milestones ----------------------------------------------------------------------------
    path("trainees/<int:pk>/milestones/", milestones.milestone_list, name="milestones"),
    path(
        "trainees/<int:pk>/milestones/new/",
        milestones.milestone_create,
        name="milestone_create",
    ),
    path(
        "trainees/<int:pk>/milestones/standard/",
        milestones.milestone_standard,
        name="milestone_standard",
    ),
    path("milestones/<int:pk>/edit/", milestones.milestone_update, name="milestone_update"),
    path("milestones/<int:pk>/status/", milestones.milestone_status, name="milestone_status"),
    path("milestone-types/", milestones.milestone_type_list, name="milestone_types"),
    path("milestone-types/new/", milestones.milestone_type_form, name="milestone_type_create"),
    path(
        "milestone-types/<int:pk>/edit/",
        milestones.milestone_type_form,
        name="milestone_type_update",
    ),
    # summary -------------------------------------------------------------------------------
    path("trainees/<int:pk>/summary/", summary.summary_page, name="summary_page"),
    path("trainees/<int:pk>/summary.pdf", summary.summary_pdf, name="summary"),
    # outcomes: the outcome history and consent to follow-ups ------------------------------
    path("trainees/<int:pk>/outcomes/", outcomes.outcome_history, name="outcomes"),
    path(
        "trainees/<int:pk>/follow-up-consent/",
        outcomes.follow_up_consent,
        name="follow_up_consent",
    ),
    # follow-ups: reached from an email, without signing in ------------------------------
    path("follow-up/stop/<str:token>/", follow_ups.follow_up_withdraw, name="follow_up_withdraw"),
    path("follow-up/<str:token>/", follow_ups.follow_up_answer, name="follow_up_answer"),
]
