"""A trainee's week in a real browser with the Swedish interface: the trainee logs the
week (a typing error first, which keeps the text) and sees the running split; their
supervisor comments; the trainee reads the comment and has exactly one email about
it; the lab lead reads the log too. Every page is checked with axe-core (WCAG 2.1
A/AA) and for Content-Security-Policy violations, as each role that opens it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from labportal.core.models import OutboxEmail
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import sign_in, sign_in_with_totp, sv
from trainees.models import LogComment, ProgressLog, monday_of

DID = (
    "Byggde kartvyn i prototypen för felanmälan av gatubelysning.\n"
    "Visade den för två handläggare på fredagen."
)
LEARNED = "Hur man läser in GeoJSON från kommunens öppna data."
BLOCKERS = "Väntar på ett testkonto i ärendesystemet."
COMMENT = "Fint arbete! Jag frågar IT om testkontot i dag."


@pytest.mark.django_db(transaction=True)
def test_trainee_logs_a_week_and_reads_the_supervisors_comment(
    live_server, page, new_context, csp, audit, trainee, enrolment, supervisor, lab_lead
):
    url = live_server.url
    this_monday = monday_of(timezone.localdate())

    # given: the trainee signed in, in a Swedish browser; the start page says the log is due
    page.goto(url + reverse("account_login"))
    sign_in(page, trainee.email, PASSWORD)
    expect(page).to_have_url(url + reverse("core:home"))
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator("#week-panel")).to_be_visible()
    audit(page)

    # when: they open their weekly logs from the menu and start this week's
    page.locator(f"nav a[href='{reverse('trainees:log_list')}']").click()
    expect(page).to_have_url(url + reverse("trainees:log_list"))
    audit(page)
    page.locator(f"main a.btn-primary[href='{reverse('trainees:log_create')}']").click()
    expect(page).to_have_url(url + reverse("trainees:log_create"))
    form = page.locator("main form[method=post]")
    expect(form.locator("input[name=week]")).to_have_value(this_monday.isoformat())
    audit(page)

    # ... and type too many hours: the page says so and keeps every word
    form.locator("input[name=hours_practical]").fill("50")
    form.locator("input[name=hours_education]").fill("20")
    form.locator("textarea[name=did]").fill(DID)
    form.locator("textarea[name=learned]").fill(LEARNED)
    form.locator("textarea[name=blockers]").fill(BLOCKERS)
    form.locator("button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#error-summary")).to_contain_text("70")
    expect(form.locator("textarea[name=did]")).to_have_value(DID)
    expect(form.locator("textarea[name=blockers]")).to_have_value(BLOCKERS)
    audit(page)
    assert not ProgressLog.objects.exists()

    # when: they correct the hours (Swedish decimals) and save
    form.locator("input[name=hours_practical]").fill("30")
    form.locator("input[name=hours_education]").fill("10,0")
    form.locator("button[type=submit]").click()

    # then: the week is in the list and the running split is 75/25 against 80/20
    expect(page).to_have_url(url + reverse("trainees:log_list"))
    log = ProgressLog.objects.get()
    assert (log.trainee, log.week, log.enrolment) == (trainee, this_monday, enrolment)
    assert log.did.replace("\r\n", "\n") == DID
    split = page.locator("section[aria-labelledby=split-heading]")
    expect(split).to_contain_text(re.compile(r"75 %.*25 %.*80/20"))
    expect(split).to_contain_text(sv("On target"))
    expect(page.locator("main table")).to_contain_text("25 %")
    audit(page)

    # when: the supervisor signs in, in a browser of their own, and finds the trainee
    supervisor_page = csp.watch(new_context()).new_page()
    supervisor_page.goto(url + reverse("account_login"))
    sign_in(supervisor_page, supervisor.email, PASSWORD)
    expect(supervisor_page).to_have_url(url + reverse("core:home"))
    panel = supervisor_page.locator("section[aria-labelledby=supervised-panel]")
    expect(panel).to_contain_text(trainee.full_name)
    audit(supervisor_page)
    panel.get_by_role("link", name=trainee.full_name).click()
    expect(supervisor_page).to_have_url(
        url + f"{reverse('trainees:log_list')}?trainee={trainee.pk}"
    )
    audit(supervisor_page)

    # ... opens the week and comments on it
    supervisor_page.locator(f"main a[href='{log.get_absolute_url()}']").click()
    expect(supervisor_page).to_have_url(url + log.get_absolute_url())
    expect(supervisor_page.locator("main")).to_contain_text(BLOCKERS)
    audit(supervisor_page)
    comment_form = supervisor_page.locator(
        f"main form[action='{reverse('trainees:log_comment', args=[log.pk])}']"
    )
    comment_form.locator("button[type=submit]").click()
    expect(supervisor_page.locator("#error-summary")).to_be_visible()
    audit(supervisor_page)
    comment_form.locator("textarea[name=body]").fill(COMMENT)
    comment_form.locator("button[type=submit]").click()
    expect(supervisor_page.locator("#comments")).to_contain_text(COMMENT)
    audit(supervisor_page)

    # then: the trainee sees the comment on their log, and cannot comment themselves
    page.goto(url + log.get_absolute_url())
    expect(page.locator("#comments")).to_contain_text(COMMENT)
    expect(
        page.locator(f"form[action='{reverse('trainees:log_comment', args=[log.pk])}']")
    ).to_have_count(0)
    audit(page)

    # ... and the lab lead reads the trainees' logs as well
    lead_page = csp.watch(new_context()).new_page()
    lead_page.goto(url + reverse("account_login"))
    sign_in_with_totp(lead_page, lab_lead)
    lead_page.goto(url + reverse("trainees:log_list"))
    expect(lead_page.locator("main table")).to_contain_text(trainee.full_name)
    audit(lead_page)
    lead_page.goto(url + log.get_absolute_url())
    expect(lead_page.locator("#comments")).to_contain_text(COMMENT)
    audit(lead_page)

    # ... and exactly one email tells the trainee of the comment
    comment = LogComment.objects.get()
    assert comment.author == supervisor
    email = OutboxEmail.objects.get(key=f"log-comment:{comment.pk}:{trainee.pk}")
    assert email.to == trainee.email
    assert COMMENT in email.body_text
    assert list(OutboxEmail.objects.values_list("key", flat=True)) == [email.key]
