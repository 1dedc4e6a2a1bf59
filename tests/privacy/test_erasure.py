"""Erasure on request (GDPR art. 17): every category as its rule says, except the audit
log and what the person wrote as staff (kept, the author shown as "removed person");
one transaction, one audit row, idempotent; the pages to do it (admins only)."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialToken
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation

from cohorts.models import Applicant, ApplicantEvent, ApplicantSkill
from labportal.accounts.models import User
from labportal.core.models import AuditEntry, OutboxEmail
from privacy.erasure import erase_on_request, erasure_plan
from privacy.models import Erasure
from prototypes.models import Evaluation, Idea, IdeaComment
from tests.cohorts.factories import ApplicantEventFactory, ApplicantFactory, ApplicantSkillFactory
from tests.conftest import client_for, english
from tests.core.factories import OutboxEmailFactory
from tests.privacy.factories import ledger_lines
from tests.trainees.factories import LogCommentFactory, ProgressLogFactory
from trainees.models import (
    FollowUp,
    LogComment,
    Milestone,
    Outcome,
    ProgressLog,
    SkillRecord,
    TraineeProfile,
)

REASON = "Begäran inkom 2026-11-20, diarienummer 2026/123."


@pytest.fixture(autouse=True)
def _ledger_in_tmp(settings, tmp_path):
    settings.PRIVACY_LEDGER_PATH = tmp_path / "erasure-ledger.jsonl"


def erase(person, actor, capture):
    with capture(execute=True):
        return erase_on_request(person, actor=actor, reason=REASON)


def test_erasure_anonymises_the_person_everywhere_and_keeps_what_they_wrote(
    person_with_everything, admin, django_capture_on_commit_callbacks
):
    # given
    person = person_with_everything.person
    name, email = person.full_name, person.email
    evidence = SkillRecord.objects.get(trainee=person).evidence_file.name
    assert default_storage.exists(evidence)
    bystander = User.objects.get(full_name="Bo Bystander")

    # when
    erasure = erase(person, admin, django_capture_on_commit_callbacks)

    # then: the account is "removed person", signs in nowhere and has no sessions
    person.refresh_from_db()
    assert person.full_name == ""
    assert person.email == f"removed-{person.pk}@invalid"
    assert not person.has_usable_password()
    assert not person.is_active
    assert person.removed_at is not None
    with translation.override("en"):
        assert str(person) == "removed person"
    assert not EmailAddress.objects.filter(user=person).exists()
    assert not Authenticator.objects.filter(user=person).exists()
    assert not SocialAccount.objects.filter(user=person).exists()
    assert not SocialToken.objects.filter(account__user=person).exists()
    # what the rules anonymise: free texts gone, what the statistics count kept
    profile = TraineeProfile.objects.get(user=person)
    assert (profile.background, profile.languages) == ("", "")
    logs = ProgressLog.objects.filter(trainee=person)
    assert logs.count() == 2
    assert set(logs.values_list("did", "learned", "blockers")) == {("", "", "")}
    assert {float(log.total_hours) for log in logs} == {40.0}
    assert set(LogComment.objects.filter(log__trainee=person).values_list("body", flat=True)) == {
        ""
    }
    assert Milestone.objects.get(trainee=person).note == ""
    record = SkillRecord.objects.get(trainee=person)
    assert (record.evidence_note, record.evidence_link, record.evidence_file.name) == ("", "", "")
    assert record.validated_level == 3
    assert not default_storage.exists(evidence)
    outcome = Outcome.objects.get(trainee=person)
    assert (outcome.employer, outcome.role, outcome.region) == ("", "", "")
    assert outcome.category == "employed_it"
    assert FollowUp.objects.get(trainee=person).answer == {}
    # the application is deleted (its rule), with its history and skills
    assert not Applicant.objects.filter(email__iexact=email).exists()
    assert not ApplicantSkill.objects.filter(applicant_id=person_with_everything.applicant.pk)
    assert not ApplicantEvent.objects.filter(applicant_id=person_with_everything.applicant.pk)
    # emails sent to the person are deleted (the communication rule)
    assert not OutboxEmail.objects.filter(to__iexact=email).exists()
    # what they wrote as staff stays, with the removed person as author; the name goes
    idea = Idea.objects.get(submitted_by=person)
    assert idea.problem and idea.contact_person == ""
    assert IdeaComment.objects.get(author=person).body == "Vi har 200 ansökningar i månaden."
    assert Evaluation.objects.get(evaluated_by=person).comments == "Sparar oss mycket tid."
    # the audit log keeps its entries, plus one for the erasure with the reason
    assert AuditEntry.objects.filter(action="user.viewed", object_id=str(person.pk)).exists()
    entry = AuditEntry.objects.get(action="privacy.erased")
    assert (entry.actor, entry.object_id, entry.details["reason"]) == (
        admin,
        str(person.pk),
        REASON,
    )
    assert erasure.person == person
    assert set(erasure.categories_kept) == {"contribution", "security"}
    assert erasure.categories_done["application"] == "delete"
    assert erasure.categories_done["outcome"] == "anonymise"
    # the ledger names ids and categories, nothing personal
    text = str(ledger_lines())
    assert ledger_lines() and name not in text and email not in text
    # and the bystander is untouched
    bystander.refresh_from_db()
    assert bystander.full_name == "Bo Bystander" and bystander.is_active
    assert TraineeProfile.objects.get(user=bystander).background == "Systemvetenskap"
    assert Outcome.objects.get(trainee=bystander).employer == "Kommunens IT-avdelning"


def test_erasing_again_changes_nothing_and_fails_nothing(
    person_with_everything, admin, django_capture_on_commit_callbacks
):
    person = person_with_everything.person
    first = erase(person, admin, django_capture_on_commit_callbacks)
    lines = len(ledger_lines())
    entries = AuditEntry.objects.count()

    second = erase(person, admin, django_capture_on_commit_callbacks)

    assert second == first
    assert Erasure.objects.count() == 1
    assert AuditEntry.objects.count() == entries
    assert len(ledger_lines()) == lines


def test_an_erasure_that_fails_halfway_changes_nothing(person_with_everything, admin):
    person = person_with_everything.person

    with pytest.raises(ValidationError):
        erase_on_request(person, actor=admin, reason="   ")
    with pytest.raises(PermissionDenied):
        erase_on_request(person, actor=person, reason=REASON)

    person.refresh_from_db()
    assert person.full_name == "Tove Testsson" and person.removed_at is None
    assert not AuditEntry.objects.filter(action="privacy.erased").exists()


def test_the_removed_person_shows_as_such_on_the_idea_page(
    person_with_everything, admin, lab_lead, django_capture_on_commit_callbacks
):
    person = person_with_everything.person
    idea = Idea.objects.get(submitted_by=person)
    erase(person, admin, django_capture_on_commit_callbacks)

    page = english(lab_lead).get(reverse("prototypes:detail", args=[idea.pk])).content.decode()

    assert "Tove Testsson" not in page
    assert "removed person" in page
    assert "Vi har 200 ansökningar i månaden." in page


def test_comments_a_supervisor_wrote_stay_when_the_supervisor_is_erased(
    admin, django_capture_on_commit_callbacks
):
    comment = LogCommentFactory(author__full_name="Sara Handledare", body="Bra jobbat!")
    supervisor = comment.author

    erase(supervisor, admin, django_capture_on_commit_callbacks)

    comment.refresh_from_db()
    assert comment.body == "Bra jobbat!"
    assert comment.author == supervisor
    with translation.override("en"):
        assert str(comment.author) == "removed person"


def test_the_sessions_of_the_erased_person_end(
    admin, trainee, client, django_capture_on_commit_callbacks
):
    client.force_login(trainee)
    other = client_for(admin)
    assert Session.objects.count() == 2

    erase(trainee, admin, django_capture_on_commit_callbacks)

    assert Session.objects.count() == 1
    assert other.get(reverse("privacy:home")).status_code == 200


def test_an_applicant_without_an_account_is_erased_by_deleting_the_applications(
    admin, django_capture_on_commit_callbacks
):
    first = ApplicantFactory(email="amira@example.se")
    ApplicantSkillFactory(applicant=first)
    ApplicantEventFactory(applicant=first)
    second = ApplicantFactory(email="Amira@Example.se")
    OutboxEmailFactory(to="amira@example.se", subject="Tack för din ansökan")
    other = ApplicantFactory(email="someone@example.se")

    erasure = erase(first, admin, django_capture_on_commit_callbacks)

    assert not Applicant.objects.filter(pk__in=[first.pk, second.pk]).exists()
    assert not ApplicantSkill.objects.filter(applicant_id=first.pk).exists()
    assert not ApplicantEvent.objects.filter(applicant_id=first.pk).exists()
    assert not OutboxEmail.objects.filter(to="amira@example.se").exists()
    assert Applicant.objects.filter(pk=other.pk).exists()
    assert erasure.applicant_id == first.pk and erasure.person is None
    entry = AuditEntry.objects.get(action="privacy.erased")
    assert entry.object_type == "cohorts.applicant"
    assert sorted(entry.details["applicants"]) == sorted([first.pk, second.pk])
    assert {line["applicant"] for line in ledger_lines() if line["applicant"]} == {
        first.pk,
        second.pk,
    }


def test_the_plan_says_what_is_kept_and_why(person_with_everything):
    with translation.override("en"):
        steps = {step.category: step for step in erasure_plan(person_with_everything.person)}
        assert steps["contribution"].is_kept and "public records" in steps["contribution"].why
    assert steps["security"].is_kept
    assert steps["application"].is_delete
    assert not steps["outcome"].is_delete and not steps["outcome"].is_kept
    assert steps["progress"].rows >= 2


# The pages --------------------------------------------------------------------------
def test_erasure_pages_show_the_plan_then_erase_on_confirmation(
    person_with_everything, admin, django_capture_on_commit_callbacks
):
    person = person_with_everything.person
    client = english(admin)
    url = reverse("privacy:erase")
    assert client.get(url).status_code == 200

    confirm = client.post(url, {"email": person.email.upper(), "reason": REASON})

    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "Confirm the erasure" in page
    assert "public records" in page
    assert 'name="confirm"' in page
    person.refresh_from_db()
    assert person.removed_at is None  # nothing changed yet

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"email": person.email, "reason": REASON, "confirm": "1"})

    erasure = Erasure.objects.get()
    assert done.status_code == 302
    assert done.url == reverse("privacy:erase_done", args=[erasure.pk])
    person.refresh_from_db()
    assert person.removed_at is not None
    result = client.get(done.url).content.decode()
    assert "Erasure done" in result and REASON in result


def test_erasure_needs_a_reason_and_someone_to_erase(admin, trainee):
    client = english(admin)
    url = reverse("privacy:erase")

    no_reason = client.post(url, {"email": trainee.email, "reason": " "})
    nobody = client.post(url, {"email": "nobody@example.se", "reason": REASON})
    oneself = client.post(url, {"email": admin.email, "reason": REASON, "confirm": "1"})

    assert no_reason.status_code == 400
    assert "Give the reason for the erasure" in no_reason.content.decode()
    assert nobody.status_code == 400
    assert "Nobody with this address was found" in nobody.content.decode()
    assert oneself.status_code == 400
    assert "You cannot erase yourself" in oneself.content.decode()
    trainee.refresh_from_db()
    assert trainee.removed_at is None
    assert not Erasure.objects.exists()


@pytest.mark.parametrize("persona", ["lab_lead", "department_staff", "trainee"])
def test_only_admins_may_erase(request, persona, trainee):
    client = client_for(request.getfixturevalue(persona))
    target = ProgressLogFactory(trainee=trainee).trainee

    assert client.get(reverse("privacy:erase")).status_code == 403
    response = client.post(
        reverse("privacy:erase"), {"email": target.email, "reason": REASON, "confirm": "1"}
    )

    assert response.status_code == 403
    target.refresh_from_db()
    assert target.removed_at is None


def test_anonymous_visitors_are_sent_to_sign_in():
    response = client_for(None).get(reverse("privacy:erase"))

    assert response.status_code == 302
    assert "login" in response.url
