"""The employer partners' services: contacts and open roles of active partner
organisations only, a role's contact of the same organisation, required skills with
their minimum levels, versions against lost updates, status moves through
`ROLE_MOVES` only. The lab only; every write audited, nothing half-saved."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from cohorts import workflow
from cohorts.models import EmployerContact, OpenRole, RoleSkill, RoleStatus
from cohorts.services import employers as services
from labportal.core.models import AuditEntry
from tests.accounts.factories import OrganisationFactory
from tests.cohorts.factories_employers import (
    EmployerContactFactory,
    OpenRoleFactory,
    PartnerFactory,
    RoleSkillFactory,
)
from tests.core.factories import SkillFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def partner():
    return PartnerFactory(name="Kodverket AB")


def contact_data(**changes):
    data = {
        "name": "Karin Berg",
        "title": "Head of development",
        "email": "Karin.Berg@Kodverket.example.se",
        "phone": "0470-123 45",
        "notes": "Prefers email.",
        "is_active": True,
    }
    return {**data, **changes}


def role_data(**changes):
    data = {
        "title": "Junior developer",
        "description": "Web development in a small team.",
        "region": "Växjö",
        "closes_on": timezone.localdate() + datetime.timedelta(days=30),
        "contact": None,
    }
    return {**data, **changes}


def audit_actions(obj):
    return list(
        AuditEntry.objects.filter(object_id=str(obj.pk), object_type=obj._meta.label_lower)
        .order_by("pk")
        .values_list("action", flat=True)
    )


# Contacts ----------------------------------------------------------------------------------
def test_create_contact_saves_the_contact_of_a_partner_with_an_audit_row(lab_lead, partner):
    contact = services.create_contact(actor=lab_lead, organisation=partner, data=contact_data())

    contact.refresh_from_db()
    assert contact.organisation == partner
    assert contact.email == "karin.berg@kodverket.example.se"
    assert contact.is_active
    assert audit_actions(contact) == ["employer_contact.created"]


@pytest.mark.parametrize("kind", ["municipality", "region"])
def test_create_contact_refuses_an_organisation_that_is_not_a_partner(lab_lead, kind):
    organisation = OrganisationFactory(kind=kind)

    with pytest.raises(ValidationError) as error:
        services.create_contact(actor=lab_lead, organisation=organisation, data=contact_data())

    assert error.value.code == "not_a_partner"
    assert not EmployerContact.objects.exists()


def test_create_contact_refuses_an_inactive_partner(lab_lead):
    partner = PartnerFactory(is_active=False)

    with pytest.raises(ValidationError):
        services.create_contact(actor=lab_lead, organisation=partner, data=contact_data())

    assert not EmployerContact.objects.exists()


@pytest.mark.parametrize("persona", ["trainee", "department_staff", "supervisor"])
def test_create_contact_is_the_labs_only(request, partner, persona):
    with pytest.raises(PermissionDenied):
        services.create_contact(
            actor=request.getfixturevalue(persona), organisation=partner, data=contact_data()
        )

    assert not EmployerContact.objects.exists()


def test_create_contact_refuses_an_address_the_organisation_has(lab_lead, partner):
    EmployerContactFactory(organisation=partner, email="karin.berg@kodverket.example.se")

    with pytest.raises(ValidationError) as error:
        services.create_contact(actor=lab_lead, organisation=partner, data=contact_data())

    assert "email" in error.value.error_dict
    assert EmployerContact.objects.count() == 1


def test_the_same_address_may_be_a_contact_at_two_partners(lab_lead, partner):
    EmployerContactFactory(email="karin.berg@kodverket.example.se")

    services.create_contact(actor=lab_lead, organisation=partner, data=contact_data())

    assert EmployerContact.objects.count() == 2


def test_update_contact_saves_and_audits_the_changed_fields(admin, partner):
    contact = EmployerContactFactory(organisation=partner)

    services.update_contact(
        actor=admin,
        contact=contact,
        data=contact_data(name=contact.name, email=contact.email, is_active=False),
        expected_version=1,
    )

    contact.refresh_from_db()
    assert not contact.is_active
    assert contact.version == 2
    entry = AuditEntry.objects.get(action="employer_contact.updated")
    assert "is_active" in entry.details["fields"]
    assert "name" not in entry.details["fields"]


def test_update_contact_refuses_a_page_older_than_the_row(lab_lead, partner):
    contact = EmployerContactFactory(organisation=partner, name="Karin Berg")
    services.update_contact(
        actor=lab_lead, contact=contact, data={"title": "CTO"}, expected_version=1
    )

    with pytest.raises(ValidationError) as error:
        services.update_contact(
            actor=lab_lead, contact=contact, data={"name": "Someone Else"}, expected_version=1
        )

    assert error.value.code == "conflict"
    contact.refresh_from_db()
    assert contact.name == "Karin Berg"
    assert contact.title == "CTO"


# Roles -------------------------------------------------------------------------------------
def test_create_role_saves_its_required_skills_and_minimum_levels(lab_lead, partner):
    python, sql = SkillFactory(), SkillFactory()
    contact = EmployerContactFactory(organisation=partner)

    role = services.create_role(
        actor=lab_lead,
        organisation=partner,
        data=role_data(contact=contact),
        requirements={python.pk: 3, sql.pk: None},
    )

    role.refresh_from_db()
    assert role.status == RoleStatus.OPEN
    assert role.created_by == lab_lead
    assert role.contact == contact
    assert dict(role.requirements.values_list("skill_id", "min_level")) == {
        python.pk: 3,
        sql.pk: None,
    }
    assert audit_actions(role) == ["open_role.created"]


def test_create_role_refuses_a_contact_of_another_organisation(lab_lead, partner):
    elsewhere = EmployerContactFactory()

    with pytest.raises(ValidationError) as error:
        services.create_role(
            actor=lab_lead, organisation=partner, data=role_data(contact=elsewhere), requirements={}
        )

    assert "contact" in error.value.error_dict
    assert not OpenRole.objects.exists()


def test_create_role_refuses_an_inactive_contact(lab_lead, partner):
    contact = EmployerContactFactory(organisation=partner, is_active=False)

    with pytest.raises(ValidationError) as error:
        services.create_role(
            actor=lab_lead, organisation=partner, data=role_data(contact=contact), requirements={}
        )

    assert "contact" in error.value.error_dict


def test_create_role_refuses_a_closing_day_in_the_past(lab_lead, partner):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    with pytest.raises(ValidationError) as error:
        services.create_role(
            actor=lab_lead,
            organisation=partner,
            data=role_data(closes_on=yesterday),
            requirements={},
        )

    assert "closes_on" in error.value.error_dict
    assert not OpenRole.objects.exists()


def test_create_role_refuses_a_level_outside_1_to_4(lab_lead, partner):
    skill = SkillFactory()

    with pytest.raises(ValidationError):
        services.create_role(
            actor=lab_lead, organisation=partner, data=role_data(), requirements={skill.pk: 7}
        )

    assert not OpenRole.objects.exists()


def test_update_role_keeps_a_retired_skill_already_required_but_adds_no_new_one(lab_lead, partner):
    kept, retired_new, fresh = SkillFactory(), SkillFactory(is_active=False), SkillFactory()
    role = OpenRoleFactory(organisation=partner)
    RoleSkillFactory(role=role, skill=kept, min_level=2)
    kept.is_active = False
    kept.save()

    services.update_role(
        actor=lab_lead,
        role=role,
        data=role_data(),
        requirements={kept.pk: 3, retired_new.pk: None, fresh.pk: None},
        expected_version=1,
    )

    assert dict(RoleSkill.objects.filter(role=role).values_list("skill_id", "min_level")) == {
        kept.pk: 3,
        fresh.pk: None,
    }
    assert audit_actions(role) == ["open_role.updated"]


def test_update_role_keeps_a_contact_that_was_deactivated_later(lab_lead, partner):
    contact = EmployerContactFactory(organisation=partner)
    role = OpenRoleFactory(organisation=partner, contact=contact)
    contact.is_active = False
    contact.save()

    services.update_role(
        actor=lab_lead,
        role=role,
        data=role_data(title="Developer", contact=contact),
        requirements={},
        expected_version=1,
    )

    role.refresh_from_db()
    assert role.title == "Developer"
    assert role.contact == contact


def test_update_role_refuses_a_page_older_than_the_row(lab_lead, partner):
    role = OpenRoleFactory(organisation=partner, title="Tester")
    skill = SkillFactory()
    RoleSkillFactory(role=role, skill=skill)
    services.move_role(actor=lab_lead, role=role, target=RoleStatus.FILLED, expected_version=1)

    with pytest.raises(ValidationError) as error:
        services.update_role(
            actor=lab_lead,
            role=role,
            data=role_data(title="Developer"),
            requirements={},
            expected_version=1,
        )

    assert error.value.code == "conflict"
    role.refresh_from_db()
    assert role.title == "Tester"
    assert list(role.requirements.values_list("skill_id", flat=True)) == [skill.pk]


# Status moves ------------------------------------------------------------------------------
def test_role_moves_table_names_only_real_statuses():
    for move in workflow.ROLE_MOVES:
        assert move.source in RoleStatus.values
        assert move.target in RoleStatus.values
    closing = workflow.find(workflow.ROLE_MOVES, RoleStatus.OPEN, RoleStatus.CLOSED)
    assert closing is not None
    assert closing.is_destructive


@pytest.mark.parametrize(
    ("path", "end"),
    [
        ([RoleStatus.FILLED], RoleStatus.FILLED),
        ([RoleStatus.CLOSED], RoleStatus.CLOSED),
        ([RoleStatus.FILLED, RoleStatus.OPEN], RoleStatus.OPEN),
        ([RoleStatus.CLOSED, RoleStatus.OPEN, RoleStatus.FILLED], RoleStatus.FILLED),
    ],
)
def test_move_role_follows_the_table_and_audits_each_move(lab_lead, path, end):
    role = OpenRoleFactory()

    for version, target in enumerate(path, start=1):
        services.move_role(actor=lab_lead, role=role, target=target, expected_version=version)

    role.refresh_from_db()
    assert role.status == end
    assert role.version == len(path) + 1
    assert audit_actions(role) == ["open_role.moved"] * len(path)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (RoleStatus.FILLED, RoleStatus.CLOSED),
        (RoleStatus.CLOSED, RoleStatus.FILLED),
        (RoleStatus.OPEN, RoleStatus.OPEN),
        (RoleStatus.OPEN, "nonsense"),
    ],
)
def test_move_role_refuses_a_move_the_table_lacks(lab_lead, source, target):
    role = OpenRoleFactory(status=source)

    with pytest.raises(ValidationError) as error:
        services.move_role(actor=lab_lead, role=role, target=target, expected_version=1)

    assert error.value.code == "illegal_transition"
    role.refresh_from_db()
    assert role.status == source
    assert role.version == 1
    assert not AuditEntry.objects.exists()


def test_move_role_refuses_a_page_older_than_the_row(lab_lead):
    role = OpenRoleFactory()
    services.move_role(actor=lab_lead, role=role, target=RoleStatus.FILLED, expected_version=1)

    with pytest.raises(ValidationError) as error:
        services.move_role(actor=lab_lead, role=role, target=RoleStatus.CLOSED, expected_version=1)

    assert error.value.code == "conflict"
    role.refresh_from_db()
    assert role.status == RoleStatus.FILLED


def test_move_role_is_the_labs_only(trainee):
    role = OpenRoleFactory()

    with pytest.raises(PermissionDenied):
        services.move_role(actor=trainee, role=role, target=RoleStatus.CLOSED, expected_version=1)

    role.refresh_from_db()
    assert role.status == RoleStatus.OPEN


def test_role_moves_offers_the_tables_moves_to_the_lab_only(lab_lead, trainee):
    role = OpenRoleFactory()

    assert {m.target for m in services.role_moves(lab_lead, role)} == {
        RoleStatus.FILLED,
        RoleStatus.CLOSED,
    }
    assert services.role_moves(trainee, role) == []
