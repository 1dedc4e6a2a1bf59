from django.urls import path

from trainees.views import competence, logs, milestones, summary

app_name = "trainees"

# Each capability keeps its own block; the views live in trainees/views/<capability>.py.
urlpatterns = [
    # competence: profiles, skills, validation ------------------------------------------
    # logs: weekly progress logs and comments ---------------------------------------------
    # milestones ----------------------------------------------------------------------------
    # summary -------------------------------------------------------------------------------
]
