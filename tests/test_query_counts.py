import pytest
from django.urls import reverse

from labportal.accounts.models import Department, Invitation, Organisation, User
from labportal.core.models import AuditEntry, Skill
from tests.accounts.factories import (
    DepartmentFactory,
    InvitationFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.conftest import client_for
from tests.core.factories import AuditEntryFactory, SkillFactory
from tests.querycount import assert_bounded_queries

# Session, user, MFA check, the page's own queries and pagination: no growth with rows.
MAX_QUERIES = 14


def grow(model, factory, **kwargs):
    def grow_to(size):
        existing = model.objects.count()
        factory.create_batch(max(0, size - existing), **kwargs)

    return grow_to


@pytest.mark.parametrize(
    ("url_name", "model", "factory", "kwargs"),
    [
        ("accounts:user_list", User, UserFactory, {"role": "trainee"}),
        ("accounts:invitation_list", Invitation, InvitationFactory, {}),
        ("accounts:organisation_list", Organisation, OrganisationFactory, {}),
        ("core:skill_list", Skill, SkillFactory, {}),
        ("core:audit_list", AuditEntry, AuditEntryFactory, {}),
    ],
)
def test_list_pages_have_bounded_queries(
    django_assert_max_num_queries, admin, url_name, model, factory, kwargs
):
    assert_bounded_queries(
        django_assert_max_num_queries,
        client_for(admin),
        reverse(url_name),
        grow(model, factory, **kwargs),
        MAX_QUERIES,
    )


def test_organisation_detail_has_bounded_queries(django_assert_max_num_queries, admin):
    organisation = OrganisationFactory()

    def grow_to(size):
        existing = Department.objects.filter(organisation=organisation).count()
        DepartmentFactory.create_batch(max(0, size - existing), organisation=organisation)

    assert_bounded_queries(
        django_assert_max_num_queries,
        client_for(admin),
        reverse("accounts:organisation_detail", args=[organisation.pk]),
        grow_to,
        MAX_QUERIES,
    )


@pytest.mark.parametrize("role", ["admin", "lab_lead", "department_staff", "trainee"])
def test_start_pages_have_bounded_queries(django_assert_max_num_queries, personas, role):
    assert_bounded_queries(
        django_assert_max_num_queries,
        client_for(personas[role]),
        reverse("core:home"),
        grow(User, UserFactory, role="trainee"),
        MAX_QUERIES,
    )
