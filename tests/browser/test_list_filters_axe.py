"""The administrators' lists with the shared plain filter form and pagination
(`templates/includes/_filter_form.html`, `_pagination.html`) pass axe-core (WCAG 2.1 A
and AA) in Swedish and English: with a yes/no select, a datalist and date inputs, with
a field in error (a department of another organisation than the chosen one among
them), and past 1,000 rows, where the pages are never counted in full."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from labportal.core.models import AuditEntry
from tests.accounts.factories import (
    DepartmentFactory,
    InvitationFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.browser.axe import axe_violations, format_violations
from tests.browser.conftest import CSPWatch, sign_in_with_totp
from tests.core.factories import SkillFactory


@pytest.mark.django_db(transaction=True)
def test_the_admin_lists_pass_axe_with_filters_errors_and_capped_pages(
    live_server, page, context, csp: CSPWatch, admin
):
    now = timezone.now()
    AuditEntry.objects.bulk_create(
        AuditEntry(
            action="user.signed_in",
            object_type="accounts.user",
            object_id=str(n),
            created_at=now - timedelta(minutes=n),
        )
        for n in range(1060)
    )
    UserFactory.create_batch(30, role="trainee")
    InvitationFactory.create_batch(2)
    OrganisationFactory.create_batch(2)
    SkillFactory.create_batch(2)
    home, away = DepartmentFactory(), DepartmentFactory()
    # A department of another organisation than the chosen one: the field in error.
    elsewhere = f"?organisation={home.organisation_id}&department={away.pk}"
    url = live_server.url
    page.goto(url + reverse("account_login"))
    sign_in_with_totp(page, admin)
    problems: list[str] = []

    for language in ("sv", "en"):
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": url}]
        )
        for name, query in (
            ("core:audit_list", ""),
            ("core:audit_list", "?page=2&action=user."),
            ("core:audit_list", "?created_after=2026-02-31"),  # a date in error
            ("accounts:user_list", "?is_active=true&page=2"),
            ("accounts:user_list", elsewhere),
            ("accounts:user_list", f"?department={home.pk}"),  # an older link
            ("prototypes:list", elsewhere),
            ("accounts:invitation_list", "?role=bogus"),
            ("accounts:organisation_list", ""),
            ("core:skill_list", "?q=a"),
        ):
            response = page.goto(url + reverse(name) + query)
            assert response is not None and response.status == 200
            expect(page.locator("form[role=search] legend")).to_have_count(1)
            violations = axe_violations(page)
            if violations:
                problems.append(f"{name}{query} ({language}):\n{format_violations(violations)}")

    # The capped audit list in English: "Page 2" without a total, and the cap said.
    page.goto(url + reverse("core:audit_list") + "?page=2")
    expect(page.get_by_text("More than 1,000 matches").first).to_be_attached()
    expect(page.locator(".pagination [aria-current=page]")).to_have_text("Page 2")
    page.get_by_role("link", name="Next").click()
    expect(page.locator(".pagination [aria-current=page]")).to_have_text("Page 3")
    assert not problems, "\n\n".join(problems)
    csp.assert_none()
