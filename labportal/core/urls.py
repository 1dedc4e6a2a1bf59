from django.urls import path

from labportal.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("language/", views.set_language, name="set_language"),
    path("skills/", views.skill_list, name="skill_list"),
    path("skills/new/", views.skill_form, name="skill_create"),
    path("skills/<int:pk>/edit/", views.skill_form, name="skill_update"),
    path("audit/", views.audit_list, name="audit_list"),
]
