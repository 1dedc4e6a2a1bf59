"""Views of the trainee journey: the end-of-programme summary (a PDF for an employer)
and the page that shows what it contains and offers it in Swedish and English.

For the lab and the trainee themself; anyone else gets 404, as for every part of a
trainee's journey (`trainees.access.get_trainee_for_user`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from labportal.accounts.http import AuthenticatedHttpRequest
from trainees import access
from trainees.services.summary import (
    TraineeSummary,
    record_summary_download,
    render_summary_pdf,
    summarise_journey,
    summary_filename,
    summary_language,
)


def _downloads(trainee_pk: int) -> list[dict[str, str]]:
    url = reverse("trainees:summary", args=[trainee_pk])
    return [
        {"url": f"{url}?lang=sv", "language": "sv", "label": _("Download in Swedish (PDF)")},
        {"url": f"{url}?lang=en", "language": "en", "label": _("Download in English (PDF)")},
    ]


def _gaps(summary: TraineeSummary) -> list[str]:
    """What the summary will leave out, so that it can be filled in before it is handed
    to an employer."""
    gaps = []
    if not summary.has_period:
        gaps.append(_("No enrolment yet, so there is no period."))
    if not summary.prototypes:
        gaps.append(_("No prototypes named in the weekly logs yet."))
    if not summary.skills:
        gaps.append(_("No validated skills yet: the lab validates skills as you work."))
    if not summary.milestones:
        gaps.append(_("No milestones reached yet."))
    if summary.contact is None:
        gaps.append(_("No reference contact named yet."))
    return gaps


@login_required
@require_GET
def summary_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """What the summary contains, in the language of the page, and the two downloads."""
    trainee = access.get_trainee_for_user(request.user, pk)
    summary = summarise_journey(trainee)
    context: dict[str, Any] = {
        "trainee": trainee,
        "summary": summary,
        "downloads": _downloads(trainee.pk),
        "gaps": _gaps(summary),
        "is_own": request.user.pk == trainee.pk,
    }
    return render(request, "trainees/summary.html", context)


@login_required
@require_GET
def summary_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The summary as a PDF download in `?lang=sv|en` (default: the trainee's language).

    Rendered in the request, not in Celery: one trainee's summary is a page or two
    and WeasyPrint makes it in about a second, so it is not one of the long reports
    that DEVELOPERS sends to a worker. Every download is written to the audit log."""
    trainee = access.get_trainee_for_user(request.user, pk)
    language = summary_language(trainee, request.GET.get("lang"))
    pdf = render_summary_pdf(trainee, language=language)
    record_summary_download(actor=request.user, trainee=trainee, language=language)
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = content_disposition_header(
        as_attachment=True, filename=summary_filename(trainee, language)
    )
    response["Content-Disposition"] = disposition or "attachment"
    response["Content-Language"] = language
    # Personal data: kept by no shared cache and not stored on the way.
    patch_cache_control(response, private=True, no_store=True)
    return response
