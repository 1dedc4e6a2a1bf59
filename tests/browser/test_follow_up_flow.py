"""A follow-up after the programme, end to end in Chromium without signing in: beat's
task runs on a real Celery worker, which mails the follow-up to a real SMTP server on
this machine; the former trainee opens the link in the email, first sends the form
employed without an employer (and is asked for it), then answers, and the outcome at
three months is saved. Then they stop all follow-ups from the thank-you page.

Once in Swedish and once in English (two former trainees: a link takes one answer),
every page of the way is checked with axe-core (WCAG 2.1 A/AA) and for
Content-Security-Policy violations, the form also in its error state."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import BrowserContext, Page, expect

from labportal.core.models import OutboxEmail, OutboxStatus
from tests.conftest import wait_for
from tests.core.smtp import smtp_server, text_of, use_smtp
from tests.trainees.test_follow_ups import former_trainee
from trainees import tasks
from trainees.models import FollowUp, FollowUpStatus, Outcome, OutcomeCategory, OutcomeSource

EMPLOYER = "Växjö kommun <IT-avdelningen>"
ROLE = "Webbutvecklare"
# The answer link, not the stop link (follow-up/stop/...), in the email's text.
ANSWER_LINK = re.compile(r"https?://\S+?/follow-up/(?!stop/)[^/\s]+/")


def says(language: str, text: str) -> str:
    """`text` as the interface in `language` shows it."""
    with translation.override(language):
        return gettext(text)


def use_language(context: BrowserContext, url: str, language: str) -> None:
    """What the language switch leaves behind: the language cookie."""
    context.add_cookies(
        [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": language, "url": url}]
    )


def submit(page: Page) -> None:
    page.locator("main form[method=post] button[type=submit]").click()


@pytest.mark.django_db(transaction=True)
def test_former_trainee_answers_the_follow_up_from_the_email_then_stops_them(
    live_server, page, context, audit, settings, celery_worker
):
    url = live_server.url
    formers = {
        "sv": former_trainee(language="sv", full_name="Fatima Förre"),
        "en": former_trainee(language="en", full_name="Emil Earlier"),
    }

    # given: beat's morning run has mailed each of them their follow-up
    with smtp_server() as (port, smtp):
        use_smtp(settings, port)
        tasks.send_follow_ups.delay()

        def both_sent() -> bool:
            return OutboxEmail.objects.filter(status=OutboxStatus.SENT).count() == 2

        assert wait_for(both_sent), list(OutboxEmail.objects.values("key", "last_error"))
        bodies = {message["To"]: text_of(message) for message in smtp.received}
    assert sorted(bodies) == sorted(e.trainee.email for e in formers.values())
    # every request the pages make (styles, scripts, forms) and where it names its referrer
    referrers: list[str] = []
    page.on("request", lambda request: referrers.append(request.headers.get("referer", "")))

    for language, enrolment in formers.items():
        body = bodies[enrolment.trainee.email]
        assert says(language, "Hello %(name)s,") % {"name": enrolment.trainee.full_name} in body
        link = ANSWER_LINK.search(body)
        assert link, body
        path = urlsplit(link.group(0)).path

        # when: they open the email's link in their browser, without signing in
        use_language(context, url, language)
        response = page.goto(url + path)
        assert response is not None and response.status == 200
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("main h1")).to_have_text(says(language, "Where are you now?"))
        expect(page.locator("main")).not_to_contain_text(enrolment.trainee.full_name)
        audit(page)

        # ... say they are employed but name no employer
        form = page.locator("main form[method=post]")
        form.locator(f"input[name=category][value={OutcomeCategory.EMPLOYED_IT}]").check()
        form.locator("input[name=role]").fill(ROLE)
        submit(page)

        # then: they are asked for the employer, and nothing they wrote is lost
        expect(page.locator("#error-summary")).to_contain_text(
            says(language, "Name the employer (or the business).")
        )
        expect(page.locator("#id_employer")).to_have_attribute("aria-invalid", "true")
        expect(form.locator("input[name=role]")).to_have_value(ROLE)
        audit(page)

        # when: they name it, with when and how they got the job
        form.locator("input[name=employer]").fill(EMPLOYER)
        form.locator("input[name=starts_on]").fill("2025-03-01")
        form.locator("select[name=employment_type]").select_option("permanent")
        form.locator("input[name=via_lab_network]").check()
        form.locator("input[name=region]").fill("Kronoberg")
        submit(page)

        # then: thanks, with their answer as they gave it, and the outcome is saved
        expect(page.locator("main h1")).to_have_text(says(language, "Thank you for your answer"))
        expect(page.locator("main dl")).to_contain_text(EMPLOYER)
        audit(page)
        outcome = Outcome.objects.get(enrolment=enrolment, months_after=3)
        assert (outcome.category, outcome.employer, outcome.role, outcome.source) == (
            OutcomeCategory.EMPLOYED_IT,
            EMPLOYER,
            ROLE,
            OutcomeSource.FOLLOW_UP,
        )
        assert (str(outcome.starts_on), outcome.employment_type, outcome.via_lab_network) == (
            "2025-03-01",
            "permanent",
            True,
        )
        assert FollowUp.objects.get(enrolment=enrolment).status == FollowUpStatus.ANSWERED

        # when: they open the link once more, it says they answered already
        again = page.goto(url + path)
        assert again is not None and again.status == 410
        expect(page.locator("main h1")).to_have_text(
            says(language, "You have already answered, thank you")
        )
        audit(page)

        # ... and from there they stop all follow-ups, confirming first
        stop = page.get_by_role("link", name=says(language, "Stop all follow-ups"))
        stop.click()
        stop_prefix = reverse("trainees:follow_up_withdraw", args=["x"]).removesuffix("x/")
        expect(page).to_have_url(re.compile(re.escape(url + stop_prefix) + r"[^/]+/$"))
        expect(page.locator("main h1")).to_have_text(says(language, "Stop all follow-ups?"))
        audit(page)
        enrolment.trainee.follow_up_consent.refresh_from_db()
        assert enrolment.trainee.follow_up_consent.given  # opening the page stops nothing
        submit(page)
        expect(page.locator("main")).to_contain_text(
            says(
                language,
                "You will not be contacted again for follow-ups. "
                "What you have already answered is kept.",
            )
        )
        audit(page)
        enrolment.trainee.follow_up_consent.refresh_from_db()
        assert not enrolment.trainee.follow_up_consent.given

    # the token in the address never went on as a referrer, not even to this site
    assert any(referrers)
    assert not [referrer for referrer in referrers if "/follow-up/" in referrer]
