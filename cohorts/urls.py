from django.urls import path

from cohorts import views
from cohorts.routes import manage, planning, recruitment

app_name = "cohorts"

urlpatterns = [
    path("cohorts/", views.cohort_list, name="list"),
    path("cohorts/<int:pk>/progress/", views.cohort_progress, name="progress"),
    *manage.urlpatterns,
    *recruitment.urlpatterns,
    *planning.urlpatterns,
]
