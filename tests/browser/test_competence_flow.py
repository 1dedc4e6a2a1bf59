"""A competence profile in a real browser with the Swedish interface: a trainee adds
two skills with a level and a note, the lab lead validates one with a method, and
the trainee sees the validated level and the skill's history. Every page is checked
with axe-core (WCAG 2.1 A/AA) and for Content-Security-Policy violations, as both
roles."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from tests.accounts.factories import PASSWORD
from tests.browser.conftest import sign_in, sign_in_with_totp, sv
from tests.core.factories import SkillFactory
from trainees.models import CompetenceLevel, SkillEventKind, SkillRecord, ValidationMethod

SQL_NOTE = "Skrev frågorna till rapporten över parkeringstillstånd i kursen."
WEB_NOTE = "Byggde bokningsformuläret i prototypen för bygglov."
EVIDENCE = "Byggde databasmodellen själv i prototypen för parkeringstillstånd."


def level_text(level: CompetenceLevel) -> str:
    with translation.override("sv"):
        return str(level.label)


@pytest.mark.django_db(transaction=True)
def test_trainee_assesses_skills_and_the_lead_validates_one(
    live_server, page, new_context, csp, audit, trainee, lab_lead
):
    url = live_server.url
    sql = SkillFactory(name_sv="Testdatabaser och SQL", name_en="Test databases and SQL")
    web = SkillFactory(name_sv="Testwebbutveckling", name_en="Test web development")
    profile_url = reverse("trainees:profile", args=[trainee.pk])

    # given: the trainee signed in, in a Swedish browser
    page.goto(url + reverse("account_login"))
    sign_in(page, trainee.email, PASSWORD)
    expect(page).to_have_url(url + reverse("core:home"))

    # when: they open their profile from the menu and add two skills
    page.locator(f"nav a[href='{profile_url}']").click()
    expect(page).to_have_url(url + profile_url)
    expect(page.locator("main h1")).to_have_text(sv("My profile"))
    audit(page)
    for skill, level, note in ((sql, 3, SQL_NOTE), (web, 2, WEB_NOTE)):
        page.locator(f"main a[href='{reverse('trainees:skill_add')}']").first.click()
        audit(page)
        form = page.locator("main form[method=post]")
        form.locator("select[name=skill]").select_option(str(skill.pk))
        form.locator(f"input[name=self_level][value='{level}']").check()
        form.locator("textarea[name=evidence_note]").fill(note)
        form.locator("button[type=submit]").click()
        expect(page.locator("main")).to_contain_text(note)
    audit(page)

    # then: both are in the profile, with their levels described, not yet validated
    sql_record = SkillRecord.objects.get(trainee=trainee, skill=sql)
    web_record = SkillRecord.objects.get(trainee=trainee, skill=web)
    sql_card = page.locator(f"#skill-{sql_record.pk}")
    expect(sql_card).to_contain_text(level_text(CompetenceLevel.INDEPENDENT))
    expect(sql_card).to_contain_text(sv("Not validated yet"))
    expect(page.locator(f"#skill-{web_record.pk}")).to_contain_text(
        level_text(CompetenceLevel.WORKING)
    )

    # when: the lab lead signs in, in a browser of their own, and finds the trainee
    lead_page = csp.watch(new_context()).new_page()
    lead_page.goto(url + reverse("account_login"))
    sign_in_with_totp(lead_page, lab_lead)
    lead_page.locator(f"nav a[href='{reverse('trainees:list')}']").click()
    search = lead_page.locator("main form[role=search]")
    search.locator("select[name=unvalidated]").select_option("1")
    search.locator("button[type=submit]").click()
    expect(lead_page.locator("main table")).to_contain_text(trainee.full_name)
    audit(lead_page)
    lead_page.locator("main table").get_by_role("link", name=trainee.full_name).click()
    expect(lead_page).to_have_url(url + profile_url)
    expect(lead_page.locator(f"#skill-{sql_record.pk}")).to_contain_text(SQL_NOTE)
    audit(lead_page)

    # ... and validates the SQL skill at level 2 from a practical task
    lead_page.locator(
        f"a[href='{reverse('trainees:skill_validate', args=[sql_record.pk])}']"
    ).click()
    expect(lead_page.locator("main")).to_contain_text(SQL_NOTE)
    audit(lead_page)
    form = lead_page.locator("main form[method=post]")
    form.locator("input[name=validated_level][value='2']").check()
    form.locator(f"input[name=validation_method][value='{ValidationMethod.TASK}']").check()
    form.locator("textarea[name=validation_evidence]").fill(EVIDENCE)
    form.locator("button[type=submit]").click()
    expect(lead_page).to_have_url(url + profile_url + f"#skill-{sql_record.pk}")
    expect(lead_page.locator(f"#skill-{sql_record.pk}")).to_contain_text(EVIDENCE)
    audit(lead_page)

    # then: the trainee sees the validated level beside their own, with method and who
    page.goto(url + profile_url)
    sql_card = page.locator(f"#skill-{sql_record.pk}")
    expect(sql_card).to_contain_text(level_text(CompetenceLevel.WORKING))
    expect(sql_card).to_contain_text(level_text(CompetenceLevel.INDEPENDENT))
    expect(sql_card).to_contain_text(lab_lead.full_name)
    with translation.override("sv"):
        expect(sql_card).to_contain_text(str(ValidationMethod.TASK.label))
    expect(page.locator(f"#skill-{web_record.pk}")).to_contain_text(sv("Not validated yet"))
    audit(page)

    # ... and its history, newest first: the validation, then their own assessment
    sql_card.locator(f"a[href='{reverse('trainees:skill_history', args=[sql_record.pk])}']").click()
    entries = page.locator("main .skill-history > li")
    expect(entries).to_have_count(2)
    expect(entries.nth(0)).to_contain_text(sv("Validated"))
    expect(entries.nth(0)).to_contain_text(EVIDENCE)
    expect(entries.nth(1)).to_contain_text(sv("Self-assessed"))
    expect(entries.nth(1)).to_contain_text(SQL_NOTE)
    audit(page)

    # the lead sees the same history
    lead_page.goto(url + reverse("trainees:skill_history", args=[sql_record.pk]))
    expect(lead_page.locator("main .skill-history > li")).to_have_count(2)
    audit(lead_page)

    sql_record.refresh_from_db()
    assert (sql_record.self_level, sql_record.validated_level) == (3, 2)
    assert sql_record.validated_by == lab_lead
    assert list(sql_record.events.values_list("kind", flat=True)) == [
        SkillEventKind.VALIDATED,
        SkillEventKind.SELF_ASSESSED,
    ]
