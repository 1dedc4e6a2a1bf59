"""The retention decisions: the rules admins may set, the nightly run applying them at
the right time and not before, its audit row and its report to the admins, the
reports counting the anonymised rows as before, and the task on a real worker."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from cohorts.models import Applicant
from labportal.accounts.models import User
from labportal.core.models import AuditEntry, OutboxEmail
from privacy.models import RetentionRule, RetentionRun
from privacy.retention import apply_retention
from reports.figures import Filters, outcome_report
from tests.accounts.factories import UserFactory
from tests.cohorts.factories import ApplicantFactory, CohortFactory, EnrolmentFactory
from tests.conftest import client_for, english, wait_for
from tests.core.factories import OutboxEmailFactory
from tests.privacy.factories import deactivated, ledger_lines, months_later, only_rules, set_rule
from tests.trainees.factories import ProgressLogFactory, TraineeProfileFactory
from trainees.models import FollowUp, FollowUpStatus, Outcome, OutcomeCategory, TraineeProfile

END = datetime.date(2023, 6, 30)


@pytest.fixture(autouse=True)
def _ledger_in_tmp(settings, tmp_path):
    settings.PRIVACY_LEDGER_PATH = tmp_path / "erasure-ledger.jsonl"


def trainee_who_ended(on: datetime.date = END, **profile) -> User:
    cohort = CohortFactory(starts_on=on - datetime.timedelta(days=180), ends_on=on)
    enrolment = EnrolmentFactory(cohort=cohort, trainee__full_name="Fatima Former")
    TraineeProfileFactory(
        user=enrolment.trainee, background="Gymnasiet", wants_to_work_with="Data", **profile
    )
    return enrolment.trainee


# The rules -----------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_new_installation_starts_with_sensible_rules(settings):
    rules = {rule.category: rule for rule in RetentionRule.objects.all()}

    assert (rules["application"].months, rules["application"].anchor) == (
        settings.APPLICANT_RETENTION_MONTHS,
        "decided",
    )
    assert rules["application"].action == "delete"
    assert (rules["outcome"].months, rules["outcome"].action) == (36, "anonymise")
    assert (rules["profile"].months, rules["profile"].anchor) == (24, "programme_end")
    assert (rules["communication"].anchor, rules["communication"].action) == ("created", "delete")
    assert "security" not in rules and "contribution" not in rules
    task = PeriodicTask.objects.get(name="Apply retention decisions")
    assert task.task == "privacy.tasks.apply_retention_rules"
    assert (task.crontab.hour, task.crontab.minute) == ("2", "30")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("category", "anchor", "action", "field"),
    [
        ("outcome", "programme_end", "delete", "action"),
        ("account", "programme_end", "delete", "action"),
        ("security", "created", "anonymise", "category"),
        ("profile", "decided", "anonymise", "anchor"),
        ("application", "programme_end", "delete", "anchor"),
    ],
)
def test_rules_the_law_or_the_statistics_forbid_are_refused(category, anchor, action, field):
    rule = RetentionRule(category=category, months=12, anchor=anchor, action=action)
    rule.category = category  # the unique check is not what is tested

    with pytest.raises(ValidationError) as refused:
        rule.clean()

    assert field in refused.value.message_dict


@pytest.mark.django_db
def test_the_admin_refuses_a_rule_for_the_audit_log_and_versions_every_change(admin):
    client = english(admin)
    refused = client.post(
        reverse("admin:privacy_retentionrule_add"),
        {"category": "security", "months": 12, "anchor": "created", "action": "anonymise"},
    )
    rule = RetentionRule.objects.get(category="outcome")
    changed = client.post(
        reverse("admin:privacy_retentionrule_change", args=[rule.pk]),
        {
            "category": "outcome",
            "months": 48,
            "anchor": "programme_end",
            "action": "anonymise",
            "is_active": "on",
            "note": "Beslut 2026-01-15",
        },
    )
    to_delete = client.post(
        reverse("admin:privacy_retentionrule_change", args=[rule.pk]),
        {"category": "outcome", "months": 48, "anchor": "programme_end", "action": "delete"},
    )

    assert refused.status_code == 200
    assert "append-only" in refused.content.decode()
    assert not RetentionRule.objects.filter(category="security").exists()
    assert changed.status_code == 302
    rule.refresh_from_db()
    assert (rule.months, rule.version, rule.updated_by) == (48, 2, admin)
    assert AuditEntry.objects.get(action="privacy.retention_rule_changed").details["months"] == 48
    assert "can only be anonymised" in to_delete.content.decode()
    rule.refresh_from_db()
    assert rule.action == "anonymise"


def test_the_retention_page_lists_rules_and_runs_for_admins_only(admin, lab_lead):
    RetentionRun.objects.create(
        started_at=timezone.now(), finished_at=timezone.now(), counts={"profile": {"anonymise": 3}}
    )

    page = english(admin).get(reverse("privacy:retention"))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Trainee profile: 3 anonymised" in html
    assert (
        reverse(
            "admin:privacy_retentionrule_change",
            args=[RetentionRule.objects.get(category="profile").pk],
        )
        in html
    )
    assert "Not managed here" in html
    assert client_for(lab_lead).get(reverse("privacy:retention")).status_code == 403
    assert client_for(lab_lead).post(reverse("privacy:retention_run")).status_code == 403


# The run -------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_programme_end_rule_applies_after_its_months_and_not_before(
    django_capture_on_commit_callbacks,
):
    only_rules("profile")
    person = trainee_who_ended()

    before = apply_retention(now=months_later(END, 23))
    profile = TraineeProfile.objects.get(user=person)
    assert profile.background == "Gymnasiet"
    assert before.counts == {}

    with django_capture_on_commit_callbacks(execute=True):
        after = apply_retention(now=months_later(END, 25))

    profile.refresh_from_db()
    assert (profile.background, profile.wants_to_work_with) == ("", "")
    assert after.counts == {"profile": {"anonymise": 1}}
    person.refresh_from_db()
    assert person.full_name == "Fatima Former"  # only the profile's rule applied
    assert [line["categories"] for line in ledger_lines()] == [["profile"]]


@pytest.mark.django_db
def test_a_later_or_running_enrolment_keeps_the_person():
    only_rules("profile", "account")
    person = trainee_who_ended()
    EnrolmentFactory(
        trainee=person,
        cohort=CohortFactory(starts_on=END + datetime.timedelta(days=400)),
    )

    run = apply_retention(now=months_later(END, 30))

    person.refresh_from_db()
    assert person.removed_at is None
    assert TraineeProfile.objects.get(user=person).background == "Gymnasiet"
    assert run.counts == {}


@pytest.mark.django_db
def test_staff_are_anonymised_months_after_their_account_was_deactivated():
    only_rules("account")
    staff = UserFactory(role="supervisor", full_name="Sam Supervisor")
    active = UserFactory(role="supervisor", full_name="Anna Aktiv")
    gone = datetime.datetime(2024, 1, 10, 9, tzinfo=datetime.UTC)
    deactivated(staff, gone)

    apply_retention(now=months_later(gone.date(), 23))
    staff.refresh_from_db()
    assert staff.removed_at is None

    run = apply_retention(now=months_later(gone.date(), 25))

    staff.refresh_from_db()
    active.refresh_from_db()
    assert staff.removed_at is not None and staff.full_name == ""
    assert active.removed_at is None
    assert run.counts == {"account": {"anonymise": 1}}


@pytest.mark.django_db
def test_applications_are_deleted_months_after_the_decision(django_capture_on_commit_callbacks):
    only_rules("application")
    now = timezone.now()
    old = ApplicantFactory(status="declined", decided_at=now - datetime.timedelta(days=200))
    recent = ApplicantFactory(status="declined", decided_at=now - datetime.timedelta(days=120))
    undecided = ApplicantFactory()

    with django_capture_on_commit_callbacks(execute=True):
        run = apply_retention(now=now)

    assert not Applicant.objects.filter(pk=old.pk).exists()
    assert Applicant.objects.filter(pk__in=[recent.pk, undecided.pk]).count() == 2
    assert run.counts == {"application": {"delete": 1}}
    assert [line["applicant"] for line in ledger_lines()] == [old.pk]


@pytest.mark.django_db
def test_rows_counted_from_creation_go_after_their_months():
    only_rules("communication")
    old = OutboxEmailFactory(to="a@example.se", status="sent")
    new = OutboxEmailFactory(to="b@example.se", status="sent")
    OutboxEmail.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )

    run = apply_retention()

    assert list(OutboxEmail.objects.values_list("pk", flat=True)) == [new.pk]
    assert run.counts == {"communication": {"delete": 1}}


@pytest.mark.django_db
def test_a_run_writes_its_audit_row_and_reports_to_each_admin_once(admin):
    other_admin = UserFactory(role="admin")
    UserFactory(role="admin", is_active=False)
    only_rules("profile", "progress")
    person = trainee_who_ended()
    ProgressLogFactory(trainee=person, did="Byggde API:t.")

    first = apply_retention(now=months_later(END, 25))
    second = apply_retention(now=months_later(END, 26))

    assert first.counts == {"profile": {"anonymise": 1}, "progress": {"anonymise": 1}}
    assert second.counts == {} and second.is_finished and not second.has_error
    runs = AuditEntry.objects.filter(action="privacy.retention_run").order_by("pk")
    assert [entry.object_id for entry in runs] == [str(first.pk), str(second.pk)]
    assert runs[0].details["counts"] == first.counts
    emails = OutboxEmail.objects.filter(key__startswith="retention-run:")
    assert sorted(emails.values_list("key", flat=True)) == sorted(
        [f"retention-run:{first.pk}:{admin.pk}", f"retention-run:{first.pk}:{other_admin.pk}"]
    )
    body = emails.first().body_text
    assert "Fatima" not in body and "Byggde" not in body
    assert (
        AuditEntry.objects.filter(action="privacy.anonymised", object_id=str(person.pk)).count()
        == 2
    )


@pytest.mark.django_db
def test_a_person_that_fails_is_left_for_the_next_run_and_the_others_are_done(monkeypatch):
    only_rules("profile")
    failing = trainee_who_ended()
    fine = trainee_who_ended()
    from privacy import erasure

    real = erasure.anonymise_person

    def anonymise(person, *args, **kwargs):
        if person.pk == failing.pk:
            raise RuntimeError("disk full")
        return real(person, *args, **kwargs)

    monkeypatch.setattr(erasure, "anonymise_person", anonymise)

    run = apply_retention(now=months_later(END, 25))

    assert run.counts == {"profile": {"anonymise": 1}}
    assert f"person {failing.pk}: RuntimeError" in run.error
    assert TraineeProfile.objects.get(user=fine).background == ""
    assert TraineeProfile.objects.get(user=failing).background == "Gymnasiet"


@pytest.mark.django_db
def test_the_outcome_report_is_the_same_after_a_cohort_is_anonymised():
    cohort = CohortFactory(starts_on=datetime.date(2022, 1, 10), ends_on=datetime.date(2022, 9, 30))
    for n in range(12):
        enrolment = EnrolmentFactory(cohort=cohort)
        category = [
            OutcomeCategory.EMPLOYED_IT,
            OutcomeCategory.EMPLOYED_OTHER,
            OutcomeCategory.JOB_SEEKING,
        ][n % 3]
        Outcome.objects.create(
            trainee=enrolment.trainee,
            enrolment=enrolment,
            months_after=0,
            category=category,
            employer="Arbetsgivaren AB",
            role="Utvecklare",
            starts_on=cohort.ends_on + datetime.timedelta(days=10 * n),
            source="lab",
            note="Hittade jobbet själv.",
        )
        FollowUp.objects.create(
            trainee=enrolment.trainee,
            enrolment=enrolment,
            months_after=3,
            due_on=cohort.ends_on + datetime.timedelta(days=90),
            status=FollowUpStatus.ANSWERED if n % 2 else FollowUpStatus.UNANSWERED,
            nonce=f"nonce-{n}",
            answer={"category": "studies"} if n % 2 else {},
        )
    filters = Filters(cohort_id=cohort.pk)
    before = outcome_report("cohort", filters)

    run = apply_retention(now=timezone.now())

    assert run.counts["outcome"]["anonymise"] == 12
    assert run.counts["account"]["anonymise"] == 12
    assert set(Outcome.objects.values_list("employer", "note")) == {("", "")}
    assert User.objects.filter(enrolments__cohort=cohort, removed_at__isnull=False).count() == 12
    after = outcome_report("cohort", filters)
    assert after.total.median_days == before.total.median_days
    assert after == before


# The task on a real worker -----------------------------------------------------------
def test_run_now_queues_the_task_and_a_real_worker_applies_the_rules(
    transactional_db, admin, tmp_path, monkeypatch
):
    from tests.core.test_outbox_crash import worker_process

    ledger = tmp_path / "worker-ledger.jsonl"
    monkeypatch.setenv("PRIVACY_LEDGER_PATH", str(ledger))
    # An earlier transactional test may have emptied the tables the migrations filled.
    set_rule("profile", months=24, anchor="programme_end", action="anonymise", is_active=True)
    only_rules("profile")
    person = trainee_who_ended()

    with worker_process("retention", smtp_port=9, log=tmp_path / "worker.log"):
        response = client_for(admin).post(reverse("privacy:retention_run"))
        assert response.status_code == 302
        finished = wait_for(
            lambda: RetentionRun.objects.filter(
                triggered_by=admin, finished_at__isnull=False
            ).exists(),
            timeout=60,
        )
    log = Path(tmp_path / "worker.log").read_text()

    assert finished, log
    run = RetentionRun.objects.get(triggered_by=admin)
    assert run.counts == {"profile": {"anonymise": 1}}, log
    assert TraineeProfile.objects.get(user=person).background == ""
    assert AuditEntry.objects.filter(action="privacy.retention_run_requested").exists()
    assert ledger.read_text().count('"profile"') == 1
    assert connection.vendor == "postgresql"
