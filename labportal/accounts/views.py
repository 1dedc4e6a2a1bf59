from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from labportal.accounts import access, services
from labportal.accounts.access import role_required
from labportal.accounts.filters import InvitationFilter, OrganisationFilter, UserFilter
from labportal.accounts.forms import (
    AcceptInvitationForm,
    DepartmentForm,
    InvitationForm,
    OrganisationForm,
    UserUpdateForm,
)
from labportal.accounts.http import AuthenticatedHttpRequest
from labportal.accounts.models import Invitation, Organisation, Role, User
from labportal.core.forms import apply_validation_error
from labportal.core.pagination import paginate, paginate_window

MANAGERS = (Role.ADMIN, Role.LAB_LEAD)


# People --------------------------------------------------------------------
@role_required(*MANAGERS)
def user_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    queryset = User.objects.visible_to(request.user).select_related(
        "department__organisation", "organisation"
    )
    filterset = UserFilter(request.GET, queryset=queryset, request=request)
    page = paginate_window(request, filterset.qs)
    return render(
        request,
        "accounts/user_list.html",
        {"filter": filterset, "page": page},
    )


@role_required(*MANAGERS)
def user_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(
        User.objects.visible_to(request.user).select_related(
            "department__organisation", "organisation"
        ),
        pk=pk,
    )
    return render(
        request,
        "accounts/user_detail.html",
        {
            "person": person,
            "can_manage": access.can_manage_user(request.user, person),
            "can_see_audit": access.can_view_audit_log(request.user),
        },
    )


@role_required(*MANAGERS)
@require_http_methods(["GET", "POST"])
def user_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User.objects.visible_to(request.user), pk=pk)
    if not access.can_manage_user(request.user, person):
        raise PermissionDenied
    form = UserUpdateForm(request.POST or None, actor=request.user, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.update_user(actor=request.user, user=person, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The changes to %(name)s are saved.") % {"name": person})
            return redirect(person)
    return render(request, "accounts/user_form.html", {"form": form, "person": person})


# Invitations -----------------------------------------------------------------
@role_required(*MANAGERS)
def invitation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    queryset = Invitation.objects.visible_to(request.user).select_related(
        "department__organisation", "organisation", "invited_by"
    )
    filterset = InvitationFilter(request.GET, queryset=queryset, request=request)
    page = paginate_window(request, filterset.qs)
    return render(
        request,
        "accounts/invitation_list.html",
        {"filter": filterset, "page": page},
    )


@role_required(*MANAGERS)
@require_http_methods(["GET", "POST"])
def invitation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    # "Send again" links prefill the form from an expired or revoked invitation.
    initial = {
        key: request.GET[key] for key in ("email", "role", "department") if key in request.GET
    }
    form = InvitationForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = services.invite_user(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(
                request,
                _("An invitation is on its way to %(email)s. The link is valid for %(days)s days.")
                % {"email": invitation.email, "days": settings.INVITATION_VALID_DAYS},
            )
            return redirect("accounts:invitation_list")
    return render(
        request,
        "accounts/invitation_form.html",
        {"form": form, "valid_days": settings.INVITATION_VALID_DAYS},
    )


@role_required(*MANAGERS)
@require_http_methods(["GET", "POST"])
def invitation_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation.objects.visible_to(request.user), pk=pk)
    if request.method == "POST":
        try:
            services.revoke_invitation(actor=request.user, invitation=invitation)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("The invitation to %(email)s is revoked.") % {"email": invitation.email}
            )
        return redirect("accounts:invitation_list")
    return render(request, "accounts/invitation_confirm_revoke.html", {"invitation": invitation})


# The invitation token waits here between the emailed link and the form.
INVITATION_SESSION_KEY = "invitation_token"


def _invitation_unusable(request: HttpRequest, invitation: Invitation | None) -> HttpResponse:
    return render(
        request,
        "accounts/invitation_invalid.html",
        {"invitation": invitation},
        status=410 if invitation else 404,
    )


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link. The token moves into the session and out of the address bar
    at once, as allauth does for password resets, so it is not left in the browser's
    history, in Referer headers or in the access logs of later pages."""
    invitation = services.find_invitation(token)
    if invitation is None or not invitation.is_usable:
        return _invitation_unusable(request, invitation)
    if request.user.is_authenticated:
        messages.info(request, _("Sign out first to accept an invitation for another account."))
        return redirect("core:home")
    request.session[INVITATION_SESSION_KEY] = token
    if request.method == "POST":
        # A form opened before the link moved out of the address bar still posts here.
        return invitation_accept_form(request)
    return redirect("accounts:invitation_accept_form")


@require_http_methods(["GET", "POST"])
def invitation_accept_form(request: HttpRequest) -> HttpResponse:
    """Choose a password for the invitation whose link was opened in this session."""
    if request.user.is_authenticated:
        messages.info(request, _("Sign out first to accept an invitation for another account."))
        return redirect("core:home")
    token = request.session.get(INVITATION_SESSION_KEY, "")
    invitation = services.find_invitation(token) if token else None
    if invitation is None or not invitation.is_usable:
        return _invitation_unusable(request, invitation)
    form = AcceptInvitationForm(
        request.POST or None, email=invitation.email, initial={"full_name": invitation.full_name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_invitation(
                token=token,
                password=form.cleaned_data["password1"],
                full_name=form.cleaned_data["full_name"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            request.session.pop(INVITATION_SESSION_KEY, None)
            messages.success(
                request,
                _("Your account is ready. Sign in with your email address and new password."),
            )
            response = redirect("account_login")
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, invitation.language, samesite="Lax")
            return response
    return render(
        request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation}
    )


# Organisations and departments ------------------------------------------------
@role_required(Role.ADMIN)
def organisation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    queryset = (
        Organisation.objects.visible_to(request.user)
        .annotate(department_count=Count("departments", distinct=True))
        .order_by("name")
    )
    filterset = OrganisationFilter(request.GET, queryset=queryset, request=request)
    page = paginate_window(request, filterset.qs)
    return render(
        request,
        "accounts/organisation_list.html",
        {"filter": filterset, "page": page},
    )


@role_required(Role.ADMIN)
def organisation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.visible_to(request.user), pk=pk)
    departments = organisation.departments.annotate(member_count=Count("members")).order_by("name")
    page = paginate(request, departments)
    return render(
        request, "accounts/organisation_detail.html", {"organisation": organisation, "page": page}
    )


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def organisation_form(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    organisation = (
        get_object_or_404(Organisation.objects.visible_to(request.user), pk=pk) if pk else None
    )
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        organisation = services.save_organisation(actor=request.user, organisation=form.instance)
        messages.success(request, _("%(name)s is saved.") % {"name": organisation.name})
        return redirect(organisation)
    return render(
        request, "accounts/organisation_form.html", {"form": form, "organisation": organisation}
    )


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def department_form(
    request: AuthenticatedHttpRequest, organisation_pk: int, pk: int | None = None
) -> HttpResponse:
    organisation = get_object_or_404(
        Organisation.objects.visible_to(request.user), pk=organisation_pk
    )
    department = get_object_or_404(organisation.departments, pk=pk) if pk else None
    form = DepartmentForm(request.POST or None, instance=department, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        department = services.save_department(actor=request.user, department=form.instance)
        messages.success(request, _("%(name)s is saved.") % {"name": department.name})
        return redirect(organisation)
    return render(
        request,
        "accounts/department_form.html",
        {"form": form, "organisation": organisation, "department": department},
    )
