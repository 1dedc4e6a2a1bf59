"""The planning board, matching an idea to trainees, and assigning it.

Thin: access (`cohorts.access`) → form → service → message → redirect. Every page
works as plain HTML forms and links; with htmx (a request with the HX-Request header)
the same URLs answer with the part of the board that changes: the backlog when it is
searched, the match panel when an idea is picked, and after assigning the panel's
confirmation with the timeline and backlog swapped out of band. htmx swaps only
successful responses, so refusals answer 200 to htmx and 400 to a plain form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cohorts import access, board, matching
from cohorts.forms_planning import AssignForm, BacklogFilter, PeriodForm
from cohorts.models import Cohort
from cohorts.services.planning import PlanningWarnings, assign_idea, describe, plan_blocker
from cohorts.services.planning_match import load_match
from labportal.accounts.access import role_required
from labportal.accounts.http import AuthenticatedHttpRequest
from labportal.accounts.models import Organisation
from labportal.accounts.scope import OrganisationScope, organisation_scope
from labportal.core.forms import apply_validation_error
from labportal.core.models import Skill
from labportal.core.pagination import paginate
from prototypes.models import Idea

BACKLOG_PAGE_SIZE = 10


def is_htmx(request: AuthenticatedHttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _require_planner(request: AuthenticatedHttpRequest) -> None:
    if not access.can_plan(request.user):
        raise PermissionDenied


# The board ------------------------------------------------------------------------------------
def backlog_context(request: AuthenticatedHttpRequest, params: QueryDict) -> dict[str, Any]:
    queryset = (
        access.ideas_to_plan(request.user)
        .select_related("department")
        .prefetch_related(Prefetch("skills", queryset=Skill.objects.order_by("name_sv")))
        .only("title", "size_weeks", "decided_at", "department__name")
    )
    backlog = BacklogFilter(params, queryset=queryset, request=request)
    return {"backlog_filter": backlog, "backlog": paginate(request, backlog.qs, BACKLOG_PAGE_SIZE)}


def board_scope(request: AuthenticatedHttpRequest, params: QueryDict) -> OrganisationScope:
    """Whose cohorts the board shows (see `labportal.accounts.scope`)."""
    running = Cohort.objects.filter(organisation=OuterRef("pk"))
    return organisation_scope(
        Organisation.objects.filter(Exists(running)),
        request.user.organisation_id,
        params.get("organisation", ""),
    )


def board_context(
    request: AuthenticatedHttpRequest, window: board.Window, params: QueryDict
) -> dict[str, Any]:
    scope = board_scope(request, params)
    return {
        "timeline": board.build_timeline(
            window, scope.organisation_id, params.get("cohort_page", 1)
        ),
        "scope": scope,
        "board_query": params,
        "window": window,
        "month": window.param,
        "today": timezone.localdate(),
        **backlog_context(request, params),
    }


@role_required(*access.LAB_ROLES)
def board_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """18 months of cohorts, trainees, rotations and assignments with the headcount;
    `?view=table` says the same in tables. The backlog of ideas to plan beside it."""
    _require_planner(request)
    if is_htmx(request) and request.headers.get("HX-Target") == "backlog":
        return render(
            request,
            "cohorts/includes/_board_backlog.html",
            {"month": request.GET.get("month", ""), **backlog_context(request, request.GET)},
        )
    window = board.window_from(request.GET.get("month"), timezone.localdate())
    return render(
        request,
        "cohorts/board.html",
        {
            **board_context(request, window, request.GET),
            "is_table": request.GET.get("view") == "table",
        },
    )


# Matching ------------------------------------------------------------------------------------
@dataclass
class Match:
    """What the match page shows for an idea and a period."""

    idea: Idea
    needs: list[matching.Need]
    period: matching.Period
    period_form: PeriodForm
    blocker: str | None
    rooms: list[matching.CohortRoom] = field(default_factory=list)
    room: matching.CohortRoom | None = None
    ranked: list[matching.Ranked] = field(default_factory=list)
    chosen: set[int] = field(default_factory=set)
    gap: list[matching.Need] = field(default_factory=list)
    warnings: list[matching.Warning] = field(default_factory=list)

    @property
    def team(self) -> list[matching.Ranked]:
        return [r for r in self.ranked if r.candidate.enrolment_id in self.chosen]


def needs_of(idea: Idea) -> list[matching.Need]:
    return [matching.Need(s.pk, s.name) for s in idea.skills.order_by("name_sv")]


def _cohort_choices() -> QuerySet[Cohort]:
    since = timezone.localdate().replace(day=1)
    return Cohort.objects.filter(ends_on__gte=board.add_months(since, -12)).order_by(
        "starts_on", "name"
    )


def build_match(
    idea: Idea, params: QueryDict | dict[str, Any], *, chosen: set[int] | None = None
) -> Match:
    """Rank the trainees and cohorts for `idea` in the period `params` ask for (else the
    default for its size); the trainees shown are those of the cohort asked for, else of
    the best cohort; `chosen` is the team ticked (else the best cohort's proposal)."""
    default = matching.default_period(timezone.localdate(), idea.size_weeks)
    data = {
        "idea": idea.pk,
        "month": params.get("month", ""),
        "starts_on": params.get("starts_on") or default.starts_on.isoformat(),
        "ends_on": params.get("ends_on") or default.ends_on.isoformat(),
        "cohort": params.get("cohort", ""),
    }
    period_form = PeriodForm(data, cohorts=_cohort_choices())
    period, wanted = default, None
    if period_form.is_valid():
        period = matching.Period(
            period_form.cleaned_data["starts_on"], period_form.cleaned_data["ends_on"]
        )
        wanted = period_form.cleaned_data["cohort"]
    needs = needs_of(idea)
    result = Match(idea, needs, period, period_form, plan_blocker(idea))
    if result.blocker:
        return result
    loaded = load_match(needs=needs, period=period)
    limit = matching.max_parallel()
    everyone = matching.rank_candidates(loaded.candidates, needs, period, limit)
    result.rooms = matching.rank_cohorts(
        loaded.cohorts,
        everyone,
        loaded.work,
        needs,
        period,
        size_weeks=idea.size_weeks,
        team_size=matching.DEFAULT_TEAM_SIZE,
    )
    result.room = next(
        (r for r in result.rooms if wanted is None or r.cohort.cohort_id == wanted.pk), None
    )
    if result.room is None:
        return result
    cohort_id = result.room.cohort.cohort_id
    result.ranked = [r for r in everyone if r.candidate.cohort_id == cohort_id]
    result.chosen = (
        chosen if chosen is not None else {r.candidate.enrolment_id for r in result.room.team}
    )
    team = [r.candidate for r in result.team]
    result.gap = matching.missing_skills(team, needs)
    if team:
        result.warnings = matching.plan_warnings(
            team,
            period,
            size_weeks=idea.size_weeks,
            cohort_name=result.room.cohort.name,
            room_weeks=result.room.room_weeks,
            limit=limit,
        )
    return result


def _render_match(
    request: AuthenticatedHttpRequest,
    match: Match,
    form: AssignForm | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    in_board = is_htmx(request)
    context = {
        "match": match,
        "idea": match.idea,
        "form": form,
        "month": match.period_form["month"].value() or "",
        "in_board": in_board,
        "offer_anyway": bool(match.warnings) or bool(form and form["assign_anyway"].value()),
    }
    if in_board:
        return render(request, "cohorts/includes/_assignment_match.html", context)
    return render(request, "cohorts/assignment_match.html", context, status=status)


def _idea_from(request: AuthenticatedHttpRequest, value: str | None) -> Idea:
    if not value or not value.isdigit():
        raise Http404
    idea = access.get_idea_to_match_for_user(request.user, int(value))
    return idea


@role_required(*access.LAB_ROLES)
def match(request: AuthenticatedHttpRequest) -> HttpResponse:
    """`?idea=` ranked against the trainees and cohorts free in a period."""
    _require_planner(request)
    idea = _idea_from(request, request.GET.get("idea"))
    return _render_match(request, build_match(idea, request.GET))


@role_required(*access.LAB_ROLES)
@require_POST
def assign(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Assign the idea to the ticked team; warnings refuse unless "plan it anyway"."""
    _require_planner(request)
    idea = _idea_from(request, request.POST.get("idea"))
    form = AssignForm(request.POST)
    warnings: list[matching.Warning] | None = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            assignment = assign_idea(
                actor=request.user,
                idea=idea,
                cohort=data["cohort"],
                team=list(data["team"]),
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                assign_anyway=data["assign_anyway"],
            )
        except PlanningWarnings as error:
            warnings = error.warnings
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            return _assigned(request, assignment, data.get("month") or "")
    match = build_match(idea, request.POST, chosen=form.chosen_ids())
    if warnings is not None:
        match.warnings = warnings
    return _render_match(request, match, form, status=400)


def _assigned(request: AuthenticatedHttpRequest, assignment: Any, month: str) -> HttpResponse:
    message = _("“%(title)s” is planned: %(plan)s.") % {
        "title": assignment.idea.title,
        "plan": describe(assignment),
    }
    if not is_htmx(request):
        messages.success(request, message)
        url = reverse("cohorts:board")
        return redirect(f"{url}?month={month}" if month else url)
    window = board.window_from(month, timezone.localdate())
    # The board the planner looks at (its scope and page) is in the address htmx sends.
    shown = QueryDict(urlsplit(request.headers.get("HX-Current-URL", "")).query)
    return render(
        request,
        "cohorts/includes/_board_assigned.html",
        {
            **board_context(request, window, shown),
            "message": message,
            "assignment": assignment,
            "is_table": "view=table" in request.headers.get("HX-Current-URL", ""),
        },
    )
