"""Views of the trainee journey: weekly progress logs and comments on them.

Thin: access (`trainees.access`) → form → service → message → redirect. A log or a
trainee the user may not read answers 404; a write meant for another role 403."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from labportal.accounts.http import AuthenticatedHttpRequest
from labportal.accounts.models import User
from labportal.core.forms import apply_validation_error
from labportal.core.pagination import paginate_window
from trainees import access, log_figures
from trainees.forms_logs import LogCommentForm, ProgressLogForm, WeekField
from trainees.models import ProgressLog, monday_of
from trainees.services.logs import (
    WeekAlreadyLogged,
    comment_on_log,
    create_log,
    update_log,
)

# The list shows hours and a line of what was done; the long texts stay in the database.
LIST_DEFERRED = ("learned", "prototypes_text")


def list_url(trainee: User, viewer: User) -> str:
    """The log list of `trainee` as `viewer` reaches it (a trainee's own has no argument)."""
    url = reverse("trainees:log_list")
    return url if trainee.pk == viewer.pk else f"{url}?trainee={trainee.pk}"


# Lists ------------------------------------------------------------------------------------
@login_required
def log_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One trainee's weeks, newest first, with the running split of hours and the
    weeks without a log; without `?trainee=` a trainee's own, and for the lab and
    supervisors the trainees to choose from."""
    user = request.user
    trainee_pk = request.GET.get("trainee")
    if trainee_pk is not None:
        if not trainee_pk.isdigit():
            raise Http404
        trainee = access.get_log_trainee_for_user(user, int(trainee_pk))
    elif access.is_trainee(user):
        trainee = user
    elif access.can_pick_log_trainee(user):
        return _trainee_picker(request)
    else:
        raise PermissionDenied

    today = timezone.localdate()
    enrolments = log_figures.enrolments_of(trainee)
    target = log_figures.target_of(log_figures.current_enrolment(enrolments, today))
    logs = access.logs_visible_to(user).filter(trainee=trainee)
    page = paginate_window(
        request,
        logs.select_related("enrolment__cohort")
        .defer(*LIST_DEFERRED)
        .annotate(comment_count=Count("comments"))
        .order_by("-week"),
        count_queryset=logs,
    )
    can_write = access.can_write_log(user, trainee)
    this_week = monday_of(today)
    return render(
        request,
        "trainees/log_list.html",
        {
            "trainee": trainee,
            "is_own": trainee.pk == user.pk,
            "can_write": can_write,
            "page": page,
            "rows": log_figures.log_rows(list(page.object_list), target),
            "split": log_figures.running_split(logs, target),
            "missing_weeks": log_figures.missing_weeks(trainee, enrolments, today),
            "this_week": this_week,
            "this_week_log": logs.filter(week=this_week).only("pk").first() if can_write else None,
        },
    )


def _trainee_picker(request: AuthenticatedHttpRequest) -> HttpResponse:
    trainees = access.trainees_visible_to(request.user)
    # Counted on the trainees alone: the overview's figures need every trainee's logs.
    page = paginate_window(
        request,
        log_figures.trainee_overview(trainees, timezone.localdate()),
        count_queryset=trainees,
    )
    return render(
        request,
        "trainees/log_trainee_list.html",
        {"page": page, "recent_weeks": log_figures.RECENT_WEEKS},
    )


# Writing ----------------------------------------------------------------------------------
def _initial_week(request: AuthenticatedHttpRequest) -> datetime.date:
    """The week asked for in `?week=` (from a "log this week" link), else this week."""
    try:
        asked = WeekField(required=False).clean(request.GET.get("week"))
    except ValidationError:
        asked = None
    return asked or monday_of(timezone.localdate())


def _render_form(
    request: AuthenticatedHttpRequest,
    form: ProgressLogForm,
    *,
    log: ProgressLog | None,
    duplicate_of: ProgressLog | None = None,
    saved: ProgressLog | None = None,
) -> HttpResponse:
    return render(
        request,
        "trainees/log_form.html",
        {
            "form": form,
            "log": log,
            "duplicate_of": duplicate_of,
            "saved": saved,
            "cancel_url": log.get_absolute_url() if log else reverse("trainees:log_list"),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def log_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.can_write_log(request.user, request.user):
        raise PermissionDenied
    form = ProgressLogForm(
        request.POST or None,
        initial={"week": _initial_week(request)},
        trainee=request.user,
    )
    duplicate_of = None
    if request.method == "POST" and form.is_valid():
        try:
            create_log(actor=request.user, data=form.cleaned_data)
        except WeekAlreadyLogged as error:
            duplicate_of = error.existing
            apply_validation_error(form, error)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Your log for the week is saved."))
            return redirect("trainees:log_list")
    return _render_form(request, form, log=None, duplicate_of=duplicate_of)


@login_required
@require_http_methods(["GET", "POST"])
def log_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    log = access.get_log_for_user(request.user, pk)
    if not access.can_edit_log(request.user, log):
        raise PermissionDenied
    initial = _values_of(log)
    form = ProgressLogForm(
        request.POST or None,
        initial=initial,
        trainee=request.user,
        keep=tuple(initial["prototypes"]),
    )
    duplicate_of = saved = None
    if request.method == "POST" and form.is_valid():
        try:
            log = update_log(
                actor=request.user,
                log=log,
                data=form.cleaned_data,
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except WeekAlreadyLogged as error:
            duplicate_of = error.existing
            apply_validation_error(form, error)
        except ValidationError as error:
            apply_validation_error(form, error)
            if getattr(error, "code", None) == "conflict":
                # Keep every word typed, but against the saved version: saving again
                # after comparing is then a deliberate choice.
                saved = ProgressLog.objects.get(pk=log.pk)
                data = request.POST.copy()
                data["version"] = str(saved.version)
                form.data = data
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(log)
    return _render_form(request, form, log=log, duplicate_of=duplicate_of, saved=saved)


def _values_of(log: ProgressLog) -> dict[str, Any]:
    return {
        "week": log.week,
        "hours_practical": log.hours_practical,
        "hours_education": log.hours_education,
        "did": log.did,
        "learned": log.learned,
        "blockers": log.blockers,
        "prototypes_text": log.prototypes_text,
        "prototypes": list(log.prototypes.values_list("pk", flat=True)),
        "version": log.version,
    }


# Reading and commenting -------------------------------------------------------------------
def _detail_context(
    request: AuthenticatedHttpRequest, log: ProgressLog, comment_form: LogCommentForm | None
) -> dict[str, Any]:
    user = request.user
    can_comment = access.can_comment_log(user, log)
    default_target = log_figures.target_of(None)
    return {
        "log": log,
        "row": log_figures.log_rows([log], default_target)[0],
        "comments": log.comments.select_related("author"),
        "is_own": log.trainee_id == user.pk,
        "can_edit": access.can_edit_log(user, log),
        "can_comment": can_comment,
        "comment_form": (comment_form or LogCommentForm()) if can_comment else None,
        "list_url": list_url(log.trainee, user),
    }


@login_required
def log_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    log = access.get_log_for_user(request.user, pk)
    return render(request, "trainees/log_detail.html", _detail_context(request, log, None))


@login_required
@require_POST
def log_comment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    log = access.get_log_for_user(request.user, pk)
    if not access.can_comment_log(request.user, log):
        raise PermissionDenied
    form = LogCommentForm(request.POST)
    if form.is_valid():
        try:
            comment_on_log(actor=request.user, log=log, body=form.cleaned_data["body"])
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("Your comment is saved. %(name)s gets an email about it.")
                % {"name": log.trainee.display_name},
            )
            return redirect(f"{log.get_absolute_url()}#comments")
    return render(
        request, "trainees/log_detail.html", _detail_context(request, log, form), status=400
    )
