"""The end-of-programme summary in a real browser with the Swedish interface: the
trainee opens the summary page, sees what it holds and downloads it in English with a
plain link; the lab lead opens the same page. Each page is checked with axe-core
(WCAG 2.1 A/AA) and for Content-Security-Policy violations, as both roles."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.accounts.factories import PASSWORD
from tests.browser.conftest import sign_in, sign_in_with_totp, sv
from tests.core.factories import SkillFactory
from tests.trainees.factories import SkillRecordFactory, TraineeProfileFactory
from trainees.models import CompetenceLevel, ValidationMethod


@pytest.mark.django_db(transaction=True)
def test_trainee_downloads_the_summary_and_the_lead_sees_it(
    live_server, page, new_context, csp, audit, trainee, enrolment, lab_lead
):
    url = live_server.url
    TraineeProfileFactory(user=trainee, reference_contact=lab_lead)
    SkillRecordFactory(
        trainee=trainee,
        skill=SkillFactory(name_sv="Testkartor i QGIS", name_en="Test maps in QGIS"),
        validated_level=CompetenceLevel.INDEPENDENT,
        validation_method=ValidationMethod.PROTOTYPE,
        validated_by=lab_lead,
        validated_at=timezone.now() - datetime.timedelta(days=2),
    )
    summary_page = reverse("trainees:summary_page", args=[trainee.pk])

    # given: the trainee signed in, in a Swedish browser, on their summary page
    page.goto(url + reverse("account_login"))
    sign_in(page, trainee.email, PASSWORD)
    expect(page).to_have_url(url + reverse("core:home"))
    page.goto(url + summary_page)
    expect(page.locator("main")).to_contain_text("Testkartor i QGIS")
    expect(page.locator("main")).to_contain_text(lab_lead.email)
    audit(page)

    # when: they download it in English with the plain link
    with page.expect_download() as info:
        page.get_by_role("link", name=sv("Download in English (PDF)")).click()
    download = info.value

    # then: a PDF named for them, in English, with the validated skill and the contact
    assert download.suggested_filename == "summary-tim-trainee.pdf"
    with open(download.path(), "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "Test maps in QGIS" in text
    assert lab_lead.full_name in text

    # the lab lead opens the same page in a browser of their own
    lead_page = csp.watch(new_context()).new_page()
    lead_page.goto(url + reverse("account_login"))
    sign_in_with_totp(lead_page, lab_lead)
    lead_page.goto(url + summary_page)
    expect(lead_page.locator("main h1")).to_contain_text(trainee.full_name)
    audit(lead_page)
