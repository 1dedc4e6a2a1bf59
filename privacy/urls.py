from django.urls import path

from privacy import views

app_name = "privacy"

# Each capability adds its routes below its own comment line.
urlpatterns = [
    path("personal-data/", views.home, name="home"),
    # access requests (privacy/views_access.py)
    # retention and erasure (privacy/views_retention.py)
]
