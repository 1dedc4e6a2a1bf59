"""Milestones and the cohort progress page in a real browser with the Swedish
interface: the lab lead finds a trainee behind on logs on the progress page, gives
them the standard milestones and one of the lab's own kinds, and the trainee marks
one done from the start page. Every page is checked with axe-core (WCAG 2.1 A/AA)
and for Content-Security-Policy violations, as both roles."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.accounts.factories import PASSWORD
from tests.browser.conftest import sign_in, sign_in_with_totp, sv
from tests.trainees.factories import ProgressLogFactory, last_monday
from trainees.models import Milestone, MilestoneStatus, MilestoneType

seed_milestone_types = importlib.import_module("trainees.migrations.0003_seed_milestone_types")


@pytest.mark.django_db(transaction=True)
def test_lead_plans_milestones_from_the_progress_page_and_the_trainee_marks_one_done(
    live_server, page, new_context, csp, audit, trainee, enrolment, lab_lead
):
    # Another transactional test may have emptied the tables: the six come back.
    seed_milestone_types.seed(apps, None)
    url = live_server.url
    cohort = enrolment.cohort
    ProgressLogFactory(trainee=trainee, week=last_monday(3), blockers="Väntar på ett konto")
    milestones_url = reverse("trainees:milestones", args=[trainee.pk])

    # given: the lab lead signed in, on the cohort's progress page from the menu
    page.goto(url + reverse("account_login"))
    sign_in_with_totp(page, lab_lead)
    page.locator(f"nav a[href='{reverse('cohorts:list')}']").click()
    audit(page)
    page.locator(f"main table a[href='{reverse('cohorts:progress', args=[cohort.pk])}']").click()
    expect(page.locator("main h1")).to_contain_text(cohort.name)
    audit(page)

    # when: they filter those behind on their logs with open blockers
    search = page.locator("main form[role=search]")
    search.locator("input[name=behind]").check()
    search.locator("input[name=blockers]").check()
    search.locator("button[type=submit]").click()
    expect(page.locator("main table")).to_contain_text(trainee.full_name)
    audit(page)

    # ... open the trainee's milestones and add the standard six
    page.locator("main table").get_by_role("link", name=trainee.full_name).click()
    expect(page).to_have_url(url + milestones_url)
    audit(page)
    page.get_by_role("button", name=sv("Add the standard milestones")).click()
    expect(page.locator("main table tbody tr")).to_have_count(6)
    audit(page)

    # ... add a kind of the lab's own, and give it to the trainee
    page.get_by_role("link", name=sv("Kinds of milestones")).click()
    audit(page)
    page.get_by_role("link", name=sv("Add a kind of milestone")).click()
    audit(page)
    form = page.locator("main form[method=post]")
    form.locator("input[name=name_sv]").fill("Mentorsamtal")
    form.locator("input[name=name_en]").fill("Mentor talk")
    form.locator("input[name=position]").fill("70")
    form.locator("button[type=submit]").click()
    expect(page.locator("main table")).to_contain_text("Mentorsamtal")
    kind = MilestoneType.objects.get(name_en="Mentor talk")

    page.goto(url + reverse("trainees:milestone_create", args=[trainee.pk]))
    audit(page)
    due = timezone.localdate() + datetime.timedelta(days=10)
    for attempt in range(2):
        form = page.locator("main form[method=post]")
        form.locator("select[name=type]").select_option(str(kind.pk))
        form.locator("input[name=due_on]").fill(due.isoformat())
        form.locator("textarea[name=note]").fill("Boka en tid med mentorn.")
        form.locator("button[type=submit]").click()
        if attempt == 0:
            expect(page).to_have_url(url + milestones_url)
            page.goto(url + reverse("trainees:milestone_create", args=[trainee.pk]))

    # then: the second time the form says it exists and keeps what was written
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("textarea[name=note]")).to_have_value("Boka en tid med mentorn.")
    audit(page)
    assert Milestone.objects.filter(trainee=trainee).count() == 7
    mentor = Milestone.objects.get(trainee=trainee, type=kind)
    page.goto(url + reverse("trainees:milestone_update", args=[mentor.pk]))
    expect(page.locator("input[name=due_on]")).to_have_value(due.isoformat())
    audit(page)

    # when: the trainee signs in and opens their milestones from the start page
    trainee_page = csp.watch(new_context()).new_page()
    trainee_page.goto(url + reverse("account_login"))
    sign_in(trainee_page, trainee.email, PASSWORD)
    trainee_page.locator(f"main a[href='{milestones_url}']").click()
    expect(trainee_page.locator("main h1")).to_have_text(sv("My milestones"))
    audit(trainee_page)
    mentor_row = trainee_page.locator("main tbody tr", has_text="Mentorsamtal")
    mentor_row.get_by_role("button", name=sv("Mark as done")).click()

    # then: it is done, and the page says so
    expect(trainee_page.locator("main [role=status]")).to_contain_text("Mentorsamtal")
    audit(trainee_page)
    assert Milestone.objects.get(trainee=trainee, type=kind).status == MilestoneStatus.DONE
