"""The pages of a summary link that serves nothing, as an employer's contact opens it from
the email without an account: expired (410) and tampered (404). Both pass axe-core
(WCAG 2.0/2.1 A and AA) in Swedish and English, without Content-Security-Policy errors,
and say what happened without naming the trainee. (A valid link is the PDF itself.)"""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cohorts.services.placement_links import share_token
from tests.browser.axe import axe_violations, format_violations
from tests.browser.conftest import CSPWatch
from tests.cohorts.factories_employers import SummaryShareFactory


@pytest.mark.django_db(transaction=True)
def test_the_pages_of_a_summary_link_that_serves_nothing_pass_axe(
    live_server, page, context, csp: CSPWatch, enrolment
):
    expired = SummaryShareFactory(
        enrolment=enrolment, expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    valid = SummaryShareFactory(enrolment=enrolment)
    links = {
        "expired": (share_token(expired), 410),
        "tampered": (share_token(valid) + "x", 404),
    }
    url = live_server.url
    problems: list[str] = []

    for language in ("sv", "en"):
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": url}]
        )
        for name, (token, status) in links.items():
            response = page.goto(url + reverse("cohorts:shared_summary", args=[token]))
            assert response is not None and response.status == status
            expect(page.locator("html")).to_have_attribute("lang", language)
            expect(page.locator("main h1")).to_be_visible()
            expect(page.locator("main")).not_to_contain_text(enrolment.trainee.full_name)
            violations = axe_violations(page)
            if violations:
                problems.append(f"[{language}] {name}:\n{format_violations(violations)}")

    problems.extend(f"CSP: {violation}" for violation in csp.violations)
    assert not problems, "\n\n".join(problems)
