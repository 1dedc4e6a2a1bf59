"""The employer partners' pages: the lab's only (anyone else 403, anonymous visitors sent
to sign in); contacts, roles and their status through the pages; the "ending soon"
page; sharing a summary through a confirmation that says what is sent to whom; the
public link without an account. The partners' list and the "ending soon" page read a
fixed number of queries at two data sizes."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cohorts.models import (
    ConsentMethod,
    EmployerContact,
    OpenRole,
    RoleSkill,
    RoleStatus,
    SummaryShare,
)
from cohorts.services.placement_links import share_token
from labportal.core.models import OutboxEmail
from tests.accounts.factories import OrganisationFactory
from tests.cohorts.factories import CohortFactory, EnrolmentFactory
from tests.cohorts.factories_employers import (
    EmployerContactFactory,
    OpenRoleFactory,
    PartnerFactory,
    RoleSkillFactory,
    SummaryShareFactory,
)
from tests.conftest import client_for, english
from tests.core.factories import SkillFactory
from tests.querycount import assert_bounded_queries
from tests.trainees.factories import SkillRecordFactory

pytestmark = pytest.mark.django_db

LAB = ["admin", "lab_lead"]
OTHERS = ["trainee", "supervisor", "department_staff", "outsider"]
# Session, user, MFA check, the page's own queries (8 today) and a little slack.
MAX_QUERIES = 10


@pytest.fixture
def world(enrolment):
    """A partner with a contact and an open role, and the `trainee` persona's enrolment
    ending in three weeks."""
    enrolment.ends_on = timezone.localdate() + datetime.timedelta(weeks=3)
    enrolment.save()
    partner = PartnerFactory(name="Kodverket AB")
    contact = EmployerContactFactory(organisation=partner, name="Karin Berg")
    role = OpenRoleFactory(organisation=partner, contact=contact, title="Junior developer")
    return {"partner": partner, "contact": contact, "role": role, "enrolment": enrolment}


def lab_pages(world):
    partner, contact, role = world["partner"], world["contact"], world["role"]
    return [
        reverse("cohorts:employer_list"),
        reverse("cohorts:employer_contact_create", args=[partner.pk]),
        reverse("cohorts:employer_contact_update", args=[contact.pk]),
        reverse("cohorts:employer_role_create", args=[partner.pk]),
        reverse("cohorts:employer_role_update", args=[role.pk]),
        reverse("cohorts:employer_role_status", args=[role.pk]) + "?target=closed",
        reverse("cohorts:placement"),
        reverse("cohorts:share_summary", args=[world["enrolment"].pk]),
    ]


# Who may ------------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", LAB)
def test_lab_opens_every_page(request, world, persona):
    client = client_for(request.getfixturevalue(persona))

    for url in lab_pages(world):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", OTHERS)
def test_everyone_else_is_refused_every_page(request, world, persona):
    client = client_for(request.getfixturevalue(persona))

    for url in lab_pages(world):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"name": "x"}).status_code == 403, url
    assert EmployerContact.objects.count() == 1
    assert not SummaryShare.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(world):
    client = Client()

    for url in lab_pages(world):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url


def test_lab_gets_404_for_an_organisation_that_is_not_a_partner(lab_lead):
    municipality = OrganisationFactory(kind="municipality")

    response = client_for(lab_lead).get(
        reverse("cohorts:employer_contact_create", args=[municipality.pk])
    )

    assert response.status_code == 404


def test_menu_offers_employers_and_ending_soon_to_the_lab_only(lab_lead, trainee):
    page = english(lab_lead).get(reverse("core:home")).content.decode()
    assert reverse("cohorts:employer_list") in page
    assert reverse("cohorts:placement") in page

    page = english(trainee).get(reverse("core:home")).content.decode()
    assert reverse("cohorts:employer_list") not in page
    assert reverse("cohorts:placement") not in page


# Contacts and roles --------------------------------------------------------------------------
def test_lab_adds_and_edits_a_contact(lab_lead, world):
    client = client_for(lab_lead)
    partner = world["partner"]

    response = client.post(
        reverse("cohorts:employer_contact_create", args=[partner.pk]),
        {"name": "Omar Said", "email": "omar@kodverket.example.se", "is_active": "on"},
    )

    assert response.status_code == 302
    contact = EmployerContact.objects.get(name="Omar Said")
    response = client.post(
        reverse("cohorts:employer_contact_update", args=[contact.pk]),
        {"name": "Omar Said", "email": "omar@kodverket.example.se", "version": 1},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert not contact.is_active


def test_contact_form_keeps_the_answers_on_a_stale_version(lab_lead, world):
    contact = world["contact"]
    EmployerContact.objects.filter(pk=contact.pk).update(version=2)

    response = english(lab_lead).post(
        reverse("cohorts:employer_contact_update", args=[contact.pk]),
        {"name": "New Name", "email": contact.email, "version": 1, "is_active": "on"},
    )

    assert response.status_code == 200
    assert "Someone else changed this contact" in response.content.decode()
    assert "New Name" in response.content.decode()
    contact.refresh_from_db()
    assert contact.name == "Karin Berg"


def test_lab_adds_a_role_with_required_skills(lab_lead, world):
    python, sql = SkillFactory(), SkillFactory()
    closes_on = timezone.localdate() + datetime.timedelta(days=20)

    response = client_for(lab_lead).post(
        reverse("cohorts:employer_role_create", args=[world["partner"].pk]),
        {
            "title": "Data analyst",
            "closes_on": closes_on.isoformat(),
            "contact": world["contact"].pk,
            f"skill_{python.pk}": "3",
            f"skill_{sql.pk}": "any",
        },
    )

    assert response.status_code == 302
    role = OpenRole.objects.get(title="Data analyst")
    assert dict(RoleSkill.objects.filter(role=role).values_list("skill_id", "min_level")) == {
        python.pk: 3,
        sql.pk: None,
    }


def test_role_form_offers_only_the_organisations_active_contacts(lab_lead, world):
    EmployerContactFactory(organisation=world["partner"], name="Gone Person", is_active=False)
    EmployerContactFactory(name="Elsewhere Person")

    page = client_for(lab_lead).get(
        reverse("cohorts:employer_role_create", args=[world["partner"].pk])
    )

    html = page.content.decode()
    assert "Karin Berg" in html
    assert "Gone Person" not in html
    assert "Elsewhere Person" not in html


def test_closing_a_role_asks_first_then_closes_it(lab_lead, world):
    role = world["role"]
    client = english(lab_lead)
    url = reverse("cohorts:employer_role_status", args=[role.pk])

    page = client.get(f"{url}?target=closed")
    role.refresh_from_db()
    assert role.status == RoleStatus.OPEN
    assert "no longer matched" in page.content.decode()

    response = client.post(url, {"target": "closed", "version": 1})
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.status == RoleStatus.CLOSED


def test_a_move_the_table_lacks_comes_back_as_a_message(lab_lead, world):
    role = world["role"]
    role.status = RoleStatus.CLOSED
    role.save()

    response = english(lab_lead).post(
        reverse("cohorts:employer_role_status", args=[role.pk]),
        {"target": "filled", "version": 1},
        follow=True,
    )

    assert "cannot become" in response.content.decode()
    role.refresh_from_db()
    assert role.status == RoleStatus.CLOSED


def test_partner_list_searches_by_name_and_shows_contacts_and_roles(lab_lead, world):
    PartnerFactory(name="Molnbolaget AB")

    html = client_for(lab_lead).get(reverse("cohorts:employer_list") + "?q=kodverk").content
    html = html.decode()

    assert "Kodverket AB" in html
    assert "Molnbolaget AB" not in html
    assert "Karin Berg" in html
    assert "Junior developer" in html


# Ending soon and sharing ---------------------------------------------------------------------
def test_ending_soon_shows_the_trainee_their_best_role_and_what_is_missing(lab_lead, world):
    skill, missing = SkillFactory(name_en="Test Django"), SkillFactory(name_en="Test Docker")
    RoleSkillFactory(role=world["role"], skill=skill)
    RoleSkillFactory(role=world["role"], skill=missing)
    SkillRecordFactory(
        trainee=world["enrolment"].trainee,
        skill=skill,
        self_level=4,
        validated_level=4,
        validated_at=timezone.now(),
    )

    html = english(lab_lead).get(reverse("cohorts:placement")).content.decode()

    assert "Tim Trainee" in html
    assert "Junior developer" in html
    assert "50 %" in html
    assert "Test Docker" in html
    assert reverse("cohorts:share_summary", args=[world["enrolment"].pk]) in html


def share_data(world, **changes):
    data = {
        "contact": world["contact"].pk,
        "role": world["role"].pk,
        "language": "en",
        "consent_method": ConsentMethod.IN_PERSON,
        "consent_given_on": timezone.localdate().isoformat(),
        "consent_note": "Agreed at the coaching meeting.",
    }
    return {**data, **changes}


def test_share_confirms_what_is_sent_to_whom_before_sending(lab_lead, world):
    client = english(lab_lead)
    url = reverse("cohorts:share_summary", args=[world["enrolment"].pk])

    page = client.post(url, share_data(world))

    html = page.content.decode()
    assert page.status_code == 200
    assert "Karin Berg" in html
    assert world["contact"].email in html
    assert "Tim Trainee" in html
    assert "Junior developer" in html
    assert not SummaryShare.objects.exists()
    assert not OutboxEmail.objects.exists()

    response = client.post(url, {**share_data(world), "confirm": "1"})

    assert response.status_code == 302
    assert response.url == reverse("cohorts:placement")
    shared = SummaryShare.objects.get()
    assert shared.contact == world["contact"]
    assert OutboxEmail.objects.filter(key=f"summary-share:{shared.pk}").count() == 1


def test_share_with_a_future_consent_day_is_refused_in_the_form(lab_lead, world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = english(lab_lead).post(
        reverse("cohorts:share_summary", args=[world["enrolment"].pk]),
        {**share_data(world, consent_given_on=tomorrow.isoformat()), "confirm": "1"},
    )

    assert response.status_code == 200
    assert "choose today or an earlier day" in response.content.decode()
    assert not SummaryShare.objects.exists()
    assert not OutboxEmail.objects.exists()


def test_share_without_a_consent_method_is_refused(lab_lead, world):
    response = client_for(lab_lead).post(
        reverse("cohorts:share_summary", args=[world["enrolment"].pk]),
        {**share_data(world, consent_method=""), "confirm": "1"},
    )

    assert response.status_code == 200
    assert not SummaryShare.objects.exists()


def test_share_form_does_not_offer_an_inactive_contact(lab_lead, world):
    EmployerContactFactory(organisation=world["partner"], name="Gone Person", is_active=False)

    html = client_for(lab_lead).get(reverse("cohorts:share_summary", args=[world["enrolment"].pk]))

    assert "Gone Person" not in html.content.decode()


def test_public_link_works_without_an_account_and_for_anyone_signed_in(world, department_staff):
    shared = SummaryShareFactory(enrolment=world["enrolment"], contact=world["contact"])
    url = reverse("cohorts:shared_summary", args=[share_token(shared)])

    for client in (Client(), client_for(department_staff)):
        response = client.get(url)
        assert response.status_code == 200
        assert response.content.startswith(b"%PDF")
        assert "no-store" in response["Cache-Control"]
        assert response["Content-Disposition"].startswith("attachment")

    shared.refresh_from_db()
    assert shared.downloads == 2


def test_expired_and_tampered_links_get_a_page_that_says_so(world):
    shared = SummaryShareFactory(
        enrolment=world["enrolment"],
        contact=world["contact"],
        expires_at=timezone.now() - datetime.timedelta(days=1),
    )
    visitor = Client(HTTP_ACCEPT_LANGUAGE="en")

    expired = visitor.get(reverse("cohorts:shared_summary", args=[share_token(shared)]))
    tampered = visitor.get(reverse("cohorts:shared_summary", args=[share_token(shared) + "x"]))

    assert expired.status_code == 410
    assert "This link has expired" in expired.content.decode()
    assert tampered.status_code == 404
    assert "This link does not work" in tampered.content.decode()


# Query counts --------------------------------------------------------------------------------
def test_partner_list_has_bounded_queries(django_assert_max_num_queries, lab_lead):
    skills = SkillFactory.create_batch(3)

    def grow_to(size):
        for index in range(EmployerContact.objects.count(), size):
            partner = PartnerFactory()
            EmployerContactFactory(organisation=partner)
            EmployerContactFactory(organisation=partner, is_active=index % 2 == 0)
            role = OpenRoleFactory(organisation=partner)
            for skill in skills:
                RoleSkillFactory(role=role, skill=skill, min_level=2)
            OpenRoleFactory(organisation=partner, status=RoleStatus.FILLED)

    client, url = client_for(lab_lead), reverse("cohorts:employer_list")

    assert_bounded_queries(django_assert_max_num_queries, client, url, grow_to, MAX_QUERIES)

    page = client.get(url).context["page"]
    assert len(page.object_list) == settings.PAGE_SIZE


@pytest.mark.parametrize("query", ["", "?sort=match", "?sort=name&page=2"])
def test_ending_soon_has_bounded_queries(django_assert_max_num_queries, lab_lead, query):
    skills = SkillFactory.create_batch(4)
    today = timezone.localdate()

    def grow_to(size):
        for index in range(SummaryShare.objects.count(), size):
            ends_on = today + datetime.timedelta(days=1 + index % 50)
            cohort = CohortFactory(
                starts_on=ends_on - datetime.timedelta(days=180), ends_on=ends_on
            )
            enrolment = EnrolmentFactory(cohort=cohort)
            for skill in skills[: index % 4]:
                SkillRecordFactory(
                    trainee=enrolment.trainee,
                    skill=skill,
                    validated_level=1 + index % 4,
                    validated_at=timezone.now(),
                )
            role = OpenRoleFactory(closes_on=today + datetime.timedelta(days=40))
            for skill in skills[index % 3 :]:
                RoleSkillFactory(role=role, skill=skill)
            SummaryShareFactory(enrolment=enrolment)

    client, url = client_for(lab_lead), reverse("cohorts:placement") + query

    assert_bounded_queries(
        django_assert_max_num_queries, client, url, grow_to, MAX_QUERIES, sizes=(5, 40)
    )

    page = client.get(url).context["page"]
    assert page.object_list


# The trainee's own page ----------------------------------------------------------------------
def test_trainee_sees_on_their_outcome_page_which_contacts_got_their_summary(
    world, trainee, other_trainee
):
    SummaryShareFactory(enrolment=world["enrolment"], contact=world["contact"], role=world["role"])
    SummaryShareFactory(
        enrolment=EnrolmentFactory(trainee=other_trainee),
        contact=EmployerContactFactory(name="Not Mine"),
    )

    html = english(trainee).get(reverse("trainees:outcomes", args=[trainee.pk])).content.decode()

    assert "Karin Berg" in html
    assert "Kodverket AB" in html
    assert "Junior developer" in html
    assert "Not Mine" not in html
