from django.urls import path

from privacy import views, views_access, views_retention

app_name = "privacy"

# Each capability adds its routes below its own comment line.
urlpatterns = [
    path("personal-data/", views.home, name="home"),
    # access requests (privacy/views_access.py)
    path("personal-data/access/", views_access.access_request, name="access_request"),
    # retention and erasure (privacy/views_retention.py)
    path("personal-data/retention/", views_retention.retention, name="retention"),
    path("personal-data/retention/run/", views_retention.retention_run, name="retention_run"),
    path("personal-data/erase/", views_retention.erase, name="erase"),
    path("personal-data/erase/<int:pk>/", views_retention.erase_done, name="erase_done"),
]
