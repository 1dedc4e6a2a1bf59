"""The planning board in a real browser with the Swedish interface: the lead picks a
backlog idea, sees the ranked trainees and the skill gap, and assigns it to two
trainees in place (htmx, no page load); the idea's submitter then sees "planned" with
the cohort's dates and the team on the idea's page. The same is done again with
JavaScript disabled, through plain forms and redirects.

Every page is checked for Content-Security-Policy violations and with axe-core (WCAG
2.1 A/AA): with JavaScript, and without it. axe itself needs JavaScript to run, so
the pages "without JavaScript" are audited in a context that shares the signed-in
session of the no-JavaScript browser but loads none of the site's scripts (htmx,
Bootstrap's): the page as a browser without JavaScript gets it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import formats, translation
from playwright.sync_api import expect

from cohorts.models import Assignment
from prototypes.models import IdeaStatus
from tests.accounts.factories import PASSWORD, UserFactory, give_totp
from tests.browser.axe import assert_no_axe_violations
from tests.browser.conftest import sign_in, sign_in_with_totp, sv
from tests.cohorts.factories import PlannableIdeaFactory
from tests.cohorts.planning_fixtures import make_plan


def sv_date(day):
    with translation.override("sv"):
        return formats.date_format(day, "SHORT_DATE_FORMAT")


def tick_team(panel, names, others):
    for name in names:
        panel.get_by_label(name, exact=True).check()
    for name in others:
        panel.get_by_label(name, exact=True).uncheck()


@pytest.mark.django_db(transaction=True)
def test_the_lead_plans_an_idea_on_the_board_and_the_submitter_sees_it(
    live_server, page, new_context, csp, audit, lab_lead, department_staff
):
    url = live_server.url
    plan = make_plan(department_staff)
    second = PlannableIdeaFactory(
        title="Felanmälan av gatubelysning",
        department=department_staff.department,
        submitted_by=department_staff,
        size_weeks=2,
    )
    second.skills.set([plan.python])
    board_url = url + reverse("cohorts:board")

    # given: the lead on the board
    page.goto(url + reverse("account_login"))
    sign_in_with_totp(page, lab_lead)
    page.goto(board_url)
    expect(page.locator("main h1")).to_have_text(sv("Planning board"))
    expect(page.locator("#timeline")).to_contain_text(plan.cohort.name)
    expect(page.locator("#backlog")).to_contain_text(plan.idea.title)
    audit(page)
    page.evaluate("window.__sameDocument = true")

    # when: they pick the idea in the backlog
    page.locator("#backlog li", has_text=plan.idea.title).get_by_role(
        "link", name=re.compile(sv("Match"))
    ).click()

    # then: the match panel opens in place, with the trainees ranked and the skill gap
    panel = page.locator("#match-panel")
    expect(panel.locator("#match-heading")).to_contain_text(plan.idea.title)
    expect(page).to_have_url(board_url)
    names = panel.locator("tbody th[scope=row] label")
    expect(names).to_have_text(["Anna Andersson", "Bo Berg", "Cia Castro"])
    expect(panel.locator(".skill-gap")).to_contain_text("UX-design")
    expect(panel.locator("#match-heading")).to_be_focused()
    audit(page)

    # when: they tick two trainees and assign
    tick_team(panel, ["Anna Andersson", "Bo Berg"], ["Cia Castro"])
    panel.get_by_role("button", name=sv("Assign to the team")).click()

    # then: the board shows the plan, without a new page
    expect(panel.locator(".alert-success")).to_contain_text(plan.idea.title)
    expect(page.locator("#timeline")).to_contain_text(plan.idea.title)
    expect(page.locator("#backlog")).not_to_contain_text(plan.idea.title)
    assert page.evaluate("window.__sameDocument") is True
    audit(page)
    assignment = Assignment.objects.get(idea=plan.idea)
    assert {e.trainee.full_name for e in assignment.members.all()} == {"Anna Andersson", "Bo Berg"}
    plan.idea.refresh_from_db()
    assert plan.idea.status == IdeaStatus.PLANNED

    # when: the submitter opens the idea in a browser of their own
    staff_page = csp.watch(new_context()).new_page()
    staff_page.goto(url + reverse("account_login"))
    sign_in(staff_page, department_staff.email, PASSWORD)
    staff_page.goto(url + plan.idea.get_absolute_url())

    # then: "planned", with the cohort's dates and the team
    expect(staff_page.locator("main .status-badge").first).to_have_text(sv("Planned"))
    panel = staff_page.locator("main section", has=staff_page.locator("#plan-heading"))
    expect(panel).to_contain_text(plan.cohort.name)
    expect(panel).to_contain_text(sv_date(assignment.starts_on))
    expect(panel).to_contain_text(sv_date(assignment.ends_on))
    expect(panel).to_contain_text("Anna Andersson")
    expect(panel).to_contain_text("Bo Berg")
    audit(staff_page)

    # when: the lead turns to the table view, it says the same
    page.goto(board_url + "?view=table")
    expect(page.locator("main table").last).to_contain_text(plan.idea.title)
    audit(page)

    # ... and the assignment has its pages: the plan, changing it, starting work, handover
    page.locator("main table").last.get_by_role("link", name=plan.idea.title).click()
    expect(page.locator("main h1")).to_have_text(plan.idea.title)
    audit(page)
    page.goto(url + reverse("cohorts:assignment_update", args=[assignment.pk]))
    expect(page.get_by_label("Anna Andersson", exact=True)).to_be_checked()
    audit(page)
    page.goto(url + reverse("cohorts:assignment_detail", args=[assignment.pk]))
    page.get_by_role("button", name=sv("Start work")).click()
    expect(page.locator("main .status-badge").first).to_have_text(sv("In progress"))
    audit(page)
    page.goto(url + reverse("cohorts:handover", args=[assignment.pk]))
    audit(page)

    # when: another lead plans the second idea with JavaScript disabled
    other_lead = give_totp(UserFactory(role="lab_lead", full_name="Lisa Labb"))
    plain_context = csp.watch(new_context(java_script_enabled=False))
    plain = plain_context.new_page()
    plain.goto(url + reverse("account_login"))
    sign_in_with_totp(plain, other_lead)
    plain.goto(board_url)
    plain.locator("#backlog li", has_text=second.title).get_by_role(
        "link", name=re.compile(sv("Match"))
    ).click()

    # then: the match page is a page of its own ...
    expect(plain).to_have_url(re.compile(re.escape(reverse("cohorts:match")) + r"\?idea="))
    expect(plain.locator("main h1")).to_have_text(sv("Plan an idea"))

    # ... which, like the board, passes axe without JavaScript (in a scriptless twin)
    scriptless = csp.watch(new_context(storage_state=plain_context.storage_state()))
    scriptless.route(re.compile(r".*\.js(\?.*)?$"), lambda route: route.abort())
    twin = scriptless.new_page()
    for address in (board_url, board_url + "?view=table", plain.url):
        twin.goto(address)
        expect(twin.locator("main h1")).to_be_visible()
        csp.assert_none()
        assert_no_axe_violations(twin)

    # ... where a longer period gives the cohort room (the form is sent by GET)
    period_form = plain.locator("main form[method=get]")
    period_form.locator("input[name=ends_on]").fill(plan.ends_on.isoformat())
    period_form.get_by_role("button", name=sv("Show who is free then")).click()
    expect(plain.locator("main .plan-warnings")).to_have_count(0)

    # ... and assigning is a plain form that leads back to the board
    tick_team(plain.locator("main"), ["Anna Andersson", "Cia Castro"], ["Bo Berg"])
    plain.get_by_role("button", name=sv("Assign to the team")).click()
    expect(plain).to_have_url(re.compile(re.escape(board_url) + r"(\?.*)?$"))
    expect(plain.locator("main .alert-success")).to_contain_text(second.title)
    expect(plain.locator("#timeline")).to_contain_text(second.title)
    csp.assert_none()
    second.refresh_from_db()
    assert second.status == IdeaStatus.PLANNED
