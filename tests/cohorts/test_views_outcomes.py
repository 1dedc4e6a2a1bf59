"""The lab records the outcome at the end of an enrolment: who may, correcting with a
version, a conflict, refused input, and what the cohort's page shows of it (in a
fixed number of queries)."""

import datetime

import pytest
from django.urls import reverse

from cohorts.models import Enrolment
from labportal.core.models import AuditEntry
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.conftest import client_for, english
from tests.querycount import assert_bounded_queries
from trainees.models import Outcome, OutcomeCategory
from trainees.services.outcomes import record_outcome

pytestmark = pytest.mark.django_db

FORM = {
    "category": "employed_it",
    "employer": "Kommunens IT-avdelning",
    "role": "Utvecklare",
    "region": "Luleå",
    "starts_on": "2025-09-01",
    "employment_type": "permanent",
    "partner": "",
    "note": "Fick jobbet via praktiken.",
    "version": "",
}
SAVED = {
    "category": OutcomeCategory.EMPLOYED_OTHER,
    "employer": "Regionen",
    "role": "Handläggare",
}


def url(enrolment):
    return reverse("cohorts:enrolment_outcome", args=[enrolment.pk])


def cohort_url(enrolment):
    return reverse("cohorts:detail", args=[enrolment.cohort_id])


# Who may -------------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["admin", "lab_lead"])
def test_the_lab_opens_the_outcome_form(request, enrolment, persona):
    response = english(request.getfixturevalue(persona)).get(url(enrolment))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Record outcome: Tim Trainee" in html
    assert 'name="category"' in html and 'name="version"' in html


@pytest.mark.parametrize(
    "persona", ["trainee", "supervisor", "department_staff", "outsider", "other_trainee"]
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anyone_else_is_refused_and_nothing_is_written(request, enrolment, persona, method):
    client = client_for(request.getfixturevalue(persona))

    response = getattr(client, method)(url(enrolment), FORM)

    assert response.status_code == 403
    assert not Outcome.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_sent_to_sign_in(client, enrolment, method):
    response = getattr(client, method)(url(enrolment), FORM)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not Outcome.objects.exists()


def test_an_unknown_enrolment_is_404_for_the_lab(lab_lead):
    assert (
        client_for(lab_lead).get(reverse("cohorts:enrolment_outcome", args=[99999])).status_code
        == 404
    )


# Recording -----------------------------------------------------------------------------------
def test_recording_saves_the_outcome_and_returns_to_the_cohorts_trainees(lab_lead, enrolment):
    partner = OrganisationFactory(kind="partner", name="Partnerbolaget")

    response = english(lab_lead).post(url(enrolment), {**FORM, "partner": partner.pk}, follow=True)

    assert response.redirect_chain == [(cohort_url(enrolment) + "#enrolments", 302)]
    outcome = Outcome.objects.get()
    assert (outcome.enrolment, outcome.months_after) == (enrolment, 0)
    assert (outcome.employer, outcome.starts_on) == (
        "Kommunens IT-avdelning",
        datetime.date(2025, 9, 1),
    )
    assert (outcome.partner, outcome.via_lab_network) == (partner, True)
    assert outcome.recorded_by == lab_lead
    assert "The outcome of Tim Trainee is saved: Employed in the IT sector." in (
        response.content.decode()
    )
    assert AuditEntry.objects.filter(action="outcome.recorded").count() == 1


def test_the_form_offers_only_partner_organisations(lab_lead, enrolment):
    OrganisationFactory(kind="partner", name="Partnerbolaget")
    OrganisationFactory(kind="municipality", name="Grannkommunen")
    OrganisationFactory(kind="partner", name="Nedlagda AB", is_active=False)

    html = client_for(lab_lead).get(url(enrolment)).content.decode()

    assert "Partnerbolaget" in html
    assert "Grannkommunen" not in html and "Nedlagda AB" not in html


def test_a_change_is_prefilled_with_the_saved_outcome_and_its_version(lab_lead, enrolment):
    record_outcome(actor=lab_lead, enrolment=enrolment, data=SAVED)

    response = english(lab_lead).get(url(enrolment))

    html = response.content.decode()
    assert "Change outcome: Tim Trainee" in html
    assert 'value="Regionen"' in html
    assert response.context["form"]["version"].value() == 1


def test_a_correction_with_the_version_shown_is_saved(lab_lead, enrolment):
    record_outcome(actor=lab_lead, enrolment=enrolment, data=SAVED)

    response = client_for(lab_lead).post(url(enrolment), {**FORM, "version": "1"})

    assert response.status_code == 302
    outcome = Outcome.objects.get()
    assert (outcome.employer, outcome.version) == ("Kommunens IT-avdelning", 2)


def test_a_stale_version_shows_the_conflict_and_keeps_what_was_typed(admin, lab_lead, enrolment):
    record_outcome(actor=lab_lead, enrolment=enrolment, data=SAVED)
    record_outcome(
        actor=admin, enrolment=enrolment, data={**SAVED, "role": "Chef"}, expected_version=1
    )

    response = english(lab_lead).post(url(enrolment), {**FORM, "version": "1"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Someone else recorded this outcome meanwhile. Look at it again." in html
    assert 'value="Kommunens IT-avdelning"' in html  # what was typed
    assert "What is saved now" in html and "Chef" in html
    # saving again (after comparing) is based on the version now saved
    assert response.context["form"]["version"].value() == "2"
    assert Outcome.objects.get().role == "Chef"


def test_a_new_outcome_recorded_meanwhile_is_a_conflict(lab_lead, enrolment):
    client = english(lab_lead)
    client.get(url(enrolment))  # the form is opened with no outcome yet
    record_outcome(actor=lab_lead, enrolment=enrolment, data=SAVED)

    response = client.post(url(enrolment), FORM)

    assert response.status_code == 400
    assert "Someone else recorded this outcome meanwhile." in response.content.decode()
    assert Outcome.objects.get().employer == "Regionen"


def test_work_without_an_employer_is_refused_on_the_field(lab_lead, enrolment):
    response = english(lab_lead).post(url(enrolment), {**FORM, "employer": ""})

    assert response.status_code == 400
    assert response.context["form"].errors["employer"] == ["Name the employer (or the business)."]
    assert 'value="Utvecklare"' in response.content.decode()
    assert not Outcome.objects.exists()


def test_a_missing_category_is_refused_on_the_field(lab_lead, enrolment):
    response = english(lab_lead).post(url(enrolment), {**FORM, "category": ""})

    assert response.status_code == 400
    assert "category" in response.context["form"].errors
    assert not Outcome.objects.exists()


def test_job_seeking_keeps_no_employer_details(lab_lead, enrolment):
    response = client_for(lab_lead).post(url(enrolment), {**FORM, "category": "job_seeking"})

    assert response.status_code == 302
    outcome = Outcome.objects.get()
    assert (outcome.category, outcome.employer, outcome.role) == ("job_seeking", "", "")


# The cohort's page -----------------------------------------------------------------------------
def test_the_cohort_page_shows_the_outcome_and_the_links_to_the_lab(lab_lead, enrolment):
    other = Enrolment.objects.create(
        cohort=enrolment.cohort, trainee=UserFactory(role="trainee", full_name="Ulla Utan")
    )
    record_outcome(actor=lab_lead, enrolment=enrolment, data=SAVED)

    response = english(lab_lead).get(cohort_url(enrolment))

    html = response.content.decode()
    assert "Outcome at the end" in html
    assert "Employed in another sector" in html
    assert f'href="{url(enrolment)}">Change outcome' in html
    assert f'href="{url(other)}">Record outcome' in html


@pytest.mark.parametrize("persona", ["trainee", "supervisor"])
def test_the_cohort_page_shows_no_outcomes_to_others(request, lab_lead, enrolment, persona):
    record_outcome(actor=lab_lead, enrolment=enrolment, data=SAVED)

    response = english(request.getfixturevalue(persona)).get(cohort_url(enrolment))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Outcome at the end" not in html
    assert "Employed in another sector" not in html
    assert url(enrolment) not in html


# Queries ----------------------------------------------------------------------------------------
# As tests/cohorts/test_query_counts_cohorts.py, with the outcomes at the end in one more query.
MAX_QUERIES = 14


def test_the_cohort_page_with_outcomes_reads_a_bounded_number_of_queries(
    django_assert_max_num_queries, lab_lead, enrolment
):
    cohort = enrolment.cohort
    cohort.capacity = 200
    cohort.save()

    def grow_to(size):
        existing = cohort.enrolments.count()
        created = Enrolment.objects.bulk_create(
            Enrolment(
                cohort=cohort,
                trainee=UserFactory(role="trainee"),
                starts_on=cohort.starts_on,
                ends_on=cohort.ends_on,
            )
            for _ in range(existing, size)
        )
        Outcome.objects.bulk_create(
            Outcome(
                trainee_id=row.trainee_id,
                enrolment=row,
                months_after=0,
                category=OutcomeCategory.STUDIES,
                source="lab",
            )
            for row in created[::2]
        )

    assert_bounded_queries(
        django_assert_max_num_queries,
        client_for(lab_lead),
        cohort_url(enrolment),
        grow_to,
        MAX_QUERIES,
    )
