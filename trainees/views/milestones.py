"""Views of the trainee journey: coaching milestones and the lab's kinds of milestones.

A trainee's milestones are for the lab and the trainee; anyone else gets 404 (as for
every part of a trainee's journey, see `trainees.access`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from labportal.accounts.access import role_required
from labportal.accounts.http import AuthenticatedHttpRequest
from labportal.core.forms import apply_validation_error
from labportal.core.pagination import paginate
from trainees import access
from trainees.forms_milestones import (
    MilestoneEditForm,
    MilestoneForm,
    MilestoneStatusForm,
    MilestoneTypeForm,
)
from trainees.models import Milestone, MilestoneType
from trainees.services import milestones as services


def _list_url(trainee_id: int) -> str:
    return reverse("trainees:milestones", args=[trainee_id])


@login_required
def milestone_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    trainee = access.get_trainee_for_user(request.user, pk)
    rows: list[dict[str, Any]] = [
        {
            "milestone": milestone,
            "transitions": services.available_transitions(request.user, milestone),
        }
        for milestone in Milestone.objects.filter(trainee=trainee)
        .select_related("type")
        .order_by("due_on", "type__position", "pk")
    ]
    can_manage = access.can_manage_milestones(request.user)
    return render(
        request,
        "trainees/milestone_list.html",
        {
            "trainee": trainee,
            "rows": rows,
            "is_own": request.user.pk == trainee.pk,
            "can_manage": can_manage,
            "can_manage_types": access.can_manage_milestone_types(request.user),
            "can_give_standard": can_manage
            and services.lacks_standard_milestones([row["milestone"] for row in rows]),
        },
    )


def _trainee_for_lab(request: AuthenticatedHttpRequest, pk: int) -> Any:
    """The trainee (404 for whoever may not see them), then 403 unless the lab asks."""
    trainee = access.get_trainee_for_user(request.user, pk)
    if not access.can_manage_milestones(request.user):
        raise PermissionDenied
    return trainee


@login_required
@require_http_methods(["GET", "POST"])
def milestone_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    trainee = _trainee_for_lab(request, pk)
    form = MilestoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            milestone = services.add_milestone(
                actor=request.user,
                trainee=trainee,
                milestone_type=form.cleaned_data["type"],
                due_on=form.cleaned_data["due_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("The milestone “%(type)s” is added for %(trainee)s.")
                % {"type": milestone.type.name, "trainee": trainee},
            )
            return redirect(_list_url(trainee.pk))
    return render(
        request,
        "trainees/milestone_form.html",
        {"form": form, "trainee": trainee, "milestone": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def milestone_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    milestone = access.get_milestone_for_user(request.user, pk)
    if not access.can_manage_milestones(request.user):
        raise PermissionDenied
    form = MilestoneEditForm(
        request.POST or None, initial={"due_on": milestone.due_on, "note": milestone.note}
    )
    if request.method == "POST" and form.is_valid():
        services.update_milestone(
            actor=request.user,
            milestone=milestone,
            due_on=form.cleaned_data["due_on"],
            note=form.cleaned_data["note"],
        )
        messages.success(
            request, _("The milestone “%(type)s” is saved.") % {"type": milestone.type.name}
        )
        return redirect(_list_url(milestone.trainee_id))
    return render(
        request,
        "trainees/milestone_form.html",
        {"form": form, "trainee": milestone.trainee, "milestone": milestone},
    )


@login_required
@require_POST
def milestone_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A status button on the list: done, not needed, reopened. Errors come back as a
    message on the list, where the buttons are."""
    milestone = access.get_milestone_for_user(request.user, pk)
    if access.milestone_party(request.user, milestone) is None:
        raise PermissionDenied
    form = MilestoneStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the buttons for the milestone."))
        return redirect(_list_url(milestone.trainee_id))
    try:
        milestone = services.change_milestone_status(
            actor=request.user,
            milestone=milestone,
            target=form.cleaned_data["target"],
            expected_status=form.cleaned_data["seen"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("“%(type)s” is now “%(status)s”.")
            % {"type": milestone.type.name, "status": milestone.get_status_display()},
        )
    return redirect(_list_url(milestone.trainee_id))


@login_required
@require_POST
def milestone_standard(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Give the trainee the six standard milestones over their running enrolment."""
    trainee = _trainee_for_lab(request, pk)
    today = timezone.localdate()
    period = services.enrolment_period(trainee, today)
    start, end = period if period else (today, None)
    created = services.give_standard_milestones(
        actor=request.user, trainee=trainee, start_date=start, end_date=end
    )
    if created:
        messages.success(
            request,
            ngettext(
                "One standard milestone is added.",
                "%(count)d standard milestones are added.",
                len(created),
            )
            % {"count": len(created)},
        )
    else:
        messages.info(
            request, _("%(trainee)s already has every standard milestone.") % {"trainee": trainee}
        )
    return redirect(_list_url(trainee.pk))


# Kinds of milestones ------------------------------------------------------------------------
@role_required(*access.LAB_ROLES)
def milestone_type_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = paginate(request, MilestoneType.objects.order_by("position", "name_sv", "pk"), 50)
    return render(
        request,
        "trainees/milestone_type_list.html",
        {"page": page, "can_manage": access.can_manage_milestone_types(request.user)},
    )


@role_required(*access.LAB_ROLES)
@require_http_methods(["GET", "POST"])
def milestone_type_form(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    if not access.can_manage_milestone_types(request.user):
        raise PermissionDenied
    milestone_type = get_object_or_404(MilestoneType, pk=pk) if pk else None
    form = MilestoneTypeForm(request.POST or None, instance=milestone_type)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_milestone_type(actor=request.user, milestone_type=form.instance)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request, _("The kind of milestone “%(name)s” is saved.") % {"name": saved.name}
            )
            return redirect("trainees:milestone_types")
    return render(
        request,
        "trainees/milestone_type_form.html",
        {"form": form, "milestone_type": milestone_type},
    )
