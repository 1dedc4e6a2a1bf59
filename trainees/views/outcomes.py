"""A trainee's outcome history and their consent to follow-ups.

For the lab and the trainee themself; anyone else gets 404 (as for every part of a
trainee's journey, see `trainees.access`). The trainee decides about follow-ups on
this page (channel "page"); the lab records what the trainee told it (channel "lab").
The page reads a fixed number of queries, whatever the number of enrolments,
outcomes, follow-ups and decisions."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from labportal.accounts.http import AuthenticatedHttpRequest
from labportal.accounts.models import User
from trainees import access
from trainees.forms_outcomes import ConsentForm
from trainees.log_figures import enrolments_of
from trainees.models import ConsentChannel, ConsentEvent, FollowUp, FollowUpConsent, Outcome
from trainees.services.outcomes import add_months, consent_of, decide_follow_ups


@dataclass(frozen=True)
class Point:
    """One point of an enrolment's outcome history: at its end or months later."""

    months: int
    label: str
    falls_on: datetime.date
    outcome: Outcome | None


@dataclass(frozen=True)
class FollowUpRow:
    follow_up: FollowUp
    label: str


@dataclass(frozen=True)
class EnrolmentHistory:
    enrolment: Any  # cohorts.Enrolment, read through its attributes
    points: list[Point]
    follow_ups: list[FollowUpRow]


def point_label(months: int) -> str:
    if months == 0:
        return _("At the end")
    return ngettext("%(count)d month after the end", "%(count)d months after the end", months) % {
        "count": months
    }


def follow_up_months_text() -> str:
    """The months of FOLLOW_UP_MONTHS as words: "3, 6 and 12"."""
    return str(get_text_list([str(month) for month in settings.FOLLOW_UP_MONTHS], _("and")))


def consent_channel(user: User, trainee: User) -> str | None:
    """How `user` may record `trainee`'s decision about follow-ups: on their own page, as
    the lab when told, or not at all (None)."""
    for channel in (ConsentChannel.PAGE, ConsentChannel.LAB):
        if access.can_decide_consent(user, trainee, channel):
            return str(channel)
    return None


def outcome_offer(user: User, trainee: User) -> dict[str, Any]:
    """What the trainee's profile page shows of outcomes and follow-ups (one query)."""
    if not access.can_see_outcomes(user, trainee):
        return {"can_see_outcomes": False}
    consent = consent_of(trainee)
    return {
        "can_see_outcomes": True,
        "consent_decided": consent is not None,
        "consent_given": consent is True,
        "consent_prompt": consent is None and consent_channel(user, trainee) == ConsentChannel.PAGE,
        "follow_up_months": follow_up_months_text(),
    }


def _histories(user: User, trainee: User) -> list[EnrolmentHistory]:
    """Each enrolment, latest first, with its outcome points (the end, each month of
    FOLLOW_UP_MONTHS, and any other point recorded) and its follow-ups."""
    outcomes: dict[int, dict[int, Outcome]] = defaultdict(dict)
    for outcome in (
        access.outcomes_visible_to(user).filter(trainee=trainee).select_related("partner")
    ):
        outcomes[outcome.enrolment_id][outcome.months_after] = outcome
    follow_ups: dict[int, list[FollowUpRow]] = defaultdict(list)
    for follow_up in FollowUp.objects.filter(trainee=trainee).order_by("months_after", "pk"):
        row = FollowUpRow(follow_up, point_label(follow_up.months_after))
        follow_ups[follow_up.enrolment_id].append(row)
    histories = []
    for enrolment in enrolments_of(trainee):
        recorded = outcomes[enrolment.pk]
        months = sorted({0, *settings.FOLLOW_UP_MONTHS, *recorded})
        points = [
            Point(
                months=month,
                label=point_label(month),
                falls_on=add_months(enrolment.end, month),
                outcome=recorded.get(month),
            )
            for month in months
        ]
        histories.append(EnrolmentHistory(enrolment, points, follow_ups[enrolment.pk]))
    return histories


@login_required
@require_GET
def outcome_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Each enrolment's outcome points and follow-ups, and the consent with its history."""
    user = request.user
    trainee = access.get_trainee_for_user(user, pk)
    if not access.can_see_outcomes(user, trainee):
        raise Http404
    consent = FollowUpConsent.objects.filter(trainee=trainee).first()
    channel = consent_channel(user, trainee)
    form = None
    if channel is not None:
        initial = {"given": ("yes" if consent.given else "no")} if consent else {}
        form = ConsentForm(initial=initial, for_lab=channel == ConsentChannel.LAB)
    events = (
        ConsentEvent.objects.filter(trainee=trainee)
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )
    return render(
        request,
        "trainees/outcome_history.html",
        {
            "trainee": trainee,
            "is_own": user.pk == trainee.pk,
            "histories": _histories(user, trainee),
            "consent_decided": consent is not None,
            "consent_given": bool(consent and consent.given),
            "consent_decided_at": consent.decided_at if consent else None,
            "events": list(events),
            "form": form,
            "records_for_trainee": channel == ConsentChannel.LAB,
            "follow_up_months": follow_up_months_text(),
            "link_days": settings.FOLLOW_UP_LINK_DAYS,
        },
    )


@login_required
@require_POST
def follow_up_consent(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Yes or no to follow-ups: the trainee's own decision, or the lab's record of what
    the trainee told it. Saying no cancels the follow-ups not yet answered."""
    user = request.user
    trainee = access.get_trainee_for_user(user, pk)
    channel = consent_channel(user, trainee)
    if channel is None:
        raise PermissionDenied
    url = reverse("trainees:outcomes", args=[trainee.pk]) + "#consent"
    form = ConsentForm(request.POST, for_lab=channel == ConsentChannel.LAB)
    if not form.is_valid():
        messages.error(request, _("Choose yes or no about follow-ups."))
        return redirect(url)
    given: bool = form.cleaned_data["given"]
    decide_follow_ups(actor=user, trainee=trainee, given=given, channel=channel)
    if channel == ConsentChannel.PAGE:
        text = (
            _("Thank you: the lab may send you follow-ups after the programme.")
            if given
            else _("Saved: you get no follow-ups. Any follow-up not yet answered is cancelled.")
        )
    elif given:
        text = _("Recorded: %(trainee)s agrees to follow-ups.") % {"trainee": trainee}
    else:
        text = _(
            "Recorded: %(trainee)s wants no follow-ups. Any follow-up not yet answered is "
            "cancelled."
        ) % {"trainee": trainee}
    messages.success(request, text)
    return redirect(url)
