"""The plan of a cohort as a one-page PDF for the department meeting, in Swedish or
English: the cohort and its dates, trainees with their own dates and rotation periods,
assignments with idea, team, dates and status. Its text is read back with pypdf."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, translation
from pypdf import PdfReader

from cohorts.models import AssignmentMember, AssignmentStatus
from cohorts.services.cohort_plan import plan_of_cohort
from labportal.core.models import AuditEntry
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.cohorts.factories import (
    AssignmentFactory,
    CohortFactory,
    EnrolmentFactory,
    RotationPeriodFactory,
)
from tests.conftest import client_for
from tests.prototypes.factories import IdeaFactory

pytestmark = pytest.mark.django_db

DASH = "\N{EN DASH}"
START = datetime.date(2031, 2, 3)
END = datetime.date(2031, 8, 29)


def pdf_of(response) -> PdfReader:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def text_of(reader: PdfReader) -> str:
    """The text with runs of whitespace made single spaces (lines wrap anywhere)."""
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def short(day: datetime.date, language: str) -> str:
    with translation.override(language):
        return formats.date_format(day, "SHORT_DATE_FORMAT")


def sv(text: str) -> str:
    with translation.override("sv"):
        return translation.gettext(text)


def plan_url(cohort, language=None):
    url = reverse("cohorts:plan_pdf", args=[cohort.pk])
    return f"{url}?lang={language}" if language else url


@pytest.fixture
def cohort(lab_lead):
    cohort = CohortFactory(
        name="Omgång Vår",
        organisation=OrganisationFactory(name="Växjö kommun"),
        starts_on=START,
        ends_on=END,
        lab_lead=lab_lead,
    )
    cohort.supervisors.add(UserFactory(role="supervisor", full_name="Sven Handledare"))
    return cohort


@pytest.fixture
def plan(cohort):
    """Twelve trainees (one joins late, one rotates to a smaller municipality), an
    assignment in progress for two of them and a cancelled one."""
    enrolments = [
        EnrolmentFactory(
            cohort=cohort, trainee=UserFactory(role="trainee", full_name=f"Trainee {n:02d}")
        )
        for n in range(11)
    ]
    late = EnrolmentFactory(
        cohort=cohort,
        trainee=UserFactory(role="trainee", full_name="Åsa Sen"),
        starts_on=START + datetime.timedelta(days=28),
    )
    rotation = RotationPeriodFactory(
        enrolment=late,
        organisation=OrganisationFactory(name="Lessebo kommun", kind="municipality"),
        starts_on=START + datetime.timedelta(days=60),
        ends_on=START + datetime.timedelta(days=88),
    )
    idea = IdeaFactory(title="Bokningsapp för idrottshallar", status="in_progress")
    assignment = AssignmentFactory(
        idea=idea, cohort=cohort, status=AssignmentStatus.IN_PROGRESS, starts_on=START
    )
    AssignmentMember.objects.create(assignment=assignment, enrolment=late)
    AssignmentMember.objects.create(assignment=assignment, enrolment=enrolments[0])
    AssignmentFactory(
        idea=IdeaFactory(title="Inställd idé", status="accepted"),
        cohort=cohort,
        status=AssignmentStatus.CANCELLED,
    )
    return {"late": late, "rotation": rotation, "assignment": assignment, "idea": idea}


def test_plan_in_swedish_on_one_page(lab_lead, cohort, plan):
    response = client_for(lab_lead).get(plan_url(cohort, "sv"))

    reader = pdf_of(response)
    text = text_of(reader)
    assert len(reader.pages) == 1
    assert "Omgång Vår" in text and "Växjö kommun" in text
    assert sv("Cohort plan") in text
    assert f"3 februari 2031 {DASH} 29 augusti 2031" in text
    assert "Trainee 00" in text and "Trainee 10" in text and "Åsa Sen" in text
    late = plan["late"]
    assert f"{short(late.starts_on, 'sv')} {DASH} {short(late.ends_on, 'sv')}" in text
    assert "Lessebo kommun" in text
    assert "Bokningsapp för idrottshallar" in text
    assert plan["idea"].department.name in text
    assert "Åsa Sen, Trainee 00" in text or "Trainee 00, Åsa Sen" in text
    assert sv("In progress") in text
    assert "Inställd idé" not in text
    assert "Sven Handledare" in text and "Leo Labbansvarig" in text
    assert response["Content-Language"] == "sv"
    assert "no-store" in response["Cache-Control"]


def test_plan_in_english(lab_lead, cohort, plan):
    response = client_for(lab_lead).get(plan_url(cohort, "en"))

    text = text_of(pdf_of(response))
    assert "Cohort plan" in text
    assert f"3 February 2031 {DASH} 29 August 2031" in text
    assert "Trainees" in text and "Assignments" in text
    assert "joins late" in text
    assert "In progress" in text
    assert response["Content-Language"] == "en"
    assert 'filename="cohort-plan-omgang-var.pdf"' in response["Content-Disposition"]


def test_plan_in_the_users_language_by_default(lab_lead, cohort):
    lab_lead.language = "en"
    lab_lead.save(update_fields=["language"])

    response = client_for(lab_lead).get(plan_url(cohort, "xx"))

    assert response["Content-Language"] == "en"
    assert "No trainees are enrolled yet." in text_of(pdf_of(response))


def test_every_download_is_audited(admin, cohort):
    client_for(admin).get(plan_url(cohort, "sv"))

    entry = AuditEntry.objects.get(action="cohort.plan_downloaded")
    assert (entry.actor, entry.object_id, entry.details) == (
        admin,
        str(cohort.pk),
        {"language": "sv"},
    )


def test_a_trainee_of_the_cohort_cannot_download_it(trainee, cohort):
    EnrolmentFactory(cohort=cohort, trainee=trainee)

    response = client_for(trainee).get(plan_url(cohort, "sv"))

    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="cohort.plan_downloaded").exists()


def test_the_plan_is_read_in_a_fixed_number_of_queries(cohort, plan):
    def count():
        with CaptureQueriesContext(connection) as queries:
            plan_of_cohort(cohort)
        return len(queries)

    small = count()
    for _ in range(15):
        enrolment = EnrolmentFactory(cohort=cohort)
        RotationPeriodFactory(enrolment=enrolment)
        assignment = AssignmentFactory(cohort=cohort)
        AssignmentMember.objects.create(assignment=assignment, enrolment=enrolment)

    assert count() == small == 7
