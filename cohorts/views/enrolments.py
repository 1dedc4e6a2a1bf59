"""Enrolments and rotation periods, from the cohort's page: enrolling trainees,
changing an enrolment, leaving early, adding and removing rotation periods. The lab's
only (`cohorts.access.can_manage_cohorts`; anyone else 403 before any object is looked
at). Views are thin: access, form, service (`cohorts.services.cohort_enrolments`),
message, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cohorts import access
from cohorts.forms_cohorts import EnrolmentEditForm, EnrolmentForm, LeaveForm, RotationForm
from cohorts.models import Cohort, Enrolment
from cohorts.services import cohort_enrolments as enrolment_services
from cohorts.services.cohorts import day
from cohorts.views.cohorts import _managed_cohort, _require_manager
from labportal.accounts.http import AuthenticatedHttpRequest
from labportal.core.forms import apply_validation_error


def _managed_enrolment(request: AuthenticatedHttpRequest, pk: int) -> Enrolment:
    _require_manager(request)
    return access.get_enrolment_for_user(request.user, pk)


def _enrolments_url(cohort: Cohort) -> str:
    return f"{cohort.get_absolute_url()}#enrolments"


def _warn_if_longer(request: AuthenticatedHttpRequest, enrolment: Enrolment) -> None:
    cohort = enrolment.cohort
    if enrolment.ends_on > cohort.ends_on:
        messages.warning(
            request,
            _("%(trainee)s stays after the cohort ends (%(end)s): check the plan.")
            % {"trainee": enrolment.trainee, "end": day(cohort.ends_on)},
        )


# Enrolments and rotations ------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def enrolment_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cohort = _managed_cohort(request, pk)
    form = EnrolmentForm(request.POST or None, cohort=cohort)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enrolment = enrolment_services.enrol_trainee(
                actor=request.user,
                cohort=cohort,
                trainee=data["trainee"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                supervisors=data["supervisors"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("%(trainee)s is enrolled in %(cohort)s.")
                % {"trainee": enrolment.trainee, "cohort": cohort},
            )
            _warn_if_longer(request, enrolment)
            return redirect(_enrolments_url(cohort))
    return render(
        request,
        "cohorts/cohort_enrolment_form.html",
        {"form": form, "cohort": cohort, "enrolment": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enrolment = _managed_enrolment(request, pk)
    form = EnrolmentEditForm(request.POST or None, enrolment=enrolment)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enrolment = enrolment_services.update_enrolment(
                actor=request.user,
                enrolment=enrolment,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                supervisors=data["supervisors"],
                expected_version=data["version"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("The enrolment of %(trainee)s is saved.") % {"trainee": enrolment.trainee},
            )
            _warn_if_longer(request, enrolment)
            return redirect(_enrolments_url(enrolment.cohort))
    return render(
        request,
        "cohorts/cohort_enrolment_form.html",
        {"form": form, "cohort": enrolment.cohort, "enrolment": enrolment},
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_leave(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The confirmation page of leaving early: last day and reason, then the record."""
    enrolment = _managed_enrolment(request, pk)
    if enrolment.left_early:
        messages.info(request, _("%(trainee)s has already left.") % {"trainee": enrolment.trainee})
        return redirect(_enrolments_url(enrolment.cohort))
    form = LeaveForm(request.POST or None, enrolment=enrolment, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = enrolment_services.record_early_leave(
                actor=request.user,
                enrolment=enrolment,
                left_on=form.cleaned_data["left_on"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("%(trainee)s leaves the cohort; their last day is %(day)s.")
                % {"trainee": enrolment.trainee, "day": day(enrolment.ends_on)},
            )
            return redirect(_enrolments_url(enrolment.cohort))
    return render(
        request, "cohorts/cohort_enrolment_leave.html", {"form": form, "enrolment": enrolment}
    )


@login_required
@require_http_methods(["GET", "POST"])
def rotation_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enrolment = _managed_enrolment(request, pk)
    form = RotationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rotation = enrolment_services.add_rotation(
                actor=request.user,
                enrolment=enrolment,
                organisation=data["organisation"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                note=data["note"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("The rotation of %(trainee)s at %(organisation)s is planned.")
                % {"trainee": enrolment.trainee, "organisation": rotation.organisation},
            )
            return redirect(_enrolments_url(enrolment.cohort))
    rotations = enrolment.rotations.select_related("organisation")
    return render(
        request,
        "cohorts/cohort_rotation_form.html",
        {"form": form, "enrolment": enrolment, "rotations": rotations},
    )


@login_required
@require_http_methods(["GET", "POST"])
def rotation_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    rotation = access.get_rotation_for_user(request.user, pk)
    cohort = rotation.enrolment.cohort
    if request.method == "POST":
        enrolment_services.remove_rotation(actor=request.user, rotation=rotation)
        messages.success(
            request,
            _("The rotation of %(trainee)s at %(organisation)s is removed.")
            % {"trainee": rotation.enrolment.trainee, "organisation": rotation.organisation},
        )
        return redirect(_enrolments_url(cohort))
    return render(request, "cohorts/cohort_rotation_confirm_delete.html", {"rotation": rotation})
