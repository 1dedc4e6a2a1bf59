"""Views of the employer partners: the partners' list with their contacts and open roles,
contacts and roles, a role's status, the "ending soon" page that matches trainees near
the end of their enrolment to open roles, sending a trainee's summary to a contact, and
the public download of a shared summary.

Thin: access (`cohorts.access`) → form → service → message → redirect. Every page but
the download is the lab's (anyone else 403, before any object is looked at; anonymous
visitors are sent to sign in). The download needs no account: the signed link in the
email is its proof (`cohorts.services.placement_links`); it is never cached."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cohorts import access, workflow
from cohorts.forms_employers import (
    ContactForm,
    PartnerFilter,
    PlacementSortForm,
    RoleForm,
    RoleStatusForm,
    ShareForm,
)
from cohorts.models import (
    ConsentMethod,
    EmployerContact,
    Enrolment,
    OpenRole,
    RoleSkill,
    SummaryShare,
)
from cohorts.services import employers as services
from cohorts.services.placement import placement_board, ranked_roles_for, share_summary, window_end
from cohorts.services.placement_links import LinkError, download_shared_summary
from labportal.accounts.access import role_required
from labportal.accounts.http import AuthenticatedHttpRequest
from labportal.accounts.models import Organisation
from labportal.core.forms import apply_validation_error
from labportal.core.pagination import paginate_window
from trainees.models import CompetenceLevel
from trainees.services.summary import summary_filename, summary_language

SHOWN_ROLES = 3  # the best matching roles shown per trainee on the "ending soon" page


def _require_manager(request: AuthenticatedHttpRequest) -> None:
    if not access.can_manage_employers(request.user):
        raise PermissionDenied


def _list_url(organisation_id: int) -> str:
    return f"{reverse('cohorts:employer_list')}#partner-{organisation_id}"


# The partners' list ------------------------------------------------------------------------
@dataclass(frozen=True)
class RoleRow:
    """A role on the list with the status buttons it offers now."""

    role: OpenRole
    moves: list[workflow.Move]
    is_past_closing: bool  # open, but its closing day has passed: not matched any more


@dataclass(frozen=True)
class PartnerRow:
    organisation: Organisation
    contacts: list[EmployerContact]
    roles: list[RoleRow]


@role_required(*access.LAB_ROLES)
@require_GET
def employer_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The active partner organisations, each with its contacts and roles; read in a fixed
    number of queries whatever the number of partners, contacts, roles and skills."""
    _require_manager(request)
    today = timezone.localdate()
    filterset = PartnerFilter(
        request.GET, queryset=access.partner_organisations().order_by("name", "pk")
    )
    page = paginate_window(request, filterset.qs)
    partners = list(page.object_list)
    prefetch_related_objects(
        partners,
        Prefetch(
            "employer_contacts",
            queryset=EmployerContact.objects.order_by("-is_active", "name", "pk"),
            to_attr="contacts",
        ),
        Prefetch(
            "open_roles",
            queryset=OpenRole.objects.select_related("contact")
            .prefetch_related(
                Prefetch("requirements", queryset=RoleSkill.objects.select_related("skill"))
            )
            .order_by("closes_on", "title", "pk"),
            to_attr="roles",
        ),
    )
    rows = [
        PartnerRow(
            organisation=partner,
            contacts=partner.contacts,
            roles=[
                RoleRow(
                    role=role,
                    moves=services.role_moves(request.user, role),
                    is_past_closing=role.is_open and role.closes_on < today,
                )
                for role in sorted(partner.roles, key=lambda r: (not r.is_open, r.closes_on))
            ],
        )
        for partner in partners
    ]
    context = {"filter": filterset, "page": page, "rows": rows}
    return render(request, "cohorts/employer_list.html", context)


# Contacts and roles: one view each for adding (`organisation`) and editing (`pk`) -----------
@role_required(*access.LAB_ROLES)
@require_http_methods(["GET", "POST"])
def contact_form(
    request: AuthenticatedHttpRequest, organisation: int = 0, pk: int = 0
) -> HttpResponse:
    _require_manager(request)
    contact = access.get_contact_for_user(request.user, pk) if pk else None
    partner = (
        contact.organisation if contact else access.get_partner_for_user(request.user, organisation)
    )
    name = contact.name if contact else ""  # the form writes into `contact`
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if contact is None:
                contact = services.create_contact(
                    actor=request.user, organisation=partner, data=data
                )
                message = _("%(name)s is added.")
            else:
                contact = services.update_contact(
                    actor=request.user,
                    contact=contact,
                    data=data,
                    expected_version=data.get("version") or 0,
                )
                message = _("%(name)s is saved.")
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, message % {"name": contact.name})
            return redirect(_list_url(partner.pk))
    context = {"form": form, "organisation": partner, "contact": contact, "name": name}
    return render(request, "cohorts/employer_contact_form.html", context)


@role_required(*access.LAB_ROLES)
@require_http_methods(["GET", "POST"])
def role_form(
    request: AuthenticatedHttpRequest, organisation: int = 0, pk: int = 0
) -> HttpResponse:
    _require_manager(request)
    role = access.get_role_for_user(request.user, pk) if pk else None
    partner = role.organisation if role else access.get_partner_for_user(request.user, organisation)
    title = role.title if role else ""  # the form writes into `role`
    form = RoleForm(request.POST or None, instance=role, organisation=partner)
    if request.method == "POST" and form.is_valid():
        data, requirements = form.cleaned_data, form.requirements()
        try:
            if role is None:
                role = services.create_role(
                    actor=request.user, organisation=partner, data=data, requirements=requirements
                )
                message = _("The role “%(title)s” is added.")
            else:
                role = services.update_role(
                    actor=request.user,
                    role=role,
                    data=data,
                    requirements=requirements,
                    expected_version=data.get("version") or 0,
                )
                message = _("The role “%(title)s” is saved.")
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, message % {"title": role})
            return redirect(_list_url(partner.pk))
    context = {
        "form": form,
        "organisation": partner,
        "role": role,
        "title": title,
        "levels": [str(label) for _value, label in CompetenceLevel.choices],
    }
    return render(request, "cohorts/employer_role_form.html", context)


@role_required(*access.LAB_ROLES)
@require_http_methods(["GET", "POST"])
def role_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET `?target=`: the confirmation page of a move (the list links there to close a
    role); POST: the move. Refusals come back as a message on the list."""
    _require_manager(request)
    role = access.get_role_for_user(request.user, pk)
    back = _list_url(role.organisation_id)
    if request.method == "GET":
        try:
            move = workflow.require(
                workflow.ROLE_MOVES,
                role.status,
                request.GET.get("target", ""),
                services.role_status_label,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(back)
        form = RoleStatusForm(initial={"target": move.target, "version": role.version})
        return render(
            request,
            "cohorts/employer_role_status.html",
            {"role": role, "move": move, "form": form, "back": back},
        )
    form = RoleStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the buttons for the role's status."))
        return redirect(back)
    try:
        role = services.move_role(
            actor=request.user,
            role=role,
            target=form.cleaned_data["target"],
            expected_version=form.cleaned_data["version"],
            note=form.cleaned_data.get("note") or "",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The role “%(title)s” is now “%(status)s”.")
            % {"title": role, "status": role.get_status_display()},
        )
    return redirect(back)


# Ending soon -------------------------------------------------------------------------------
@role_required(*access.LAB_ROLES)
@require_GET
def placement(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Trainees in the last months of their enrolment with their best matching open roles
    and what each lacks (`cohorts.services.placement`: a fixed number of queries)."""
    if not access.can_match_placements(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    form = PlacementSortForm(request.GET)
    board = placement_board(today, form.chosen())
    page = Paginator(board, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cohorts/placement.html",
        {
            "form": form,
            "page": page,
            "today": today,
            "window_end": window_end(today),
            "shown_roles": f":{SHOWN_ROLES}",
            "has_roles": any(t.roles for t in board),
        },
    )


# Sharing a summary -------------------------------------------------------------------------
def _share_page(
    request: AuthenticatedHttpRequest, enrolment: Enrolment, form: ShareForm, *, confirm: bool
) -> HttpResponse:
    """The form, or (`confirm`) the page that says exactly what is sent to whom, with the
    form's answers as hidden fields and the button that sends it."""
    today = timezone.localdate()
    context: dict[str, Any] = {
        "form": form,
        "enrolment": enrolment,
        "trainee": enrolment.trainee,
        "expires_on": today + datetime.timedelta(days=settings.SUMMARY_SHARE_DAYS),
    }
    if confirm:
        data = form.cleaned_data
        context["chosen"] = data
        context["language_name"] = dict(settings.LANGUAGES)[data["language"]]
        context["method"] = ConsentMethod(data["consent_method"]).label
        return render(request, "cohorts/placement_share_confirm.html", context)
    context["matches"] = ranked_roles_for(enrolment, today)[:SHOWN_ROLES]
    context["shares"] = (
        SummaryShare.objects.filter(enrolment=enrolment)
        .select_related("contact__organisation", "role", "shared_by")
        .order_by("-created_at", "-pk")
    )
    return render(request, "cohorts/placement_share.html", context)


@role_required(*access.LAB_ROLES)
@require_http_methods(["GET", "POST"])
def share_summary_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: the form. POST: the confirmation page; POST from its "confirm" button: the
    share itself ("edit" goes back to the form with the answers)."""
    if not access.can_share_summary(request.user):
        raise PermissionDenied
    enrolment = access.get_enrolment_to_share_for_user(request.user, pk)
    form = ShareForm(request.POST or None, language=summary_language(enrolment.trainee, None))
    if request.method != "POST" or not form.is_valid() or "edit" in request.POST:
        return _share_page(request, enrolment, form, confirm=False)
    if "confirm" not in request.POST:
        return _share_page(request, enrolment, form, confirm=True)
    data = form.cleaned_data
    try:
        share = share_summary(
            actor=request.user,
            enrolment=enrolment,
            contact=data["contact"],
            role=data.get("role"),
            consent_method=data["consent_method"],
            consent_given_on=data["consent_given_on"],
            note=data.get("consent_note") or "",
            language=data["language"],
        )
    except ValidationError as error:
        apply_validation_error(form, error)
        return _share_page(request, enrolment, form, confirm=False)
    messages.success(
        request,
        _("The summary of %(trainee)s is on its way to %(contact)s (%(email)s).")
        % {
            "trainee": enrolment.trainee,
            "contact": share.contact.name,
            "email": share.contact.email,
        },
    )
    return redirect("cohorts:placement")


# The public download -----------------------------------------------------------------------
@require_GET
def shared_summary(request: HttpRequest, token: str) -> HttpResponse:
    """The summary PDF for whoever holds a valid emailed link, counted and audited; an
    expired link answers 410 and a tampered or unknown one 404, with a page that says
    so and serves nothing. Personal data: never stored by a cache on the way."""
    try:
        share, pdf = download_shared_summary(token)
    except LinkError as error:
        template = "expired" if error.is_expired else "invalid"
        response = render(
            request,
            f"cohorts/shared_summary_{template}.html",
            status=410 if error.is_expired else 404,
        )
    else:
        response = HttpResponse(pdf, content_type="application/pdf")
        disposition = content_disposition_header(
            as_attachment=True, filename=summary_filename(share.trainee, share.language)
        )
        response["Content-Disposition"] = disposition or "attachment"
        response["Content-Language"] = share.language
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
