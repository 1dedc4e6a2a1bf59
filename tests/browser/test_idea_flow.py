"""An idea's way through the lab, in a real browser with the Swedish interface: a
department user submits an idea with an attachment, the lab lead asks a question,
the user answers, the lead accepts. Every page is checked with axe-core (WCAG 2.1
A/AA) and for Content-Security-Policy violations, and every email goes to the
outbox exactly once."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from labportal.core.models import OutboxEmail
from prototypes.models import Idea, IdeaComment, IdeaEvent, IdeaStatus
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import sign_in, sign_in_with_totp, sv
from tests.prototypes.factories import PDF_BYTES

TITLE = "Digital ansökan om parkeringstillstånd"
PROBLEM = "Vi skriver in 300 ansökningar i månaden för hand från pappersblanketter."
QUESTION = "Hur många handläggare arbetar med ansökningarna i dag?"
ANSWER = "Tre handläggare, ungefär en dag i veckan var."


@pytest.mark.django_db(transaction=True)
def test_idea_from_submission_through_question_to_acceptance(
    live_server, page, new_context, csp, audit, department_staff, lab_lead
):
    url = live_server.url

    # given: department staff signed in, in a Swedish browser
    page.goto(url + reverse("account_login"))
    sign_in(page, department_staff.email, PASSWORD)
    expect(page).to_have_url(url + reverse("core:home"))
    expect(page.locator("html")).to_have_attribute("lang", "sv")

    # when: they open their department's ideas and start a new one
    page.locator(f"nav a[href='{reverse('prototypes:list')}']").click()
    expect(page).to_have_url(url + reverse("prototypes:list"))
    audit(page)
    page.locator(f"main a[href='{reverse('prototypes:create')}']").first.click()
    audit(page)

    # ... fill in the short form and attach a PDF
    form = page.locator("main form[method=post]")
    form.locator("input[name=title]").fill(TITLE)
    form.locator("textarea[name=problem]").fill(PROBLEM)
    form.locator("select[name=affected_users]").select_option("both")
    form.locator("textarea[name=improvement]").fill("Ett e-formulär som fyller i ärendet direkt.")
    form.locator("select[name=benefit_kind]").select_option("time")
    form.locator("select[name=benefit_size]").select_option("2_medium")
    form.locator("select[name=data_access]").select_option("available")
    form.locator("input[name=attachments]").set_input_files(
        {"name": "blankett.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    form.locator("button[name=submit]").click()

    # then: the idea is submitted with its attachment, and its page says so
    idea = Idea.objects.get(title=TITLE)
    expect(page).to_have_url(url + idea.get_absolute_url())
    expect(page.locator("main h1")).to_have_text(TITLE)
    expect(page.locator("main .status-badge").first).to_have_text(sv("Submitted"))
    expect(
        page.locator("main").get_by_role("link", name="blankett.pdf", exact=True)
    ).to_be_visible()
    audit(page)
    assert idea.status == IdeaStatus.SUBMITTED
    assert idea.attachments.get().original_name == "blankett.pdf"

    # when: the lab lead signs in, in a browser of their own, and finds it in the inbox
    lead_page = csp.watch(new_context()).new_page()
    lead_page.goto(url + reverse("account_login"))
    sign_in_with_totp(lead_page, lab_lead)
    lead_page.locator(f"nav a[href='{reverse('prototypes:list')}']").click()
    inbox_search = lead_page.locator("main form[role=search]")
    inbox_search.locator("input[name=q]").fill("ansökan parkering")
    inbox_search.locator("button[type=submit]").click()
    expect(lead_page.locator("main table")).to_contain_text(TITLE)
    audit(lead_page)
    lead_page.locator("main table").get_by_role("link", name=TITLE).click()
    expect(lead_page).to_have_url(url + idea.get_absolute_url())
    audit(lead_page)

    # ... and asks a question, which puts the idea on "needs information"
    comment_form = lead_page.locator(
        f"main form[action='{reverse('prototypes:comment', args=[idea.pk])}']"
    )
    comment_form.locator("textarea[name=body]").fill(QUESTION)
    expect(comment_form.locator("input[name=ask_for_information]")).to_be_checked()
    comment_form.locator("button[type=submit]").click()
    expect(lead_page.locator("#comments")).to_contain_text(QUESTION)
    expect(lead_page.locator("main .status-badge").first).to_have_text(sv("Needs information"))
    audit(lead_page)

    # then: the submitter sees the question on the idea's page and answers it
    page.goto(url + idea.get_absolute_url())
    expect(page.locator("#comments")).to_contain_text(QUESTION)
    audit(page)
    answer_form = page.locator(
        f"main form[action='{reverse('prototypes:comment', args=[idea.pk])}']"
    )
    answer_form.locator("textarea[name=body]").fill(ANSWER)
    answer_form.locator("button[type=submit]").click()
    expect(page.locator("#comments")).to_contain_text(ANSWER)
    expect(page.locator("main .status-badge").first).to_have_text(sv("Submitted"))
    audit(page)

    # when: the lead accepts the idea, confirming on the status page
    lead_page.reload()
    lead_page.locator(
        f"main a[href='{reverse('prototypes:transition', args=[idea.pk, 'accepted'])}']"
    ).click()
    audit(lead_page)
    lead_page.locator("main form[method=post] button[type=submit]").click()
    expect(lead_page).to_have_url(url + idea.get_absolute_url())
    expect(lead_page.locator("main .status-badge").first).to_have_text(sv("Accepted"))
    audit(lead_page)

    # then: the history tells the whole story ...
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.ACCEPTED
    assert list(IdeaEvent.objects.filter(idea=idea).values_list("to_status", flat=True)) == [
        IdeaStatus.SUBMITTED,
        IdeaStatus.NEEDS_INFORMATION,
        IdeaStatus.SUBMITTED,
        IdeaStatus.ACCEPTED,
    ]
    question, answer = IdeaComment.objects.filter(idea=idea)

    # ... and each event sent its email exactly once: the receipt, the question to the
    # submitter, the answer to the lab lead, and the acceptance to the submitter.
    submitted, _asked, _answered, accepted = IdeaEvent.objects.filter(idea=idea)
    expected = {
        f"idea-event:{submitted.pk}:{department_staff.pk}": department_staff.email,
        f"idea-comment:{question.pk}:{department_staff.pk}": department_staff.email,
        f"idea-comment:{answer.pk}:{lab_lead.pk}": lab_lead.email,
        f"idea-event:{accepted.pk}:{department_staff.pk}": department_staff.email,
    }
    emails = list(OutboxEmail.objects.values_list("key", "to"))
    assert sorted(emails) == sorted(expected.items())
    assert (
        QUESTION
        in OutboxEmail.objects.get(
            key=f"idea-comment:{question.pk}:{department_staff.pk}"
        ).body_text
    )
