"""A cohort's story end to end (issue #8), in real browsers with the Swedish interface
and a real Celery worker sending mail to a real SMTP server on this machine:

someone without an account applies to a recruiting cohort; the lab lead accepts them,
which sends an invitation; the new trainee opens the emailed link and chooses a
password; the lead starts the cohort with its status button, then on the planning
board assigns a backlog idea (in place, with htmx) to two of its trainees, one of them
the new trainee, and sees the skill gap; the idea's submitter sees "planned" with the
cohort's dates and the team.

Every page is checked with axe-core (WCAG 2.1 A/AA) and for Content-Security-Policy
violations. Texts are matched through `sv()` and links by their URLs."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import formats, translation
from playwright.sync_api import expect

from cohorts.models import (
    Applicant,
    ApplicantStatus,
    Assignment,
    Cohort,
    CohortStatus,
    Enrolment,
)
from labportal.accounts.models import Invitation, User
from labportal.core.models import OutboxEmail, OutboxStatus
from prototypes.models import IdeaStatus
from tests.accounts.factories import PASSWORD as STAFF_PASSWORD
from tests.browser.conftest import sign_in, sign_in_with_totp, sv
from tests.cohorts.planning_fixtures import make_plan
from tests.conftest import wait_for
from tests.core.smtp import smtp_server, text_of, use_smtp
from trainees.models import CompetenceLevel, SkillRecord

NAME = "Amira Haddad"
EMAIL = "amira.haddad@example.se"
PASSWORD = "fjällräven-kanot-1987"
BACKGROUND = "Systemvetenskap, 180 hp, Linnéuniversitetet."
WISH = "Webbutveckling och tillgänglighet för kommunens e-tjänster."
INVITATION_LINK = re.compile(r"https?://\S+/invitations/accept/\S+/")


@pytest.fixture(autouse=True)
def _own_rate_limit_counts(settings):
    """The live server sees every browser as 127.0.0.1: a cache key prefix of this
    test's own keeps its application counts apart from parallel tests' counts."""
    default = settings.CACHES["default"]
    prefix = f"{default.get('KEY_PREFIX', '')}-test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {**settings.CACHES, "default": {**default, "KEY_PREFIX": prefix}}


def sent(key: str) -> bool:
    return OutboxEmail.objects.filter(key=key, status=OutboxStatus.SENT).exists()


def sv_date(day):
    with translation.override("sv"):
        return formats.date_format(day, "SHORT_DATE_FORMAT")


def tick_team(panel, names, others):
    for name in names:
        panel.get_by_label(name, exact=True).check()
    for name in others:
        panel.get_by_label(name, exact=True).uncheck()


@pytest.mark.django_db(transaction=True)
def test_an_applicant_becomes_a_trainee_and_is_planned_on_an_idea(
    live_server,
    page,
    new_context,
    csp,
    audit,
    settings,
    celery_worker,
    lab_lead,
    department_staff,
):
    url = live_server.url
    # a cohort whose dates cover today (started four weeks ago), with three trainees
    # already enrolled, still recruiting; and an accepted idea in the backlog
    plan = make_plan(department_staff)
    cohort = plan.cohort
    Cohort.objects.filter(pk=cohort.pk).update(status=CohortStatus.RECRUITING)

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
        audit(page)

        # when: they fill in the application, with a skill of their own, and agree
        form = page.locator("main form[method=post]")
        form.locator("input[name=full_name]").fill(NAME)
        form.locator("input[name=email]").fill(EMAIL)
        form.locator("textarea[name=background]").fill(BACKGROUND)
        form.locator("input[name=languages]").fill("Svenska, arabiska")
        form.locator("textarea[name=wants_to_work_with]").fill(WISH)
        form.get_by_label("Python", exact=True).select_option(str(CompetenceLevel.INDEPENDENT))
        form.locator("#id_consent").check()
        form.locator("button[type=submit]").click()

        # then: they are thanked, and a confirmation reaches them
        expect(page).to_have_url(url + reverse("cohorts:apply_thanks"))
        expect(page.locator("main h1")).to_have_text(sv("Thank you for your application"))
        audit(page)
        applicant = Applicant.objects.get()
        assert (applicant.full_name, applicant.email, applicant.cohort) == (NAME, EMAIL, cohort)
        received_key = f"application-received:{applicant.pk}"
        assert wait_for(lambda: sent(received_key)), OutboxEmail.objects.get().last_error

        # when: the lab lead signs in, in a browser of their own, and opens the applicant
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
        audit(lead)

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

        # then: the invitation email reaches the applicant through the worker
        invitation = Invitation.objects.get(email=EMAIL)
        invitation_key = f"invitation:{invitation.pk}"
        assert wait_for(lambda: sent(invitation_key)), OutboxEmail.objects.get(
            key=invitation_key
        ).last_error
        assert wait_for(
            lambda: any(m["X-LabPortal-Event"] == invitation_key for m in smtp.received)
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

    # then: they are a trainee enrolled in the cohort on its dates, with their own
    # assessment of the skill (not validated)
    user = User.objects.get(email=EMAIL)
    assert user.role == "trainee"
    enrolment = Enrolment.objects.get(trainee=user)
    assert (enrolment.cohort, enrolment.starts_on, enrolment.ends_on) == (
        cohort,
        cohort.starts_on,
        cohort.ends_on,
    )
    record = SkillRecord.objects.get(trainee=user, skill=plan.python)
    assert (record.self_level, record.validated_level) == (CompetenceLevel.INDEPENDENT, None)

    # when: the lead starts the cohort with its status button
    lead.goto(url + cohort.get_absolute_url())
    audit(lead)
    start = lead.locator(
        "main form", has=lead.locator(f"input[name=target][value='{CohortStatus.RUNNING}']")
    )
    start.get_by_role("button", name=sv("Start the cohort")).click()
    expect(lead).to_have_url(url + cohort.get_absolute_url())
    expect(lead.locator("main [role=status]").first).to_be_visible()
    audit(lead)
    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.RUNNING

    # ... and opens the planning board
    board_url = url + reverse("cohorts:board")
    lead.goto(board_url)
    expect(lead.locator("main h1")).to_have_text(sv("Planning board"))
    expect(lead.locator("#timeline")).to_contain_text(cohort.name)
    expect(lead.locator("#backlog")).to_contain_text(plan.idea.title)
    audit(lead)
    lead.evaluate("window.__sameDocument = true")

    # when: they pick the idea in the backlog
    match_link = lead.locator("#backlog li", has_text=plan.idea.title).get_by_role(
        "link", name=re.compile(sv("Match"))
    )
    resting = match_link.evaluate("link => getComputedStyle(link).backgroundColor")
    match_link.click()

    # then: the match panel opens in place, with the new trainee among the others
    panel = lead.locator("#match-panel")
    expect(panel.locator("#match-heading")).to_contain_text(plan.idea.title)
    expect(lead).to_have_url(board_url)
    names = panel.locator("tbody th[scope=row] label")
    for name in ("Anna Andersson", "Bo Berg", "Cia Castro", NAME):
        expect(names.filter(has_text=name)).to_have_count(1)
    expect(panel.locator(".skill-gap")).to_contain_text("UX-design")
    # (the pointer leaves the link, whose hover colour fades out, before axe looks)
    lead.mouse.move(0, 0)
    expect(match_link).to_have_css("background-color", resting)
    audit(lead)

    # when: they tick the new trainee and Anna, and assign
    tick_team(panel, [NAME, "Anna Andersson"], ["Bo Berg", "Cia Castro"])
    panel.get_by_role("button", name=sv("Assign to the team")).click()

    # then: the board shows the plan, without a new page
    expect(panel.locator(".alert-success")).to_contain_text(plan.idea.title)
    expect(lead.locator("#timeline")).to_contain_text(plan.idea.title)
    expect(lead.locator("#backlog")).not_to_contain_text(plan.idea.title)
    assert lead.evaluate("window.__sameDocument") is True
    audit(lead)
    assignment = Assignment.objects.get(idea=plan.idea)
    assert assignment.cohort == cohort
    assert {e.trainee.full_name for e in assignment.members.all()} == {NAME, "Anna Andersson"}
    assert enrolment in set(assignment.members.all())
    plan.idea.refresh_from_db()
    assert plan.idea.status == IdeaStatus.PLANNED

    # when: the submitter opens the idea in a browser of their own
    staff_page = csp.watch(new_context()).new_page()
    staff_page.goto(url + reverse("account_login"))
    sign_in(staff_page, department_staff.email, STAFF_PASSWORD)
    expect(staff_page).to_have_url(url + reverse("core:home"))
    audit(staff_page)
    staff_page.goto(url + plan.idea.get_absolute_url())

    # then: "planned", with the cohort's dates and the team
    expect(staff_page.locator("main .status-badge").first).to_have_text(sv("Planned"))
    section = staff_page.locator("main section", has=staff_page.locator("#plan-heading"))
    expect(section).to_contain_text(cohort.name)
    expect(section).to_contain_text(sv_date(assignment.starts_on))
    expect(section).to_contain_text(sv_date(assignment.ends_on))
    expect(section).to_contain_text(NAME)
    expect(section).to_contain_text("Anna Andersson")
    audit(staff_page)
