"""The right of access: an admin finds a person by email address and downloads every
record about them as a ZIP (JSON per model, README, PDF), recorded in the audit log."""

from __future__ import annotations

import io
import json
import time
import zipfile

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from labportal.core.models import AuditEntry
from privacy.access_request import answer_access_request, collect, find_subject
from privacy.access_request_export import write_zip
from privacy.models import RetentionRule
from privacy.registry import REGISTRY, Category
from tests.accounts.factories import UserFactory
from tests.cohorts.factories import ApplicantEventFactory, ApplicantFactory, ApplicantSkillFactory
from tests.conftest import client_for, english
from tests.core.factories import OutboxEmailFactory
from tests.privacy.conftest import add_logs, build_everything

URL = "privacy:access_request"
REASON = "Begäran inkom 2026-11-20, diarienummer 2026/123"
SECRET_FIELDS = {"password", "token_hash", "nonce", "secret_values", "session_data", "token"}
# Every model with a row about the person built by `person_with_everything`.
EXPECTED_FILES = {
    "accounts.user.json": 1,
    "account.emailaddress.json": 1,
    "mfa.authenticator.json": 1,
    "socialaccount.socialaccount.json": 1,
    "socialaccount.socialtoken.json": 1,
    "accounts.invitation.json": 1,
    "trainees.traineeprofile.json": 1,
    "trainees.skillrecord.json": 1,
    "trainees.skillevent.json": 2,
    "trainees.progresslog.json": 2,
    "trainees.logcomment.json": 1,
    "trainees.milestone.json": 1,
    "trainees.outcome.json": 1,
    "trainees.followupconsent.json": 1,
    "trainees.consentevent.json": 1,
    "trainees.followup.json": 1,
    "cohorts.enrolment.json": 1,
    "cohorts.rotationperiod.json": 1,
    "cohorts.summaryshare.json": 1,
    "cohorts.assignmentmember.json": 1,
    "cohorts.applicant.json": 1,
    "cohorts.applicantskill.json": 1,
    "cohorts.applicantevent.json": 1,
    "prototypes.idea.json": 1,
    "prototypes.ideacomment.json": 1,
    "prototypes.evaluation.json": 1,
}


def download(client, email, reason=REASON):
    return client.post(reverse(URL), {"email": email, "reason": reason})


def open_zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def rows_of(archive: zipfile.ZipFile, name: str) -> list[dict]:
    return json.loads(archive.read(name))["rows"]


# The answer ---------------------------------------------------------------------------
def test_access_request_zip_holds_every_record_of_the_person_and_no_secret(
    admin, person_with_everything
):
    person = person_with_everything.person

    response = download(english(admin), person.email)

    assert response.status_code == 200
    archive = open_zip(response)
    for name, count in EXPECTED_FILES.items():
        assert len(rows_of(archive, name)) == count, name
    assert rows_of(archive, "accounts.user.json")[0]["full_name"] == "Tove Testsson"
    logs = rows_of(archive, "trainees.progresslog.json")
    assert {log["trainee"]["label"] for log in logs} == {"Tove Testsson"}
    assert all(log["week"].count("-") == 2 for log in logs)  # ISO dates
    assert rows_of(archive, "trainees.outcome.json")[0]["employer"] == "Kommunens IT-avdelning"
    assert rows_of(archive, "trainees.followup.json")[0]["answer"]["note"] == "Läser vidare."
    assert rows_of(archive, "trainees.logcomment.json")[0]["body"] == "Fin vecka, Tove!"
    emails = rows_of(archive, "core.outboxemail.json")
    assert "Välkommen" in {email["subject"] for email in emails}
    assert {email["to"] for email in emails} == {person.email}
    audit = rows_of(archive, "core.auditentry.json")
    assert {"log.created", "user.viewed"} <= {entry["action"] for entry in audit}


def test_access_request_zip_leaves_out_secrets_and_other_people(admin, person_with_everything):
    response = download(english(admin), person_with_everything.person.email)

    archive = open_zip(response)
    texts = {
        name: archive.read(name).decode()
        for name in archive.namelist()
        if name.endswith((".json", ".txt"))
    }
    for name, text in texts.items():
        for secret_name, secret in person_with_everything.secrets.items():
            assert secret not in text, f"{secret_name} in {name}"
        assert "Bo Bystander" not in text, name
        if name.endswith(".json"):
            document = json.loads(text)
            label = apps.get_model(document["model"])._meta.label
            secret = SECRET_FIELDS | REGISTRY[label].secret_fields
            assert not secret & set(document["fields"]), name
            assert all(not secret & set(row) for row in document["rows"]), name
    assert "sessions.session.json" not in archive.namelist()


def test_access_request_zip_has_readme_pdf_and_the_evidence_file(admin, person_with_everything):
    response = download(english(admin), person_with_everything.person.email)

    archive = open_zip(response)
    readme = archive.read("README.txt").decode()
    assert "Tove Testsson" in readme
    assert "Task in the public interest (art. 6.1 e)" in readme
    assert "Legal obligation (art. 6.1 c)" in readme
    assert "Retention:" in readme
    evidence = [name for name in archive.namelist() if name.startswith("files/competence/")]
    assert len(evidence) == 1
    assert archive.read(evidence[0]).startswith(b"%PDF-1.4 evidence of the person")
    pdf = PdfReader(io.BytesIO(archive.read("personal-data.pdf")))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Tove Testsson" in text
    for heading in (
        "Account and contact details",
        "Weekly logs and milestones",
        "Skills and their validation",
        "Outcomes, consents and follow-ups",
        "Applications to a cohort",
        "Audit and security log",
    ):
        assert heading in text


def test_access_request_readme_states_the_retention_rules(admin, person_with_everything):
    RetentionRule.objects.update_or_create(
        category=Category.PROGRESS,
        defaults={"months": 30, "anchor": "programme_end", "action": "anonymise"},
    )
    RetentionRule.objects.filter(category=Category.CONTRIBUTION).delete()

    archive = open_zip(download(english(admin), person_with_everything.person.email))

    readme = archive.read("README.txt").decode()
    progress = readme.split("Weekly logs and milestones")[1].split("\n\n")[0]
    assert "Kept 30 months, counted from: end of the programme. Then: anonymise." in progress
    assert "trainees.progresslog.json" in progress
    contribution = readme.split("Ideas, comments and evaluations written")[1]
    assert "No automatic rule" in contribution
    security = readme.split("Audit and security log")[1]
    assert "Kept as the security record" in security


def test_access_request_download_is_private_named_and_audited_with_the_reason(
    admin, person_with_everything
):
    person = person_with_everything.person

    response = download(english(admin), person.email)

    assert response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    disposition = response["Content-Disposition"]
    assert f'filename="labportal-personal-data-{person.pk}-' in disposition
    assert disposition.endswith('.zip"')
    entry = AuditEntry.objects.get(action="privacy.access_request")
    assert entry.actor == admin
    assert (entry.object_type, entry.object_id) == ("accounts.user", str(person.pk))
    assert entry.details["reason"] == REASON
    assert entry.details["rows"]["trainees.ProgressLog"] == 2
    assert entry.details["rows"]["cohorts.Applicant"] == 1


def test_access_request_finds_the_person_by_a_secondary_address(admin, person_with_everything):
    from allauth.account.models import EmailAddress

    person = person_with_everything.person
    EmailAddress.objects.create(user=person, email="tove.privat@example.se")

    subject = find_subject("Tove.Privat@example.se")

    assert subject is not None
    assert subject.user == person


def test_access_request_for_an_applicant_without_account_by_email(admin):
    applicant = ApplicantFactory(full_name="Amira Haddad", email="amira@example.se")
    ApplicantSkillFactory(applicant=applicant)
    ApplicantEventFactory(applicant=applicant, note="Bjuds in till intervju.")
    OutboxEmailFactory(to="amira@example.se", subject="Tack för din ansökan")
    ApplicantFactory(full_name="Annan Person", email="annan@example.se")
    client = english(admin)

    page = client.get(reverse(URL), {"email": "AMIRA@example.se"})
    response = download(client, "amira@example.se")

    assert "Amira Haddad" in page.content.decode()
    assert "Applicant" in page.content.decode()
    archive = open_zip(response)
    assert rows_of(archive, "cohorts.applicant.json")[0]["full_name"] == "Amira Haddad"
    assert rows_of(archive, "cohorts.applicantevent.json")[0]["note"] == "Bjuds in till intervju."
    assert len(rows_of(archive, "cohorts.applicantskill.json")) == 1
    assert rows_of(archive, "core.outboxemail.json")[0]["subject"] == "Tack för din ansökan"
    assert "accounts.user.json" not in archive.namelist()
    assert "Annan Person" not in archive.read("cohorts.applicant.json").decode()
    assert f"labportal-personal-data-applicant-{applicant.pk}-" in response["Content-Disposition"]
    entry = AuditEntry.objects.get(action="privacy.access_request")
    assert (entry.object_type, entry.object_id) == ("cohorts.applicant", str(applicant.pk))


# The page -------------------------------------------------------------------------------
def test_access_request_page_finds_the_person_and_offers_the_answer(admin, person_with_everything):
    response = english(admin).get(reverse(URL), {"email": person_with_everything.person.email})

    content = response.content.decode()
    assert response.status_code == 200
    assert "Tove Testsson" in content
    assert "Download the answer (ZIP)" in content
    assert not AuditEntry.objects.filter(action="privacy.access_request").exists()


def test_access_request_page_says_when_nobody_is_found_and_reads_nothing(admin):
    response = english(admin).get(reverse(URL), {"email": "ingen@example.se"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "Nobody with this address was found" in content
    assert 'href="#id_email"' in content  # the error summary links to the field
    assert "Download the answer (ZIP)" not in content
    assert not AuditEntry.objects.filter(action="privacy.access_request").exists()


@pytest.mark.parametrize(
    ("email", "reason", "message"),
    [
        ("", REASON, "Give the person&#x27;s email address."),
        ("ingen@example.se", REASON, "Nobody with this address was found"),
        (None, "   ", "Give the reason: when the request came and its case."),
    ],
)
def test_access_request_post_with_errors_shows_them_and_changes_nothing(
    admin, person_with_everything, email, reason, message
):
    before = AuditEntry.objects.count()
    email = person_with_everything.person.email if email is None else email

    response = english(admin).post(reverse(URL), {"email": email, "reason": reason})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert message in response.content.decode()
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_access_request_is_for_admins_only(lab_lead, person_with_everything, method):
    data = {"email": person_with_everything.person.email, "reason": REASON}

    response = getattr(client_for(lab_lead), method)(reverse(URL), data)

    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="privacy.access_request").exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_access_request_sends_anonymous_visitors_to_sign_in(client, method):
    response = getattr(client, method)(reverse(URL), {"email": "x@example.se", "reason": "x"})

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_personal_data_home_links_to_access_requests(admin):
    response = english(admin).get(reverse("privacy:home"))

    assert reverse(URL) in response.content.decode()


# Queries and time -----------------------------------------------------------------------
def readable_models() -> int:
    """Models `collect` reads: those with a path to a person, and the audit log."""
    return sum(1 for e in REGISTRY.values() if e.people or e.applicant or e.emails)


def test_collect_reads_each_model_once_whatever_the_number_of_rows(
    django_assert_max_num_queries, person_with_everything
):
    person = person_with_everything.person
    subject = find_subject(person.email)
    for extra in (0, 60):
        add_logs(person, extra)
        with django_assert_max_num_queries(readable_models(), info=f"{extra} more logs"):
            report = collect(subject)
        assert report.counts["trainees.ProgressLog"] == 2 + extra


def test_access_request_download_has_bounded_queries(
    django_assert_max_num_queries, admin, person_with_everything
):
    person = person_with_everything.person
    client = english(admin)
    for extra in (0, 60):
        add_logs(person, extra)
        with django_assert_max_num_queries(readable_models() + 10, info=f"{extra} more logs"):
            response = download(client, person.email)
        assert response.status_code == 200


def test_access_request_for_a_long_history_is_made_in_seconds(admin, lab_lead, capsys):
    # Measured, not asserted (speed targets live in bench/): printed with -s.
    person = build_everything(lab_lead=lab_lead, name="Lång Historik").person
    add_logs(person, 500)
    subject = find_subject(person.email)

    started = time.perf_counter()
    report = collect(subject)
    collected = time.perf_counter()
    out = io.BytesIO()
    write_zip(report, out)
    done = time.perf_counter()

    assert report.counts["trainees.ProgressLog"] == 502
    with capsys.disabled():
        print(
            f"\naccess request, 502 logs: collect {collected - started:.2f} s, "
            f"ZIP {done - collected:.2f} s, {len(out.getvalue()) // 1024} KiB"
        )


def test_access_request_for_a_user_with_nothing_else(admin):
    person = UserFactory(full_name="Nya Nelly")

    report = collect(find_subject(person.email))

    assert set(report.counts) == {"accounts.User", "account.EmailAddress"}


@pytest.mark.django_db(transaction=True)
def test_answer_access_request_reads_one_snapshot_and_audits_with_the_answer(lab_lead):
    admin = UserFactory(role="admin")
    person = build_everything(lab_lead=lab_lead).person
    seen = {}

    def write(report):
        with connection.cursor() as cursor:
            cursor.execute("SHOW transaction_isolation")
            seen["isolation"] = cursor.fetchone()[0]
        seen["audited_yet"] = AuditEntry.objects.filter(action="privacy.access_request").exists()
        write_zip(report, io.BytesIO())

    report = answer_access_request(
        actor=admin, subject=find_subject(person.email), reason=REASON, write=write
    )

    assert seen == {"isolation": "repeatable read", "audited_yet": False}
    entry = AuditEntry.objects.get(action="privacy.access_request")
    assert entry.details["rows"] == report.counts


@pytest.mark.django_db(transaction=True)
def test_answer_access_request_writes_no_audit_row_when_the_answer_fails(lab_lead):
    admin = UserFactory(role="admin")
    person = build_everything(lab_lead=lab_lead).person

    def write(report):
        raise OSError("disk full")

    with pytest.raises(OSError):
        answer_access_request(
            actor=admin, subject=find_subject(person.email), reason=REASON, write=write
        )

    assert not AuditEntry.objects.filter(action="privacy.access_request").exists()
