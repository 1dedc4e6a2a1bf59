"""The export of the weekly progress logs (`reports.exports_rows.LogExport`, route
`reports:export_logs`): the lab's (admins and lab leads), pseudonymised, without the
text the trainees wrote, filtered like the other exports, audited."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from labportal.core.models import AuditEntry
from reports.exports import pseudonym
from tests.accounts.factories import OrganisationFactory
from tests.cohorts.factories import CohortFactory, EnrolmentFactory
from tests.conftest import english
from tests.trainees.factories import ProgressLogFactory
from trainees.models import ProgressLog

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2025, 3, 3)
WEEK = datetime.timedelta(weeks=1)
SECRET_TEXT = "Hemligt om min hälsa"


@pytest.fixture
def logs():
    town = OrganisationFactory(name="=Kommunen")
    cohort = CohortFactory(name="Omgång Vår", organisation=town)
    other = CohortFactory(name="Omgång Höst")
    anna = EnrolmentFactory(cohort=cohort, trainee__full_name="Anna Andersson")
    bo = EnrolmentFactory(cohort=other, trainee__full_name="Bo Berg")
    for n in range(3):
        ProgressLogFactory(
            trainee=anna.trainee,
            enrolment=anna,
            week=MONDAY + n * WEEK,
            hours_practical=Decimal("30.5"),
            hours_education=Decimal(n),
            did=SECRET_TEXT,
            learned=SECRET_TEXT,
            blockers=SECRET_TEXT,
        )
    ProgressLogFactory(trainee=bo.trainee, enrolment=bo, week=MONDAY, did=SECRET_TEXT)
    ProgressLogFactory(week=MONDAY - 10 * WEEK, did=SECRET_TEXT)  # no enrolment
    return anna, bo, cohort


def download(client, file_format, query=None):
    return client.get(reverse("reports:export_logs", args=[file_format]), query or {})


def csv_of(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Disposition"].startswith('attachment; filename="labportal-logs-')
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_the_logs_are_pseudonymised_without_free_text(logs, lab_lead):
    anna, bo, _cohort = logs

    header, *rows = csv_of(download(english(lab_lead), "csv"))

    assert header == [
        "Trainee",
        "Week",
        "Hours of practical work",
        "Hours of education",
        "Cohort",
        "Organisation",
    ]
    assert len(rows) == ProgressLog.objects.count() == 5
    # by trainee, the latest week first
    anna_rows = [row for row in rows if row[0] == pseudonym(anna.trainee_id)]
    assert anna_rows == [
        [pseudonym(anna.trainee_id), "2025-03-17", "30.5", "2.0", "Omgång Vår", "'=Kommunen"],
        [pseudonym(anna.trainee_id), "2025-03-10", "30.5", "1.0", "Omgång Vår", "'=Kommunen"],
        [pseudonym(anna.trainee_id), "2025-03-03", "30.5", "0.0", "Omgång Vår", "'=Kommunen"],
    ]
    flat = "\n".join(";".join(row) for row in rows)
    for secret in [SECRET_TEXT, "Anna", "Bo Berg", anna.trainee.email, bo.trainee.email]:
        assert secret not in flat
    without_enrolment = [row for row in rows if row[4] == ""]
    assert len(without_enrolment) == 1 and without_enrolment[0][5] == ""


def test_the_filters_choose_the_weeks_and_the_cohort(logs, admin):
    anna, bo, cohort = logs
    client = english(admin)

    in_march = csv_of(download(client, "csv", {"starts": "2025-03-01", "ends": "2025-03-10"}))
    of_cohort = csv_of(download(client, "csv", {"cohort": cohort.pk}))

    assert sorted((row[0], row[1]) for row in in_march[1:]) == sorted(
        [
            (pseudonym(anna.trainee_id), "2025-03-03"),
            (pseudonym(anna.trainee_id), "2025-03-10"),
            (pseudonym(bo.trainee_id), "2025-03-03"),
        ]
    )
    assert {row[0] for row in of_cohort[1:]} == {pseudonym(anna.trainee_id)}
    assert len(of_cohort) == 4


def test_the_logs_as_xlsx_hold_the_same_rows_with_real_dates_and_numbers(logs, lab_lead):
    client = english(lab_lead)
    as_csv = csv_of(download(client, "csv"))

    response = download(client, "xlsx")

    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    assert sheet.title == "Progress logs"
    values = list(sheet.values)
    assert [list(values[0])] == [as_csv[0]]
    first = values[1]
    assert isinstance(first[1], datetime.datetime) and first[1].date() == MONDAY + 2 * WEEK
    assert first[2] == 30.5 and first[3] == 2
    assert [
        [row[0], row[1].date().isoformat(), *("" if v is None else v for v in row[4:])]
        for row in values[1:]
    ] == [[row[0], row[1], row[4], row[5]] for row in as_csv[1:]]


def test_every_logs_export_is_audited(logs, lab_lead):
    _anna, _bo, cohort = logs

    csv_of(download(english(lab_lead), "csv", {"cohort": cohort.pk}))
    download(english(lab_lead), "xlsx")

    entries = AuditEntry.objects.filter(action="report.exported").order_by("pk")
    assert [(e.details["kind"], e.details["format"], e.details["rows"]) for e in entries] == [
        ("logs", "csv", 3),
        ("logs", "xlsx", 5),
    ]
    assert all(e.actor == lab_lead and e.details["named"] is False for e in entries)
    assert entries[0].details["filters"]["cohort"] == cohort.pk


@pytest.mark.parametrize("persona", ["department_staff", "trainee", "supervisor", "outsider"])
def test_the_logs_are_the_labs(request, logs, persona):
    client = english(request.getfixturevalue(persona))

    assert download(client, "csv").status_code == 403
    assert download(client, "xlsx").status_code == 403
    assert not AuditEntry.objects.filter(action="report.exported").exists()


def test_the_logs_need_a_sign_in_a_known_format_and_a_good_period(client, logs, lab_lead):
    signed_out = download(client, "csv")
    assert signed_out.status_code == 302 and "login" in signed_out["Location"]

    lab = english(lab_lead)
    assert download(lab, "pdf").status_code == 404
    bad = download(lab, "csv", {"starts": "2025-06-01", "ends": "2025-01-01"})
    assert bad.status_code == 400
    assert "The end of the period comes before its start." in bad.content.decode()
    assert not AuditEntry.objects.filter(action="report.exported").exists()


def test_the_exports_page_links_the_logs(logs, lab_lead):
    page = english(lab_lead).get(reverse("reports:exports"), {"cohort": logs[2].pk})

    html = page.content.decode()
    assert "Weekly progress logs, pseudonymised" in html
    assert reverse("reports:export_logs", args=["csv"]) + f"?cohort={logs[2].pk}" in html
