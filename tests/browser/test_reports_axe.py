"""The outcome dashboard in Chromium: its SVG charts are drawn without breaking the
Content-Security-Policy, and the page — with figures, with a hidden small group, with
a refused period and with a cohort that is not offered — passes axe-core (WCAG 2.1 A
and AA) in Swedish and English.
So do the exports, as an administrator sees them: the page with the form for rows with
names, that form sent without a reason, and an export of the whole history, ready."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from reports.figures import Filters
from reports.jobs import build_export, request_export
from tests.browser.axe import axe_violations, format_violations
from tests.browser.conftest import CSPWatch, sign_in_with_totp
from tests.cohorts.factories import CohortFactory
from tests.prototypes.factories import IdeaFactory
from tests.reports.test_figures import enrol
from trainees.models import FollowUpStatus, OutcomeCategory

C = OutcomeCategory


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_passes_axe_with_charts_tables_and_errors(
    live_server, page, context, csp: CSPWatch, lab_lead, department
):
    spring = CohortFactory(
        name="Omgång Vår", starts_on=datetime.date(2025, 1, 6), ends_on=datetime.date(2025, 9, 30)
    )
    for _ in range(7):
        enrol(spring, [(0, C.EMPLOYED_IT)], job_after_days=20)
    for _ in range(5):
        enrol(
            spring,
            [(0, C.STUDIES), (3, C.EMPLOYED_OTHER)],
            job_after_days=90,
            follow_up=(3, FollowUpStatus.ANSWERED),
        )
    enrol(CohortFactory(name="Omgång Liten"), [(0, C.JOB_SEEKING)])
    IdeaFactory(department=department, status="submitted")
    url = live_server.url
    page.goto(url + reverse("account_login"))
    sign_in_with_totp(page, lab_lead)
    problems: list[str] = []

    for language in ("sv", "en"):
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": url}]
        )
        for query, status in (
            ("", 200),
            ("?starts=2026-06-01&ends=2026-01-01", 400),
            (f"?organisation=all&cohort={spring.pk}", 400),  # a cohort not offered
        ):
            response = page.goto(url + reverse("reports:dashboard") + query)
            assert response is not None and response.status == status
            expect(page.locator("html")).to_have_attribute("lang", language)
            if status == 200:
                expect(page.locator("svg[role=img]").first).to_be_visible()
                expect(page.locator("table caption").first).to_be_visible()
            else:
                expect(page.locator("#error-summary")).to_be_visible()
            violations = axe_violations(page)
            if violations:
                problems.append(f"[{language}] {query}:\n{format_violations(violations)}")

    problems.extend(f"CSP: {violation}" for violation in csp.violations)
    assert not problems, "\n\n".join(problems)


@pytest.mark.django_db(transaction=True)
def test_the_exports_pass_axe_with_the_named_form_its_error_and_a_ready_export(
    live_server, page, context, csp: CSPWatch, admin
):
    spring = CohortFactory(
        name="Omgång Vår", starts_on=datetime.date(2025, 1, 6), ends_on=datetime.date(2025, 9, 30)
    )
    for _ in range(3):
        enrol(spring, [(0, C.EMPLOYED_IT)], job_after_days=20)
    job = request_export(
        actor=admin,
        filters=Filters(),
        file_format="xlsx",
        named=True,
        reason="Uppföljning åt kommunstyrelsen.",
    )
    build_export(job.pk)
    url = live_server.url
    page.goto(url + reverse("account_login"))
    sign_in_with_totp(page, admin)
    named_form = page.locator(f"main form[action^='{reverse('reports:export_named')}']")
    download = reverse("reports:export_job_download", args=[job.pk])
    problems: list[str] = []

    def check(language: str, what: str) -> None:
        expect(page.locator("html")).to_have_attribute("lang", language)
        violations = axe_violations(page)
        if violations:
            problems.append(f"[{language}] {what}:\n{format_violations(violations)}")

    for language in ("sv", "en"):
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": url}]
        )
        response = page.goto(url + reverse("reports:exports"))
        assert response is not None and response.status == 200
        expect(named_form).to_be_visible()
        check(language, "the exports")

        # the rows with names, asked for without a reason: the page again, with the error
        with page.expect_response(lambda r: r.request.method == "POST") as sent:
            named_form.locator("button[type=submit]").click()
        assert sent.value.status == 400
        expect(page.locator("#error-summary")).to_be_visible()
        check(language, "the exports, rows with names without a reason")

        response = page.goto(url + job.get_absolute_url())
        assert response is not None and response.status == 200
        expect(page.locator(f"main a[href='{download}']")).to_be_visible()
        check(language, "the export of the whole history, ready")

    problems.extend(f"CSP: {violation}" for violation in csp.violations)
    assert not problems, "\n\n".join(problems)
