"""Cohort pages: a cohort's page with its enrolments and rotation periods, creating
and editing cohorts, status changes, and the cohort's plan as a one-page PDF
(enrolling, changing enrolments and rotations: `cohorts.views.enrolments`).

Who sees what is `cohorts.access`: the cohort's page for whoever sees the cohort (the
lab, its trainees, its supervisors; anyone else 403 or 404), the rest for the lab
(anyone else 403, before any object is looked at). Views are thin: access, form,
service (`cohorts.services.cohorts`, `cohorts.services.cohort_enrolments`), message,
redirect."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cohorts import access, workflow
from cohorts.forms_cohorts import (
    CohortForm,
    CohortStatusForm,
)
from cohorts.models import Cohort, Enrolment, RotationPeriod
from cohorts.services import cohort_plan
from cohorts.services.cohorts import (
    change_cohort_status,
    create_cohort,
    status_label,
    update_cohort,
)
from cohorts.views.outcomes import end_outcome_prefetch
from labportal.accounts.http import AuthenticatedHttpRequest
from labportal.core.forms import apply_validation_error
from trainees import access as trainee_access


@dataclass(frozen=True)
class EnrolmentRow:
    """One enrolment on the cohort's page, with what the viewer may see of it."""

    enrolment: Enrolment
    show_details: bool  # dates, supervisors, rotations
    show_reason: bool
    joins_late: bool
    stays_longer: bool


def _require_manager(request: AuthenticatedHttpRequest) -> None:
    if not access.can_manage_cohorts(request.user):
        raise PermissionDenied


def _managed_cohort(request: AuthenticatedHttpRequest, pk: int) -> Cohort:
    _require_manager(request)
    return access.get_cohort_for_user(request.user, pk)


# The cohort's page ---------------------------------------------------------------------
@login_required
@require_GET
def cohort_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Read in a fixed number of queries, whatever the number of enrolments and rotations."""
    user = request.user
    if not access.can_list_cohorts(user):
        raise PermissionDenied
    cohort = get_object_or_404(
        access.cohorts_visible_to(user)
        .select_related("organisation", "lab_lead")
        .prefetch_related("served_organisations", "supervisors"),
        pk=pk,
    )
    can_manage = access.can_manage_cohorts(user)
    enrolments = (
        Enrolment.objects.filter(cohort=cohort)
        .select_related("trainee")
        .prefetch_related(
            Prefetch("rotations", queryset=RotationPeriod.objects.select_related("organisation")),
            "supervisors",
            *end_outcome_prefetch(user),
        )
        .order_by("trainee__full_name", "trainee__email", "pk")
    )
    detailed = (
        None
        if can_manage
        else set(
            access.enrolments_detailed_for(user, cohort).order_by().values_list("pk", flat=True)
        )
    )
    rows = [
        EnrolmentRow(
            enrolment=enrolment,
            show_details=detailed is None or enrolment.pk in detailed,
            show_reason=access.can_see_leave_reason(user, enrolment),
            joins_late=enrolment.starts_on > cohort.starts_on,
            stays_longer=enrolment.ends_on > cohort.ends_on,
        )
        for enrolment in enrolments
    ]
    plan_url = reverse("cohorts:plan_pdf", args=[cohort.pk])
    context: dict[str, Any] = {
        "cohort": cohort,
        "rows": rows,
        "places_taken": sum(1 for row in rows if not row.enrolment.left_early),
        "can_manage": can_manage,
        "can_see_notes": access.can_see_cohort_notes(user),
        "can_see_progress": trainee_access.can_view_cohort_progress(user),
        "can_record_outcome": trainee_access.can_record_outcome(user),
        "moves": workflow.moves_from(workflow.COHORT_MOVES, cohort.status) if can_manage else [],
        "plan_downloads": [
            {"url": f"{plan_url}?lang=sv", "language": "sv", "label": _("Plan in Swedish (PDF)")},
            {"url": f"{plan_url}?lang=en", "language": "en", "label": _("Plan in English (PDF)")},
        ]
        if access.can_download_cohort_plan(user)
        else [],
    }
    return render(request, "cohorts/cohort_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def cohort_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_manager(request)
    initial = {
        "organisation": request.user.organisation_id,
        "lab_lead": request.user.pk if access.is_lab(request.user) else None,
    }
    form = CohortForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = create_cohort(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The cohort “%(name)s” is created.") % {"name": cohort})
            return redirect(cohort)
    return render(request, "cohorts/cohort_form.html", {"form": form, "cohort": None})


@login_required
@require_http_methods(["GET", "POST"])
def cohort_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cohort = _managed_cohort(request, pk)
    name = cohort.name  # the form writes into `cohort`; the heading keeps the saved name
    form = CohortForm(request.POST or None, instance=cohort)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = update_cohort(
                actor=request.user,
                cohort=cohort,
                data=form.cleaned_data,
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The cohort “%(name)s” is saved.") % {"name": cohort})
            return redirect(cohort)
    return render(
        request, "cohorts/cohort_form.html", {"form": form, "cohort": cohort, "name": name}
    )


@login_required
@require_http_methods(["GET", "POST"])
def cohort_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET `?target=`: the confirmation page of a move (the detail page links there for
    destructive ones); POST: the move. Refusals come back as a message on the cohort."""
    cohort = _managed_cohort(request, pk)
    if request.method == "GET":
        try:
            move = workflow.require(
                workflow.COHORT_MOVES, cohort.status, request.GET.get("target", ""), status_label
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(cohort)
        form = CohortStatusForm(initial={"target": move.target, "seen": cohort.status})
        return render(
            request,
            "cohorts/cohort_status_confirm.html",
            {"cohort": cohort, "move": move, "form": form},
        )
    form = CohortStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the buttons for the cohort's status."))
        return redirect(cohort)
    try:
        cohort = change_cohort_status(
            actor=request.user,
            cohort=cohort,
            target=form.cleaned_data["target"],
            expected_status=form.cleaned_data["seen"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("“%(cohort)s” is now “%(status)s”.")
            % {"cohort": cohort, "status": cohort.get_status_display()},
        )
    return redirect(cohort)


# The plan as a PDF -------------------------------------------------------------------------
@login_required
@require_GET
def cohort_plan_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The cohort's plan on one page, in `?lang=sv|en` (default: the user's language),
    for the lab. Rendered in the request (a page); every download is audited."""
    if not access.can_download_cohort_plan(request.user):
        raise PermissionDenied
    cohort = access.get_cohort_for_user(request.user, pk)
    language = cohort_plan.plan_language(request.user, request.GET.get("lang"))
    pdf = cohort_plan.render_cohort_plan_pdf(cohort, language=language)
    cohort_plan.record_plan_download(actor=request.user, cohort=cohort, language=language)
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = content_disposition_header(
        as_attachment=True, filename=cohort_plan.plan_filename(cohort, language)
    )
    response["Content-Disposition"] = disposition or "attachment"
    response["Content-Language"] = language
    # Names trainees and their dates: kept by no shared cache.
    patch_cache_control(response, private=True, no_store=True)
    return response
