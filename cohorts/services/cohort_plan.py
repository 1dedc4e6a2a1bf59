"""The plan of a cohort on one page, for the department meeting: the cohort and its
dates, its trainees with their own dates and rotation periods, and its assignments
(idea, department, team, dates, status), as an A4 PDF in Swedish or English.

`plan_of_cohort` reads it into plain values in the active language, in a fixed number
of queries whatever the number of trainees, rotations and assignments;
`render_cohort_plan_pdf` lays it out with WeasyPrint, as the trainee summary does
(`trainees.services.summary`); `record_plan_download` writes who fetched it. The
caller has checked `cohorts.access.can_download_cohort_plan`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cohorts.models import (
    Assignment,
    AssignmentMember,
    AssignmentStatus,
    Cohort,
    Enrolment,
    RotationPeriod,
)
from labportal.accounts.models import User
from labportal.core.pdf import html_to_pdf
from labportal.core.services import record_audit

PLAN_LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
PDF_TEMPLATE = "cohorts/cohort_plan_pdf.html"
PDF_STYLESHEET = "css/cohort-plan-pdf.css"


@dataclass(frozen=True)
class PlanRotation:
    organisation: str
    starts_on: datetime.date
    ends_on: datetime.date


@dataclass(frozen=True)
class PlanTrainee:
    name: str
    starts_on: datetime.date
    ends_on: datetime.date
    joins_late: bool
    stays_longer: bool
    left_early: bool
    rotations: list[PlanRotation]


@dataclass(frozen=True)
class PlanAssignment:
    title: str
    department: str
    team: list[str]
    starts_on: datetime.date
    ends_on: datetime.date
    status: str


@dataclass(frozen=True)
class CohortPlan:
    """A cohort's plan in words of the active language; no internal ids."""

    name: str
    organisation: str
    served: list[str]
    starts_on: datetime.date
    ends_on: datetime.date
    status: str
    capacity: int
    lead: str
    supervisors: list[str]
    education_target_percent: int
    trainees: list[PlanTrainee]
    assignments: list[PlanAssignment]
    generated_on: datetime.date = field(default_factory=timezone.localdate)

    @property
    def places_taken(self) -> int:
        return sum(1 for trainee in self.trainees if not trainee.left_early)


def plan_language(user: User, requested: str | None) -> str:
    """The language asked for if the programme has it, else the user's own."""
    if requested in PLAN_LANGUAGES:
        return str(requested)
    return user.language if user.language in PLAN_LANGUAGES else settings.LANGUAGE_CODE


def plan_filename(cohort: Cohort, language: str) -> str:
    with translation.override(language):
        stem = _("cohort-plan")
    name = slugify(cohort.name)
    return f"{stem}-{name}.pdf" if name else f"{stem}.pdf"


def plan_of_cohort(cohort: Cohort) -> CohortPlan:
    """Read the plan; cancelled assignments are left out. Seven queries, whatever its
    size."""
    cohort = (
        Cohort.objects.select_related("organisation", "lab_lead")
        .prefetch_related("served_organisations", "supervisors")
        .get(pk=cohort.pk)
    )
    enrolments = (
        Enrolment.objects.filter(cohort=cohort)
        .select_related("trainee")
        .prefetch_related(
            Prefetch("rotations", queryset=RotationPeriod.objects.select_related("organisation"))
        )
        .order_by("starts_on", "trainee__full_name", "pk")
    )
    trainees = [
        PlanTrainee(
            name=str(enrolment.trainee),
            starts_on=enrolment.starts_on,
            ends_on=enrolment.ends_on,
            joins_late=enrolment.starts_on > cohort.starts_on,
            stays_longer=enrolment.ends_on > cohort.ends_on,
            left_early=enrolment.left_early,
            rotations=[
                PlanRotation(str(r.organisation), r.starts_on, r.ends_on)
                for r in enrolment.rotations.all()
            ],
        )
        for enrolment in enrolments
    ]
    members = AssignmentMember.objects.select_related("enrolment__trainee")
    assignments = [
        PlanAssignment(
            title=assignment.idea.title,
            department=assignment.idea.department.name,
            team=[str(m.enrolment.trainee) for m in assignment.memberships.all()],
            starts_on=assignment.starts_on,
            ends_on=assignment.ends_on,
            status=assignment.get_status_display(),
        )
        for assignment in Assignment.objects.filter(cohort=cohort)
        .exclude(status=AssignmentStatus.CANCELLED)
        .select_related("idea__department")
        .prefetch_related(Prefetch("memberships", queryset=members))
        .order_by("starts_on", "pk")
    ]
    return CohortPlan(
        name=cohort.name,
        organisation=cohort.organisation.name,
        served=[o.name for o in cohort.served_organisations.all()],
        starts_on=cohort.starts_on,
        ends_on=cohort.ends_on,
        status=cohort.get_status_display(),
        capacity=cohort.capacity,
        lead=str(cohort.lab_lead) if cohort.lab_lead else "",
        supervisors=[str(person) for person in cohort.supervisors.all()],
        education_target_percent=cohort.education_target_percent,
        trainees=trainees,
        assignments=assignments,
    )


def render_cohort_plan_pdf(cohort: Cohort, *, language: str) -> bytes:
    """The plan as a landscape A4 PDF in `language`, rendered in the request (a page, a
    second at most; `labportal.core.pdf`: fetches nothing, tagged)."""
    with translation.override(language):
        plan = plan_of_cohort(cohort)
        html = render_to_string(PDF_TEMPLATE, {"plan": plan, "language": language})
    return html_to_pdf(html, stylesheet=PDF_STYLESHEET)


@transaction.atomic
def record_plan_download(*, actor: User, cohort: Cohort, language: str) -> None:
    """Write who fetched the plan: it names trainees and their dates."""
    record_audit(actor, "cohort.plan_downloaded", cohort, language=language)
