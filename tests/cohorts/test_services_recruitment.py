"""Recruitment services: an application is saved whole (with its skills, consent, first
step, audit row and confirmation email) or not at all, once per address and cohort;
the lab moves applicants only along the status table, against the version it saw,
with a reason to decline; accepting invites the applicant as a trainee."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cohorts.models import Applicant, ApplicantEvent, ApplicantSkill, ApplicantStatus, CohortStatus
from cohorts.services.recruitment import available_moves, move_applicant, submit_application
from labportal.accounts.models import Invitation
from labportal.core.models import AuditEntry, OutboxEmail
from tests.accounts.factories import UserFactory
from tests.cohorts.factories import ApplicantFactory, CohortFactory, application_answers
from tests.core.factories import SkillFactory

pytestmark = pytest.mark.django_db

CONSENT = "Jag samtycker till att Kommun 1 sparar mina svar."


@pytest.fixture
def cohort():
    return CohortFactory(status=CohortStatus.RECRUITING, name="Omgång Höst")


def apply(cohort, skills=None, **answers):
    return submit_application(
        cohort=cohort,
        answers=application_answers(**answers),
        skills=skills or {},
        consent_text=CONSENT,
    )


# Applying ---------------------------------------------------------------------------------
def test_submit_application_saves_answers_skills_consent_step_audit_and_email(cohort):
    python, sql = SkillFactory(), SkillFactory()

    applicant = apply(cohort, skills={python.pk: 3, sql.pk: 1}, email=" Amira@Example.SE ")

    assert applicant.email == "amira@example.se"
    assert applicant.status == ApplicantStatus.NEW
    assert applicant.consent_text == CONSENT
    assert applicant.consented_at is not None
    assert applicant.languages == "Svenska, arabiska, engelska"
    assert dict(applicant.skills.values_list("skill", "level")) == {python.pk: 3, sql.pk: 1}
    (event,) = applicant.events.all()
    assert (event.from_status, event.to_status, event.actor) == ("", "new", None)
    audit = AuditEntry.objects.get(action="applicant.applied")
    assert audit.actor is None
    assert audit.details == {"cohort": cohort.pk, "skills": 2}
    email = OutboxEmail.objects.get(key=f"application-received:{applicant.pk}")
    assert email.to == "amira@example.se"
    assert "Omgång Höst" in email.subject
    assert "Amira Haddad" in email.body_text


def test_submit_application_writes_the_email_in_the_chosen_language(cohort):
    applicant = apply(cohort, language="en")

    email = OutboxEmail.objects.get(key=f"application-received:{applicant.pk}")
    assert "We have received your application" in email.subject


def test_second_application_from_the_same_address_changes_and_sends_nothing(cohort):
    first = apply(cohort, email="amira@example.se", full_name="Amira")

    again = apply(cohort, email="AMIRA@example.se", full_name="Someone else", background="Ny")

    assert again is None
    assert list(Applicant.objects.all()) == [first]
    first.refresh_from_db()
    assert (first.full_name, first.background) == ("Amira", application_answers().background)
    assert OutboxEmail.objects.count() == 1
    assert AuditEntry.objects.filter(action="applicant.applied").count() == 1


def test_the_same_address_may_apply_to_another_cohort(cohort):
    other = CohortFactory(status=CohortStatus.RECRUITING)
    apply(cohort)

    assert apply(other) is not None
    assert Applicant.objects.count() == 2


@pytest.mark.parametrize("status", [CohortStatus.PLANNED, CohortStatus.RUNNING])
def test_a_cohort_that_stopped_recruiting_takes_no_application(status):
    cohort = CohortFactory(status=status)

    with pytest.raises(ValidationError) as error:
        apply(cohort)

    assert error.value.code == "closed"
    assert not Applicant.objects.exists()
    assert not OutboxEmail.objects.exists()


@pytest.mark.parametrize(
    ("field", "size"),
    [("background", 4001), ("full_name", 151), ("languages", 256), ("wants_to_work_with", 10**6)],
)
def test_too_long_answers_are_refused_whole(cohort, field, size):
    with pytest.raises(ValidationError) as error:
        apply(cohort, **{field: "x" * size})

    assert field in error.value.message_dict
    assert not Applicant.objects.exists()
    assert not OutboxEmail.objects.exists()


def test_an_invalid_level_refuses_the_application(cohort):
    skill = SkillFactory()

    with pytest.raises(ValidationError):
        apply(cohort, skills={skill.pk: 7})

    assert not Applicant.objects.exists()


def test_retired_and_unknown_skills_are_left_out(cohort):
    kept, retired = SkillFactory(), SkillFactory(is_active=False)

    applicant = apply(cohort, skills={kept.pk: 2, retired.pk: 2, 987654: 1})

    assert list(applicant.skills.values_list("skill", flat=True)) == [kept.pk]


def test_missing_consent_text_refuses_the_application(cohort):
    with pytest.raises(ValidationError):
        submit_application(
            cohort=cohort, answers=application_answers(), skills={}, consent_text="  "
        )
    assert not Applicant.objects.exists()


# Screening --------------------------------------------------------------------------------
def moved(applicant, actor, target, note=""):
    return move_applicant(
        actor=actor,
        applicant=applicant,
        target=target,
        note=note,
        expected_version=Applicant.objects.get(pk=applicant.pk).version,
    )


def test_the_lead_moves_an_applicant_along_the_table_with_events_and_audit(lab_lead):
    applicant = ApplicantFactory()

    for target in ("shortlisted", "interviewed", "offered"):
        applicant = moved(applicant, lab_lead, target, note=f"Steg {target}")

    assert applicant.status == ApplicantStatus.OFFERED
    assert applicant.version == 4
    assert applicant.decided_at is None
    steps = list(applicant.events.values_list("from_status", "to_status", "note", "actor"))
    assert steps == [
        ("new", "shortlisted", "Steg shortlisted", lab_lead.pk),
        ("shortlisted", "interviewed", "Steg interviewed", lab_lead.pk),
        ("interviewed", "offered", "Steg offered", lab_lead.pk),
    ]
    audits = AuditEntry.objects.filter(action="applicant.moved", object_id=str(applicant.pk))
    assert [a.details["target"] for a in audits.order_by("pk")] == [
        "shortlisted",
        "interviewed",
        "offered",
    ]


def test_declining_needs_a_reason_and_keeps_it(lab_lead):
    applicant = ApplicantFactory(status=ApplicantStatus.SHORTLISTED)

    with pytest.raises(ValidationError) as error:
        moved(applicant, lab_lead, "declined", note="   ")
    assert "note" in error.value.message_dict
    assert Applicant.objects.get(pk=applicant.pk).status == "shortlisted"

    declined = moved(applicant, lab_lead, "declined", note="Andra hade mer erfarenhet.")

    assert declined.status == ApplicantStatus.DECLINED
    assert declined.decline_reason == "Andra hade mer erfarenhet."
    assert declined.decided_at is not None
    assert available_moves(lab_lead, declined) == []


def test_a_move_the_table_lacks_is_refused(lab_lead):
    applicant = ApplicantFactory()

    with pytest.raises(ValidationError) as error:
        moved(applicant, lab_lead, "accepted")

    assert error.value.code == "illegal_transition"
    assert not ApplicantEvent.objects.exists()


def test_a_page_older_than_the_row_is_refused_as_a_conflict(lab_lead, admin):
    applicant = ApplicantFactory()
    seen = applicant.version
    move_applicant(actor=admin, applicant=applicant, target="shortlisted", expected_version=seen)

    with pytest.raises(ValidationError) as error:
        move_applicant(
            actor=lab_lead,
            applicant=applicant,
            target="declined",
            note="Nej",
            expected_version=seen,
        )

    assert error.value.code == "conflict"
    assert Applicant.objects.get(pk=applicant.pk).status == "shortlisted"


@pytest.mark.parametrize("persona", ["trainee", "department_staff", "supervisor"])
def test_only_the_lab_moves_applicants(request, persona):
    applicant = ApplicantFactory()
    user = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied):
        moved(applicant, user, "shortlisted")
    assert available_moves(user, applicant) == []


def test_accepting_invites_the_applicant_as_a_trainee_of_the_host_organisation(lab_lead):
    applicant = ApplicantFactory(status=ApplicantStatus.OFFERED, language="en")

    accepted = moved(applicant, lab_lead, "accepted")

    invitation = Invitation.objects.get()
    assert accepted.invitation == invitation
    assert accepted.decided_at is not None
    assert (invitation.email, invitation.role, invitation.language) == (
        applicant.email,
        "trainee",
        "en",
    )
    assert invitation.organisation == applicant.cohort.organisation
    assert invitation.full_name == applicant.full_name
    assert invitation.invited_by == lab_lead
    assert OutboxEmail.objects.filter(key=f"invitation:{invitation.pk}").exists()


def test_accepting_someone_who_has_an_account_is_refused_whole(lab_lead):
    UserFactory(email="finns@example.se")
    applicant = ApplicantFactory(status=ApplicantStatus.OFFERED, email="finns@example.se")

    with pytest.raises(ValidationError):
        moved(applicant, lab_lead, "accepted")

    stored = Applicant.objects.get(pk=applicant.pk)
    assert (stored.status, stored.invitation, stored.decided_at) == ("offered", None, None)
    assert not Invitation.objects.exists()
    assert not ApplicantEvent.objects.exists()


def test_skills_are_kept_per_applicant_and_skill(cohort):
    skill = SkillFactory()
    apply(cohort, skills={skill.pk: 2})

    assert ApplicantSkill.objects.count() == 1
