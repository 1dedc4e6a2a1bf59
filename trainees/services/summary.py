"""The end-of-programme summary: what a trainee hands to an employer, as a PDF in
Swedish or English.

`summarise_journey` reads a trainee's journey into plain values in the active
language (a fixed number of queries, whatever the number of weeks, skills and
milestones); `render_summary_pdf` lays it out with WeasyPrint; `record_summary_download`
writes who fetched whose summary. The caller has checked the user through
`trainees.access.get_trainee_for_user`. Enrolments and cohorts are read through the
reverse name `trainee.enrolments`: this module never imports `cohorts`.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from labportal.accounts.models import User
from labportal.core.pdf import html_to_pdf
from labportal.core.services import record_audit
from trainees.models import Milestone, MilestoneStatus, ProgressLog, TraineeProfile
from trainees.services.competence import validated_skills

# A summary, not a diary: an employer reads the prototypes that took most weeks.
MAX_PROTOTYPES = 10
SUMMARY_LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
PDF_TEMPLATE = "trainees/summary_pdf.html"
PDF_STYLESHEET = "css/summary-pdf.css"

EN_DASH = "\N{EN DASH}"
# Bullets a trainee types in front of a line ("- ", "* ", "• ", "1. ", an en dash).
_BULLET = re.compile(rf"^\s*(?:[-*•{EN_DASH}]|\d+[.)])\s+")


@dataclass(frozen=True)
class SummarySkill:
    name: str
    level: str
    method: str
    validated_on: datetime.date | None
    validated_by: str


@dataclass(frozen=True)
class SummaryMilestone:
    name: str
    done_on: datetime.date | None


@dataclass(frozen=True)
class SummaryContact:
    name: str
    email: str


@dataclass(frozen=True)
class TraineeSummary:
    """A trainee's journey in words of the active language; no internal ids."""

    name: str
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    cohorts: list[str]
    organisation: str
    prototypes: list[str]
    prototypes_not_shown: int
    skills: list[SummarySkill]
    milestones: list[SummaryMilestone]
    contact: SummaryContact | None
    hours_practical: Decimal
    hours_education: Decimal
    weeks_logged: int
    generated_on: datetime.date = field(default_factory=timezone.localdate)

    @property
    def hours_total(self) -> Decimal:
        return self.hours_practical + self.hours_education

    @property
    def education_percent(self) -> int | None:
        total = self.hours_total
        return round(self.hours_education * 100 / total) if total else None

    @property
    def practical_percent(self) -> int | None:
        share = self.education_percent
        return None if share is None else 100 - share

    @property
    def has_period(self) -> bool:
        return self.starts_on is not None


@dataclass
class _Prototype:
    label: str
    weeks: set[datetime.date]

    @property
    def first_week(self) -> datetime.date:
        return min(self.weeks)

    @property
    def last_week(self) -> datetime.date:
        return max(self.weeks)


def summary_language(trainee: User, requested: str | None) -> str:
    """The language asked for if the programme has it, else the trainee's own."""
    if requested in SUMMARY_LANGUAGES:
        return str(requested)
    return trainee.language if trainee.language in SUMMARY_LANGUAGES else settings.LANGUAGE_CODE


def summary_filename(trainee: User, language: str) -> str:
    with translation.override(language):
        stem = _("summary")
    name = slugify(trainee.full_name or trainee.email.split("@")[0])
    return f"{stem}-{name}.pdf" if name else f"{stem}.pdf"


def _prototype_key(text: str) -> str:
    return " ".join(text.casefold().split())


# A log's week, prototypes text and hours (practical, education).
_LogRow = tuple[datetime.date, str, Decimal, Decimal]


def _prototypes(trainee: User) -> tuple[list[str], int, list[_LogRow]]:
    """The prototypes named in the trainee's logs, each on one line: the ideas linked to
    a log (title and department) and the free-text lines typed until planning exists,
    deduplicated without regard to case or spacing. The ones worked on for most weeks
    (then the most recent) are kept; they are shown in the order they were started.
    Also returns the logs' weeks and hours, read in the same query."""
    found: dict[str, _Prototype] = {}

    def add(label: str, week: datetime.date, name: str = "") -> None:
        label = " ".join(label.split())
        if not label:
            return
        key = _prototype_key(name or label)
        entry = found.get(key)
        if entry is None:
            found[key] = _Prototype(label=label, weeks={week})
        else:
            entry.weeks.add(week)

    # Linked ideas first: their title and department say more than a typed line.
    links = ProgressLog.prototypes.through.objects.filter(progresslog__trainee=trainee)
    for week, title, department in links.values_list(
        "progresslog__week", "idea__title", "idea__department__name"
    ).order_by("progresslog__week"):
        add(f"{title} {EN_DASH} {department}" if department else title, week, name=title)
    logs: list[_LogRow] = list(
        ProgressLog.objects.filter(trainee=trainee)
        .order_by("week")
        .values_list("week", "prototypes_text", "hours_practical", "hours_education")
    )
    for week, text, _practical, _education in logs:
        for line in text.splitlines():
            add(_BULLET.sub("", line), week)
    ranked = sorted(found.values(), key=lambda p: (-len(p.weeks), -p.last_week.toordinal()))
    kept = sorted(ranked[:MAX_PROTOTYPES], key=lambda p: p.first_week)
    return [p.label for p in kept], max(len(ranked) - MAX_PROTOTYPES, 0), logs


def _organisation_name(trainee: User, latest_enrolment: Any) -> str:
    """The organisation that ran the trainee's latest cohort (the one an employer
    calls), else the trainee's own."""
    if latest_enrolment is not None:
        return str(latest_enrolment.cohort.organisation.name)
    organisation = trainee.organisation
    return organisation.name if organisation is not None else ""


def summarise_journey(trainee: User) -> TraineeSummary:
    """The trainee's period, prototypes, validated skills, milestones reached, hours and
    the lab's reference contact, in the active language. Only validated skills count: a
    level the trainee assessed alone is not vouched for by the lab. The reference
    contact is the one the lab named, or (none named, or no longer active) the lead of
    the latest cohort. Reads only, in six queries whatever the size of the journey."""
    enrolments = sorted(
        trainee.enrolments.select_related("cohort__organisation", "cohort__lab_lead"),
        key=lambda enrolment: (enrolment.start, enrolment.end),
    )
    profile = (
        TraineeProfile.objects.filter(user=trainee).select_related("reference_contact").first()
    )
    contact_person = profile.reference_contact if profile else None
    if contact_person is None or not contact_person.is_active:
        leads = [e.cohort.lab_lead for e in reversed(enrolments) if e.cohort.lab_lead]
        contact_person = next((lead for lead in leads if lead.is_active), None)
    latest = enrolments[-1] if enrolments else None

    prototypes, not_shown, logs = _prototypes(trainee)
    skills = [
        SummarySkill(
            name=record.skill.name,
            level=record.get_validated_level_display(),
            method=record.get_validation_method_display(),
            validated_on=timezone.localdate(record.validated_at) if record.validated_at else None,
            validated_by=str(record.validated_by) if record.validated_by else "",
        )
        for record in validated_skills(trainee)
    ]
    skills.sort(key=lambda skill: skill.name.casefold())
    milestones = [
        SummaryMilestone(
            name=milestone.type.name,
            done_on=timezone.localdate(milestone.done_at) if milestone.done_at else None,
        )
        for milestone in Milestone.objects.filter(trainee=trainee, status=MilestoneStatus.DONE)
        .select_related("type")
        .order_by("done_at", "type__position", "pk")
    ]
    return TraineeSummary(
        name=str(trainee),
        starts_on=min(e.start for e in enrolments) if enrolments else None,
        ends_on=max(e.end for e in enrolments) if enrolments else None,
        cohorts=list(dict.fromkeys(e.cohort.name for e in enrolments)),
        organisation=_organisation_name(trainee, latest),
        prototypes=prototypes,
        prototypes_not_shown=not_shown,
        skills=skills,
        milestones=milestones,
        contact=SummaryContact(name=str(contact_person), email=contact_person.email)
        if contact_person
        else None,
        hours_practical=sum((log[2] for log in logs), Decimal(0)),
        hours_education=sum((log[3] for log in logs), Decimal(0)),
        weeks_logged=len(logs),
    )


def render_summary_pdf(trainee: User, *, language: str) -> bytes:
    """The summary as an A4 PDF in `language`. About a second for one trainee, so it
    is rendered in the request (`labportal.core.pdf`: fetches nothing, tagged)."""
    with translation.override(language):
        summary = summarise_journey(trainee)
        html = render_to_string(PDF_TEMPLATE, {"summary": summary, "language": language})
    return html_to_pdf(html, stylesheet=PDF_STYLESHEET)


@transaction.atomic
def record_summary_download(*, actor: User, trainee: User, language: str) -> None:
    """Write who fetched whose summary: it holds personal data about the trainee."""
    record_audit(actor, "trainee.summary_downloaded", trainee, language=language)
