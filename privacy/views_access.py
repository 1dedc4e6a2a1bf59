"""The access-request page (GDPR art. 15): find the person by email address (GET),
then answer with a ZIP of everything held about them (POST), recorded in the audit log
with the reason. Administrators only."""

from __future__ import annotations

import tempfile

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods

from labportal.accounts.http import AuthenticatedHttpRequest
from privacy import access
from privacy.access_request import PersonalDataReport, Subject, answer_access_request
from privacy.access_request_export import filename, write_zip
from privacy.forms import AccessRequestForm, FindPersonForm

# Past this the answer spills from memory to a temporary file (evidence files can be large).
SPOOL_BYTES = 16 * 1024 * 1024


@login_required
@require_http_methods(["GET", "POST"])
def access_request(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """GET: the search (with ``?email=``, who was found, or that nobody was). POST: the
    ZIP as a download, and the audit entry with the reason and the rows per model."""
    if not access.can_manage_personal_data(request.user):
        raise PermissionDenied
    if request.method == "POST":
        return _answer(request)
    find = FindPersonForm(request.GET if "email" in request.GET else None)
    subject = find.subject if find.is_valid() else None
    form = AccessRequestForm(initial={"email": subject.email}) if subject else None
    return _page(request, find, form, subject)


def _answer(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    form = AccessRequestForm(request.POST)
    if not form.is_valid() or form.subject is None:
        find = FindPersonForm({"email": request.POST.get("email", "")})
        find.is_valid()
        return _page(request, find, form, form.subject, status=400)
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (closed by the response)

    def write(report: PersonalDataReport) -> None:
        write_zip(report, spool)

    report = answer_access_request(
        actor=request.user,
        subject=form.subject,
        reason=form.cleaned_data["reason"],
        write=write,
    )
    spool.seek(0)
    response = FileResponse(
        spool, as_attachment=True, filename=filename(report), content_type="application/zip"
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


def _page(
    request: AuthenticatedHttpRequest,
    find: FindPersonForm,
    form: AccessRequestForm | None,
    subject: Subject | None,
    *,
    status: int = 200,
) -> HttpResponse:
    context = {
        "find": find,
        "form": form,
        "subject": subject,
        "kind": _kind(subject),
        "searched": find.is_bound,
    }
    return render(request, "privacy/access_request.html", context, status=status)


def _kind(subject: Subject | None) -> str:
    """What was found, in words: the account's role, or the kind of record."""
    if subject is None:
        return ""
    if subject.user is not None:
        return str(subject.user.get_role_display())
    if subject.anchor is not None:
        return str(subject.anchor._meta.verbose_name).capitalize()
    return ""
