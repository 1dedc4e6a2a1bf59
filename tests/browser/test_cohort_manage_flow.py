"""Managing a cohort in a real browser with the Swedish interface: the lab lead creates
a cohort, enrols two trainees (one joining late), tries to enrol a trainee who is in an
overlapping cohort and reads the message that names it, plans a rotation period and
opens the cohort for applications. Every page is checked with axe-core (WCAG 2.1 A/AA)
and for Content-Security-Policy violations."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation
from playwright.sync_api import expect

from cohorts.models import Cohort, CohortStatus, Enrolment, RotationPeriod
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.browser.conftest import sign_in_with_totp, sv
from tests.cohorts.factories import CohortFactory, EnrolmentFactory


def long_sv(day: datetime.date) -> str:
    with translation.override("sv"):
        return formats.date_format(day, "j F Y")


@pytest.mark.django_db(transaction=True)
def test_lead_creates_a_cohort_enrols_trainees_and_opens_it_for_applications(
    live_server, page, audit, lab_lead
):
    url = live_server.url
    host = OrganisationFactory(name="Växjö kommun")
    partner = OrganisationFactory(name="Partner AB", kind="partner")
    supervisor = UserFactory(role="supervisor", full_name="Sara Handledare")
    alva = UserFactory(role="trainee", full_name="Alva Andersson")
    bo = UserFactory(role="trainee", full_name="Bo Berg")
    cia = UserFactory(role="trainee", full_name="Cia Carlsson")
    start = timezone.localdate() + datetime.timedelta(days=30)
    end = start + datetime.timedelta(days=181)
    summer = CohortFactory(
        name="Omgång Sommar",
        organisation=host,
        starts_on=start - datetime.timedelta(days=60),
        ends_on=start + datetime.timedelta(days=20),
    )
    EnrolmentFactory(cohort=summer, trainee=cia)

    # given: the lab lead signed in, on the page for a new cohort
    page.goto(url + reverse("account_login"))
    sign_in_with_totp(page, lab_lead)
    page.goto(url + reverse("cohorts:create"))
    expect(page.locator("main h1")).to_have_text(sv("New cohort"))
    audit(page)

    # when: they create the cohort
    form = page.locator("main form[method=post]")
    form.locator("input[name=name]").fill("Omgång Höst")
    form.locator("select[name=organisation]").select_option(str(host.pk))
    form.locator("input[name=starts_on]").fill(start.isoformat())
    form.locator("input[name=ends_on]").fill(end.isoformat())
    form.locator("input[name=capacity]").fill("4")
    form.locator("select[name=lab_lead]").select_option(str(lab_lead.pk))
    form.locator(f"input[name=supervisors][value='{supervisor.pk}']").check()
    form.locator("button[type=submit]").click()

    # then: its page shows it
    cohort = Cohort.objects.get(name="Omgång Höst")
    expect(page).to_have_url(url + cohort.get_absolute_url())
    expect(page.locator("main h1")).to_have_text("Omgång Höst")
    expect(page.locator("main")).to_contain_text("Sara Handledare")
    audit(page)

    # when: they enrol Alva on the cohort's dates and Bo two weeks late
    page.get_by_role("link", name=sv("Enrol a trainee")).click()
    audit(page)
    form = page.locator("main form[method=post]")
    expect(form.locator("input[name=starts_on]")).to_have_value(start.isoformat())
    form.locator("select[name=trainee]").select_option(str(alva.pk))
    form.locator("button[type=submit]").click()
    expect(page.locator("main #enrolments")).to_contain_text("Alva Andersson")
    audit(page)

    page.get_by_role("link", name=sv("Enrol a trainee")).click()
    form = page.locator("main form[method=post]")
    form.locator("select[name=trainee]").select_option(str(bo.pk))
    late = start + datetime.timedelta(days=14)
    form.locator("input[name=starts_on]").fill(late.isoformat())
    form.locator("button[type=submit]").click()
    expect(page.locator("main #enrolments")).to_contain_text("Bo Berg")
    expect(page.locator("main #enrolments")).to_contain_text(sv("Joins late"))

    # ... and try Cia, who is in the overlapping summer cohort
    page.get_by_role("link", name=sv("Enrol a trainee")).click()
    form = page.locator("main form[method=post]")
    form.locator("select[name=trainee]").select_option(str(cia.pk))
    form.locator("button[type=submit]").click()

    # then: the form names the conflict, and nothing is saved
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Omgång Sommar")
    expect(summary).to_contain_text(long_sv(summer.starts_on))
    expect(summary).to_contain_text(long_sv(summer.ends_on))
    audit(page)
    assert set(Enrolment.objects.filter(cohort=cohort).values_list("trainee", flat=True)) == {
        alva.pk,
        bo.pk,
    }

    # when: they plan a rotation period for Alva
    page.goto(url + cohort.get_absolute_url())
    page.get_by_role(
        "link", name=re.compile(re.escape(sv("Add a rotation period")) + ".*Alva")
    ).click()
    audit(page)
    form = page.locator("main form[method=post]")
    form.locator("select[name=organisation]").select_option(str(partner.pk))
    rotation_start = start + datetime.timedelta(days=60)
    form.locator("input[name=starts_on]").fill(rotation_start.isoformat())
    form.locator("input[name=ends_on]").fill(
        (rotation_start + datetime.timedelta(days=27)).isoformat()
    )
    form.locator("button[type=submit]").click()

    # then: the cohort's page shows it
    expect(page.locator("main #enrolments")).to_contain_text("Partner AB")
    audit(page)
    rotation = RotationPeriod.objects.get(enrolment__trainee=alva)
    assert rotation.starts_on == rotation_start

    # the other pages of an enrolment pass the same checks
    for name, pk in (
        ("cohorts:enrolment_update", rotation.enrolment_id),
        ("cohorts:enrolment_leave", rotation.enrolment_id),
        ("cohorts:rotation_delete", rotation.pk),
        ("cohorts:update", cohort.pk),
    ):
        page.goto(url + reverse(name, args=[pk]))
        expect(page.locator("main h1")).to_be_visible()
        audit(page)

    # when: they open the cohort for applications
    page.goto(url + cohort.get_absolute_url())
    page.get_by_role("button", name=sv("Open for applications")).click()

    # then: the cohort is recruiting, and the page says so
    expect(page.locator("main [role=status]")).to_contain_text("Omgång Höst")
    audit(page)
    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.RECRUITING

    # a destructive move is confirmed on a page of its own
    page.get_by_role("button", name=sv("Start the cohort")).click()
    page.get_by_role("link", name=sv("Finish the cohort")).click()
    expect(page.locator("main h1")).to_have_text(sv("Finish the cohort"))
    audit(page)
    page.get_by_role("link", name=sv("Cancel")).click()
    cohort.refresh_from_db()
    assert cohort.status == CohortStatus.RUNNING
