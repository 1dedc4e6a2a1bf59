"""The idea flow page: ideas per department and quarter, answer times, acceptance."""

import datetime
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from labportal.accounts.models import Department
from prototypes import flow, views
from prototypes.models import Idea, IdeaStatus
from tests.accounts.factories import DepartmentFactory, OrganisationFactory
from tests.conftest import client_for, english
from tests.prototypes.factories import IdeaEventFactory, IdeaFactory


def quiet_section(html):
    start = html.index("Departments that have gone quiet")
    return html[start : html.index("</ul>", start)]


def test_idea_flow_page_counts_per_department_and_lists_the_quiet_ones(lab_lead):
    busy = DepartmentFactory(name="Stadsbyggnad")
    steady = DepartmentFactory(name="Kultur och fritid")
    quiet = DepartmentFactory(name="Tekniska nämnden")
    now = timezone.now()
    IdeaFactory.create_batch(2, department=busy, submitted_at=now)
    IdeaFactory(department=steady, submitted_at=now)
    IdeaFactory(department=quiet, status=IdeaStatus.DRAFT)  # a draft is no idea yet

    response = english(lab_lead).get(reverse("prototypes:flow"))

    assert response.status_code == 200
    rows = {row.department: row for row in response.context["report"].rows}
    assert rows[busy].counts[-1] == 2
    assert rows[steady].counts[-1] == 1
    assert rows[quiet].counts == [0, 0, 0, 0]
    assert response.context["report"].totals[-1] == 3
    quiet_names = set(response.context["report"].quiet)
    assert quiet in quiet_names
    assert not quiet_names & {busy, steady}
    html = response.content.decode()
    section = quiet_section(html)
    assert "Tekniska nämnden" in section
    assert "Stadsbyggnad" not in section
    assert "Kultur och fritid" not in section


def test_idea_flow_page_is_for_the_lab_only(department_staff, trainee):
    for user in (department_staff, trainee):
        assert client_for(user).get(reverse("prototypes:flow")).status_code == 403


def test_idea_flow_median_days_to_first_answer_and_acceptance_rate(lab_lead):
    department = DepartmentFactory()
    other = DepartmentFactory()
    now = timezone.now()

    def idea(days_to_triage=None, decision=None, status=IdeaStatus.SUBMITTED, dept=department):
        submitted_at = now - timedelta(days=10)
        created = IdeaFactory(
            department=dept,
            status=status,
            submitted_at=submitted_at,
            triaged_at=None
            if days_to_triage is None
            else submitted_at + timedelta(days=days_to_triage),
            decided_at=submitted_at + timedelta(days=7) if decision else None,
        )
        if decision:
            IdeaEventFactory(idea=created, from_status=IdeaStatus.SUBMITTED, to_status=decision)
        return created

    idea(days_to_triage=1, decision=IdeaStatus.ACCEPTED, status=IdeaStatus.ACCEPTED)
    idea(days_to_triage=2, decision=IdeaStatus.DECLINED, status=IdeaStatus.DECLINED)
    # accepted, later archived: still an accepted idea
    idea(days_to_triage=6, decision=IdeaStatus.ACCEPTED, status=IdeaStatus.ARCHIVED)
    idea()  # waiting: not answered, not decided
    idea(days_to_triage=3, dept=other)
    # submitted before the quarters shown: not counted
    IdeaFactory(department=department, submitted_at=now - timedelta(days=800))

    report = flow.idea_flow(
        Idea.objects.visible_to(lab_lead),
        Department.objects.filter(pk__in=[department.pk, other.pk]),
        quarters=flow.quarters_back(4),
    )

    rows = {row.department: row for row in report.rows}
    row = rows[department]
    assert row.total == 4
    assert sum(row.counts) == 4
    assert row.median_days_to_triage == pytest.approx(2.0)
    assert (row.accepted, row.decided) == (2, 3)
    assert row.acceptance_rate == pytest.approx(2 / 3)
    assert not row.is_quiet
    assert rows[other].total == 1
    assert rows[other].median_days_to_triage == pytest.approx(3.0)
    assert rows[other].decided == 0
    assert rows[other].acceptance_rate is None


def test_idea_flow_counts_ideas_in_their_quarter(lab_lead):
    department = DepartmentFactory()
    quarters = flow.quarters_back(4, today=datetime.date(2025, 5, 15))
    tz = timezone.get_current_timezone()
    for month, day in ((1, 10), (4, 1), (5, 2), (5, 3)):
        IdeaFactory(
            department=department,
            submitted_at=datetime.datetime(2025, month, day, 0, 30, tzinfo=tz),
        )

    report = flow.idea_flow(
        Idea.objects.visible_to(lab_lead),
        Department.objects.filter(pk=department.pk),
        quarters=quarters,
    )

    assert [quarter.label for quarter in quarters] == [
        "2024 Q3",
        "2024 Q4",
        "2025 Q1",
        "2025 Q2",
    ]
    assert report.rows[0].counts == [0, 0, 1, 3]


@pytest.fixture
def two_organisations(lab_lead):
    """The lab lead's organisation with a department, and another with one."""
    home = OrganisationFactory(name="Hemkommunen")
    away = OrganisationFactory(name="Grannkommunen")
    DepartmentFactory(name="Hemförvaltningen", organisation=home)
    DepartmentFactory(name="Grannförvaltningen", organisation=away)
    lab_lead.organisation = home
    lab_lead.save(update_fields=["organisation"])
    return home, away


def shown(response):
    return [row.department.name for row in response.context["report"].rows]


def test_idea_flow_shows_the_users_organisation_by_default_and_every_one_when_asked(
    lab_lead, two_organisations
):
    home, away = two_organisations
    client = english(lab_lead)

    default = client.get(reverse("prototypes:flow"))
    everyone = client.get(reverse("prototypes:flow"), {"organisation": "all"})
    other = client.get(reverse("prototypes:flow"), {"organisation": away.pk})
    old_link = client.get(reverse("prototypes:flow"), {"organisation": "nonsense"})

    assert shown(default) == shown(old_link) == ["Hemförvaltningen"]
    assert shown(everyone) == ["Grannförvaltningen", "Hemförvaltningen"]
    assert shown(other) == ["Grannförvaltningen"]
    assert default.context["scope"].value == str(home.pk)
    assert [label for _value, label in default.context["scope"].options] == [
        "All organisations",
        "Grannkommunen",
        "Hemkommunen",
    ]
    assert f'<option value="{home.pk}" selected>' in default.content.decode()


def test_idea_flow_shows_every_organisation_to_someone_whose_own_has_no_department(lab_lead):
    DepartmentFactory(name="Ensam förvaltning")

    response = english(lab_lead).get(reverse("prototypes:flow"))

    assert response.context["scope"].organisation_id is None
    assert shown(response) == ["Ensam förvaltning"]


def test_idea_flow_shows_a_page_of_departments_with_the_totals_of_them_all(lab_lead):
    place = OrganisationFactory(name="Storstaden")
    now = timezone.now()
    for n in range(views.FLOW_PAGE_SIZE + 2):
        department = DepartmentFactory(name=f"Förvaltning {n:02}", organisation=place)
        if n < flow.QUIET_SHOWN + 5:
            continue  # quiet: more of them than the page names
        IdeaFactory(department=department, submitted_at=now)
    client = english(lab_lead)

    first = client.get(reverse("prototypes:flow"), {"organisation": place.pk})
    second = client.get(reverse("prototypes:flow"), {"organisation": place.pk, "page": 2})

    report = first.context["report"]
    assert len(report.rows) == views.FLOW_PAGE_SIZE
    assert shown(second) == ["Förvaltning 25", "Förvaltning 26"]
    assert report.totals[-1] == views.FLOW_PAGE_SIZE + 2 - flow.QUIET_SHOWN - 5
    assert second.context["report"].totals == report.totals
    assert len(report.quiet) == flow.QUIET_SHOWN
    assert report.quiet_count == flow.QUIET_SHOWN + 5
    html = first.content.decode()
    assert "and 5 more departments." in html
    assert f"departments 1 to {views.FLOW_PAGE_SIZE} of {views.FLOW_PAGE_SIZE + 2}" in html
