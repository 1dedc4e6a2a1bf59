"""The follow-up pages reached from an email without signing in: the short form and
stopping follow-ups.

Public like the application pages (no login decorator; nothing in the middleware
asks for one): the signed link in the URL is the only key, so these pages show
nothing but their own form, never the trainee's name or anything else about them.
A link that cannot be used answers with its own page and status (404 for a
tampered or unknown one, 410 for one that is expired, used or closed) and changes
nothing. Every page is `never_cache` and `Referrer-Policy: strict-origin`, so the token
stays out of caches and out of the Referer header of any request made from the page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from labportal.accounts.models import User
from labportal.core.forms import apply_validation_error
from trainees.forms_follow_ups import FollowUpAnswerForm
from trainees.models import FollowUp, OutcomeCategory
from trainees.services.follow_ups import (
    LinkError,
    answer_follow_up,
    follow_up_of,
    trainee_of_withdraw_link,
    withdraw_by_link,
    withdraw_token,
)

View = Callable[..., HttpResponse]

# Per reason: the status and what the page says. 410: the link was genuine, and is gone.
LINK_ERRORS: dict[str, tuple[int, Any, Any]] = {
    "invalid": (
        404,
        _("This link does not work"),
        _(
            "The link may be incomplete. Copy the whole link from the email into the "
            "address bar and try again."
        ),
    ),
    "expired": (
        410,
        _("This link has expired"),
        _(
            "The links in the follow-up emails work for a limited time. The lab may send "
            "you a new one; you do not need to do anything."
        ),
    ),
    "used": (
        410,
        _("You have already answered, thank you"),
        _("The lab has your answer to this follow-up. You do not need to do anything more."),
    ),
    "closed": (
        410,
        _("This follow-up is closed"),
        _("The lab no longer asks this follow-up, so no answer is needed."),
    ),
}


def private_link_page(view: View) -> View:
    """No cache keeps the page, and no request from it sends the token on as a Referer.

    `strict-origin` rather than `no-referrer`: under `no-referrer` browsers send
    `Origin: null` with the page's own forms (the answer, the language switch), which
    Django's CSRF check refuses; `strict-origin` sends the origin and never the path."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "strict-origin"
        return response

    return never_cache(wrapped)


def _stop_path(trainee: User) -> str:
    # A path, not the emails' absolute URL: the page is on this very site.
    return reverse("trainees:follow_up_withdraw", args=[withdraw_token(trainee)])


def _link_error(request: HttpRequest, error: LinkError) -> HttpResponse:
    status, heading, explanation = LINK_ERRORS[error.reason]
    follow_up = error.follow_up
    context = {
        "heading": heading,
        "explanation": explanation,
        "stop_url": _stop_path(follow_up.trainee) if follow_up is not None else "",
    }
    return render(request, "trainees/follow_up_link_error.html", context, status=status)


def _given_answer(follow_up: FollowUp) -> list[tuple[Any, str]]:
    """The answer as the trainee gave it, for the thank-you page (escaped there)."""
    answer = follow_up.answer
    rows: list[tuple[Any, str]] = [
        (_("What do you do now?"), str(OutcomeCategory(answer["category"]).label))
    ]
    for name, label in (
        ("employer", _("Employer or business")),
        ("role", _("Your role")),
        ("region", _("Region")),
    ):
        if answer.get(name):
            rows.append((label, answer[name]))
    return rows


@private_link_page
@require_http_methods(["GET", "POST"])
def follow_up_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The follow-up's form; on a valid answer, the thank-you page (no redirect: the
    link is used up, so a page to redirect to would only say so)."""
    try:
        follow_up = follow_up_of(token)
    except LinkError as error:
        return _link_error(request, error)
    form = FollowUpAnswerForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            # The service judges the link again on the locked row: answered meanwhile
            # in another tab, it refuses, and that page is shown instead.
            answered = answer_follow_up(token=token, data=form.answer())
        except LinkError as error:
            return _link_error(request, error)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            thanks = {"answer": _given_answer(answered), "stop_url": _stop_path(answered.trainee)}
            return render(request, "trainees/follow_up_thanks.html", thanks)
    context: dict[str, Any] = {"form": form, "stop_url": _stop_path(follow_up.trainee)}
    return render(
        request, "trainees/follow_up_form.html", context, status=400 if form.is_bound else 200
    )


@private_link_page
@require_http_methods(["GET", "POST"])
def follow_up_withdraw(request: HttpRequest, token: str) -> HttpResponse:
    """Stop every follow-up: asked on GET (a mail scanner that opens links must not
    stop them), done on POST. Doing it again shows the same page."""
    try:
        if request.method == "POST":
            withdraw_by_link(token)
            return render(request, "trainees/follow_up_withdrawn.html")
        trainee_of_withdraw_link(token)
    except LinkError as error:
        return _link_error(request, error)
    return render(request, "trainees/follow_up_withdraw.html")
