"""The outcome at the end of an enrolment, as the lab records and corrects it, and what
the cohort's page shows of it.

The lab's alone, like every other enrolment page (anyone else 403, before any object
is looked at). The outcome is the trainee's record (`trainees.services.outcomes`);
this module only reaches it through the enrolment."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cohorts import access
from cohorts.models import Enrolment
from labportal.accounts.http import AuthenticatedHttpRequest
from labportal.accounts.models import User
from labportal.core.forms import apply_validation_error
from trainees import access as trainee_access
from trainees.forms_outcomes import OutcomeForm
from trainees.models import Outcome
from trainees.services.outcomes import record_outcome

AT_THE_END = 0  # `Outcome.months_after` of the outcome recorded when an enrolment ends


def end_outcome_prefetch(user: User) -> list[Prefetch[str, QuerySet[Outcome], str]]:
    """For the cohort's page: each enrolment's outcome at the end as `end_outcomes` (a
    list of at most one), in one query for all rows; nothing for whoever may not
    record outcomes, since the page shows them to the lab only."""
    if not trainee_access.can_record_outcome(user):
        return []
    outcomes = trainee_access.outcomes_visible_to(user).filter(months_after=AT_THE_END)
    return [Prefetch("outcomes", queryset=outcomes, to_attr="end_outcomes")]


def _enrolment_for_lab(request: AuthenticatedHttpRequest, pk: int) -> Enrolment:
    if not (
        access.can_manage_cohorts(request.user) and trainee_access.can_record_outcome(request.user)
    ):
        raise PermissionDenied
    return access.get_enrolment_for_user(request.user, pk)


def _rebind_version(form: Any, version: int | None) -> None:
    """After a conflict the form keeps every word typed but now names the saved version
    (none if there is no outcome any more), so that saving again (after comparing) is a
    deliberate choice."""
    data = form.data.copy()
    data["version"] = "" if version is None else str(version)
    form.data = data


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_outcome(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record or correct where the trainee stands at the end of the enrolment."""
    enrolment = _enrolment_for_lab(request, pk)
    outcome = (
        Outcome.objects.select_related("partner", "recorded_by")
        .filter(enrolment=enrolment, months_after=AT_THE_END)
        .first()
    )
    form = OutcomeForm(request.POST or None, instance=outcome)
    current: Outcome | None = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = record_outcome(
                actor=request.user,
                enrolment=enrolment,
                data=form.outcome_data(),
                months_after=AT_THE_END,
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
            if getattr(error, "code", None) == "conflict":
                current = (
                    Outcome.objects.select_related("partner", "recorded_by")
                    .filter(enrolment=enrolment, months_after=AT_THE_END)
                    .first()
                )
                _rebind_version(form, current.version if current else None)
        else:
            messages.success(
                request,
                _("The outcome of %(trainee)s is saved: %(category)s.")
                % {"trainee": enrolment.trainee, "category": saved.get_category_display()},
            )
            return redirect(f"{enrolment.cohort.get_absolute_url()}#enrolments")
    return render(
        request,
        "cohorts/enrolment_outcome_form.html",
        {
            "form": form,
            "enrolment": enrolment,
            "is_change": outcome is not None,
            # read for who recorded it and when: the fields the form fills may hold
            # what was typed by now
            "outcome": outcome,
            "current": current,
        },
        status=400 if form.is_bound else 200,
    )
