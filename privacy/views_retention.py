"""The retention decisions and their nightly runs (with "Run now"), and erasure on a
person's request: find the person and give the reason, see what will be anonymised,
deleted and kept and why, confirm, see what was done. Administrators only."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from labportal.accounts.http import AuthenticatedHttpRequest
from labportal.core.services import record_audit
from privacy import access
from privacy.erasure import erase_on_request, erasure_plan
from privacy.forms import ErasureForm
from privacy.models import DONE_LABELS, NOT_MANAGED, Action, Erasure, RetentionRule, RetentionRun
from privacy.registry import Category

logger = logging.getLogger(__name__)

RUNS_SHOWN = 20


@dataclass(frozen=True)
class RuleRow:
    """One category on the retention page: its rule, if any, and whether rules apply."""

    label: str
    rule: RetentionRule | None
    is_managed: bool
    category: str


def _require_admin(request: AuthenticatedHttpRequest) -> None:
    if not access.can_manage_personal_data(request.user):
        raise PermissionDenied


@login_required
@require_GET
def retention(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_admin(request)
    rules = {rule.category: rule for rule in RetentionRule.objects.select_related("updated_by")}
    rows = [
        RuleRow(str(category.label), rules.get(category), category not in NOT_MANAGED, category)
        for category in Category
    ]
    runs = RetentionRun.objects.select_related("triggered_by")[:RUNS_SHOWN]
    return render(request, "privacy/retention.html", {"rows": rows, "runs": runs})


@login_required
@require_POST
def retention_run(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Queue a run of the rules now (the same task as the nightly one)."""
    _require_admin(request)
    from privacy.tasks import apply_retention_rules

    try:
        apply_retention_rules.delay(triggered_by=request.user.pk)
    except Exception:
        logger.exception("Could not queue a retention run")
        messages.error(
            request,
            _(
                "The run could not be started: the background worker cannot be reached. "
                "Try again later."
            ),
        )
        return redirect("privacy:retention")
    record_audit(request.user, "privacy.retention_run_requested", request.user)
    messages.success(
        request,
        _("The retention rules are being applied. The run appears below when it is done."),
    )
    return redirect("privacy:retention")


@login_required
@require_http_methods(["GET", "POST"])
def erase(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET: the form. POST: the confirmation page (what will be done, and why); POST
    with ``confirm``: the erasure, then its record."""
    _require_admin(request)
    if request.method == "GET":
        form = ErasureForm(actor=request.user)
        return render(request, "privacy/erase.html", {"form": form})
    form = ErasureForm(request.POST, actor=request.user)
    if not form.is_valid():
        return render(request, "privacy/erase.html", {"form": form}, status=400)
    if "confirm" not in request.POST:
        confirm = ErasureForm(request.POST, actor=request.user, hidden=True)
        context = {"form": confirm, "person": form.person, "steps": erasure_plan(form.person)}
        return render(request, "privacy/erase_confirm.html", context)
    try:
        erasure = erase_on_request(
            form.person, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        form.add_error(None, error)
        return render(request, "privacy/erase.html", {"form": form}, status=400)
    messages.success(request, _("The person's data was erased as shown below."))
    return redirect("privacy:erase_done", pk=erasure.pk)


@login_required
@require_GET
def erase_done(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    erasure = get_object_or_404(Erasure.objects.select_related("person", "requested_by"), pk=pk)
    done = [
        (Category(category).label, DONE_LABELS[Action(action)])
        for category, action in erasure.categories_done.items()
        if category in Category.values and action in Action.values
    ]
    kept = [
        (Category(category).label, why)
        for category, why in erasure.categories_kept.items()
        if category in Category.values
    ]
    return render(
        request, "privacy/erase_done.html", {"erasure": erasure, "done": done, "kept": kept}
    )
