"""Views of recruitment: the public application pages (no account) and the lab's
screening of applicants.

Thin: access (`cohorts.access`) → form → service → message → redirect. The public
pages show a cohort only while it is recruiting (404 otherwise) and answer every
accepted submission (new, repeated from a known address, or a robot's) with the same
thank-you page, so they never tell whether an address is known."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cohorts import access, workflow
from cohorts.filters_recruitment import ApplicantFilter
from cohorts.forms_recruitment import ApplicantMoveForm, ApplicationForm
from cohorts.models import Applicant, ApplicantEvent, ApplicantSkill, ApplicantStatus, Cohort
from cohorts.services import recruitment_spam as spam
from cohorts.services.recruitment import (
    available_moves,
    move_applicant,
    status_label,
    submit_application,
)
from labportal.accounts.access import role_required
from labportal.accounts.http import AuthenticatedHttpRequest
from labportal.accounts.signals import client_ip
from labportal.core.forms import apply_validation_error
from labportal.core.pagination import paginate, paginate_window

logger = logging.getLogger(__name__)

# The list shows none of the long answers.
LIST_DEFERRED = ("background", "work_experience", "wants_to_work_with", "consent_text")


# Public pages ----------------------------------------------------------------------------
@require_GET
def apply_list(request: HttpRequest) -> HttpResponse:
    """The cohorts that take applications now, for anyone."""
    cohorts = (
        access.cohorts_open_for_applications()
        .select_related("organisation")
        .order_by("starts_on", "name")
    )
    return render(request, "cohorts/apply_list.html", {"page": paginate(request, cohorts)})


def _too_many(request: HttpRequest, cohort: Cohort) -> HttpResponse:
    response = render(request, "cohorts/apply_rate_limited.html", {"cohort": cohort}, status=429)
    response["Retry-After"] = str(spam.seconds_left_in_window())
    return response


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    """A recruiting cohort's application form."""
    cohort = access.get_cohort_open_for_applications(pk)
    ip = client_ip(request)
    if request.method == "POST":
        if spam.is_over_limit(ip):
            return _too_many(request, cohort)
        if spam.is_honeypot_filled(request.POST.get(spam.HONEYPOT_FIELD)):
            # A robot: it sees success, and nothing is saved or sent.
            spam.count_submission(ip)
            logger.info("Application to cohort %s with the honeypot filled: dropped", cohort.pk)
            return redirect("cohorts:apply_thanks")
    form = ApplicationForm(request.POST if request.method == "POST" else None, cohort=cohort)
    if form.is_bound and form.is_valid():
        if not spam.count_submission(ip):
            return _too_many(request, cohort)
        try:
            submit_application(
                cohort=cohort,
                answers=form.answers(),
                skills=form.chosen_skills(),
                consent_text=form.consent_text,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return redirect("cohorts:apply_thanks")
    if form.is_bound:
        form.forget_oversized()
    return render(
        request,
        "cohorts/apply_form.html",
        {"cohort": cohort, "form": form, "honeypot_field": spam.HONEYPOT_FIELD},
        status=400 if form.is_bound else 200,
    )


@require_GET
def apply_thanks(request: HttpRequest) -> HttpResponse:
    """The same words for every application: new, repeated or a robot's."""
    return render(request, "cohorts/apply_thanks.html")


# Screening -------------------------------------------------------------------------------
@role_required(*access.LAB_ROLES)
@require_GET
def applicant_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.can_screen_applicants(request.user):
        raise PermissionDenied
    queryset = (
        access.applicants_visible_to(request.user).select_related("cohort").defer(*LIST_DEFERRED)
    )
    filterset = ApplicantFilter(request.GET, queryset=queryset, request=request)
    page = paginate_window(request, filterset.qs)
    # Counted for the shown page only, so that counting the matches stays a plain count.
    counts = dict(
        ApplicantSkill.objects.filter(applicant__in=[a.pk for a in page.object_list])
        .values_list("applicant")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for applicant in page.object_list:
        applicant.skill_count = counts.get(applicant.pk, 0)
    return render(request, "cohorts/applicant_list.html", {"filter": filterset, "page": page})


@dataclass(frozen=True)
class EventRow:
    """A step of the applicant's history; `is_move` when the status changed (the
    others are notes, e.g. what happened when they created their account)."""

    event: ApplicantEvent
    is_move: bool


@dataclass(frozen=True)
class MoveRow:
    """A move the applicant's page offers, with its form."""

    move: workflow.Move
    form: ApplicantMoveForm


def _move_form(applicant: Applicant, move: workflow.Move, data: Any = None) -> ApplicantMoveForm:
    return ApplicantMoveForm(
        data,
        initial={"target": move.target, "version": applicant.version},
        note_required=move.note_required,
        auto_id=f"id_{move.target}_%s",
    )


def _detail(
    request: AuthenticatedHttpRequest,
    applicant: Applicant,
    failed: ApplicantMoveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The applicant's page; after a refused move, its form in place with the error and
    the note kept (now referring to the current version, so that sending it again is
    a decision taken on what the page shows now)."""
    rows = []
    failed_target = failed.data.get("target") if failed is not None else None
    failed_shown = False
    for move in available_moves(request.user, applicant):
        form = _move_form(applicant, move)
        if failed is not None and move.target == failed_target:
            data = cast("QueryDict", failed.data).copy()
            data["version"] = str(applicant.version)
            failed.data = data
            form, failed_shown = failed, True
        rows.append(MoveRow(move=move, form=form))
    return render(
        request,
        "cohorts/applicant_detail.html",
        {
            "applicant": applicant,
            "skills": applicant.skills.select_related("skill").order_by("skill__name_sv"),
            "events": [
                EventRow(
                    event=event,
                    is_move=bool(event.from_status) and event.from_status != event.to_status,
                )
                for event in applicant.events.select_related("actor").order_by("created_at", "pk")
            ],
            "moves": rows,
            "failed": failed if failed is not None and not failed_shown else None,
            "is_declined": applicant.status == ApplicantStatus.DECLINED,
        },
        status=status,
    )


@role_required(*access.LAB_ROLES)
@require_GET
def applicant_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The answers, skills and screening history, with the moves open from here."""
    applicant = access.get_applicant_for_user(request.user, pk)
    return _detail(request, applicant)


@role_required(*access.LAB_ROLES)
@require_POST
def applicant_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Move the applicant on (or decline them with a reason)."""
    user = request.user
    applicant = access.get_applicant_for_user(user, pk)
    if not access.can_move_applicant(user, applicant):
        raise PermissionDenied
    target = request.POST.get("target", "")
    move = workflow.find(workflow.APPLICANT_MOVES, applicant.status, target)
    form = ApplicantMoveForm(
        request.POST,
        note_required=bool(move and move.note_required),
        auto_id=f"id_{target}_%s" if target.isidentifier() else "id_move_%s",
    )
    if form.is_valid():
        try:
            moved = move_applicant(
                actor=user,
                applicant=applicant,
                target=form.cleaned_data["target"],
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _moved_message(moved))
            return redirect(moved)
    current = access.get_applicant_for_user(user, pk)
    return _detail(request, current, failed=form, status=400)


def _moved_message(applicant: Applicant) -> str:
    if applicant.status == ApplicantStatus.ACCEPTED:
        return _(
            "%(name)s is accepted. An invitation to create their trainee account is on its "
            "way to %(email)s; when they accept it, they are enrolled in %(cohort)s with "
            "their answers and skills in their profile."
        ) % {"name": applicant.full_name, "email": applicant.email, "cohort": applicant.cohort}
    return _("%(name)s is now “%(status)s”.") % {
        "name": applicant.full_name,
        "status": status_label(applicant.status),
    }
