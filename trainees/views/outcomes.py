"""A trainee's outcome history and their consent to follow-ups. (Being written.)"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound


def outcome_history(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponseNotFound()


def follow_up_consent(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponseNotFound()
