"""Exports of the outcomes (`reports.exports`, `reports.views_exports`): the figures
agree in the dashboard, CSV, XLSX and PDF; outcome rows are pseudonymised unless an
admin gives a reason; every export is audited; a formula in the data stays text."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from labportal.core.models import AuditEntry
from reports.exports import pseudonym
from reports.figures import outcome_report
from tests.cohorts.factories import CohortFactory
from tests.conftest import english
from tests.reports.test_figures import enrol
from trainees.models import FollowUpStatus, Outcome, OutcomeCategory

pytestmark = pytest.mark.django_db
C = OutcomeCategory


@pytest.fixture
def data():
    spring = CohortFactory(
        name="Omgång Vår", starts_on=datetime.date(2025, 1, 6), ends_on=datetime.date(2025, 9, 30)
    )
    autumn = CohortFactory(
        name="Omgång Höst", starts_on=datetime.date(2025, 3, 3), ends_on=datetime.date(2025, 11, 28)
    )
    for _ in range(9):
        enrol(
            spring,
            [(0, C.EMPLOYED_IT), (3, C.EMPLOYED_IT)],
            job_after_days=12,
            follow_up=(3, FollowUpStatus.ANSWERED),
        )
    for _ in range(6):
        enrol(
            spring, [(0, C.JOB_SEEKING), (3, C.UNKNOWN)], follow_up=(3, FollowUpStatus.UNANSWERED)
        )
    for _ in range(7):
        enrol(autumn, [(0, C.EMPLOYED_OTHER)], job_after_days=40)
    enrol(autumn, [(0, C.STUDIES)])
    return spring, autumn


def download(client, kind, file_format, query=None):
    response = client.get(reverse("reports:export", args=[kind, file_format]), query or {})
    assert response.status_code == 200, response.content[:500]
    return response


def csv_of(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def xlsx_of(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [[("" if v is None else str(v)) for v in row] for row in workbook.active.values]


def test_the_figures_agree_in_the_dashboard_csv_xlsx_and_pdf(data, lab_lead):
    client = english(lab_lead)
    report = outcome_report("cohort")
    expected = []
    for line in [*report.lines, report.total]:
        row = [line.label or "All", line.trainees.text]
        for month in report.points:
            point = line.points[month]
            row += [point.base.text, point.in_work.text, point.in_it.text]
        row += [
            "" if line.median_days is None else str(line.median_days),
            line.asked.text,
            line.answered.text,
            line.through_partner.text,
        ]
        expected.append(row)
    # Höst has 8 people and every split of them is small: some cells are hidden
    assert any("<5" in row for row in expected)

    dashboard = client.get(reverse("reports:dashboard")).content.decode()
    for row in expected:
        for value in row[1:]:
            assert value.replace("<", "&lt;") in dashboard
    as_csv = csv_of(download(client, "figures", "csv"))
    as_xlsx = xlsx_of(download(client, "figures", "xlsx"))
    assert as_csv[1:] == expected
    assert as_xlsx[1:] == expected
    assert as_csv[0] == as_xlsx[0]
    pdf = client.get(reverse("reports:pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    for row in expected:
        assert row[0] in text
        for point_start in range(2, 2 + 3 * len(report.points), 3):
            assert f"{row[point_start + 1]} / {row[point_start + 2]}" in text


def test_outcome_rows_are_pseudonymised_stable_and_without_names(data, lab_lead):
    client = english(lab_lead)

    first = csv_of(download(client, "rows", "csv"))
    second = xlsx_of(download(client, "rows", "xlsx"))

    header, *rows = first
    assert "Name" not in header and "Email" not in header and "Employer" not in header
    assert len(rows) == Outcome.objects.count()
    emails = set(Outcome.objects.values_list("trainee__email", flat=True))
    flat = " ".join(";".join(row) for row in rows)
    assert not any(email in flat for email in emails)
    trainee_ids = list(Outcome.objects.order_by("pk").values_list("trainee_id", flat=True))
    assert {row[0] for row in rows} == {pseudonym(pk) for pk in trainee_ids}
    assert len({pseudonym(pk) for pk in trainee_ids}) == len(set(trainee_ids))
    # the same pseudonyms in the other format, so two exports can be joined
    assert [row[0] for row in second[1:]] == [row[0] for row in rows]


def test_every_export_is_audited_with_its_filters_and_rows(data, lab_lead):
    spring, _autumn = data

    download(english(lab_lead), "rows", "csv", {"cohort": spring.pk, "starts": "2025-01-01"})

    entry = AuditEntry.objects.get(action="report.exported")
    assert entry.actor == lab_lead
    assert entry.details["kind"] == "rows" and entry.details["named"] is False
    assert entry.details["rows"] == Outcome.objects.filter(enrolment__cohort=spring).count()
    assert entry.details["filters"]["cohort"] == spring.pk
    assert entry.details["filters"]["starts"] == "2025-01-01"


def test_a_named_export_is_for_admins_with_a_reason_and_is_audited(data, admin, lab_lead):
    url = reverse("reports:export_named")

    assert (
        english(lab_lead).post(url, {"reason": "Uppföljning", "file_format": "csv"}).status_code
        == 403
    )
    refused = english(admin).post(url, {"reason": "  ", "file_format": "csv"})
    assert refused.status_code == 400
    assert "Give the reason for a named export." in refused.content.decode()
    assert not AuditEntry.objects.filter(action="report.exported").exists()

    response = english(admin).post(
        url, {"reason": "Kontakta arbetsgivarna inför nästa omgång", "file_format": "csv"}
    )

    header, *rows = csv_of(response)
    assert {"Name", "Email", "Employer"} <= set(header)
    assert {row[header.index("Email")] for row in rows} == set(
        Outcome.objects.values_list("trainee__email", flat=True)
    )
    entry = AuditEntry.objects.get(action="report.exported")
    assert (entry.actor, entry.details["named"]) == (admin, True)
    assert entry.details["reason"] == "Kontakta arbetsgivarna inför nästa omgång"


def test_text_a_spreadsheet_would_run_is_exported_as_text(data, lab_lead):
    Outcome.objects.filter(category=C.EMPLOYED_IT).update(region='=HYPERLINK("http://x")')

    rows = csv_of(download(english(lab_lead), "rows", "csv"))

    regions = {row[rows[0].index("Region")] for row in rows[1:]}
    assert '\'=HYPERLINK("http://x")' in regions
    assert not any(region.startswith("=") for region in regions)


@pytest.mark.parametrize("persona", ["department_staff", "trainee", "supervisor", "outsider"])
def test_exports_are_the_labs(request, data, persona):
    client = english(request.getfixturevalue(persona))

    assert client.get(reverse("reports:export", args=["rows", "csv"])).status_code == 403
    assert client.get(reverse("reports:exports")).status_code == 403
    assert client.get(reverse("reports:pdf")).status_code == 403
    assert not AuditEntry.objects.filter(action="report.exported").exists()


def test_an_unknown_kind_or_a_bad_period_gets_the_exports_page(data, lab_lead):
    client = english(lab_lead)

    unknown = client.get(reverse("reports:export", args=["people", "csv"]))
    bad = client.get(
        reverse("reports:export", args=["rows", "csv"]),
        {"starts": "2025-06-01", "ends": "2025-01-01"},
    )

    assert unknown.status_code == 404
    assert bad.status_code == 400
    assert "The end of the period comes before its start." in bad.content.decode()
    assert not AuditEntry.objects.filter(action="report.exported").exists()
