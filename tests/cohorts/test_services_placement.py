"""Placement: which enrolments end soon (two months, not past, not left early), open roles
ranked by validated skills only (a self-assessed level never counts; a minimum level is
met or named as missing), and sharing a summary: refused without recorded consent, with
a future consent day, to an inactive contact or one not of a partner; one outbox email
per share whose link downloads the PDF without an account, counted and audited, and an
expired or tampered link serves nothing."""

import datetime

import pytest
from django.core import signing
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation

from cohorts.models import ConsentMethod, RoleStatus, SummaryShare
from cohorts.services import placement
from cohorts.services.placement_links import (
    SHARE_SALT,
    LinkError,
    download_shared_summary,
    share_of_link,
    share_token,
)
from labportal.core.models import AuditEntry, OutboxEmail
from tests.cohorts.factories import CohortFactory, EnrolmentFactory
from tests.cohorts.factories_employers import (
    EmployerContactFactory,
    OpenRoleFactory,
    RoleSkillFactory,
    SummaryShareFactory,
)
from tests.core.factories import SkillFactory
from tests.trainees.factories import SkillRecordFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2031, 3, 15)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def ending_on(ends_on, **kwargs):
    cohort = CohortFactory(starts_on=ends_on - datetime.timedelta(days=200), ends_on=ends_on)
    return EnrolmentFactory(cohort=cohort, **kwargs)


def validate(trainee, skill, level):
    return SkillRecordFactory(
        trainee=trainee,
        skill=skill,
        self_level=level,
        validated_level=level,
        validated_at=timezone.now(),
        validation_method="task",
    )


# Ending soon -------------------------------------------------------------------------------
def test_ending_soon_is_the_next_two_months_from_today_on():
    inside = [
        ending_on(TODAY),
        ending_on(TODAY + datetime.timedelta(days=30)),
        ending_on(datetime.date(2031, 5, 15)),
    ]
    ending_on(TODAY - datetime.timedelta(days=1))  # already ended
    ending_on(datetime.date(2031, 5, 16))  # two months and a day
    ending_on(TODAY + datetime.timedelta(days=10), left_early=True)

    assert list(placement.ending_soon(TODAY)) == inside


def test_ending_soon_leaves_out_closed_accounts():
    enrolment = ending_on(TODAY + datetime.timedelta(days=5))
    enrolment.trainee.is_active = False
    enrolment.trainee.save()

    assert not placement.ending_soon(TODAY).exists()


# Ranking -----------------------------------------------------------------------------------
def test_roles_are_ranked_by_validated_skills_and_missing_ones_are_named():
    python, sql, ux = (
        SkillFactory(name_en="Test Python"),
        SkillFactory(name_en="Test SQL"),
        SkillFactory(),
    )
    enrolment = ending_on(TODAY + datetime.timedelta(days=20))
    trainee = enrolment.trainee
    validate(trainee, python, 4)
    validate(trainee, sql, 2)
    # Self-assessed at the top level but never validated: counts for nothing.
    SkillRecordFactory(trainee=trainee, skill=ux, self_level=4)
    backend = OpenRoleFactory(title="Backend", closes_on=TODAY + datetime.timedelta(days=9))
    RoleSkillFactory(role=backend, skill=python)
    RoleSkillFactory(role=backend, skill=sql, min_level=3)
    design = OpenRoleFactory(title="Design", closes_on=TODAY + datetime.timedelta(days=5))
    RoleSkillFactory(role=design, skill=ux)
    data = OpenRoleFactory(title="Data", closes_on=TODAY + datetime.timedelta(days=40))
    RoleSkillFactory(role=data, skill=python, min_level=2)
    RoleSkillFactory(role=data, skill=sql, min_level=2)
    OpenRoleFactory(title="Anything", closes_on=TODAY + datetime.timedelta(days=1))

    [row] = placement.placement_board(TODAY)

    assert [m.role.title for m in row.roles] == ["Data", "Backend", "Design", "Anything"]
    data_match, backend_match, design_match, anything = row.roles
    assert data_match.percent == 75  # (4 + 2) / (2 * 4)
    assert data_match.is_complete
    assert backend_match.percent == 50  # SQL at 2 does not meet its minimum of 3
    [short] = backend_match.missing
    assert (short.need.name, short.level, short.need.required_level) == ("Test SQL", 2, 3)
    assert short.is_below_minimum
    assert design_match.percent == 0
    [design_short] = design_match.missing
    assert design_short.level is None  # the self-assessment is not a validated level
    assert not anything.has_needs
    assert row.best is data_match
    assert row.days_left == 20


def test_only_open_roles_not_yet_closed_of_active_partners_are_ranked():
    ending_on(TODAY + datetime.timedelta(days=20))
    OpenRoleFactory(title="Open", closes_on=TODAY)
    OpenRoleFactory(title="Filled", status=RoleStatus.FILLED)
    OpenRoleFactory(title="Closed", status=RoleStatus.CLOSED)
    OpenRoleFactory(title="Past", closes_on=TODAY - datetime.timedelta(days=1))
    OpenRoleFactory(title="Gone partner", organisation__is_active=False)

    [row] = placement.placement_board(TODAY)

    assert [m.role.title for m in row.roles] == ["Open"]


def test_board_sorts_by_end_name_or_best_match():
    skill = SkillFactory()
    RoleSkillFactory(skill=skill, role__closes_on=TODAY + datetime.timedelta(days=90))
    late = ending_on(TODAY + datetime.timedelta(days=50), trainee__full_name="Anna Ahmed")
    soon = ending_on(TODAY + datetime.timedelta(days=3), trainee__full_name="Zlatan Zorn")
    validate(late.trainee, skill, 4)

    assert [t.name for t in placement.placement_board(TODAY, "ends")] == [
        "Zlatan Zorn",
        "Anna Ahmed",
    ]
    assert placement.placement_board(TODAY, "name")[0].name == "Anna Ahmed"
    by_match = placement.placement_board(TODAY, "match")
    assert [(t.name, t.best_percent) for t in by_match] == [("Anna Ahmed", 100), ("Zlatan Zorn", 0)]
    assert soon.pk == by_match[1].enrolment_id


@pytest.mark.parametrize("size", [2, 12])
def test_board_reads_a_fixed_number_of_queries(django_assert_max_num_queries, size):
    skills = SkillFactory.create_batch(4)
    for index in range(size):
        enrolment = ending_on(TODAY + datetime.timedelta(days=index + 1))
        for skill in skills[: index % 4]:
            validate(enrolment.trainee, skill, 1 + index % 4)
        role = OpenRoleFactory(closes_on=TODAY + datetime.timedelta(days=20))
        for skill in skills[index % 2 :]:
            RoleSkillFactory(role=role, skill=skill, min_level=2)
        SummaryShareFactory(enrolment=enrolment)

    with django_assert_max_num_queries(5):
        board = placement.placement_board(TODAY, "match")

    assert len(board) == size
    assert all(len(t.roles) == size and t.shares == 1 for t in board)


# Sharing -----------------------------------------------------------------------------------
@pytest.fixture
def contact():
    return EmployerContactFactory(name="Karin Berg", email="karin@kodverket.example.se")


def share(actor, enrolment, contact, **changes):
    values = {
        "role": None,
        "consent_method": ConsentMethod.IN_PERSON,
        "consent_given_on": timezone.localdate(),
        "note": "Agreed at the coaching meeting.",
    }
    values.update(changes)
    return placement.share_summary(actor=actor, enrolment=enrolment, contact=contact, **values)


def nothing_written():
    return not SummaryShare.objects.exists() and not OutboxEmail.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"consent_method": ""}, "consent_method"),
        ({"consent_method": "guessed"}, "consent_method"),
        ({"consent_given_on": None}, "consent_given_on"),
        (
            {"consent_given_on": timezone.localdate() + datetime.timedelta(days=1)},
            "consent_given_on",
        ),
    ],
)
def test_share_is_refused_without_recorded_consent(lab_lead, enrolment, contact, changes, field):
    with pytest.raises(ValidationError) as error:
        share(lab_lead, enrolment, contact, **changes)

    assert field in error.value.error_dict
    assert nothing_written()


def test_share_is_refused_for_an_inactive_contact(lab_lead, enrolment, contact):
    contact.is_active = False
    contact.save()

    with pytest.raises(ValidationError) as error:
        share(lab_lead, enrolment, contact)

    assert "contact" in error.value.error_dict
    assert nothing_written()


@pytest.mark.parametrize(
    "organisation", [{"kind": "municipality"}, {"kind": "partner", "is_active": False}]
)
def test_share_is_refused_for_a_contact_not_of_an_active_partner(
    lab_lead, enrolment, contact, organisation
):
    for name, value in organisation.items():
        setattr(contact.organisation, name, value)
    contact.organisation.save()

    with pytest.raises(ValidationError) as error:
        share(lab_lead, enrolment, contact)

    assert "contact" in error.value.error_dict
    assert nothing_written()


@pytest.mark.parametrize("role", [{"status": RoleStatus.CLOSED}, {"other_organisation": True}])
def test_share_is_refused_for_a_role_of_another_partner_or_not_open(
    lab_lead, enrolment, contact, role
):
    if role.get("other_organisation"):
        chosen = OpenRoleFactory()
    else:
        chosen = OpenRoleFactory(organisation=contact.organisation, status=role["status"])

    with pytest.raises(ValidationError) as error:
        share(lab_lead, enrolment, contact, role=chosen)

    assert "role" in error.value.error_dict
    assert nothing_written()


def test_share_is_refused_to_everyone_but_the_lab(trainee, enrolment, contact):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        share(trainee, enrolment, contact)

    assert nothing_written()


def test_share_writes_the_consent_and_queues_exactly_one_email(lab_lead, enrolment, contact):
    role = OpenRoleFactory(organisation=contact.organisation, title="Junior developer")
    given_on = timezone.localdate() - datetime.timedelta(days=2)

    shared = share(
        lab_lead,
        enrolment,
        contact,
        role=role,
        consent_method=ConsentMethod.PHONE,
        consent_given_on=given_on,
        language="en",
    )

    shared.refresh_from_db()
    assert (shared.trainee, shared.enrolment, shared.contact, shared.role) == (
        enrolment.trainee,
        enrolment,
        contact,
        role,
    )
    assert (shared.consent_method, shared.consent_given_on) == (ConsentMethod.PHONE, given_on)
    assert shared.shared_by == lab_lead
    assert shared.downloads == 0
    days = (shared.expires_at - timezone.now()).total_seconds() / 86400
    assert 13.9 < days <= 14
    [email] = OutboxEmail.objects.all()
    assert email.key == f"summary-share:{shared.pk}"
    assert email.to == contact.email
    assert "Tim Trainee" in email.subject
    assert "Junior developer" in email.body_text
    # The link waits outside the stored text until it is sent.
    link = email.secret_values["link"]
    assert link not in email.body_text
    assert "[secret:link]" in email.body_text
    assert AuditEntry.objects.filter(action="summary_share.created").count() == 1


def test_each_share_sends_its_own_one_email(lab_lead, enrolment, contact):
    first = share(lab_lead, enrolment, contact)
    second = share(lab_lead, enrolment, EmployerContactFactory())

    assert sorted(OutboxEmail.objects.values_list("key", flat=True)) == sorted(
        [f"summary-share:{first.pk}", f"summary-share:{second.pk}"]
    )


def test_share_email_is_in_the_summarys_language(lab_lead, enrolment, contact):
    shared = share(lab_lead, enrolment, contact, language="sv")

    assert shared.language == "sv"
    assert OutboxEmail.objects.get().subject != ""


# The link ----------------------------------------------------------------------------------
def link_path(shared):
    email = OutboxEmail.objects.get(key=f"summary-share:{shared.pk}")
    return email.secret_values["link"].split("://", 1)[1].split("/", 1)[1]


def test_link_downloads_the_pdf_without_an_account_and_counts_each_download(
    lab_lead, enrolment, contact
):
    shared = share(lab_lead, enrolment, contact)
    visitor = Client()

    first = visitor.get(f"/{link_path(shared)}")
    second = visitor.get(f"/{link_path(shared)}")

    assert first.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert first.content.startswith(b"%PDF")
    assert "no-store" in first["Cache-Control"]
    assert second.status_code == 200
    shared.refresh_from_db()
    assert shared.downloads == 2
    assert shared.last_downloaded_at is not None
    downloads = AuditEntry.objects.filter(action="summary_share.downloaded")
    assert downloads.count() == 2
    assert all(entry.actor is None for entry in downloads)


def test_expired_link_serves_nothing(lab_lead, enrolment, contact):
    shared = share(lab_lead, enrolment, contact)
    SummaryShare.objects.filter(pk=shared.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )

    response = Client().get(f"/{link_path(shared)}")

    assert response.status_code == 410
    assert not response.content.startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]
    shared.refresh_from_db()
    assert shared.downloads == 0
    assert not AuditEntry.objects.filter(action="summary_share.downloaded").exists()


def test_link_of_a_closed_account_serves_nothing(lab_lead, enrolment, contact):
    shared = share(lab_lead, enrolment, contact)
    enrolment.trainee.is_active = False
    enrolment.trainee.save()

    with pytest.raises(LinkError) as error:
        download_shared_summary(share_token(shared))

    assert error.value.is_expired


def test_tampered_links_serve_nothing():
    shared = SummaryShareFactory()
    other = SummaryShareFactory()
    good = share_token(shared)
    tampered = [
        good[:-2] + ("AA" if not good.endswith("AA") else "BB"),
        signing.dumps([shared.pk, other.token], salt=SHARE_SALT),  # another share's token
        signing.dumps([shared.pk, shared.token], salt="labportal.something-else"),
        signing.dumps([999999, shared.token], salt=SHARE_SALT),
        signing.dumps(shared.pk, salt=SHARE_SALT),
        "not-a-link",
    ]

    for token in tampered:
        with pytest.raises(LinkError) as error:
            share_of_link(token)
        assert error.value.reason == "invalid", token
        response = Client().get(f"/shared-summary/{token}/")
        assert response.status_code == 404, token
        assert not response.content.startswith(b"%PDF")

    assert share_of_link(good) == shared
    shared.refresh_from_db()
    assert shared.downloads == 0
