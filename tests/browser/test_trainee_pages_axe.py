"""Every page of the trainee journey and the cohorts passes axe-core (WCAG 2.0/2.1, A
and AA) as every role that can open it: admin, lab lead, supervisor and trainee, each
signed in once in one browser context of their own, in Swedish and in English.

Pages are opened with data in them (validated and open skills with their history,
logs with comments and blockers, milestones in each state) and, for the forms, once
more showing a validation error or an edit conflict, since error states are where
accessibility usually breaks. All violations (and Content-Security-Policy errors) of
a role are collected and reported together.

`test_every_page_of_the_apps_is_listed` keeps the list honest: a new GET page in
trainees/urls.py or cohorts/urls.py fails it until it is added here."""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from cohorts import urls as cohort_urls
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.axe import axe_violations, format_violations
from tests.browser.conftest import CSPWatch, sign_in, sign_in_with_totp
from tests.cohorts.factories import EnrolmentFactory
from tests.core.factories import SkillFactory
from tests.trainees.factories import (
    LogCommentFactory,
    MilestoneTypeFactory,
    ProgressLogFactory,
    TraineeProfileFactory,
    last_monday,
)
from trainees import urls as trainee_urls
from trainees.models import (
    CompetenceLevel,
    Milestone,
    MilestoneStatus,
    ProgressLog,
    SkillRecord,
    TraineeProfile,
    ValidationMethod,
)
from trainees.services import milestones as milestone_services
from trainees.services.competence import add_skill, record_token, validate_skill

seed_milestone_types = importlib.import_module("trainees.migrations.0003_seed_milestone_types")


# The pages -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Visit:
    """A GET page: URL name, the world's objects for its arguments, a query string, and
    optionally an error state (a key of ERROR_STATES) to show after opening it."""

    name: str
    args: tuple[str, ...] = ()
    query: str = ""
    error: str | None = None


LAB = [
    Visit("trainees:list"),
    Visit("trainees:list", query="?unvalidated=1&q=Tim"),
    Visit("trainees:profile", ("trainee",)),
    Visit("trainees:reference_contact", ("trainee",)),
    Visit("trainees:skill_validate", ("open_record",)),
    Visit("trainees:skill_validate", ("open_record",), error="empty_form"),
    Visit("trainees:skill_validate", ("validated_record",)),
    Visit("trainees:skill_history", ("validated_record",)),
    Visit("trainees:log_list"),
    Visit("trainees:log_list", query="?trainee={trainee}"),
    Visit("trainees:log_detail", ("log",)),
    Visit("trainees:log_detail", ("log",), error="empty_comment"),
    Visit("trainees:milestones", ("trainee",)),
    Visit("trainees:milestone_create", ("trainee",)),
    Visit("trainees:milestone_create", ("trainee",), error="empty_form"),
    Visit("trainees:milestone_update", ("milestone",)),
    Visit("trainees:milestone_update", ("milestone",), error="milestone_without_due_date"),
    Visit("trainees:milestone_types"),
    Visit("trainees:milestone_type_create"),
    Visit("trainees:milestone_type_create", error="empty_form"),
    Visit("trainees:milestone_type_update", ("milestone_type",)),
    Visit("trainees:summary_page", ("trainee",)),
    Visit("cohorts:list"),
    Visit("cohorts:progress", ("cohort",)),
    Visit("cohorts:progress", ("cohort",), query="?behind=on&blockers=on&sort=missing"),
]

SUPERVISOR = [
    Visit("trainees:log_list"),
    Visit("trainees:log_list", query="?trainee={trainee}"),
    Visit("trainees:log_detail", ("log",)),
    Visit("trainees:log_detail", ("log",), error="empty_comment"),
]

TRAINEE = [
    Visit("trainees:profile", ("trainee",)),
    Visit("trainees:profile_edit"),
    Visit("trainees:profile_edit", error="profile_conflict"),
    Visit("trainees:skill_add"),
    Visit("trainees:skill_add", error="empty_form"),
    Visit("trainees:skill_add", error="skill_already_in_profile"),
    Visit("trainees:skill_edit", ("open_record",)),
    Visit("trainees:skill_edit", ("open_record",), error="skill_link_not_a_link"),
    Visit("trainees:skill_edit", ("validated_record",), error="skill_conflict"),
    Visit("trainees:skill_remove", ("open_record",)),
    Visit("trainees:skill_history", ("validated_record",)),
    Visit("trainees:log_list"),
    Visit("trainees:log_create"),
    Visit("trainees:log_create", error="log_hours_over_60"),
    Visit("trainees:log_create", error="log_week_already_logged"),
    Visit("trainees:log_detail", ("log",)),
    Visit("trainees:log_edit", ("log",)),
    Visit("trainees:log_edit", ("log",), error="log_week_over_60"),
    Visit("trainees:log_edit", ("log",), error="log_conflict"),
    Visit("trainees:milestones", ("trainee",)),
    Visit("trainees:summary_page", ("trainee",)),
]

PAGES = {"admin": LAB, "lab_lead": LAB, "supervisor": SUPERVISOR, "trainee": TRAINEE}

# Admins see exactly the lab lead's pages and templates: Swedish is enough for them.
LANGUAGES = {
    "admin": ("sv",),
    "lab_lead": ("sv", "en"),
    "supervisor": ("sv", "en"),
    "trainee": ("sv", "en"),
}

# URL names that are no page: POST-only actions and file downloads.
NOT_PAGES = {
    "trainees:skill_evidence",  # the evidence file, as a download
    "trainees:summary",  # the summary PDF
    "trainees:log_comment",  # POST (its error state is shown by `empty_comment`)
    "trainees:milestone_standard",  # POST
    "trainees:milestone_status",  # POST
}


# The data ---------------------------------------------------------------------------------
@dataclass
class World:
    trainee: Any
    objects: dict[str, Any] = field(default_factory=dict)

    def pk(self, key: str) -> int:
        return self.objects[key].pk

    def url(self, visit: Visit) -> str:
        path = reverse(visit.name, args=[self.pk(key) for key in visit.args])
        return path + visit.query.format(trainee=self.trainee.pk)


@pytest.fixture
def world(trainee, enrolment, supervisor, lab_lead) -> World:
    """The trainee's journey so far, as the pages show it to each role."""
    seed_milestone_types.seed(apps, None)  # a transactional test before may have emptied them
    cohort = enrolment.cohort
    EnrolmentFactory(cohort=cohort, trainee=UserFactory(role="trainee", full_name="Olle Annan"))
    TraineeProfileFactory(
        user=trainee,
        reference_contact=lab_lead,
        background="Systemvetenskap, Linnéuniversitetet.",
        work_experience="Supporttekniker 2019-2022.",
        languages="svenska, engelska, arabiska",
        wants_to_work_with="Webbutveckling i offentlig sektor.",
    )

    validated = add_skill(
        actor=trainee,
        trainee=trainee,
        skill=SkillFactory(name_sv="Testdatabaser och SQL", name_en="Test databases and SQL"),
        self_level=CompetenceLevel.INDEPENDENT,
        evidence_link="https://example.se/rapport",
        evidence_note="Skrev frågorna till rapporten över parkeringstillstånd.",
    )
    validated = validate_skill(
        actor=lab_lead,
        record=validated,
        seen=record_token(validated),
        level=CompetenceLevel.WORKING,
        method=ValidationMethod.TASK,
        evidence="Skrev om frågorna under en praktisk uppgift.",
    )
    open_record = add_skill(
        actor=trainee,
        trainee=trainee,
        skill=SkillFactory(name_sv="Testwebbutveckling", name_en="Test web development"),
        self_level=CompetenceLevel.WORKING,
        evidence_note="Byggde bokningsformuläret i prototypen för bygglov.",
    )

    log = ProgressLogFactory(
        trainee=trainee,
        enrolment=enrolment,
        week=last_monday(1),
        blockers="Väntar på ett testkonto.",
        learned="GeoJSON från kommunens öppna data.",
        prototypes_text="Felanmälan av gatubelysning",
    )
    ProgressLogFactory(
        trainee=trainee,
        enrolment=enrolment,
        week=last_monday(2),
        hours_practical=40,
        hours_education=0,
    )
    LogCommentFactory(log=log, author=supervisor, body="Fint arbete!")
    LogCommentFactory(log=log, author=lab_lead, body="Jag frågar IT om kontot.")

    milestone_services.give_standard_milestones(
        actor=lab_lead, trainee=trainee, start_date=cohort.starts_on, end_date=cohort.ends_on
    )
    milestones = list(Milestone.objects.filter(trainee=trainee).order_by("due_on", "pk"))
    Milestone.objects.filter(pk=milestones[0].pk).update(
        status=MilestoneStatus.DONE, done_at=timezone.now() - datetime.timedelta(days=30)
    )
    Milestone.objects.filter(pk=milestones[1].pk).update(status=MilestoneStatus.SKIPPED)
    Milestone.objects.filter(pk=milestones[2].pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=3)
    )

    return World(
        trainee=trainee,
        objects={
            "trainee": trainee,
            "cohort": cohort,
            "validated_record": validated,
            "open_record": open_record,
            "log": log,
            "milestone": milestones[3],
            "milestone_type": MilestoneTypeFactory(name_sv="Mentorsamtal", name_en="Mentor talk"),
        },
    )


# Error states -----------------------------------------------------------------------------
def _submit(page: Page, form_selector: str = "main form[method=post]") -> None:
    page.locator(form_selector).locator("button[type=submit]").first.click()
    expect(page.locator("#error-summary")).to_be_visible()


def _empty_form(page: Page, world: World) -> None:
    _submit(page)


def _empty_comment(page: Page, world: World) -> None:
    _submit(page, f"main form[action='{reverse('trainees:log_comment', args=[world.pk('log')])}']")


def _milestone_without_due_date(page: Page, world: World) -> None:
    page.locator("main form[method=post] input[name=due_on]").fill("")
    _submit(page)


def _profile_conflict(page: Page, world: World) -> None:
    page.locator("main form[method=post] textarea[name=background]").fill("Ny text.")
    # another tab saves the profile meanwhile
    TraineeProfile.objects.filter(user=world.trainee).update(version=F("version") + 1)
    _submit(page)


def _skill_link_not_a_link(page: Page, world: World) -> None:
    page.locator("main form[method=post] input[name=evidence_link]").fill("inte en länk")
    _submit(page)


def _skill_conflict(page: Page, world: World) -> None:
    page.locator("main form[method=post] textarea[name=evidence_note]").fill("Ny anteckning.")
    SkillRecord.objects.filter(pk=world.pk("validated_record")).update(
        updated_at=timezone.now() + datetime.timedelta(seconds=1)
    )
    _submit(page)
    expect(page.locator("#saved-heading")).to_be_visible()


def _skill_already_in_profile(page: Page, world: World) -> None:
    form = page.locator("main form[method=post]")
    form.locator("select[name=skill]").select_option(str(world.objects["open_record"].skill_id))
    form.locator(f"input[name=self_level][value='{CompetenceLevel.ADVANCED}']").check()
    _submit(page)
    edit_url = reverse("trainees:skill_edit", args=[world.pk("open_record")])
    expect(page.locator(f"main a[href='{edit_url}']")).to_be_visible()


def _log_hours(practical: str, education: str, said: str) -> Callable[[Page, World], None]:
    def fill(page: Page, world: World) -> None:
        form = page.locator("main form[method=post]")
        form.locator("input[name=hours_practical]").fill(practical)
        form.locator("input[name=hours_education]").fill(education)
        form.locator("textarea[name=did]").fill("Byggde kartvyn.")
        _submit(page)
        expect(page.locator("#error-summary")).to_contain_text(said)

    return fill


def _log_week_already_logged(page: Page, world: World) -> None:
    form = page.locator("main form[method=post]")
    form.locator("input[name=week]").fill(world.objects["log"].week.isoformat())
    form.locator("input[name=hours_practical]").fill("30")
    form.locator("input[name=hours_education]").fill("10")
    form.locator("textarea[name=did]").fill("Byggde kartvyn.")
    _submit(page)
    expect(
        page.locator(f"main a[href='{world.objects['log'].get_absolute_url()}']")
    ).to_be_visible()


def _log_conflict(page: Page, world: World) -> None:
    page.locator("main form[method=post] textarea[name=did]").fill("Ändrat i en annan flik.")
    ProgressLog.objects.filter(pk=world.pk("log")).update(version=F("version") + 1)
    _submit(page)
    expect(page.locator("#saved-heading")).to_be_visible()


ERROR_STATES: dict[str, Callable[[Page, World], None]] = {
    "empty_form": _empty_form,
    "empty_comment": _empty_comment,
    "milestone_without_due_date": _milestone_without_due_date,
    "profile_conflict": _profile_conflict,
    "skill_link_not_a_link": _skill_link_not_a_link,
    "skill_conflict": _skill_conflict,
    "skill_already_in_profile": _skill_already_in_profile,
    "log_hours_over_60": _log_hours("61", "8", "60"),  # one field over the limit
    "log_week_over_60": _log_hours("45", "25", "70"),  # the week over it
    "log_week_already_logged": _log_week_already_logged,
    "log_conflict": _log_conflict,
}


# The tests --------------------------------------------------------------------------------
def _sign_in(page: Page, url: str, user: Any, role: str) -> None:
    page.goto(url + reverse("account_login"))
    if role in ("admin", "lab_lead"):
        sign_in_with_totp(page, user)
    else:
        sign_in(page, user.email, PASSWORD)
        expect(page).to_have_url(url + reverse("core:home"))


def _use_language(context: BrowserContext, url: str, language: str) -> None:
    """What the language switch leaves behind: the language cookie."""
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": url}])


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", list(PAGES))
def test_every_page_passes_axe_as_every_role_that_opens_it(
    request, live_server, page, context, csp: CSPWatch, world, role
):
    url = live_server.url
    user = request.getfixturevalue(role)
    _sign_in(page, url, user, role)
    problems: list[str] = []

    for language in LANGUAGES[role]:
        _use_language(context, url, language)
        for visit in PAGES[role]:
            address = world.url(visit)
            label = f"[{role}, {language}] {visit.name} {address}"
            response = page.goto(url + address)
            assert response is not None and response.status == 200, (
                f"{label}: HTTP {response.status if response else '?'}"
            )
            expect(page.locator("html")).to_have_attribute("lang", language)
            if visit.error:
                ERROR_STATES[visit.error](page, world)
                label += f" showing {visit.error}"
            page.wait_for_load_state("load")
            violations = axe_violations(page)
            if violations:
                problems.append(f"{label}:\n{format_violations(violations)}")

    problems.extend(f"CSP: {violation}" for violation in csp.violations)
    csp.violations.clear()  # reported here, with the axe findings
    assert not problems, f"{len(problems)} page(s) with problems:\n" + "\n\n".join(problems)


def _page_names(module: Any) -> set[str]:
    namespace = module.app_name
    return {f"{namespace}:{pattern.name}" for pattern in module.urlpatterns}


def test_every_page_of_the_apps_is_listed():
    all_names = _page_names(trainee_urls) | _page_names(cohort_urls)
    listed = {visit.name for visits in PAGES.values() for visit in visits}
    assert listed.isdisjoint(NOT_PAGES)
    assert all_names - NOT_PAGES == listed, (
        f"not checked: {sorted(all_names - NOT_PAGES - listed)}; "
        f"unknown: {sorted(listed - all_names)}"
    )
    used = {visit.error for visits in PAGES.values() for visit in visits} - {None}
    assert used == set(ERROR_STATES)
