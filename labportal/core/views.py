from __future__ import annotations

import sys

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from labportal.accounts import access
from labportal.accounts import services as account_services
from labportal.accounts.access import role_required
from labportal.accounts.http import AuthenticatedHttpRequest
from labportal.accounts.models import Invitation, Organisation, Role, User
from labportal.core import db_errors, health, services, startpage
from labportal.core.filters import ACTION_NAMES_LIST_ID, AuditEntryFilter, SkillFilter
from labportal.core.forms import SkillForm
from labportal.core.models import AuditEntry, Skill
from labportal.core.pagination import paginate_window


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The start page: what this role does here, and what to do first."""
    user = request.user
    context: dict[str, object] = {}
    if access.can_manage_users(user):
        invitations = Invitation.objects.visible_to(user)
        context.update(
            pending_invitations=invitations.pending().count(),
            # both in one pass over the active accounts
            **User.objects.visible_to(user)
            .filter(is_active=True)
            .aggregate(people=Count("pk"), trainees=Count("pk", filter=Q(role=Role.TRAINEE))),
            organisations=Organisation.objects.visible_to(user).count(),
        )
    context["panels"] = startpage.panels_for(user)
    template = {
        Role.ADMIN: "core/home_admin.html",
        Role.LAB_LEAD: "core/home_lab_lead.html",
        Role.DEPARTMENT_STAFF: "core/home_department_staff.html",
        Role.TRAINEE: "core/home_trainee.html",
        Role.SUPERVISOR: "core/home_supervisor.html",
    }[Role(user.role)]
    return render(request, template, context)


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; remembered in a cookie and on the account."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = redirect(next_url)
    if language in dict(settings.LANGUAGES) and check_for_language(language):
        if request.user.is_authenticated:
            account_services.set_language(user=request.user, language=language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 unless a check failed (a warning, e.g. failed emails, still answers 200)."""
    status, results = health.health_report()
    body: dict[str, object] = {
        "status": status,
        "checks": {name: result.state for name, result in results.items()},
    }
    if health.may_see_details(request):
        body["details"] = {name: result.detail for name, result in results.items()}
    response = JsonResponse(body, status=503 if status == health.FAILED else 200)
    # Django logs every 5xx answer as an error; a failing check is logged by
    # health_report when its state changes instead, not at every probe.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database we cannot reach is a brief outage, answered with the 503
    page (db_errors); any other error gets Django's plain 500 page. Django calls this
    while handling the exception, so sys.exc_info() holds it."""
    exc = sys.exc_info()[1]
    if db_errors.is_database_unavailable(exc):
        return db_errors.service_unavailable(request, exc)
    return defaults.server_error(request)


# Skills vocabulary ---------------------------------------------------------
@login_required
def skill_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    filterset = SkillFilter(
        request.GET, queryset=Skill.objects.visible_to(request.user), request=request
    )
    page = paginate_window(request, filterset.qs, per_page=50)
    return render(
        request,
        "core/skill_list.html",
        {
            "filter": filterset,
            "page": page,
            "can_manage": access.can_manage_skills(request.user),
        },
    )


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def skill_form(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    skill = get_object_or_404(Skill.objects.visible_to(request.user), pk=pk) if pk else None
    form = SkillForm(request.POST or None, instance=skill)
    if request.method == "POST" and form.is_valid():
        skill = services.save_skill(actor=request.user, skill=form.instance)
        messages.success(request, _("The skill %(name)s is saved.") % {"name": skill.name})
        return redirect("core:skill_list")
    return render(request, "core/skill_form.html", {"form": form, "skill": skill})


@role_required(Role.ADMIN)
def audit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The audit log for administrators, newest first (the id breaks ties in time, so
    pages never skip or repeat an entry); a fixed number of queries per page."""
    entries = AuditEntry.objects.visible_to(request.user)
    queryset = entries.select_related("actor").order_by("-created_at", "-pk")
    filterset = AuditEntryFilter(request.GET, queryset=queryset, request=request)
    page = paginate_window(request, filterset.qs, per_page=50)
    return render(
        request,
        "core/audit_list.html",
        {
            "filter": filterset,
            "page": page,
            "action_names": entries.action_names(),
            "action_names_id": ACTION_NAMES_LIST_ID,
        },
    )
