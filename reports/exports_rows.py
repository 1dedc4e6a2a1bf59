"""The row exports: one row per outcome, and one per weekly progress log.

Both are pseudonymised: no name, email or free text, and a stable pseudonym per
trainee (`reports.exports.pseudonym`), so two exports of one installation can be
joined and nobody can turn a pseudonym back into a person. Outcome rows with names,
employers and notes are for admins only, with a reason. The cells are made by
PostgreSQL (`reports.exports_sql`); every export is audited by the view or the worker
(`reports.exports.record_export`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import ExtractYear, NullIf
from django.utils.translation import gettext as _

from reports.exports_sql import SafeText, SqlExport, days_between, labels, pseudonym_of, yes_no
from reports.figures import Filters
from trainees.models import (
    EmploymentType,
    Outcome,
    OutcomeCategory,
    OutcomeSource,
    ProgressLog,
)


def _safe(field: str) -> SafeText:
    # NULLIF: COPY writes an empty text as "" and NULL as nothing, as Python's csv did
    return SafeText(NullIf(F(field), Value("")))


@dataclass(frozen=True)
class RowExport(SqlExport):
    """One row per outcome of the filtered enrolments."""

    named: bool

    def header(self) -> list[str]:
        header = [_("Trainee")]
        if self.named:
            header += [_("Name"), _("Email")]
        header += [
            _("Cohort"),
            _("Organisation"),
            _("Year the programme ended"),
            _("Months after the end"),
            _("Outcome"),
            _("Type of employment"),
            _("Region"),
            _("Through the lab's network"),
            _("Through a partner"),
            _("Days from the end to the job"),
            _("Source"),
        ]
        if self.named:
            header += [_("Employer"), _("Role"), _("Note")]
        return header

    def queryset(self, filters: Filters) -> QuerySet[Outcome]:
        return Outcome.objects.filter(filters.q("enrolment__"))

    def cells(self, filters: Filters) -> QuerySet[Any, Any]:
        yes, no = str(_("yes")), str(_("no"))
        columns: dict[str, Any] = {"x_trainee": pseudonym_of('"trainees_outcome"."trainee_id"')}
        if self.named:
            columns |= {"x_name": _safe("trainee__full_name"), "x_email": F("trainee__email")}
        columns |= {
            "x_cohort": _safe("enrolment__cohort__name"),
            "x_organisation": _safe("enrolment__cohort__organisation__name"),
            "x_year": ExtractYear("enrolment__ends_on"),
            "x_months": F("months_after"),
            "x_category": labels("category", OutcomeCategory.choices),
            "x_type": labels("employment_type", EmploymentType.choices, default=""),
            "x_region": _safe("region"),
            "x_network": yes_no({"via_lab_network": True}, yes, no),
            "x_partner": yes_no({"partner_id__isnull": False}, yes, no),
            "x_days": days_between("starts_on", "enrolment__ends_on"),
            "x_source": labels("source", OutcomeSource.choices),
        }
        if self.named:
            columns |= {
                "x_employer": _safe("employer"),
                "x_role": _safe("role"),
                "x_note": _safe("note"),
            }
        return (
            self.queryset(filters)
            .annotate(**columns)
            # the unique (enrolment, months_after) index gives this order without a sort
            .order_by("enrolment_id", "months_after")
            .values_list(*columns)
        )


@dataclass(frozen=True)
class LogExport(SqlExport):
    """One row per weekly progress log: the week and its hours, the cohort and its
    organisation, pseudonymised and without the free text. The period is the weeks';
    the cohort and organisation those of the log's enrolment (a log without one is
    left out when either is chosen)."""

    def header(self) -> list[str]:
        return [
            _("Trainee"),
            _("Week"),
            _("Hours of practical work"),
            _("Hours of education"),
            _("Cohort"),
            _("Organisation"),
        ]

    def queryset(self, filters: Filters) -> QuerySet[ProgressLog]:
        q = Q()
        if filters.starts:
            q &= Q(week__gte=filters.starts)
        if filters.ends:
            q &= Q(week__lte=filters.ends)
        if filters.cohort_id:
            q &= Q(enrolment__cohort_id=filters.cohort_id)
        if filters.organisation_id:
            q &= Q(enrolment__cohort__organisation_id=filters.organisation_id)
        return ProgressLog.objects.filter(q)

    def cells(self, filters: Filters) -> QuerySet[Any, Any]:
        columns: dict[str, Any] = {
            "x_trainee": pseudonym_of('"trainees_progresslog"."trainee_id"'),
            "x_week": F("week"),
            "x_practical": F("hours_practical"),
            "x_education": F("hours_education"),
            "x_cohort": _safe("enrolment__cohort__name"),
            "x_organisation": _safe("enrolment__cohort__organisation__name"),
        }
        return (
            self.queryset(filters)
            .annotate(**columns)
            .order_by("trainee_id", "-week")  # the (trainee, -week) index's order
            .values_list(*columns)
        )
