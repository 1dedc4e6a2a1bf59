"""Recruitment end to end, in real browsers with the Swedish interface and a real
Celery worker sending mail to a real SMTP server on this machine:

someone without an account applies to a recruiting cohort, choosing two skills with
their levels, and gets a confirmation email; the lab lead shortlists, interviews,
offers a place and accepts them, which sends an invitation; the new trainee opens the
emailed link, chooses a password, signs in and finds their profile with the two skills
as their own assessment (not validated), and their summary names the cohort they are
enrolled in.

Every page is checked with axe-core (WCAG 2.1 A/AA) and for Content-Security-Policy
violations. Texts are matched through `sv()` and links by their URLs."""

from __future__ import annotations

import datetime
import re
import uuid
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import expect

from cohorts.models import Applicant, ApplicantStatus, CohortStatus, Enrolment
from cohorts.services import recruitment_spam
from labportal.accounts.models import Invitation, User
from labportal.core import tasks as core_tasks
from labportal.core.models import OutboxEmail, OutboxStatus, SkillCategory, WorkerHeartbeat
from tests.browser.conftest import sign_in, sign_in_with_totp, sv
from tests.cohorts.factories import CohortFactory
from tests.conftest import wait_for
from tests.core.factories import SkillFactory
from tests.core.smtp import smtp_server, text_of, use_smtp
from trainees.models import CompetenceLevel, SkillRecord

NAME = "Amira Haddad"
EMAIL = "amira.haddad@example.se"
PASSWORD = "fjällräven-kanot-1987"
BACKGROUND = "Systemvetenskap, 180 hp, Linnéuniversitetet."
WISH = "Webbutveckling och tillgänglighet för kommunens e-tjänster."
INVITATION_LINK = re.compile(r"https?://\S+/invitations/accept/\S+/")


def label_sv(choice) -> str:
    with translation.override("sv"):
        return str(choice.label)


@pytest.fixture(autouse=True)
def _own_rate_limit_counts(settings):
    """The live server sees every browser as 127.0.0.1: a cache key prefix of this
    test's own keeps its application counts apart from parallel tests' counts."""
    default = settings.CACHES["default"]
    prefix = f"{default.get('KEY_PREFIX', '')}-test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {**settings.CACHES, "default": {**default, "KEY_PREFIX": prefix}}


def in_language(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def sent(key: str) -> bool:
    return OutboxEmail.objects.filter(key=key, status=OutboxStatus.SENT).exists()


def worker_has_caught_up() -> None:
    WorkerHeartbeat.objects.all().delete()
    core_tasks.record_heartbeat.delay()
    assert wait_for(WorkerHeartbeat.objects.exists), "the worker did not run the heartbeat"


@pytest.mark.django_db(transaction=True)
def test_applicant_applies_lead_accepts_and_the_new_trainee_finds_their_profile(
    live_server, page, new_context, csp, audit, settings, celery_worker, lab_lead
):
    url = live_server.url
    start = timezone.localdate() - datetime.timedelta(days=7)
    cohort = CohortFactory(
        name="Omgång Höst",
        status=CohortStatus.RECRUITING,
        starts_on=start,
        ends_on=start + datetime.timedelta(days=270),
        application_intro="Vi söker fyra traineer med intresse för webb och data.",
    )
    web = SkillFactory(name_sv="Testwebb", name_en="Test web", category=SkillCategory.WEB)
    data = SkillFactory(name_sv="Testdata", name_en="Test data", category=SkillCategory.DATA)

    with smtp_server() as (port, smtp):
        use_smtp(settings, port)

        # given: someone without an account on the public page, in a Swedish browser
        page.goto(url + reverse("cohorts:apply_list"))
        expect(page.locator("html")).to_have_attribute("lang", "sv")
        expect(page.locator("main")).to_contain_text(cohort.name)
        audit(page)
        apply_url = reverse("cohorts:apply", args=[cohort.pk])
        page.locator(f"main a[href='{apply_url}']").click()
        expect(page).to_have_url(url + apply_url)
        expect(page.locator("main")).to_contain_text(cohort.application_intro)
        audit(page)

        # when: they fill in the application, choose two skills and agree
        form = page.locator("main form[method=post]")
        form.locator("input[name=full_name]").fill(NAME)
        form.locator("input[name=email]").fill(EMAIL)
        form.locator("textarea[name=background]").fill(BACKGROUND)
        form.locator("input[name=languages]").fill("Svenska, arabiska")
        form.locator("textarea[name=wants_to_work_with]").fill(WISH)
        form.get_by_label("Testwebb").select_option(str(CompetenceLevel.INDEPENDENT))
        form.get_by_label("Testdata").select_option(str(CompetenceLevel.BEGINNER))
        form.locator("#id_consent").check()
        form.locator("button[type=submit]").click()

        # then: they are thanked, and the application is saved with the consent as shown
        expect(page).to_have_url(url + reverse("cohorts:apply_thanks"))
        expect(page.locator("main h1")).to_have_text(sv("Thank you for your application"))
        audit(page)
        applicant = Applicant.objects.get()
        assert (applicant.full_name, applicant.email, applicant.cohort) == (NAME, EMAIL, cohort)
        assert cohort.organisation.name in applicant.consent_text
        assert dict(applicant.skills.values_list("skill", "level")) == {
            web.pk: CompetenceLevel.INDEPENDENT,
            data.pk: CompetenceLevel.BEGINNER,
        }
        # ... and a confirmation reaches them
        received_key = f"application-received:{applicant.pk}"
        assert wait_for(lambda: sent(received_key)), OutboxEmail.objects.get().last_error

        # when: the lab lead signs in, in a browser of their own, and opens the applicants
        lead = csp.watch(new_context()).new_page()
        lead.goto(url + reverse("account_login"))
        sign_in_with_totp(lead, lab_lead)
        audit(lead)
        lead.goto(url + reverse("cohorts:applicant_list"))
        expect(lead.locator("main table")).to_contain_text(NAME)
        audit(lead)
        lead.locator("main table").get_by_role("link", name=NAME).click()
        expect(lead).to_have_url(url + applicant.get_absolute_url())
        expect(lead.locator("main")).to_contain_text(BACKGROUND)
        expect(lead.locator("main")).to_contain_text("Testwebb")
        audit(lead)

        # ... tries to decline without a reason, which is refused at the field
        decline = lead.locator(
            "main form", has=lead.locator("input[name=target][value='declined']")
        )
        decline.locator("button[type=submit]").click()
        expect(decline.locator("textarea[name=note]")).to_have_attribute("aria-invalid", "true")
        expect(decline.locator("textarea[name=note]")).to_be_focused()
        audit(lead)
        assert Applicant.objects.get(pk=applicant.pk).status == ApplicantStatus.NEW

        # ... and moves them on, step by step, to accepted
        for target in ("shortlisted", "interviewed", "offered", "accepted"):
            move = lead.locator(
                "main form", has=lead.locator(f"input[name=target][value='{target}']")
            )
            move.locator("textarea[name=note]").fill(f"Steg: {target}")
            move.locator("button[type=submit]").click()
            expect(lead).to_have_url(url + applicant.get_absolute_url())
            expect(lead.locator("main [role=status]")).to_be_visible()
            audit(lead)
        applicant.refresh_from_db()
        assert applicant.status == ApplicantStatus.ACCEPTED
        assert [e.to_status for e in applicant.events.order_by("pk")] == [
            "new",
            "shortlisted",
            "interviewed",
            "offered",
            "accepted",
        ]

        # then: exactly one invitation email reaches the applicant through the worker
        invitation = Invitation.objects.get(email=EMAIL)
        assert applicant.invitation == invitation
        invitation_key = f"invitation:{invitation.pk}"
        assert wait_for(lambda: sent(invitation_key)), OutboxEmail.objects.get(
            key=invitation_key
        ).last_error
        worker_has_caught_up()
        assert sorted(m["X-LabPortal-Event"] for m in smtp.received) == sorted(
            [received_key, invitation_key]
        )
        (message,) = [m for m in smtp.received if m["X-LabPortal-Event"] == invitation_key]
        assert message["To"] == EMAIL
        link = INVITATION_LINK.search(text_of(message)).group(0)

    # when: the applicant opens the link in their browser and chooses a password
    page.goto(url + urlsplit(link).path)
    expect(page).to_have_url(url + reverse("accounts:invitation_accept_form"))
    audit(page)
    form = page.locator("main form[method=post]")
    expect(form.locator("input[name=full_name]")).to_have_value(NAME)
    form.locator("input[name=password1]").fill(PASSWORD)
    form.locator("input[name=password2]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("account_login"))))
    audit(page)
    sign_in(page, EMAIL, PASSWORD)
    expect(page).to_have_url(url + reverse("core:home"))
    audit(page)

    # then: they are a trainee enrolled in the cohort on its dates ...
    user = User.objects.get(email=EMAIL)
    assert user.role == "trainee"
    enrolment = Enrolment.objects.get(trainee=user)
    assert (enrolment.cohort, enrolment.starts_on, enrolment.ends_on) == (
        cohort,
        cohort.starts_on,
        cohort.ends_on,
    )

    # ... whose profile has their background and the two skills as their own assessment
    profile_url = reverse("trainees:profile", args=[user.pk])
    page.locator(f"nav a[href='{profile_url}']").click()
    expect(page).to_have_url(url + profile_url)
    expect(page.locator("main")).to_contain_text(BACKGROUND)
    expect(page.locator("main")).to_contain_text(WISH)
    for skill, level in ((web, CompetenceLevel.INDEPENDENT), (data, CompetenceLevel.BEGINNER)):
        record = SkillRecord.objects.get(trainee=user, skill=skill)
        assert (record.self_level, record.validated_level) == (level, None)
        card = page.locator(f"#skill-{record.pk}")
        expect(card).to_contain_text(skill.name_sv)
        expect(card).to_contain_text(label_sv(level))
        expect(card).to_contain_text(sv("Not validated yet"))
    audit(page)

    # ... and their summary names the cohort they are enrolled in
    page.goto(url + reverse("trainees:summary_page", args=[user.pk]))
    expect(page.locator("main")).to_contain_text(cohort.name)
    audit(page)

    # ... while the lead reads in the applicant's history what happened
    lead.goto(url + applicant.get_absolute_url())
    expect(lead.locator("main")).to_contain_text(cohort.name)
    expect(lead.locator("main")).to_contain_text(NAME)
    audit(lead)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["sv", "en"])
def test_public_pages_in_every_state_pass_axe_without_csp_violations(
    live_server, page, audit, settings, language
):
    url = live_server.url
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": url}]
    )

    # no cohort recruiting: the empty list
    page.goto(url + reverse("cohorts:apply_list"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    audit(page)

    # a form sent empty: every error in the summary and at its field, focus on the first
    cohort = CohortFactory(status=CohortStatus.RECRUITING)
    page.goto(url + reverse("cohorts:apply", args=[cohort.pk]))
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("input[name=full_name]")).to_be_focused()
    expect(page.locator("#id_consent")).to_have_attribute("aria-invalid", "true")
    audit(page)
    assert not Applicant.objects.exists()

    # over the rate limit: the friendly page
    settings.APPLICATION_RATE_LIMIT_PER_HOUR = 1
    recruitment_spam.count_submission("127.0.0.1")
    page.goto(url + reverse("cohorts:apply", args=[cohort.pk]))
    page.locator("input[name=full_name]").fill(NAME)
    page.locator("input[name=email]").fill(EMAIL)
    page.locator("textarea[name=wants_to_work_with]").fill(WISH)
    page.locator("#id_consent").check()
    page.locator("main form[method=post] button[type=submit]").click()
    expect(page.locator("main h1")).to_have_text(in_language(language, "Please try again later"))
    audit(page)
    assert not Applicant.objects.exists()
