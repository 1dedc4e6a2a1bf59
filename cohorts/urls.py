from django.urls import path

from cohorts.routes import employers, manage, planning, recruitment
from cohorts.views import progress

app_name = "cohorts"

urlpatterns = [
    path("cohorts/", progress.cohort_list, name="list"),
    path("cohorts/<int:pk>/progress/", progress.cohort_progress, name="progress"),
    *manage.urlpatterns,
    *recruitment.urlpatterns,
    *planning.urlpatterns,
    *employers.urlpatterns,
]
