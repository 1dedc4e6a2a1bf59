"""The idea flow page in Chromium: with its choice of organisation, a page of
departments, the pages' links and the quiet departments, it passes axe-core (WCAG 2.1
A and AA) in Swedish and English."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from prototypes import views
from tests.accounts.factories import DepartmentFactory, OrganisationFactory
from tests.browser.axe import axe_violations, format_violations
from tests.browser.conftest import CSPWatch, sign_in_with_totp
from tests.prototypes.factories import IdeaFactory


@pytest.mark.django_db(transaction=True)
def test_the_idea_flow_passes_axe_with_its_scope_pages_and_quiet_departments(
    live_server, page, context, csp: CSPWatch, lab_lead
):
    home = OrganisationFactory(name="Hemkommunen")
    lab_lead.organisation = home
    lab_lead.save(update_fields=["organisation"])
    for n in range(views.FLOW_PAGE_SIZE + 2):
        department = DepartmentFactory(name=f"Förvaltning {n:02}", organisation=home)
        if n % 3:
            IdeaFactory(department=department, submitted_at=timezone.now())
    DepartmentFactory(name="Grannförvaltningen")
    url = live_server.url
    page.goto(url + reverse("account_login"))
    sign_in_with_totp(page, lab_lead)
    problems: list[str] = []

    for language in ("sv", "en"):
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": url}]
        )
        for query in ("", "?organisation=all&page=2"):
            response = page.goto(url + reverse("prototypes:flow") + query)
            assert response is not None and response.status == 200
            expect(page.locator("html")).to_have_attribute("lang", language)
            expect(page.locator("table caption")).to_be_visible()
            expect(page.locator("nav .pagination")).to_be_visible()
            violations = axe_violations(page)
            if violations:
                problems.append(f"[{language}] {query}:\n{format_violations(violations)}")

    problems.extend(f"CSP: {violation}" for violation in csp.violations)
    assert not problems, "\n\n".join(problems)
