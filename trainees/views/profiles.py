"""Views of the trainee journey: the lab's list of trainees and the profile pages (the
profile with its skills, the trainee's own edit, the lab's reference contact).

Thin: access (`trainees.access`) → form → service → message → redirect. What a
user may not see answers 404; a page meant for other roles answers 403 first."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from labportal.accounts.access import role_required
from labportal.accounts.http import AuthenticatedHttpRequest
from labportal.accounts.models import Role, User
from labportal.core.forms import apply_validation_error
from labportal.core.pagination import paginate_window
from labportal.core.services import record_audit
from trainees import access
from trainees.filters_competence import TraineeFilter
from trainees.forms_competence import ProfileForm, ReferenceContactForm
from trainees.models import SkillRecord, TraineeProfile
from trainees.services.competence import competence_profile
from trainees.services.profile import ensure_profile, set_reference_contact, update_profile
from trainees.views.competence import _file_name, _is_conflict, _profile_url, _rebind
from trainees.views.outcomes import outcome_offer


# The lab's list --------------------------------------------------------------------------
def _skill_count(condition: Q) -> Coalesce:
    records = (
        SkillRecord.objects.filter(condition, trainee=OuterRef("pk"))
        .order_by()
        .values("trainee")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(records), 0)


@role_required(*access.LAB_ROLES)
def trainee_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every trainee with the size and state of their competence profile."""
    filterset = TraineeFilter(
        request.GET, queryset=access.trainees_visible_to(request.user), request=request
    )
    # Without an exact count (`paginate_window`), and the skill counts as subqueries,
    # computed for the page's rows only: a grouped count joined every trainee's skills.
    page = paginate_window(
        request,
        filterset.qs.annotate(
            skill_count=_skill_count(Q()),
            waiting_count=_skill_count(Q(validated_level__isnull=True)),
        ).prefetch_related(
            Prefetch(
                "skill_records",
                queryset=SkillRecord.objects.filter(validated_level__isnull=False)
                .select_related("skill")
                .order_by("skill__name_sv"),
                to_attr="validated_records",
            )
        ),
        count_queryset=filterset.qs,
    )
    return render(request, "trainees/trainee_list.html", {"filter": filterset, "page": page})


# Profile --------------------------------------------------------------------------------
@dataclass(frozen=True)
class SkillRow:
    """A skill of the profile page with what the viewer may do with it."""

    record: SkillRecord
    can_edit: bool
    can_remove: bool
    can_validate: bool
    file_name: str


def skill_rows(user: User, trainee: User) -> list[SkillRow]:
    return [
        SkillRow(
            record=record,
            can_edit=access.can_edit_skill(user, record),
            can_remove=access.can_remove_skill(user, record),
            can_validate=access.can_validate(user, trainee),
            file_name=_file_name(record),
        )
        for record in competence_profile(trainee)
    ]


@login_required
def profile(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A trainee's background and competence: for the lab and the trainee only."""
    user = request.user
    trainee = access.get_trainee_for_user(user, pk)
    if user.pk != trainee.pk:
        # Who looked at a trainee's full profile is itself personal data the trainee may
        # ask for (GDPR art. 15): every view by someone else is logged. Its object is the
        # trainee, so the audit list's "about person" filter finds it.
        record_audit(user, "trainee.profile_viewed", trainee)
    # Shown empty until the trainee writes: reading a page creates nothing (but the log).
    trainee_profile = TraineeProfile.objects.filter(user=trainee).select_related(
        "reference_contact"
    ).first() or TraineeProfile(user=trainee)
    return render(
        request,
        "trainees/profile.html",
        {
            "trainee": trainee,
            "profile": trainee_profile,
            "skills": skill_rows(user, trainee),
            "is_own": user.pk == trainee.pk,
            "can_edit": access.can_edit_own_profile(user, trainee),
            "can_set_reference": access.can_set_reference_contact(user),
            "can_list_trainees": access.can_list_trainees(user),
            # the rest of the journey, for everyone who sees it (the trainee and the lab)
            "logs_url": reverse("trainees:log_list")
            + ("" if user.pk == trainee.pk else f"?trainee={trainee.pk}"),
            **outcome_offer(user, trainee),
        },
    )


@role_required(Role.TRAINEE)
@require_http_methods(["GET", "POST"])
def profile_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The trainee's own background and wishes, with a version against lost updates."""
    user = request.user
    trainee_profile = ensure_profile(actor=user, trainee=user)
    form = ProfileForm(request.POST or None, instance=trainee_profile)
    current = None
    if request.method == "POST" and form.is_valid():
        try:
            update_profile(
                actor=user,
                profile=trainee_profile,
                data=form.cleaned_data,
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
            if _is_conflict(error):
                current = TraineeProfile.objects.get(pk=trainee_profile.pk)
                _rebind(form, version=current.version)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect(_profile_url(user.pk))
    return render(
        request,
        "trainees/profile_form.html",
        {"form": form, "trainee": user, "current": current},
    )


@role_required(*access.LAB_ROLES)
@require_http_methods(["GET", "POST"])
def reference_contact(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The lab names the person an employer may call about the trainee."""
    user = request.user
    trainee = access.get_trainee_for_user(user, pk)
    if not access.can_set_reference_contact(user):
        raise PermissionDenied
    trainee_profile = ensure_profile(actor=user, trainee=trainee)
    form = ReferenceContactForm(
        request.POST or None, initial={"reference_contact": trainee_profile.reference_contact_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            set_reference_contact(
                actor=user, profile=trainee_profile, contact=form.cleaned_data["reference_contact"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("The reference contact is saved."))
            return redirect(_profile_url(trainee.pk))
    return render(
        request, "trainees/profile_reference_form.html", {"form": form, "trainee": trainee}
    )
