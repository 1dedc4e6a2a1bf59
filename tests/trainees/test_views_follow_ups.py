"""The follow-up pages reached from an email, without signing in: the form, the
thank-you page, a page and status for each link that cannot be used (which changes
nothing), stopping follow-ups; none kept in a cache, none leaking its token."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.trainees.test_follow_ups import HOSTILE, old_token, sent_follow_up, state
from trainees.models import (
    ConsentChannel,
    ConsentEvent,
    FollowUp,
    FollowUpStatus,
    Outcome,
    OutcomeCategory,
)
from trainees.services.follow_ups import (
    answer_token,
    trainee_of_withdraw_link,
    withdraw_by_link,
    withdraw_token,
)

S = FollowUpStatus
JOB = {
    "category": "employed_it",
    "employer": "Växjö kommun",
    "role": "Webbutvecklare",
    "region": "Kronoberg",
    "starts_on": "2025-03-01",
    "employment_type": "permanent",
    "via_lab_network": "on",
}


@pytest.fixture
def visitor() -> Client:
    """Nobody signed in, reading English."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def answer_path(follow_up: FollowUp, token: str | None = None) -> str:
    return reverse("trainees:follow_up_answer", args=[token or answer_token(follow_up)])


def stop_path(follow_up: FollowUp) -> str:
    return reverse("trainees:follow_up_withdraw", args=[withdraw_token(follow_up.trainee)])


def stop_links(content: str) -> list[int]:
    """The trainees whose follow-ups the page's stop links stop (a token is signed with
    its time, so it is read rather than compared)."""
    prefix = reverse("trainees:follow_up_withdraw", args=["TOKEN"]).split("TOKEN")[0]
    tokens = re.findall(f'href="{re.escape(prefix)}([^"/]+)/"', content)
    return [trainee_of_withdraw_link(token).pk for token in tokens]


def assert_private(response) -> None:
    """No cache keeps the page; no request from it passes the token on (the origin
    only: see the view for why not `no-referrer`)."""
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "strict-origin"


def assert_anonymous_page(response, follow_up: FollowUp) -> None:
    """Nothing about the trainee but the link that stops their follow-ups."""
    content = response.content.decode()
    trainee = follow_up.trainee
    assert trainee.full_name not in content
    assert trainee.email not in content
    assert stop_links(content) == [trainee.pk]


# The form ---------------------------------------------------------------------------------
@pytest.mark.django_db
def test_follow_up_form_opens_without_signing_in(visitor):
    follow_up = sent_follow_up(full_name="Fatima Former")

    response = visitor.get(answer_path(follow_up))

    assert response.status_code == 200
    assert "trainees/follow_up_form.html" in [t.name for t in response.templates]
    assert_private(response)
    assert_anonymous_page(response, follow_up)
    content = response.content.decode()
    assert "What do you do now?" in content
    for name in ("employer", "role", "region", "starts_on", "employment_type"):
        assert f'name="{name}"' in content
    for category in OutcomeCategory.values:
        assert re.search(f'type="radio"[^>]* name="category" value="{category}"', content)
    assert 'type="checkbox" name="via_lab_network"' in content
    assert FollowUp.objects.get(pk=follow_up.pk).status == S.SENT


@pytest.mark.django_db
def test_follow_up_answer_shows_thanks_and_saves_the_outcome(visitor):
    follow_up = sent_follow_up()

    response = visitor.post(answer_path(follow_up), {**JOB, "employer": HOSTILE})

    assert response.status_code == 200
    assert "trainees/follow_up_thanks.html" in [t.name for t in response.templates]
    assert_private(response)
    assert_anonymous_page(response, follow_up)
    content = response.content.decode()
    assert "Thank you for your answer" in content
    # the answer is shown as text, never run
    assert HOSTILE not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    follow_up.refresh_from_db()
    assert follow_up.status == S.ANSWERED
    assert follow_up.answer["employer"] == HOSTILE
    outcome = Outcome.objects.get(enrolment=follow_up.enrolment_id, months_after=3)
    assert (outcome.category, outcome.employer, outcome.via_lab_network, outcome.source) == (
        "employed_it",
        HOSTILE,
        True,
        "follow_up",
    )
    assert str(outcome.starts_on) == "2025-03-01"


@pytest.mark.django_db
def test_follow_up_in_work_without_employer_shows_the_services_message_on_the_field(visitor):
    follow_up = sent_follow_up()
    before = state(follow_up)

    response = visitor.post(answer_path(follow_up), {**JOB, "employer": "", "role": HOSTILE})

    assert response.status_code == 400
    assert_private(response)
    form = response.context["form"]
    assert form.errors["employer"] == ["Name the employer (or the business)."]
    content = response.content.decode()
    assert 'id="error-summary"' in content
    assert "Name the employer (or the business)." in content
    # every word kept, as text
    assert HOSTILE not in content
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in content
    assert state(follow_up) == before


@pytest.mark.django_db
def test_follow_up_without_a_category_is_asked_for_one(visitor):
    follow_up = sent_follow_up()
    before = state(follow_up)

    response = visitor.post(answer_path(follow_up), {"region": "Kronoberg"})

    assert response.status_code == 400
    assert response.context["form"].errors["category"] == ["Choose what you do now."]
    assert state(follow_up) == before


# Links that cannot be used ----------------------------------------------------------------
def tampered(follow_up: FollowUp) -> str:
    token = answer_token(follow_up)
    return token[:-1] + ("A" if token[-1] != "A" else "B")


def expired(follow_up: FollowUp) -> str:
    return old_token(follow_up, days=31)


def used(follow_up: FollowUp) -> str:
    token = answer_token(follow_up)
    Client().post(answer_path(follow_up, token), JOB)
    return token


def closed(follow_up: FollowUp) -> str:
    withdraw_by_link(withdraw_token(follow_up.trainee))
    return answer_token(follow_up)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make_link", "status", "heading", "offers_stop"),
    [
        (tampered, 404, "This link does not work", False),
        (expired, 410, "This link has expired", True),
        (used, 410, "You have already answered, thank you", True),
        (closed, 410, "This follow-up is closed", True),
    ],
)
def test_link_that_cannot_be_used_has_its_page_and_changes_nothing(
    visitor, settings, make_link, status, heading, offers_stop
):
    settings.FOLLOW_UP_LINK_DAYS = 30
    follow_up = sent_follow_up(full_name="Fatima Former")
    token = make_link(follow_up)
    before = state(follow_up)
    path = answer_path(follow_up, token)

    for response in (visitor.get(path), visitor.post(path, {**JOB, "employer": "Another"})):
        assert response.status_code == status
        assert "trainees/follow_up_link_error.html" in [t.name for t in response.templates]
        assert_private(response)
        content = response.content.decode()
        assert f'<h1 class="h2">{heading}</h1>' in content
        assert '<form method="post" novalidate>' not in content
        assert follow_up.trainee.full_name not in content
        assert stop_links(content) == ([follow_up.trainee_id] if offers_stop else [])

    assert state(follow_up) == before


@pytest.mark.django_db
def test_expired_page_says_the_lab_may_send_a_new_link(visitor):
    follow_up = sent_follow_up()

    response = visitor.get(answer_path(follow_up, expired(follow_up)))

    assert response.status_code == 410
    assert "The lab may send you a new one" in response.content.decode()


# Stopping follow-ups ------------------------------------------------------------------------
@pytest.mark.django_db
def test_withdraw_asks_first_then_stops_every_follow_up(visitor):
    follow_up = sent_follow_up(full_name="Fatima Former")
    trainee = follow_up.trainee
    path = stop_path(follow_up)

    # a GET (e.g. a mail scanner opening the link) only asks
    asked = visitor.get(path)
    assert asked.status_code == 200
    assert_private(asked)
    assert "Stop all follow-ups?" in asked.content.decode()
    assert '<form method="post">' in asked.content.decode()
    assert trainee.full_name not in asked.content.decode()
    trainee.follow_up_consent.refresh_from_db()
    assert trainee.follow_up_consent.given
    assert FollowUp.objects.get(pk=follow_up.pk).status == S.SENT

    done = visitor.post(path)
    assert done.status_code == 200
    assert_private(done)
    assert "You will not be contacted again" in done.content.decode()
    trainee.follow_up_consent.refresh_from_db()
    assert not trainee.follow_up_consent.given
    assert FollowUp.objects.get(pk=follow_up.pk).status == S.CANCELLED
    assert ConsentEvent.objects.filter(
        trainee=trainee, given=False, channel=ConsentChannel.EMAIL, actor=None
    ).exists()

    # again: the same page, no new decision
    again = visitor.post(path)
    assert again.status_code == 200
    assert ConsentEvent.objects.filter(trainee=trainee).count() == 2


@pytest.mark.django_db
def test_withdraw_link_that_is_tampered_answers_404_and_changes_nothing(visitor):
    follow_up = sent_follow_up()
    token = withdraw_token(follow_up.trainee)
    path = reverse("trainees:follow_up_withdraw", args=[token[:-2] + "xx"])

    for response in (visitor.get(path), visitor.post(path)):
        assert response.status_code == 404
        assert_private(response)
        assert "This link does not work" in response.content.decode()

    follow_up.trainee.follow_up_consent.refresh_from_db()
    assert follow_up.trainee.follow_up_consent.given
    assert FollowUp.objects.get(pk=follow_up.pk).status == S.SENT


@pytest.mark.django_db
def test_follow_up_pages_take_no_other_method(visitor):
    follow_up = sent_follow_up()

    assert visitor.put(answer_path(follow_up)).status_code == 405
    assert visitor.delete(stop_path(follow_up)).status_code == 405
    assert FollowUp.objects.get(pk=follow_up.pk).status == S.SENT
