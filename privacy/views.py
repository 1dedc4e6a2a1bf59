"""The personal-data start page for admins: where to answer an access request,
erase a person on request, and see the retention decisions and their last runs."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from labportal.accounts.http import AuthenticatedHttpRequest
from privacy import access


@login_required
@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not access.can_manage_personal_data(request.user):
        raise PermissionDenied
    return render(request, "privacy/home.html", {})
