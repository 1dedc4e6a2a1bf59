"""An assignment's page, changing its team and dates, its status moves and handing it
over to another cohort.

Thin: access (`cohorts.access`) → form → service → message → redirect. The page is
for whoever sees the assignment's cohort (the lab, its trainees, its supervisors);
everything else is the lab's. An assignment the user may not see answers 404."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cohorts import access, matching
from cohorts.forms_planning import (
    AssignmentUpdateForm,
    CancelPlanForm,
    HandoverCohortForm,
    HandoverForm,
    MoveForm,
    handover_defaults,
)
from cohorts.models import Assignment, Cohort
from cohorts.services.planning import PlanningWarnings, update_assignment
from cohorts.services.planning_match import load_match
from cohorts.services.planning_moves import (
    cancel_assignment,
    hand_over,
    move_assignment,
    offered_moves,
)
from cohorts.views.planning import needs_of
from labportal.accounts.access import role_required
from labportal.accounts.http import AuthenticatedHttpRequest
from labportal.accounts.models import Role
from labportal.core.forms import apply_validation_error

PAGE_ROLES = (*access.LAB_ROLES, Role.TRAINEE, Role.SUPERVISOR)


def _ranked(
    assignment: Assignment, cohort: Cohort, period: matching.Period, *, exclude: int | None
) -> list[matching.Ranked]:
    """The cohort's trainees free in the period, ranked for the assignment's idea."""
    needs = needs_of(assignment.idea)
    data = load_match(
        needs=needs, period=period, cohort_ids=[cohort.pk], exclude_assignment_id=exclude
    )
    return matching.rank_candidates(data.candidates, needs, period, matching.max_parallel())


def _period(form: Any, starts_on: datetime.date, ends_on: datetime.date) -> matching.Period:
    if form.is_bound and form.is_valid():
        return matching.Period(form.cleaned_data["starts_on"], form.cleaned_data["ends_on"])
    return matching.Period(starts_on, ends_on)


def _rebind_version(form: Any, version: int) -> None:
    data = form.data.copy()
    data["version"] = str(version)
    form.data = data


@role_required(*PAGE_ROLES)
def assignment_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    assignment = access.get_assignment_page_for_user(user, pk)
    can_change = access.can_change_assignment(user, assignment)
    return render(
        request,
        "cohorts/assignment_detail.html",
        {
            "assignment": assignment,
            "members": assignment.memberships.select_related("enrolment__trainee"),
            "events": assignment.events.select_related("actor"),
            "can_change": can_change,
            "can_hand_over": access.can_hand_over(user, assignment),
            "can_cancel": access.can_cancel_assignment(user, assignment),
            "is_lab": access.is_lab(user),
            "moves": offered_moves(assignment) if can_change else [],
        },
    )


@role_required(*access.LAB_ROLES)
@require_http_methods(["GET", "POST"])
def assignment_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The team (trainees of the same cohort) and the dates, against lost updates."""
    assignment = access.get_assignment_page_for_user(request.user, pk)
    if not access.can_change_assignment(request.user, assignment):
        messages.error(request, _("This assignment can no longer be changed."))
        return redirect("cohorts:assignment_detail", pk=assignment.pk)
    current = set(assignment.memberships.values_list("enrolment_id", flat=True))
    form = AssignmentUpdateForm(
        request.POST or None,
        initial={
            "starts_on": assignment.starts_on,
            "ends_on": assignment.ends_on,
            "version": assignment.version,
        },
    )
    warnings: list[matching.Warning] = []
    if request.method == "POST" and form.is_valid():
        try:
            update_assignment(
                actor=request.user,
                assignment=assignment,
                team=list(form.cleaned_data["team"]),
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                expected_version=form.cleaned_data["version"],
                assign_anyway=form.cleaned_data["assign_anyway"],
            )
        except PlanningWarnings as error:
            warnings = error.warnings
        except ValidationError as error:
            apply_validation_error(form, error)
            if getattr(error, "code", None) == "conflict":
                _rebind_version(form, Assignment.objects.get(pk=assignment.pk).version)
        else:
            messages.success(request, _("The assignment is saved."))
            return redirect("cohorts:assignment_detail", pk=assignment.pk)
    period = _period(form, assignment.starts_on, assignment.ends_on)
    ranked = _ranked(assignment, assignment.cohort, period, exclude=assignment.pk)
    return render(
        request,
        "cohorts/assignment_form.html",
        {
            "assignment": assignment,
            "form": form,
            "ranked": ranked,
            "chosen": form.chosen_ids() if form.is_bound else current,
            "warnings": warnings,
            "offer_anyway": bool(warnings) or bool(form["assign_anyway"].value()),
        },
        status=400 if form.is_bound else 200,
    )


@role_required(*access.LAB_ROLES)
@require_POST
def assignment_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Start work or mark as done; the idea moves along (`services.planning_moves`)."""
    assignment = access.get_assignment_page_for_user(request.user, pk)
    form = MoveForm(request.POST)
    if not access.can_change_assignment(request.user, assignment) or not form.is_valid():
        messages.error(request, _("This assignment cannot be moved like that now."))
        return redirect("cohorts:assignment_detail", pk=assignment.pk)
    try:
        move_assignment(
            actor=request.user,
            assignment=assignment,
            target=form.cleaned_data["target"],
            expected_version=form.cleaned_data["version"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The assignment is now “%(status)s”.") % {"status": assignment.get_status_display()},
        )
    return redirect("cohorts:assignment_detail", pk=assignment.pk)


@role_required(*access.LAB_ROLES)
@require_http_methods(["GET", "POST"])
def assignment_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Cancel a plan before the work began, with a reason: the idea goes back to the
    backlog and its department is told why."""
    assignment = access.get_assignment_page_for_user(request.user, pk)
    if not access.can_cancel_assignment(request.user, assignment):
        messages.error(request, _("Only a plan whose work has not started can be cancelled."))
        return redirect("cohorts:assignment_detail", pk=assignment.pk)
    form = CancelPlanForm(request.POST or None, initial={"version": assignment.version})
    if request.method == "POST" and form.is_valid():
        try:
            cancel_assignment(
                actor=request.user,
                assignment=assignment,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("The plan is cancelled; “%(idea)s” is back in the backlog.")
                % {"idea": assignment.idea.title},
            )
            return redirect("cohorts:board")
    return render(
        request,
        "cohorts/assignment_cancel.html",
        {"assignment": assignment, "form": form},
        status=400 if form.is_bound else 200,
    )


def _next_cohorts(assignment: Assignment) -> Any:
    return (
        Cohort.objects.exclude(pk=assignment.cohort_id)
        .filter(ends_on__gte=timezone.localdate())
        .order_by("starts_on", "name")
    )


@role_required(*access.LAB_ROLES)
@require_http_methods(["GET", "POST"])
def handover(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Hand work in progress over to trainees of another cohort, with notes."""
    assignment = access.get_assignment_page_for_user(request.user, pk)
    if not access.can_hand_over(request.user, assignment):
        messages.error(request, _("Only an assignment in progress can be handed over."))
        return redirect("cohorts:assignment_detail", pk=assignment.pk)
    cohorts = _next_cohorts(assignment)
    picker = HandoverCohortForm(request.GET or None, cohorts=cohorts)
    picked = picker.cleaned_data.get("cohort") if picker.is_valid() else None
    posted = request.POST.get("cohort", "")
    if posted.isdigit():
        picked = next((c for c in cohorts if c.pk == int(posted)), picked)
    if picked is None:
        later = [c for c in cohorts if c.starts_on >= assignment.cohort.starts_on]
        picked = later[0] if later else next(iter(cohorts), None)
    defaults = handover_defaults(
        timezone.localdate(), assignment.cohort.ends_on, assignment.ends_on
    )
    form = HandoverForm(
        request.POST or None,
        initial={"cohort": picked, "version": assignment.version, **defaults},
    )
    form.fields["cohort"].queryset = cohorts  # type: ignore[attr-defined]
    warnings: list[matching.Warning] = []
    if request.method == "POST" and form.is_valid():
        try:
            new = hand_over(
                actor=request.user,
                assignment=assignment,
                cohort=form.cleaned_data["cohort"],
                team=list(form.cleaned_data["team"]),
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                notes=form.cleaned_data["handover_notes"],
                expected_version=form.cleaned_data["version"],
                assign_anyway=form.cleaned_data["assign_anyway"],
            )
        except PlanningWarnings as error:
            warnings = error.warnings
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("The work is handed over to %(cohort)s.") % {"cohort": new.cohort.name},
            )
            return redirect("cohorts:assignment_detail", pk=new.pk)
    period = _period(form, defaults["starts_on"], defaults["ends_on"])
    ranked = _ranked(assignment, picked, period, exclude=None) if picked else []
    return render(
        request,
        "cohorts/assignment_handover.html",
        {
            "assignment": assignment,
            "picker": picker
            if picker.is_bound
            else HandoverCohortForm(initial={"cohort": picked}, cohorts=cohorts),
            "picked": picked,
            "form": form,
            "ranked": ranked,
            "chosen": form.chosen_ids() if form.is_bound else set(),
            "warnings": warnings,
            "offer_anyway": bool(warnings) or bool(form["assign_anyway"].value()),
        },
        status=400 if form.is_bound else 200,
    )
