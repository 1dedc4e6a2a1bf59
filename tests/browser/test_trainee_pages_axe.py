"""Every page of the trainee journey and the cohorts passes axe-core (WCAG 2.0/2.1, A
and AA) as every role that can open it: admin, lab lead, supervisor and trainee, each
signed in once in one browser context of their own, and a visitor without an account
(the public application pages), in Swedish and in English.

Pages are opened with data in them (validated and open skills with their history,
logs with comments and blockers, milestones in each state, outcomes and follow-ups; a
running cohort with enrolments and a rotation, applicants, the planning board with an
idea in the backlog and an assignment in progress, employer partners with contacts and
roles, a trainee near the end and a summary shared) and, for the forms, once more
showing a validation error or an edit conflict, since error states are where
accessibility usually breaks.
All violations (and Content-Security-Policy errors) of a role are collected and
reported together.

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
from django.core.cache import cache
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from cohorts import urls as cohort_urls
from cohorts.models import AssignmentStatus, Cohort, CohortStatus, Enrolment, RoleStatus
from cohorts.services import recruitment_spam
from prototypes.models import IdeaStatus
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.axe import axe_violations, format_violations
from tests.browser.conftest import CSPWatch, sign_in, sign_in_with_totp
from tests.cohorts.factories import (
    ApplicantEventFactory,
    ApplicantFactory,
    ApplicantSkillFactory,
    AssignmentFactory,
    AssignmentMemberFactory,
    CohortFactory,
    EnrolmentFactory,
    RotationPeriodFactory,
)
from tests.cohorts.factories_employers import (
    EmployerContactFactory,
    OpenRoleFactory,
    PartnerFactory,
    RoleSkillFactory,
    SummaryShareFactory,
)
from tests.cohorts.planning_fixtures import make_plan
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
    FollowUp,
    FollowUpStatus,
    Milestone,
    MilestoneStatus,
    Outcome,
    ProgressLog,
    SkillRecord,
    TraineeProfile,
    ValidationMethod,
)
from trainees.services import milestones as milestone_services
from trainees.services import outcomes as outcome_services
from trainees.services.competence import add_skill, record_token, validate_skill

seed_milestone_types = importlib.import_module("trainees.migrations.0003_seed_milestone_types")


# The pages -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Visit:
    """A GET page: URL name, the world's objects for its arguments, a query string (which
    may name the world's objects, as `{trainee}`, for their primary keys), and
    optionally an error state (a key of ERROR_STATES) to show after opening it, or
    another page its form leads to (a confirmation)."""

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
    Visit("trainees:outcomes", ("trainee",)),
    Visit("cohorts:list"),
    Visit("cohorts:progress", ("cohort",)),
    Visit("cohorts:progress", ("cohort",), query="?behind=on&blockers=on&sort=missing"),
    Visit("cohorts:detail", ("cohort",)),
    Visit("cohorts:create"),
    Visit("cohorts:create", error="empty_form"),
    Visit("cohorts:update", ("cohort",)),
    Visit("cohorts:status", ("cohort",), query="?target=finished"),
    Visit("cohorts:enrolment_create", ("cohort",)),
    Visit("cohorts:enrolment_update", ("enrolment",)),
    Visit("cohorts:enrolment_leave", ("enrolment",)),
    Visit("cohorts:rotation_create", ("enrolment",)),
    Visit("cohorts:rotation_delete", ("rotation",)),
    Visit("cohorts:enrolment_outcome", ("other_enrolment",)),  # "Record outcome": none yet
    Visit("cohorts:enrolment_outcome", ("other_enrolment",), error="empty_form"),  # no category
    Visit("cohorts:enrolment_outcome", ("enrolment",)),  # "Change outcome": prefilled
    Visit("cohorts:enrolment_outcome", ("enrolment",), error="outcome_without_employer"),
    Visit("cohorts:enrolment_outcome", ("enrolment",), error="outcome_conflict"),
    Visit("cohorts:applicant_list"),
    Visit("cohorts:applicant_detail", ("applicant",)),
    Visit("cohorts:applicant_detail", ("applicant",), error="applicant_declined_without_reason"),
    Visit("cohorts:board"),
    Visit("cohorts:board", query="?view=table"),
    Visit("cohorts:match", query="?idea={idea}"),
    Visit("cohorts:assignment_detail", ("assignment",)),
    Visit("cohorts:assignment_update", ("assignment",)),
    Visit("cohorts:assignment_update", ("assignment",), error="assignment_without_team"),
    Visit("cohorts:handover", ("assignment",)),
    Visit("cohorts:handover", ("assignment",), error="empty_form"),
    Visit("cohorts:assignment_cancel", ("planned_assignment",)),
    Visit("cohorts:assignment_cancel", ("planned_assignment",), error="empty_form"),
    Visit("cohorts:employer_list"),
    Visit("cohorts:employer_contact_create", ("partner",)),
    Visit("cohorts:employer_contact_create", ("partner",), error="empty_form"),
    Visit("cohorts:employer_contact_update", ("contact",)),
    Visit("cohorts:employer_role_create", ("partner",)),
    Visit("cohorts:employer_role_create", ("partner",), error="empty_form"),
    Visit("cohorts:employer_role_update", ("role",)),
    Visit("cohorts:employer_role_status", ("role",), query="?target=closed"),
    Visit("cohorts:placement"),
    Visit("cohorts:share_summary", ("enrolment",)),
    Visit("cohorts:share_summary", ("enrolment",), error="empty_form"),
    Visit("cohorts:share_summary", ("enrolment",), error="share_confirmation"),
]

SUPERVISOR = [
    Visit("trainees:log_list"),
    Visit("trainees:log_list", query="?trainee={trainee}"),
    Visit("trainees:log_detail", ("log",)),
    Visit("trainees:log_detail", ("log",), error="empty_comment"),
    Visit("cohorts:detail", ("cohort",)),
    Visit("cohorts:assignment_detail", ("assignment",)),
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
    Visit("trainees:outcomes", ("trainee",)),
    Visit("cohorts:detail", ("cohort",)),
    Visit("cohorts:assignment_detail", ("assignment",)),
]

# The public application pages: no account.
ANONYMOUS = [
    Visit("cohorts:apply_list"),
    Visit("cohorts:apply", ("recruiting",)),
    Visit("cohorts:apply", ("recruiting",), error="application_without_answers"),
    Visit("cohorts:apply_thanks"),
]

PAGES = {
    "admin": LAB,
    "lab_lead": LAB,
    "supervisor": SUPERVISOR,
    "trainee": TRAINEE,
    "anonymous": ANONYMOUS,
}

# Admins see exactly the lab lead's pages and templates: Swedish is enough for them.
LANGUAGES = {
    "admin": ("sv",),
    "lab_lead": ("sv", "en"),
    "supervisor": ("sv", "en"),
    "trainee": ("sv", "en"),
    "anonymous": ("sv", "en"),
}

# URL names that are no page: POST-only actions and file downloads.
NOT_PAGES = {
    "trainees:skill_evidence",  # the evidence file, as a download
    "trainees:summary",  # the summary PDF
    "trainees:log_comment",  # POST (its error state is shown by `empty_comment`)
    "trainees:milestone_standard",  # POST
    "trainees:milestone_status",  # POST
    "cohorts:plan_pdf",  # the cohort's plan as a PDF
    # POST (its error state is shown by `applicant_declined_without_reason`)
    "cohorts:applicant_move",
    "cohorts:assign",  # POST, from the match page
    "cohorts:assignment_move",  # POST, from the assignment's page
    "trainees:follow_up_consent",  # POST, from the outcomes page
    # The pages of the links in a follow-up email, without an account:
    # tests/browser/test_follow_up_flow.py runs axe on each of them.
    "trainees:follow_up_answer",
    "trainees:follow_up_withdraw",
    # The summary link emailed to an employer's contact, without an account: the PDF, or a
    # page saying the link has expired (410) or does not work (404), which
    # tests/browser/test_shared_summary_axe.py checks with axe.
    "cohorts:shared_summary",
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
        return path + visit.query.format(**{key: obj.pk for key, obj in self.objects.items()})


@pytest.fixture
def world(trainee, enrolment, supervisor, lab_lead, department_staff) -> World:
    """The trainee's journey so far, as the pages show it to each role."""
    seed_milestone_types.seed(apps, None)  # a transactional test before may have emptied them
    cohort = enrolment.cohort
    Cohort.objects.filter(pk=cohort.pk).update(
        status=CohortStatus.RUNNING, notes="Handledarmöte varannan torsdag."
    )
    other_enrolment = EnrolmentFactory(
        cohort=cohort, trainee=UserFactory(role="trainee", full_name="Olle Annan")
    )
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
    outcomes(trainee, enrolment, lab_lead)

    return World(
        trainee=trainee,
        objects={
            "trainee": trainee,
            "cohort": cohort,
            "enrolment": enrolment,
            "other_enrolment": other_enrolment,
            "rotation": RotationPeriodFactory(enrolment=enrolment),
            "validated_record": validated,
            "open_record": open_record,
            "log": log,
            "milestone": milestones[3],
            "milestone_type": MilestoneTypeFactory(name_sv="Mentorsamtal", name_en="Mentor talk"),
            **recruitment(),
            **planning(enrolment, lab_lead, department_staff),
            **employers(enrolment, validated, lab_lead),
        },
    )


def outcomes(trainee: Any, enrolment: Any, lab_lead: Any) -> None:
    """The outcome at the end of the trainee's enrolment, their decisions about
    follow-ups (theirs, then the lab's record of a change of mind) and two follow-ups in
    the table: one answered, one cancelled."""
    outcome_services.record_outcome(
        actor=lab_lead,
        enrolment=enrolment,
        data={
            "category": "employed_it",
            "employer": "Kommunens IT-avdelning",
            "role": "Utvecklare",
        },
    )
    outcome_services.decide_follow_ups(actor=trainee, trainee=trainee, given=True, channel="page")
    outcome_services.decide_follow_ups(actor=lab_lead, trainee=trainee, given=False, channel="lab")
    FollowUp.objects.create(
        trainee=trainee,
        enrolment=enrolment,
        months_after=3,
        due_on=enrolment.ends_on,
        status=FollowUpStatus.ANSWERED,
        emails_sent=2,
        last_sent_at=timezone.now(),
        answered_at=timezone.now(),
        nonce="a" * 32,
    )
    FollowUp.objects.create(
        trainee=trainee,
        enrolment=enrolment,
        months_after=6,
        due_on=enrolment.ends_on,
        status=FollowUpStatus.CANCELLED,
        emails_sent=1,
        last_sent_at=timezone.now(),
        nonce="b" * 32,
    )


def employers(enrolment: Any, validated: SkillRecord, lab_lead: Any) -> dict[str, Any]:
    """A partner (also the outcome form's partner to choose) with an active and an
    inactive contact, an open role that requires a skill the trainee has validated and
    one they lack, and a filled role; the trainee's enrolment ending within the "ending
    soon" window, and their summary shared once (with the partner's contact)."""
    partner = PartnerFactory(name="Kodverket AB")
    contact = EmployerContactFactory(organisation=partner, name="Karin Berg")
    EmployerContactFactory(organisation=partner, name="Ivar Ek", is_active=False)
    role = OpenRoleFactory(organisation=partner, contact=contact, title="Junior utvecklare")
    RoleSkillFactory(role=role, skill=validated.skill)
    RoleSkillFactory(
        role=role,
        skill=SkillFactory(name_sv="Testtillgänglighet", name_en="Test accessibility"),
        min_level=CompetenceLevel.WORKING,
    )
    OpenRoleFactory(
        organisation=partner, contact=contact, title="Supporttekniker", status=RoleStatus.FILLED
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(
        ends_on=timezone.localdate() + datetime.timedelta(weeks=6)
    )
    SummaryShareFactory(enrolment=enrolment, contact=contact, role=role, shared_by=lab_lead)
    return {"partner": partner, "contact": contact, "role": role}


def recruitment() -> dict[str, Any]:
    """A cohort open for applications, with an applicant who chose skills."""
    recruiting = CohortFactory(
        name="Omgång Höst",
        status=CohortStatus.RECRUITING,
        starts_on=timezone.localdate() + datetime.timedelta(weeks=10),
    )
    applicant = ApplicantFactory(
        cohort=recruiting,
        full_name="Amira Haddad",
        phone="070-123 45 67",
        work_experience="Supporttekniker 2019-2022.",
        languages="svenska, arabiska, engelska",
    )
    ApplicantSkillFactory(applicant=applicant, skill=SkillFactory(name_sv="Testpython"), level=3)
    ApplicantEventFactory(applicant=applicant, from_status="", to_status="new", note="")
    return {"recruiting": recruiting, "applicant": applicant}


def planning(enrolment: Any, lab_lead: Any, department_staff: Any) -> dict[str, Any]:
    """The board: a cohort of trainees with validated skills and an idea in the backlog
    that needs some of them (as the planning tests make them); work in progress in the
    trainee's cohort, the trainee on its team, which the lab may hand over; and a plan
    not yet begun, which the lab may cancel."""
    plan = make_plan(department_staff)
    in_progress = AssignmentFactory(
        idea__department=department_staff.department,
        idea__submitted_by=department_staff,
        idea__status=IdeaStatus.IN_PROGRESS,
        idea__title="Felanmälan av gatubelysning",
        cohort=enrolment.cohort,
        status=AssignmentStatus.IN_PROGRESS,
        starts_on=timezone.localdate() - datetime.timedelta(weeks=2),
        ends_on=timezone.localdate() + datetime.timedelta(weeks=4),
        created_by=lab_lead,
    )
    AssignmentMemberFactory(assignment=in_progress, enrolment=enrolment)
    planned = AssignmentFactory(
        idea__department=department_staff.department,
        idea__submitted_by=department_staff,
        idea__status=IdeaStatus.PLANNED,
        idea__title="Bokning av besök",
        cohort=enrolment.cohort,
        status=AssignmentStatus.PLANNED,
        starts_on=timezone.localdate() + datetime.timedelta(weeks=2),
        ends_on=timezone.localdate() + datetime.timedelta(weeks=8),
        created_by=lab_lead,
    )
    return {"idea": plan.idea, "assignment": in_progress, "planned_assignment": planned}


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


def _outcome_without_employer(page: Page, world: World) -> None:
    page.locator("main form[method=post] input[name=employer]").fill("")
    _submit(page)


def _outcome_conflict(page: Page, world: World) -> None:
    page.locator("main form[method=post] input[name=role]").fill("Ny roll")
    # another tab saves the outcome meanwhile
    Outcome.objects.filter(enrolment=world.objects["enrolment"], months_after=0).update(
        version=F("version") + 1
    )
    _submit(page)
    expect(page.locator("#saved-heading")).to_be_visible()


def _share_confirmation(page: Page, world: World) -> None:
    # No error: the page that says what is sent to whom, before anything is sent.
    form = page.locator("main form[method=post]")
    form.locator("select[name=contact]").select_option(str(world.pk("contact")))
    form.locator("input[name=consent_method][value=in_person]").check()
    form.locator("button[type=submit]").first.click()
    expect(page.locator("main form[method=post] button[name=confirm]")).to_be_visible()


def _applicant_declined_without_reason(page: Page, world: World) -> None:
    # the decline asks for a reason; the server answers 400 with the page and its form
    _submit(page, "main form:has(input[name=target][value=declined])")


def _assignment_without_team(page: Page, world: World) -> None:
    form = page.locator("main form[method=post]")
    for box in form.locator("input[name=team]").all():
        box.uncheck()
    _submit(page)


def _application_without_answers(page: Page, world: World) -> None:
    # The live server sees every browser as 127.0.0.1: start this hour's count afresh,
    # or earlier tests' applications would answer 429 instead of the form.
    cache.delete(recruitment_spam.submission_key("127.0.0.1"))
    _submit(page)


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
    "outcome_without_employer": _outcome_without_employer,
    "outcome_conflict": _outcome_conflict,
    "share_confirmation": _share_confirmation,
    "applicant_declined_without_reason": _applicant_declined_without_reason,
    "assignment_without_team": _assignment_without_team,
    "application_without_answers": _application_without_answers,
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
    if role != "anonymous":
        _sign_in(page, url, request.getfixturevalue(role), role)
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
            assert response.request.redirected_from is None, f"{label}: sent to {page.url}"
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
