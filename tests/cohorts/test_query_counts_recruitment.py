"""The screening pages read a fixed number of queries, whether there are a few
applicants (skills, history steps) or many; so does the public application form,
whatever the size of the vocabulary."""

import pytest
from django.conf import settings
from django.urls import reverse

from cohorts.models import Applicant, ApplicantEvent, ApplicantSkill, ApplicantStatus, CohortStatus
from tests.cohorts.factories import ApplicantFactory, CohortFactory
from tests.conftest import client_for
from tests.core.factories import SkillFactory
from tests.querycount import assert_bounded_queries

# Session, user, MFA check, the page's own queries and pagination.
MAX_QUERIES = 12
STATUSES = list(ApplicantStatus.values)


@pytest.fixture
def skills(db):
    return SkillFactory.create_batch(6)


@pytest.fixture
def cohorts(db):
    return [CohortFactory(status=CohortStatus.RECRUITING) for _ in range(3)]


def grow_applicants(cohorts, skills, size):
    existing = Applicant.objects.count()
    template = ApplicantFactory.build(cohort=cohorts[0])
    applicants = Applicant.objects.bulk_create(
        Applicant(
            cohort=cohorts[index % len(cohorts)],
            full_name=f"Person {index}",
            email=f"person{index}@example.se",
            status=STATUSES[index % len(STATUSES)],
            background=template.background,
            wants_to_work_with=template.wants_to_work_with,
            consent_text=template.consent_text,
            consented_at=template.consented_at,
        )
        for index in range(existing, size)
    )
    ApplicantSkill.objects.bulk_create(
        ApplicantSkill(applicant=applicant, skill=skill, level=2)
        for applicant in applicants
        for skill in skills[:3]
    )


@pytest.mark.parametrize(
    "query", ["", "?q=person", "?status=new", "?sort=cohort", "?sort=name&page=2", "?cohort=0"]
)
def test_applicant_list_has_bounded_queries(
    django_assert_max_num_queries, lab_lead, cohorts, skills, query
):
    query = query.replace("cohort=0", f"cohort={cohorts[0].pk}")
    client, url = client_for(lab_lead), reverse("cohorts:applicant_list") + query

    assert_bounded_queries(
        django_assert_max_num_queries,
        client,
        url,
        lambda size: grow_applicants(cohorts, skills, size),
        MAX_QUERIES,
    )

    page = client.get(url).context["page"]
    if not query or "sort=name" in query:
        assert len(page.object_list) == settings.PAGE_SIZE
        assert all(applicant.skill_count == 3 for applicant in page.object_list)


def test_applicant_detail_has_bounded_queries(django_assert_max_num_queries, lab_lead, admin):
    applicant = ApplicantFactory(status=ApplicantStatus.INTERVIEWED)
    skills = SkillFactory.create_batch(60)

    def grow_to(size):
        ApplicantSkill.objects.bulk_create(
            ApplicantSkill(applicant=applicant, skill=skill, level=1 + index % 4)
            for index, skill in enumerate(skills[: size // 2])
            if not ApplicantSkill.objects.filter(applicant=applicant, skill=skill).exists()
        )
        ApplicantEvent.objects.bulk_create(
            ApplicantEvent(
                applicant=applicant,
                actor=lab_lead if index % 2 else admin,
                from_status="new",
                to_status="shortlisted",
                note=f"Steg {index}",
            )
            for index in range(applicant.events.count(), size)
        )

    client = client_for(lab_lead)
    url = reverse("cohorts:applicant_detail", args=[applicant.pk])

    assert_bounded_queries(django_assert_max_num_queries, client, url, grow_to, MAX_QUERIES)

    response = client.get(url)
    assert len(response.context["events"]) == 120
    assert len(response.context["moves"]) == 2


def test_application_form_has_bounded_queries(django_assert_max_num_queries, db):
    cohort = CohortFactory(status=CohortStatus.RECRUITING)
    client, url = client_for(None), reverse("cohorts:apply", args=[cohort.pk])

    assert_bounded_queries(
        django_assert_max_num_queries,
        client,
        url,
        lambda size: SkillFactory.create_batch(max(0, size - 10)),
        6,
    )
