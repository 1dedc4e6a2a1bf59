"""URLs of the cohorts app: planning (included by `cohorts.urls`)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
