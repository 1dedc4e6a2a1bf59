"""The trainee journey's menu entries (see `labportal.core.nav`)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from labportal.core.nav import Entry
from trainees import access


def competence_entries(user: Any) -> list[Entry]:
    """The lab's list of trainees; a trainee's own profile. Between ideas (20) and people (40)."""
    if access.can_list_trainees(user):
        return [Entry(30, _("Trainees"), reverse("trainees:list"))]
    if access.is_trainee(user):
        return [Entry(30, _("My profile"), reverse("trainees:profile", args=[user.pk]))]
    return []


def logs_entries(user: Any) -> list[Entry]:
    """A trainee's own weekly logs; a supervisor's trainees' logs. Right after the
    profile (30). People of other roles named as supervisors find their trainees on
    the start page, so the menu asks no query on every page."""
    if access.is_trainee(user):
        return [Entry(32, _("My weekly logs"), reverse("trainees:log_list"))]
    if access.is_supervisor_role(user):
        return [Entry(32, _("Progress logs"), reverse("trainees:log_list"))]
    return []
