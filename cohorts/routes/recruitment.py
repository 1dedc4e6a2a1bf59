"""URLs of the cohorts app: recruitment (included by `cohorts.urls`)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
