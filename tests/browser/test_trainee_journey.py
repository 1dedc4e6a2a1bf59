"""A trainee's journey end to end, in real browsers with the Swedish interface and a
real Celery worker sending mail to a real SMTP server on this machine:

the trainee adds a skill to their competence profile and logs a week of 32 hours of
practical work and 8 of education (80/20, the target); the lab lead validates the
skill and comments on the log; the trainee gets exactly one email about the comment,
follows its link to the comment, sees the validated level on their profile and
downloads the summary PDF, which names them, the skill and how it was validated.

Every page is checked with axe-core (WCAG 2.1 A/AA) and for Content-Security-Policy
violations, as each role that opens it. Texts are matched through `sv()` and links
by their URLs, so the test follows the translations rather than a copy of them."""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import expect
from pypdf import PdfReader

from labportal.core import tasks as core_tasks
from labportal.core.models import OutboxEmail, OutboxStatus, WorkerHeartbeat
from tests.accounts.factories import PASSWORD
from tests.browser.conftest import sign_in, sv
from tests.conftest import totp_code, wait_for
from tests.core.factories import SkillFactory
from tests.core.smtp import smtp_server, text_of, use_smtp
from trainees.models import (
    CompetenceLevel,
    LogComment,
    ProgressLog,
    SkillRecord,
    ValidationMethod,
    monday_of,
)

NOTE = "Byggde databasmodellen och frågorna till prototypen för parkeringstillstånd."
EVIDENCE = "Skrev om frågorna till rapporten själv under en praktisk uppgift med mig."
DID = "Byggde kartvyn i prototypen för felanmälan av gatubelysning."
LEARNED = "Hur man läser in GeoJSON från kommunens öppna data."
BLOCKERS = "Väntar på ett testkonto i ärendesystemet."
PROTOTYPES = "Felanmälan av gatubelysning"
COMMENT = "Bra vecka! Jag har bett IT om testkontot till i morgon."


def label_sv(choice) -> str:
    with translation.override("sv"):
        return str(choice.label)


def pdf_text(path) -> str:
    with open(path, "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def worker_has_caught_up() -> None:
    """Queue a heartbeat behind whatever is queued and wait until the worker ran it:
    any second send of the email would have happened by then."""
    WorkerHeartbeat.objects.all().delete()
    core_tasks.record_heartbeat.delay()
    assert wait_for(WorkerHeartbeat.objects.exists), "the worker did not run the heartbeat"


@pytest.mark.django_db(transaction=True)
def test_trainee_journey_from_profile_and_log_to_validation_comment_email_and_summary(
    live_server,
    page,
    new_context,
    csp,
    audit,
    settings,
    celery_worker,
    trainee,
    enrolment,
    lab_lead,
):
    url = live_server.url
    skill = SkillFactory(name_sv="Testdatabaser och SQL", name_en="Test databases and SQL")
    profile_url = reverse("trainees:profile", args=[trainee.pk])
    this_monday = monday_of(timezone.localdate())

    with smtp_server() as (port, smtp):
        # The worker runs in this process: it sends through the local SMTP server.
        use_smtp(settings, port)

        # given: the trainee signed in, in a Swedish browser
        page.goto(url + reverse("account_login"))
        audit(page)
        sign_in(page, trainee.email, PASSWORD)
        expect(page).to_have_url(url + reverse("core:home"))
        expect(page.locator("html")).to_have_attribute("lang", "sv")
        audit(page)

        # when: they open their profile from the menu and add a skill with a level and a note
        page.locator(f"nav a[href='{profile_url}']").click()
        expect(page).to_have_url(url + profile_url)
        expect(page.locator("main h1")).to_have_text(sv("My profile"))
        audit(page)
        page.locator(f"main a[href='{reverse('trainees:skill_add')}']").first.click()
        expect(page).to_have_url(url + reverse("trainees:skill_add"))
        audit(page)
        form = page.locator("main form[method=post]")
        form.locator("select[name=skill]").select_option(str(skill.pk))
        form.locator(f"input[name=self_level][value='{CompetenceLevel.INDEPENDENT}']").check()
        form.locator("textarea[name=evidence_note]").fill(NOTE)
        form.locator("button[type=submit]").click()

        # then: the skill is in the profile with their level, not yet validated
        expect(page.locator("main")).to_contain_text(NOTE)
        record = SkillRecord.objects.get(trainee=trainee, skill=skill)
        expect(page).to_have_url(url + profile_url + f"#skill-{record.pk}")
        card = page.locator(f"#skill-{record.pk}")
        expect(card).to_contain_text(NOTE)
        expect(card).to_contain_text(label_sv(CompetenceLevel.INDEPENDENT))
        expect(card).to_contain_text(sv("Not validated yet"))
        audit(page)

        # when: they open their weekly logs from the menu and log this week, 32 h + 8 h
        page.locator(f"nav a[href='{reverse('trainees:log_list')}']").click()
        expect(page).to_have_url(url + reverse("trainees:log_list"))
        audit(page)
        page.locator(f"main a.btn-primary[href='{reverse('trainees:log_create')}']").click()
        expect(page).to_have_url(url + reverse("trainees:log_create"))
        form = page.locator("main form[method=post]")
        expect(form.locator("input[name=week]")).to_have_value(this_monday.isoformat())
        audit(page)
        form.locator("input[name=hours_practical]").fill("32")
        form.locator("input[name=hours_education]").fill("8")
        form.locator("textarea[name=did]").fill(DID)
        form.locator("textarea[name=learned]").fill(LEARNED)
        form.locator("textarea[name=blockers]").fill(BLOCKERS)
        form.locator("textarea[name=prototypes_text]").fill(PROTOTYPES)
        form.locator("button[type=submit]").click()

        # then: the week is listed and the split is shown as 80/20, on the 80/20 target
        expect(page).to_have_url(url + reverse("trainees:log_list"))
        log = ProgressLog.objects.get(trainee=trainee)
        assert (log.week, log.enrolment) == (this_monday, enrolment)
        assert (log.hours_practical, log.hours_education) == (32, 8)
        split = page.locator("section[aria-labelledby=split-heading]")
        expect(split).to_contain_text(re.compile(r"80 %.*20 %.*80/20"))
        expect(split).to_contain_text(sv("On target"))
        expect(page.locator("main table")).to_contain_text("20 %")
        audit(page)

        # when: the lab lead signs in, in a browser of their own, and finds the trainee
        lead = csp.watch(new_context()).new_page()
        lead.goto(url + reverse("account_login"))
        audit(lead)
        sign_in(lead, lab_lead.email, PASSWORD)
        expect(lead).to_have_url(re.compile(re.escape(reverse("mfa_authenticate"))))
        audit(lead)
        lead.locator("input[name=code]").fill(totp_code(lab_lead.totp_secret))
        lead.locator("main form[method=post] button[type=submit]").first.click()
        expect(lead).to_have_url(url + reverse("core:home"))
        audit(lead)
        lead.locator(f"nav a[href='{reverse('trainees:list')}']").click()
        expect(lead.locator("main table")).to_contain_text(trainee.full_name)
        audit(lead)
        lead.locator("main table").get_by_role("link", name=trainee.full_name).click()
        expect(lead).to_have_url(url + profile_url)
        expect(lead.locator(f"#skill-{record.pk}")).to_contain_text(NOTE)
        audit(lead)

        # ... and validates the skill at "working" from a practical task, with evidence
        validate_url = reverse("trainees:skill_validate", args=[record.pk])
        lead.locator(f"#skill-{record.pk} a[href='{validate_url}']").click()
        expect(lead).to_have_url(url + validate_url)
        audit(lead)
        form = lead.locator("main form[method=post]")
        form.locator(f"input[name=validated_level][value='{CompetenceLevel.WORKING}']").check()
        form.locator(f"input[name=validation_method][value='{ValidationMethod.TASK}']").check()
        form.locator("textarea[name=validation_evidence]").fill(EVIDENCE)
        form.locator("button[type=submit]").click()
        expect(lead).to_have_url(url + profile_url + f"#skill-{record.pk}")
        expect(lead.locator(f"#skill-{record.pk}")).to_contain_text(EVIDENCE)
        audit(lead)

        # ... then reads the trainee's week from the progress logs and comments on it
        # (the lab's menu has no entry for the logs: the lead opens the list's URL)
        lead.goto(url + reverse("trainees:log_list"))
        expect(lead.locator("main table")).to_contain_text(trainee.full_name)
        audit(lead)
        lead.locator("main table").get_by_role("link", name=trainee.full_name).click()
        expect(lead).to_have_url(url + f"{reverse('trainees:log_list')}?trainee={trainee.pk}")
        audit(lead)
        lead.locator(f"main a[href='{log.get_absolute_url()}']").click()
        expect(lead).to_have_url(url + log.get_absolute_url())
        expect(lead.locator("main")).to_contain_text(BLOCKERS)
        audit(lead)
        comment_form = lead.locator(
            f"main form[action='{reverse('trainees:log_comment', args=[log.pk])}']"
        )
        comment_form.locator("textarea[name=body]").fill(COMMENT)
        comment_form.locator("button[type=submit]").click()
        expect(lead).to_have_url(url + log.get_absolute_url() + "#comments")
        expect(lead.locator("#comments")).to_contain_text(COMMENT)
        audit(lead)

        # then: the worker delivers exactly one email, to the trainee, about the comment
        comment = LogComment.objects.get()
        assert comment.author == lab_lead
        email = OutboxEmail.objects.get()
        assert email.key == f"log-comment:{comment.pk}:{trainee.pk}"

        def sent() -> bool:
            return OutboxEmail.objects.get(pk=email.pk).status == OutboxStatus.SENT

        assert wait_for(sent), OutboxEmail.objects.get(pk=email.pk).last_error
        worker_has_caught_up()
        assert len(smtp.received) == 1, [message["Subject"] for message in smtp.received]
        message = smtp.received[0]
        assert message["To"] == trainee.email
        assert message["X-LabPortal-Event"] == email.key
        assert lab_lead.full_name in message["Subject"]
        body = text_of(message)
        assert COMMENT in body
        assert OutboxEmail.objects.get(pk=email.pk).attempts == 1

    # when: the trainee follows the email's link (its path, on this test's server)
    link = re.search(r"https?://\S+#comments", body)
    assert link, body
    path = urlsplit(link.group(0)).path
    assert path == log.get_absolute_url()
    page.goto(url + path + "#comments")

    # then: they read the comment, and cannot comment themselves
    expect(page.locator("#comments")).to_contain_text(COMMENT)
    expect(page.locator("#comments")).to_contain_text(lab_lead.full_name)
    expect(
        page.locator(f"form[action='{reverse('trainees:log_comment', args=[log.pk])}']")
    ).to_have_count(0)
    audit(page)

    # ... and their profile shows the validated level beside their own, with method and who
    page.locator(f"nav a[href='{profile_url}']").click()
    card = page.locator(f"#skill-{record.pk}")
    expect(card).to_contain_text(label_sv(CompetenceLevel.WORKING))
    expect(card).to_contain_text(label_sv(CompetenceLevel.INDEPENDENT))
    expect(card).to_contain_text(label_sv(ValidationMethod.TASK))
    expect(card).to_contain_text(lab_lead.full_name)
    expect(card).to_contain_text(EVIDENCE)
    expect(card).not_to_contain_text(sv("Not validated yet"))
    audit(page)

    # when: they open their summary and download it in Swedish
    summary_url = reverse("trainees:summary_page", args=[trainee.pk])
    page.goto(url + summary_url)
    expect(page.locator("main")).to_contain_text(skill.name_sv)
    audit(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=sv("Download in Swedish (PDF)")).click()
    download = download_info.value

    # then: the PDF names the trainee, the validated skill, its level and how it was validated
    assert download.suggested_filename.endswith("-tim-trainee.pdf")
    text = pdf_text(download.path())
    assert trainee.full_name in text
    assert skill.name_sv in text
    assert label_sv(ValidationMethod.TASK) in text
    assert lab_lead.full_name in text
    assert label_sv(CompetenceLevel.WORKING).split(":")[0] in text

    record.refresh_from_db()
    assert (record.self_level, record.validated_level) == (
        CompetenceLevel.INDEPENDENT,
        CompetenceLevel.WORKING,
    )
    assert (record.validation_method, record.validated_by) == (ValidationMethod.TASK, lab_lead)
    # still one email in all: the comment's
    assert OutboxEmail.objects.count() == 1
