"""Whole-history exports in the background (`reports.jobs`, `reports.tasks`) and the
monthly report: asked for by the lab, built once however often the task runs, the
requester emailed once, the file downloadable by them until it expires and is
deleted; the real worker on Redis builds it from the page's request."""

import datetime
import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from labportal.core.models import AuditEntry, OutboxEmail
from reports import jobs, monthly
from reports import tasks as report_tasks
from reports.figures import Filters
from reports.models import ExportJob, ExportStatus
from tests.accounts.factories import UserFactory, give_totp
from tests.cohorts.factories import CohortFactory
from tests.conftest import english, wait_for
from tests.reports.test_figures import enrol
from trainees.models import Outcome, OutcomeCategory

C = OutcomeCategory


def make_outcomes(count=6):
    cohort = CohortFactory(name="Omgång Historia")
    for _ in range(count):
        enrol(cohort, [(0, C.EMPLOYED_IT), (3, C.EMPLOYED_IT)], job_after_days=7)
    return cohort


@pytest.mark.django_db
def test_an_export_is_asked_for_by_the_lab_and_names_only_by_an_admin_with_a_reason(
    lab_lead, admin
):
    job = jobs.request_export(actor=lab_lead, filters=Filters(), file_format="csv")

    assert (job.status, job.named, job.requested_by) == (ExportStatus.QUEUED, False, lab_lead)
    assert AuditEntry.objects.filter(action="report.export_requested").count() == 1
    with pytest.raises(PermissionDenied):
        jobs.request_export(actor=lab_lead, filters=Filters(), file_format="csv", named=True)
    with pytest.raises(ValidationError):
        jobs.request_export(
            actor=admin, filters=Filters(), file_format="csv", named=True, reason=" "
        )
    assert ExportJob.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_building_an_export_writes_the_rows_once_and_emails_the_requester_once(
    lab_lead, file_format
):
    make_outcomes()
    job = jobs.request_export(actor=lab_lead, filters=Filters(), file_format=file_format)

    assert jobs.build_export(job.pk) is True
    assert jobs.build_export(job.pk) is False  # delivered twice: nothing more

    job.refresh_from_db()
    assert job.is_ready and job.rows_total == job.rows_done == Outcome.objects.count() == 12
    assert job.expires_at > timezone.now() + datetime.timedelta(hours=47)
    assert job.file.name.endswith(f".{file_format}")
    assert OutboxEmail.objects.filter(key=f"export-ready:{job.pk}", to=lab_lead.email).count() == 1
    exported = AuditEntry.objects.get(action="report.exported")
    assert exported.details["rows"] == 12


@pytest.mark.django_db
def test_the_file_is_for_its_requester_and_admins_until_it_expires(lab_lead, admin):
    make_outcomes()
    job = jobs.request_export(actor=lab_lead, filters=Filters(), file_format="csv")
    jobs.build_export(job.pk)
    url = reverse("reports:export_job_download", args=[job.pk])
    other_lead = give_totp(UserFactory(role="lab_lead"))

    response = english(lab_lead).get(url)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200 and text.count("\n") == 13
    assert english(admin).get(url).status_code == 200
    assert english(other_lead).get(url).status_code == 404
    assert AuditEntry.objects.filter(action="report.export_downloaded").count() == 2
    page = english(lab_lead).get(reverse("reports:export_job", args=[job.pk]))
    assert "Download the file" in page.content.decode()

    job.refresh_from_db()
    assert jobs.purge_exports(now=job.expires_at + datetime.timedelta(minutes=1)) == 1

    job.refresh_from_db()
    assert job.status == ExportStatus.EXPIRED and not job.file
    assert english(lab_lead).get(url).status_code == 404


@pytest.mark.django_db
def test_a_failed_export_says_so(lab_lead):
    job = jobs.request_export(actor=lab_lead, filters=Filters(), file_format="csv")

    jobs.fail_export(job.pk, "OSError: disk full")

    page = english(lab_lead).get(reverse("reports:export_job", args=[job.pk]))
    assert "The export failed." in page.content.decode()
    assert jobs.build_export(job.pk) is False


@pytest.mark.django_db
def test_the_progress_fragment_polls_while_the_export_is_prepared(lab_lead):
    job = jobs.request_export(actor=lab_lead, filters=Filters(), file_format="csv")
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.RUNNING, rows_total=20000, rows_done=5000
    )

    fragment = english(lab_lead).get(
        reverse("reports:export_job", args=[job.pk]), HTTP_HX_REQUEST="true"
    )

    html = fragment.content.decode()
    assert 'hx-trigger="every 2s"' in html and 'value="25"' in html
    assert "5000 of 20000 rows" in html
    assert "<html" not in html


@pytest.mark.django_db(transaction=True)
def test_the_worker_builds_the_export_asked_for_on_the_page(celery_worker, lab_lead):
    make_outcomes(3)
    client = english(lab_lead)

    response = client.post(reverse("reports:export_request"), {"file_format": "xlsx"})

    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert wait_for(lambda: ExportJob.objects.get(pk=job.pk).is_ready)
    assert wait_for(lambda: any(m.to == [lab_lead.email] for m in mail.outbox))
    download = client.get(reverse("reports:export_job_download", args=[job.pk]))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert sheet.max_row == 1 + 6


@pytest.mark.django_db
def test_the_monthly_report_goes_to_each_admin_once_a_month(admin):
    make_outcomes()
    UserFactory(role="admin", is_active=False)

    assert monthly.send_monthly_reports() == 1
    assert monthly.send_monthly_reports() == 0  # beat fired twice

    [email] = OutboxEmail.objects.filter(key__startswith="monthly-report:")
    assert email.to == admin.email
    assert "reports/" in email.body_text


@pytest.mark.django_db
def test_only_exports_whose_task_was_lost_are_queued_again(lab_lead, settings):
    # given: jobs queued and claimed at various times (the hard time limit: 300 s)
    settings.CELERY_TASK_TIME_LIMIT = 300
    now = timezone.now()

    def job(status, minutes_ago):
        made = jobs.request_export(actor=lab_lead, filters=Filters(), file_format="csv")
        ExportJob.objects.filter(pk=made.pk).update(
            status=status, updated_at=now - datetime.timedelta(minutes=minutes_ago)
        )
        return made.pk

    waiting_long = job(ExportStatus.QUEUED, 11)
    waiting_briefly = job(ExportStatus.QUEUED, 2)
    running_dead = job(ExportStatus.RUNNING, 7)  # past the time limit and a minute
    running_live = job(ExportStatus.RUNNING, 4)
    job(ExportStatus.READY, 60)
    job(ExportStatus.FAILED, 60)

    # when / then: the lost ones, once; the next sweep waits as long again
    assert jobs.lost_export_ids(now) == [waiting_long, running_dead]
    assert jobs.lost_export_ids(now) == []
    assert jobs.lost_export_ids(now + datetime.timedelta(minutes=11)) == [
        waiting_long,
        waiting_briefly,
        running_dead,
        running_live,
    ]


@pytest.mark.django_db(transaction=True)
def test_the_sweep_has_a_lost_export_built_by_the_worker(celery_worker, lab_lead):
    # given: an export whose task never reached a worker (say, Redis restarted empty)
    job = ExportJob.objects.create(requested_by=lab_lead, file_format="csv")
    ExportJob.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - datetime.timedelta(minutes=11)
    )
    # when: beat runs the sweep
    report_tasks.requeue_lost_exports.delay()
    # then
    assert wait_for(lambda: ExportJob.objects.get(pk=job.pk).status == ExportStatus.READY)
    assert OutboxEmail.objects.filter(key=f"export-ready:{job.pk}").count() == 1
