"""Views of the trainee journey: the self-assessed skills, their evidence, validation and
history (the lab's list and the profile pages: `trainees.views.profiles`).

Thin: access (`trainees.access`) → form → service → message → redirect. What a
user may not see answers 404; a page meant for other roles answers 403 first."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from labportal.accounts.access import role_required
from labportal.accounts.http import AuthenticatedHttpRequest
from labportal.accounts.models import Role
from labportal.core.forms import apply_validation_error
from prototypes.attachments import content_type_for
from trainees import access
from trainees.forms_competence import (
    SkillAssessmentForm,
    ValidationForm,
)
from trainees.models import SkillRecord
from trainees.services.competence import (
    DuplicateSkill,
    add_skill,
    record_evidence_download,
    record_token,
    remove_skill,
    skill_history,
    update_skill,
    validate_skill,
)


def _is_conflict(error: ValidationError) -> bool:
    return getattr(error, "code", None) == "conflict"


def _rebind(form: Any, **values: Any) -> None:
    """After a conflict: the form keeps every word typed but now refers to the saved
    version, so that saving again (after comparing) is a deliberate choice."""
    data = form.data.copy()
    for name, value in values.items():
        data[name] = value
    form.data = data


def _file_name(record: SkillRecord) -> str:
    return record.evidence_file.name.rsplit("/", 1)[-1] if record.evidence_file else ""


def _profile_url(trainee_pk: int, record: SkillRecord | None = None) -> str:
    url = reverse("trainees:profile", args=[trainee_pk])
    return f"{url}#skill-{record.pk}" if record is not None else url


# Self-assessment --------------------------------------------------------------------------
def _assessment_data(form: SkillAssessmentForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "self_level": data["self_level"],
        "evidence_link": data.get("evidence_link") or "",
        "evidence_file": data.get("evidence_file"),
        "evidence_note": data.get("evidence_note") or "",
    }


@role_required(Role.TRAINEE)
@require_http_methods(["GET", "POST"])
def skill_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The trainee adds a skill with the level they judge they have, and evidence."""
    user = request.user
    form = SkillAssessmentForm(request.POST or None, request.FILES or None, adding=True)
    duplicate_of = None
    if request.method == "POST" and form.is_valid():
        try:
            record = add_skill(
                actor=user, trainee=user, skill=form.cleaned_data["skill"], **_assessment_data(form)
            )
        except ValidationError as error:
            apply_validation_error(form, error)
            if isinstance(error, DuplicateSkill):
                duplicate_of = error.existing
        else:
            messages.success(
                request, _("%(skill)s is added to your profile.") % {"skill": record.skill}
            )
            return redirect(_profile_url(user.pk, record))
    return render(
        request,
        "trainees/competence_skill_form.html",
        {"form": form, "record": None, "trainee": user, "duplicate_of": duplicate_of},
    )


@role_required(Role.TRAINEE)
@require_http_methods(["GET", "POST"])
def skill_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The trainee changes their level or evidence; the lab's validation stays."""
    user = request.user
    record = access.get_skill_record_for_user(user, pk)
    if not access.can_edit_skill(user, record):
        raise PermissionDenied
    initial = {
        "self_level": record.self_level,
        "evidence_link": record.evidence_link,
        "evidence_note": record.evidence_note,
    }
    form = SkillAssessmentForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        adding=False,
        has_file=bool(record.evidence_file),
        seen=record_token(record),
    )
    current = None
    if request.method == "POST" and form.is_valid():
        try:
            record = update_skill(
                actor=user,
                record=record,
                seen=form.cleaned_data["seen"],
                remove_file=form.cleaned_data.get("remove_file", False),
                **_assessment_data(form),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
            if _is_conflict(error):
                current = access.get_skill_record_for_user(user, pk)
                _rebind(form, seen=record_token(current))
        else:
            messages.success(
                request, _("Your assessment of %(skill)s is saved.") % {"skill": record.skill}
            )
            return redirect(_profile_url(user.pk, record))
    return render(
        request,
        "trainees/competence_skill_form.html",
        {
            "form": form,
            "record": record,
            "trainee": user,
            "current": current,
            "file_name": _file_name(record),
        },
    )


@role_required(Role.TRAINEE)
@require_http_methods(["GET", "POST"])
def skill_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Confirm, then take a not yet validated skill out of the trainee's own profile."""
    user = request.user
    record = access.get_skill_record_for_user(user, pk)
    if not access.can_edit_skill(user, record):
        raise PermissionDenied
    if not access.can_remove_skill(user, record):
        messages.error(
            request,
            _(
                "The lab has validated %(skill)s, so it stays in your profile. Ask the lab "
                "lead if it should be removed."
            )
            % {"skill": record.skill},
        )
        return redirect(_profile_url(user.pk, record))
    if request.method == "POST":
        try:
            remove_skill(actor=user, record=record)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(_profile_url(user.pk))
        messages.success(
            request, _("%(skill)s is removed from your profile.") % {"skill": record.skill}
        )
        return redirect(_profile_url(user.pk))
    return render(request, "trainees/competence_skill_confirm_remove.html", {"record": record})


@login_required
def skill_evidence(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The evidence file, for the lab and the trainee; always a download."""
    record = access.get_skill_record_for_user(request.user, pk)
    if not record.evidence_file:
        raise Http404
    try:
        handle = record.evidence_file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    record_evidence_download(actor=request.user, record=record)
    name = _file_name(record)
    # Never rendered in our origin: an uploaded file cannot run script.
    return FileResponse(
        handle, as_attachment=True, filename=name, content_type=content_type_for(name)
    )


# Validation and history -------------------------------------------------------------------
@role_required(*access.LAB_ROLES)
@require_http_methods(["GET", "POST"])
def skill_validate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The lab lead assesses a skill: level, method and evidence, with who and when."""
    user = request.user
    record = access.get_skill_record_for_user(user, pk)
    if not access.can_validate_skill(user, record):
        raise PermissionDenied
    initial = {}
    if record.is_validated:
        initial = {
            "validated_level": record.validated_level,
            "validation_method": record.validation_method,
        }
    form = ValidationForm(request.POST or None, initial=initial, seen=record_token(record))
    current = None
    if request.method == "POST" and form.is_valid():
        try:
            record = validate_skill(
                actor=user,
                record=record,
                seen=form.cleaned_data["seen"],
                level=form.cleaned_data["validated_level"],
                method=form.cleaned_data["validation_method"],
                evidence=form.cleaned_data["validation_evidence"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
            if _is_conflict(error):
                current = access.get_skill_record_for_user(user, pk)
                _rebind(form, seen=record_token(current))
        else:
            messages.success(
                request,
                _("%(skill)s is validated at level %(level)s for %(trainee)s.")
                % {
                    "skill": record.skill,
                    "level": record.validated_level,
                    "trainee": record.trainee,
                },
            )
            return redirect(_profile_url(record.trainee_id, record))
    shown = current or record
    return render(
        request,
        "trainees/competence_validate.html",
        {
            "form": form,
            "record": shown,
            "file_name": _file_name(shown),
            "conflict": current is not None,
        },
    )


@login_required
def skill_history_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """What happened to a skill, newest first: for the lab and the trainee."""
    record = access.get_skill_record_for_user(request.user, pk)
    return render(
        request,
        "trainees/competence_history.html",
        {"record": record, "events": skill_history(record)},
    )
