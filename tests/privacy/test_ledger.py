"""The erasure ledger: a line per erasure (ids and categories, nothing personal),
written only when the erasure commits, and `reapply` / `manage.py reapply_erasures`
erasing again whoever an older backup brought back."""

from __future__ import annotations

import datetime
import io
import json
import uuid

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from cohorts.models import Applicant
from labportal.accounts.models import User
from labportal.core.models import AuditEntry, OutboxEmail
from privacy import ledger
from privacy.erasure import anonymise_person, erase_on_request
from privacy.models import Installation
from tests.cohorts.factories import ApplicantFactory
from tests.core.factories import OutboxEmailFactory
from tests.privacy.factories import ledger_lines
from trainees.models import ProgressLog, TraineeProfile

REASON = "Begäran 2026/77"


@pytest.fixture(autouse=True)
def _ledger_in_tmp(settings, tmp_path):
    settings.PRIVACY_LEDGER_PATH = tmp_path / "var" / "erasure-ledger.jsonl"


def test_a_line_is_written_only_when_the_erasure_commits(
    person_with_everything, admin, django_capture_on_commit_callbacks
):
    person = person_with_everything.person

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            anonymise_person(person, ["profile"], actor=admin, reason=REASON)
            raise RuntimeError("rolled back")
        assert TraineeProfile.objects.get(user=person).background == "Systemvetenskap"
        anonymise_person(person, ["profile"], actor=admin, reason=REASON)
        assert ledger_lines() == []  # not committed yet

    lines = ledger_lines()
    assert len(lines) == 1
    assert lines[0]["person"] == person.pk
    assert (lines[0]["action"], lines[0]["categories"]) == ("anonymise", ["profile"])
    assert datetime.datetime.fromisoformat(lines[0]["time"]).tzinfo is not None


def test_reapply_erases_again_a_person_an_older_backup_brought_back(
    person_with_everything, admin, django_capture_on_commit_callbacks
):
    # given: the person was erased on request
    person = person_with_everything.person
    old = User.objects.values("full_name", "email", "password").get(pk=person.pk)
    with django_capture_on_commit_callbacks(execute=True):
        erase_on_request(person, actor=admin, reason=REASON)
    written = ledger_lines()
    assert written and all("Tove" not in json.dumps(line) for line in written)
    # and a backup from before the erasure was restored
    User.objects.filter(pk=person.pk).update(**old, is_active=True, removed_at=None)
    EmailAddress.objects.create(user=person, email=old["email"], primary=True, verified=True)
    TraineeProfile.objects.filter(user=person).update(background="Systemvetenskap")
    ProgressLog.objects.filter(trainee=person).update(did="Byggde formuläret.")
    entries = AuditEntry.objects.count()

    # when
    with django_capture_on_commit_callbacks(execute=True):
        applied = ledger.reapply()

    # then: erased again, and nothing new in the ledger or the audit log
    assert applied == len(written)
    person.refresh_from_db()
    assert person.removed_at is not None
    assert (person.full_name, person.email, person.is_active) == (
        "",
        f"removed-{person.pk}@invalid",
        False,
    )
    assert not person.has_usable_password()
    assert not EmailAddress.objects.filter(user=person).exists()
    assert TraineeProfile.objects.get(user=person).background == ""
    assert set(ProgressLog.objects.filter(trainee=person).values_list("did", flat=True)) == {""}
    assert ledger_lines() == written
    assert AuditEntry.objects.count() == entries

    # and again: nothing changes
    snapshot = list(User.objects.filter(pk=person.pk).values())
    assert ledger.reapply() == len(written)
    assert list(User.objects.filter(pk=person.pk).values()) == snapshot


def test_lines_of_another_database_are_never_applied(
    person_with_everything, admin, django_capture_on_commit_callbacks
):
    # given: a person erased in this database, and the database then replaced by
    # another one (a reset demo) in which the same id is somebody else
    person = person_with_everything.person
    with django_capture_on_commit_callbacks(execute=True):
        erase_on_request(person, actor=admin, reason=REASON)
    assert {line["installation"] for line in ledger_lines()} == {Installation.current_key()}
    Installation.objects.filter(pk=1).update(key=uuid.uuid4())
    User.objects.filter(pk=person.pk).update(
        full_name="Någon Annan", email="annan@example.se", is_active=True, removed_at=None
    )

    # when
    applied = ledger.reapply()

    # then: nothing applied, the other person untouched
    assert applied == 0
    other = User.objects.get(pk=person.pk)
    assert (other.full_name, other.removed_at) == ("Någon Annan", None)


def test_reapply_deletes_again_an_applicant_and_their_emails(
    admin, django_capture_on_commit_callbacks
):
    applicant = ApplicantFactory(email="nora@example.se", full_name="Nora Nilsson")
    email = OutboxEmailFactory(to="nora@example.se", subject="Tack, Nora")
    restore_applicant = {
        f.attname: getattr(applicant, f.attname) for f in Applicant._meta.concrete_fields
    }
    restore_email = {
        f.attname: getattr(email, f.attname) for f in OutboxEmail._meta.concrete_fields
    }
    with django_capture_on_commit_callbacks(execute=True):
        erase_on_request(applicant, actor=admin, reason=REASON)
    assert "nora" not in json.dumps(ledger_lines()).lower()
    # the restore brings both back
    Applicant.objects.create(**restore_applicant)
    OutboxEmail.objects.create(**restore_email)

    with django_capture_on_commit_callbacks(execute=True):
        ledger.reapply()

    assert not Applicant.objects.filter(pk=applicant.pk).exists()
    assert not OutboxEmail.objects.filter(pk=email.pk).exists()


def test_the_command_applies_the_lines_since_a_time(
    person_with_everything, admin, django_capture_on_commit_callbacks
):
    person = person_with_everything.person
    with django_capture_on_commit_callbacks(execute=True):
        anonymise_person(person, ["profile"], actor=admin, reason=REASON)
    TraineeProfile.objects.filter(user=person).update(background="Systemvetenskap")

    later = io.StringIO()
    call_command("reapply_erasures", "--since", "2999-01-01", stdout=later)
    assert "Applied 0" in later.getvalue()
    assert TraineeProfile.objects.get(user=person).background == "Systemvetenskap"

    out = io.StringIO()
    call_command("reapply_erasures", "--since", "2020-01-01", stdout=out)
    assert "Applied 1" in out.getvalue()
    assert TraineeProfile.objects.get(user=person).background == ""

    with pytest.raises(CommandError):
        call_command("reapply_erasures", "--since", "last tuesday")


def test_a_damaged_line_is_skipped_and_a_missing_ledger_is_no_error(
    settings, person_with_everything, admin, django_capture_on_commit_callbacks
):
    out = io.StringIO()
    call_command("reapply_erasures", stdout=out)
    assert "No erasure ledger" in out.getvalue()

    person = person_with_everything.person
    with django_capture_on_commit_callbacks(execute=True):
        anonymise_person(person, ["profile"], actor=admin, reason=REASON)
    with ledger.ledger_path().open("a") as file:
        file.write('{"time": "2026-01-0')  # cut short by a full disk

    assert ledger.reapply() == 1
