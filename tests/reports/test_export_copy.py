"""The outcome rows written by PostgreSQL (`reports.exports_sql`: COPY for CSV, the
same query for XLSX) are the rows the Python export wrote before: the same headers,
pseudonyms, translated labels, formula-safe cells and filters. `previous_rows` below
is that Python export, kept here as the reference."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.utils import translation
from openpyxl import load_workbook

from reports.exports import Pseudonyms, safe
from reports.exports_rows import RowExport
from reports.exports_xlsx import write_sheet
from reports.figures import Filters
from tests.accounts.factories import OrganisationFactory
from tests.cohorts.factories import CohortFactory, EnrolmentFactory
from trainees.models import (
    EmploymentType,
    Outcome,
    OutcomeCategory,
    OutcomeSource,
)

pytestmark = pytest.mark.django_db
C = OutcomeCategory
DAY = datetime.timedelta(days=1)
TRICKY = [
    '=HYPERLINK("http://x")',
    "+46 70 123",
    "-1",
    "@SUM(A1)",
    "\tflik",
    "\rretur",
    "Malmö; Lund",
    'Säger "hej"',
    "två\nrader",
    "",
    "Vanlig text",
]


def previous_rows(export, filters):
    """The rows as `RowExport.rows` made them in Python before COPY."""
    categories = {key: str(label) for key, label in OutcomeCategory.choices}
    types = {key: str(label) for key, label in EmploymentType.choices}
    types[""] = ""
    sources = {key: str(label) for key, label in OutcomeSource.choices}
    yes, no = str(translation.gettext("yes")), str(translation.gettext("no"))
    names = Pseudonyms()
    for outcome in (
        Outcome.objects.filter(filters.q("enrolment__"))
        .select_related("trainee", "enrolment__cohort__organisation")
        .order_by("enrolment_id", "months_after")
    ):
        enrolment = outcome.enrolment
        days = max((outcome.starts_on - enrolment.ends_on).days, 0) if outcome.starts_on else ""
        line = [names[outcome.trainee_id]]
        if export.named:
            line += [safe(outcome.trainee.full_name), outcome.trainee.email]
        line += [
            safe(enrolment.cohort.name),
            safe(enrolment.cohort.organisation.name),
            enrolment.ends_on.year,
            outcome.months_after,
            categories[outcome.category],
            types[outcome.employment_type],
            safe(outcome.region),
            yes if outcome.via_lab_network else no,
            yes if outcome.partner_id else no,
            days,
            sources[outcome.source],
        ]
        if export.named:
            line += [safe(outcome.employer), safe(outcome.role), safe(outcome.note)]
        yield line


def as_csv(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([safe(value) for value in header])
    writer.writerows(rows)
    return list(csv.reader(io.StringIO(buffer.getvalue()), delimiter=";"))


def parsed(blocks):
    data = b"".join(blocks)
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


@pytest.fixture
def outcomes():
    """Outcomes with every kind of cell: each tricky text in each text column, every
    category, type and source, jobs before and after the end, partners."""
    north = OrganisationFactory(name="=Norrkommun")
    south = OrganisationFactory(name="Södra kommunen")
    partner = OrganisationFactory(name="Partnern AB", kind="partner")
    spring = CohortFactory(
        name="-Omgång Vår",
        organisation=north,
        starts_on=datetime.date(2024, 1, 8),
        ends_on=datetime.date(2024, 6, 28),
    )
    autumn = CohortFactory(
        name="Omgång; Höst",
        organisation=south,
        starts_on=datetime.date(2025, 3, 3),
        ends_on=datetime.date(2025, 11, 28),
    )
    categories, types, sources = list(C), ["", *EmploymentType], list(OutcomeSource)
    for n, text in enumerate(TRICKY):
        enrolment = EnrolmentFactory(
            cohort=spring if n % 2 else autumn, trainee__full_name=text or "Namnlös"
        )
        for months in (0, 3):
            Outcome.objects.create(
                trainee=enrolment.trainee,
                enrolment=enrolment,
                months_after=months,
                category=categories[(n + months) % len(categories)],
                employment_type=types[n % len(types)],
                employer=text,
                role=TRICKY[-1 - n],
                region=text,
                note=text,
                starts_on=enrolment.ends_on + (n - 3) * 10 * DAY if n % 3 else None,
                via_lab_network=bool(n % 2),
                partner=partner if n % 4 == 0 else None,
                source=sources[n % len(sources)],
            )
    return spring, autumn


@pytest.mark.parametrize("named", [False, True])
@pytest.mark.parametrize("language", ["en", "sv"])
def test_the_copy_csv_is_the_previous_csv(outcomes, named, language):
    spring, _autumn = outcomes
    export = RowExport(named=named)
    with translation.override(language):
        for filters in [
            Filters(),
            Filters(cohort_id=spring.pk),
            Filters(organisation_id=spring.organisation_id),
            Filters(starts=datetime.date(2025, 1, 1)),
            Filters(ends=datetime.date(2024, 12, 31), organisation_id=spring.organisation_id),
        ]:
            expected = as_csv(export.header(), previous_rows(export, filters))

            got = parsed(export.csv(filters))

            assert got == expected, filters
            assert len(got) == 1 + export.queryset(filters).count()


def test_a_known_row_cell_by_cell(outcomes):
    outcome = Outcome.objects.get(
        enrolment__trainee__full_name='=HYPERLINK("http://x")', months_after=3
    )
    trainee = outcome.trainee_id

    with translation.override("en"):
        header, *rows = parsed(RowExport(named=False).csv(Filters()))

    assert header == [
        "Trainee",
        "Cohort",
        "Organisation",
        "Year the programme ended",
        "Months after the end",
        "Outcome",
        "Type of employment",
        "Region",
        "Through the lab's network",
        "Through a partner",
        "Days from the end to the job",
        "Source",
    ]
    assert Pseudonyms()[trainee] in {row[0] for row in rows}
    row = next(r for r in rows if r[0] == Pseudonyms()[trainee] and r[4] == "3")
    assert row == [
        Pseudonyms()[trainee],
        "Omgång; Höst",
        "Södra kommunen",
        "2025",
        "3",
        "Studies",
        "",
        '\'=HYPERLINK("http://x")',
        "no",
        "yes",
        "",
        "Recorded by the lab",
    ]
    regions = {r[7] for r in rows}
    assert {"'+46 70 123", "'-1", "'@SUM(A1)", "'\tflik", "'\rretur", "två\nrader"} <= regions
    assert not any(region[:1] in "=+-@\t\r" for region in regions if region)
    assert "'-Omgång Vår" in {r[1] for r in rows}
    assert "'=Norrkommun" in {r[2] for r in rows}
    assert {r[10] for r in rows} >= {"", "0", "20"}  # a job before the end counts 0 days


def test_the_xlsx_holds_the_csv_rows_and_opens_in_openpyxl(outcomes):
    export = RowExport(named=True)
    with translation.override("en"):
        csv_rows = parsed(export.csv(Filters()))
        with export.xlsx(Filters(), "Utfall: 2025/26 [alla]") as handle:
            workbook = load_workbook(handle)

    sheet = workbook.active
    assert sheet.title == "Utfall 202526 alla"
    cells = [["" if v is None else str(v) for v in row] for row in sheet.values]
    assert cells == csv_rows
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    assert isinstance(sheet["F2"].value, int)  # the year is a number


def test_the_xlsx_writer_keeps_types_and_drops_what_xml_cannot_hold():
    rows = [
        ["text <&> \"'", 12, 1.5, datetime.date(2025, 1, 6), None, True, "bell\x07 ok"],
        ["", 0, -2.25, datetime.date(1900, 3, 1), "x" * 5000, False, "ä ö å ✓"],
    ]
    with write_sheet(["a", "b", "c", "d", "e", "f", "g"], rows, "Blad") as handle:
        sheet = load_workbook(handle).active

    got = [
        tuple(v.date() if isinstance(v, datetime.datetime) else v for v in row)
        for row in sheet.iter_rows(min_row=2, values_only=True)
    ]
    assert got[0] == ("text <&> \"'", 12, 1.5, datetime.date(2025, 1, 6), None, True, "bell ok")
    assert got[1] == (None, 0, -2.25, datetime.date(1900, 3, 1), "x" * 5000, False, "ä ö å ✓")


def test_two_exports_in_a_row_on_one_connection_leave_no_table_behind(outcomes):
    export = RowExport(named=False)

    first = parsed(export.csv(Filters()))
    second = parsed(export.csv(Filters()))
    with export.xlsx(Filters(), "Utfall") as handle:
        assert handle.read(2) == b"PK"

    assert first == second
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('pg_temp.labportal_export_pseudonyms')")
        assert cursor.fetchone()[0] is None


def test_a_download_stopped_half_way_leaves_the_connection_usable(outcomes, monkeypatch):
    # small chunks, so that the client can go away between two of them
    monkeypatch.setattr("reports.exports_sql.COPY_FLUSH", 100)
    blocks = RowExport(named=False).csv(Filters())

    next(blocks)  # the header
    next(blocks)  # the first rows
    blocks.close()  # the client went away: the COPY is abandoned

    assert Outcome.objects.count() == 22
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('pg_temp.labportal_export_pseudonyms')")
        assert cursor.fetchone()[0] is None
    assert len(parsed(RowExport(named=False).csv(Filters()))) == 23
