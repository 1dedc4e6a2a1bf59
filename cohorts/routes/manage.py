"""URLs of the cohorts app: manage (included by `cohorts.urls`)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
