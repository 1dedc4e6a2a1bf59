"""The follow-up pages reached from an email without signing in: the short form and
stopping follow-ups. (Being written.)"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound


def follow_up_answer(request: HttpRequest, token: str) -> HttpResponse:
    return HttpResponseNotFound()


def follow_up_withdraw(request: HttpRequest, token: str) -> HttpResponse:
    return HttpResponseNotFound()
