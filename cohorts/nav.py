"""The cohorts' menu entries (see `labportal.core.nav`): for the lab, after the
trainees (30, 32). Trainees and supervisors find their cohort on the start page, so
the menu asks no query on every page.

"Employers" and "Ending soon" share order 39: 40 is "People" (`labportal.accounts.nav`),
and entries of equal order from different apps would follow the apps' registration
order; within one provider the sort keeps them in the order given here."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cohorts import access
from labportal.core.nav import Entry


def cohorts_entries(user: Any) -> list[Entry]:
    entries = []
    if access.can_manage_cohorts(user):
        entries.append(Entry(36, _("Cohorts"), reverse("cohorts:list")))
    if access.can_plan(user):
        entries.append(Entry(37, _("Planning"), reverse("cohorts:board")))
    if access.can_screen_applicants(user):
        entries.append(Entry(38, _("Applicants"), reverse("cohorts:applicant_list")))
    if access.can_manage_employers(user):
        entries.append(Entry(39, _("Employers"), reverse("cohorts:employer_list")))
    if access.can_match_placements(user):
        entries.append(Entry(39, _("Ending soon"), reverse("cohorts:placement")))
    return entries
