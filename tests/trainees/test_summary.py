"""The end-of-programme summary: a PDF a trainee hands to an employer, in Swedish or
English, with the period, prototypes, validated skills (and how), milestones reached,
hours and the lab's reference contact. The PDF's text is read back with pypdf."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateformat import format as format_date
from pypdf import PdfReader

from labportal.core.models import AuditEntry
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.core.factories import SkillFactory
from tests.prototypes.factories import IdeaFactory
from tests.trainees.factories import (
    MilestoneFactory,
    ProgressLogFactory,
    SkillRecordFactory,
    TraineeProfileFactory,
    last_monday,
)
from trainees.models import (
    CompetenceLevel,
    MilestoneStatus,
    MilestoneType,
    ValidationMethod,
)
from trainees.services.summary import EN_DASH, MAX_PROTOTYPES, summarise_journey

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    """The PDF's text with runs of whitespace made single spaces (lines wrap anywhere)."""
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def long_date(day: datetime.date, language: str) -> str:
    with translation.override(language):
        return format_date(day, "j F Y")


def summary_url(trainee, language: str | None = None) -> str:
    url = reverse("trainees:summary", args=[trainee.pk])
    return f"{url}?lang={language}" if language else url


@pytest.fixture
def journey(trainee, enrolment, lab_lead):
    """The `trainee` persona 20 weeks into a running cohort: a validated skill, a skill
    only self-assessed, a done and a planned milestone, logs naming prototypes, and
    a named reference contact."""
    reference = UserFactory(role="lab_lead", full_name="Rut Referens", email="rut@labbet.se")
    TraineeProfileFactory(user=trainee, reference_contact=reference)
    validated = SkillRecordFactory(
        trainee=trainee,
        skill=SkillFactory(name_sv="Kartor i QGIS", name_en="Maps in QGIS"),
        self_level=CompetenceLevel.WORKING,
        validated_level=CompetenceLevel.INDEPENDENT,
        validation_method=ValidationMethod.TASK,
        validated_by=lab_lead,
        validated_at=timezone.now() - datetime.timedelta(days=3),
    )
    SkillRecordFactory(
        trainee=trainee,
        skill=SkillFactory(name_sv="Kvantdatorer", name_en="Quantum computing"),
        self_level=CompetenceLevel.ADVANCED,
    )
    done = MilestoneFactory(
        trainee=trainee,
        type=MilestoneType.objects.get(name_en="CV reviewed"),
        status=MilestoneStatus.DONE,
        done_at=timezone.now() - datetime.timedelta(days=10),
    )
    MilestoneFactory(
        trainee=trainee,
        type=MilestoneType.objects.get(name_en="Interview training done"),
        status=MilestoneStatus.PLANNED,
    )
    ProgressLogFactory(
        trainee=trainee,
        enrolment=enrolment,
        week=last_monday(2),
        hours_practical=Decimal(30),
        hours_education=Decimal(10),
        prototypes_text="Bokningsapp för idrottshallar\n- Chattbot för bygglov",
    )
    ProgressLogFactory(
        trainee=trainee,
        enrolment=enrolment,
        week=last_monday(1),
        hours_practical=Decimal("34.5"),
        hours_education=Decimal(6),
        prototypes_text="bokningsapp för  idrottshallar\n\n",
    )
    return {"enrolment": enrolment, "skill": validated, "milestone": done, "reference": reference}


def test_summary_pdf_in_swedish_has_period_skill_milestone_and_contact(trainee, journey):
    # given
    enrolment = journey["enrolment"]
    # when
    response = client_for(trainee).get(summary_url(trainee, "sv"))
    # then
    assert response.status_code == 200
    text = pdf_text(response)
    assert "Tim Trainee" in text
    period = f"{long_date(enrolment.start, 'sv')} {EN_DASH} {long_date(enrolment.end, 'sv')}"
    assert period in text
    assert enrolment.cohort.name in text
    assert "Kartor i QGIS" in text
    assert "Färdigheter som labbet har validerat" in text
    assert "Praktisk uppgift" in text  # the method, in Swedish
    assert "CV granskat" in text
    assert "Rut Referens" in text and "rut@labbet.se" in text
    assert "Bokningsapp för idrottshallar" in text and "Chattbot för bygglov" in text
    assert "64,5 h" in text and "16 h" in text  # practical and education in total
    assert enrolment.cohort.organisation.name in text  # in the footer
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="sammanfattning-tim-trainee.pdf"' in disposition


def test_summary_pdf_in_english_has_period_skill_milestone_and_contact(trainee, journey):
    enrolment = journey["enrolment"]

    response = client_for(trainee).get(summary_url(trainee, "en"))

    assert response.status_code == 200
    text = pdf_text(response)
    period = f"{long_date(enrolment.start, 'en')} {EN_DASH} {long_date(enrolment.end, 'en')}"
    assert period in text
    assert "Maps in QGIS" in text
    assert "Practical task" in text
    assert "CV reviewed" in text
    assert "Rut Referens" in text and "rut@labbet.se" in text
    assert "Programme summary" in text
    assert "Skills validated by the lab" in text
    assert "Kartor i QGIS" not in text
    assert 'filename="summary-tim-trainee.pdf"' in response["Content-Disposition"]


def test_summary_pdf_leaves_out_self_assessed_skills_and_open_milestones(trainee, journey):
    for language in ("sv", "en"):
        text = pdf_text(client_for(trainee).get(summary_url(trainee, language)))

        assert "Kvantdatorer" not in text and "Quantum computing" not in text
        assert "Intervjuträning" not in text and "Interview training" not in text


def test_summary_pdf_is_in_the_trainees_language_unless_asked(trainee, journey):
    trainee.language = "en"
    trainee.save(update_fields=["language"])

    default = client_for(trainee).get(summary_url(trainee))
    unknown = client_for(trainee).get(summary_url(trainee, "de"))

    assert "Maps in QGIS" in pdf_text(default)
    assert "Maps in QGIS" in pdf_text(unknown)
    assert default["Content-Language"] == "en"


def test_summary_pdf_for_the_lab_is_the_trainees_and_is_audited(lab_lead, trainee, journey):
    response = client_for(lab_lead).get(summary_url(trainee, "sv"))

    assert response.status_code == 200
    assert "Tim Trainee" in pdf_text(response)
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action="trainee.summary_downloaded")
    assert entry.actor == lab_lead
    assert entry.object_type == "accounts.user"
    assert entry.object_id == str(trainee.pk)
    assert entry.details == {"language": "sv"}


def test_summary_pdf_shows_no_internal_ids(trainee, journey):
    text = pdf_text(client_for(trainee).get(summary_url(trainee, "sv")))

    assert f"/{trainee.pk}/" not in text
    assert "http" not in text


def test_summary_contact_is_the_cohorts_lab_lead_when_none_is_named(trainee, enrolment):
    lead = UserFactory(role="lab_lead", full_name="Lisa Ledare", email="lisa@labbet.se")
    enrolment.cohort.lab_lead = lead
    enrolment.cohort.save()

    text = pdf_text(client_for(trainee).get(summary_url(trainee, "sv")))

    assert "Lisa Ledare" in text and "lisa@labbet.se" in text


def test_summary_prototypes_are_deduplicated_linked_ideas_first_and_capped(trainee, enrolment):
    # given: one idea linked on the oldest log and named again by hand; 14 typed names
    idea = IdeaFactory(title="Digital bygglovsansökan")
    linked = ProgressLogFactory(
        trainee=trainee, week=last_monday(20), prototypes_text="digital  bygglovsansökan"
    )
    linked.prototypes.add(idea)
    ProgressLogFactory(
        trainee=trainee, week=last_monday(19), prototypes_text="Digital bygglovsansökan"
    )
    for weeks_ago in range(1, 15):
        ProgressLogFactory(
            trainee=trainee,
            week=last_monday(weeks_ago),
            prototypes_text=f"* Prototyp {weeks_ago}\n",
        )

    # when
    summary = summarise_journey(trainee)

    # then: the idea (two weeks) and the nine most recent typed names, oldest first
    assert summary.prototypes == [
        f"Digital bygglovsansökan {EN_DASH} {idea.department.name}",
        *(f"Prototyp {weeks_ago}" for weeks_ago in range(9, 0, -1)),
    ]
    assert summary.prototypes_not_shown == 15 - MAX_PROTOTYPES


def test_summary_page_offers_both_languages_and_shows_the_content(trainee, journey):
    response = client_for(trainee).get(reverse("trainees:summary_page", args=[trainee.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert f"{summary_url(trainee, 'sv')}" in content
    assert f"{summary_url(trainee, 'en')}" in content
    assert "Kartor i QGIS" in content
    assert "Kvantdatorer" not in content
    assert not AuditEntry.objects.filter(action="trainee.summary_downloaded").exists()


def test_summary_page_names_what_is_missing(trainee):
    response = client_for(trainee).get(reverse("trainees:summary_page", args=[trainee.pk]))

    assert response.status_code == 200
    assert response.context["gaps"]
    assert len(response.context["gaps"]) == 5


def test_summary_pdf_without_any_journey_still_renders(trainee):
    response = client_for(trainee).get(summary_url(trainee, "en"))

    assert response.status_code == 200
    assert "Tim Trainee" in pdf_text(response)
