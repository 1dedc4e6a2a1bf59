"""The idea pages read a fixed number of queries, whether there are 10 or 1,000 rows."""

import itertools
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from prototypes import filters, views
from prototypes.models import Idea, IdeaAttachment, IdeaComment, IdeaEvent, IdeaStatus
from tests.accounts.factories import DepartmentFactory, UserFactory
from tests.conftest import client_for
from tests.core.factories import SkillFactory
from tests.prototypes.factories import IdeaFactory
from tests.prototypes.test_views_inbox_scale import PATHS as SEARCH_PATHS
from tests.querycount import assert_bounded_queries


def assert_full_page(client, url):
    """The bound means something only if the page really showed a page of ideas."""
    response = client.get(url)
    assert len(response.context["page"].object_list) == settings.PAGE_SIZE


# Session, user, MFA check, language, the page's own queries and pagination:
# no growth with the number of ideas, comments, events or attachments.
MAX_QUERIES = 14
SIZES = (10, 1000)
STATUSES = [
    IdeaStatus.SUBMITTED,
    IdeaStatus.NEEDS_INFORMATION,
    IdeaStatus.ACCEPTED,
    IdeaStatus.DECLINED,
    IdeaStatus.IN_PROGRESS,
    IdeaStatus.DELIVERED,
]
DECIDED = (IdeaStatus.ACCEPTED, IdeaStatus.DECLINED)


def grow_ideas(departments, authors, skills, *, with_comments=False):
    """A `grow_to(size)` that bulk-creates ideas spread over `departments`, each with two
    skills (and a comment), in varied statuses and submission times."""

    def grow_to(size):
        existing = Idea.objects.count()
        now = timezone.now()
        pairs = itertools.cycle(zip(departments, authors, strict=True))
        ideas = []
        for index in range(existing, size):
            department, author = next(pairs)
            ideas.append(
                IdeaFactory.build(
                    title=f"Idé {index}",
                    department=department,
                    submitted_by=author,
                    status=STATUSES[index % len(STATUSES)],
                    submitted_at=now - timedelta(days=index % 400),
                )
            )
        created = Idea.objects.bulk_create(ideas)
        Idea.skills.through.objects.bulk_create(
            Idea.skills.through(idea_id=idea.pk, skill_id=skill.pk)
            for index, idea in enumerate(created)
            for skill in (skills[index % len(skills)], skills[(index + 1) % len(skills)])
        )
        if with_comments:
            IdeaComment.objects.bulk_create(
                IdeaComment(idea=idea, author=idea.submitted_by, body="Fråga") for idea in created
            )

    return grow_to


@pytest.fixture
def skills(db):
    return SkillFactory.create_batch(4)


def test_idea_list_for_the_lab_has_bounded_queries(
    django_assert_max_num_queries, lab_lead, department_staff, skills
):
    departments = [department_staff.department, *DepartmentFactory.create_batch(3)]
    authors = [
        department_staff,
        *(UserFactory(role="department_staff", department=d) for d in departments[1:]),
    ]

    client, url = client_for(lab_lead), reverse("prototypes:list")
    grow_to = grow_ideas(departments, authors, skills, with_comments=True)

    assert_bounded_queries(
        django_assert_max_num_queries, client, url, grow_to, MAX_QUERIES, sizes=SIZES
    )

    assert_full_page(client, url)


@pytest.mark.parametrize(
    "query",
    [
        "?sort=oldest",
        "?q=ansökningar&sort=relevance",
        "?status=submitted&benefit_size=2_medium&urgency=2_normal",
        "?age=7&sort=benefit",
    ],
)
def test_idea_list_for_the_lab_filtered_has_bounded_queries(
    django_assert_max_num_queries, lab_lead, department_staff, skills, query
):
    departments = [department_staff.department, DepartmentFactory()]
    authors = [department_staff, UserFactory(role="department_staff", department=departments[1])]

    client, url = client_for(lab_lead), reverse("prototypes:list") + query
    grow_to = grow_ideas(departments, authors, skills, with_comments=True)

    assert_bounded_queries(
        django_assert_max_num_queries, client, url, grow_to, MAX_QUERIES, sizes=SIZES
    )

    assert_full_page(client, url)


@pytest.mark.parametrize("path", ["common", "rare", "neither"])
def test_idea_list_search_has_bounded_queries_on_each_path(
    django_assert_max_num_queries, monkeypatch, lab_lead, department_staff, skills, path
):
    # Each way a search finds its matches (see `prototypes.filters`), forced.
    for name, value in SEARCH_PATHS[path].items():
        monkeypatch.setattr(filters, name, value)
    departments = [department_staff.department, DepartmentFactory()]
    authors = [department_staff, UserFactory(role="department_staff", department=departments[1])]

    client = client_for(lab_lead)
    grow_to = grow_ideas(departments, authors, skills, with_comments=True)

    for query in ("?q=ansökningar", "?q=ansökningar&sort=oldest"):
        url = reverse("prototypes:list") + query
        assert_bounded_queries(
            django_assert_max_num_queries, client, url, grow_to, MAX_QUERIES, sizes=SIZES
        )
        assert_full_page(client, url)


def test_idea_list_for_department_staff_has_bounded_queries(
    django_assert_max_num_queries, department_staff, skills
):
    colleague = UserFactory(role="department_staff", department=department_staff.department)
    other = DepartmentFactory()
    departments = [department_staff.department, department_staff.department, other]
    authors = [
        department_staff,
        colleague,
        UserFactory(role="department_staff", department=other),
    ]

    client, url = client_for(department_staff), reverse("prototypes:list")
    grow_to = grow_ideas(departments, authors, skills, with_comments=True)

    assert_bounded_queries(
        django_assert_max_num_queries, client, url, grow_to, MAX_QUERIES, sizes=SIZES
    )

    assert_full_page(client, url)


@pytest.mark.parametrize("role", ["lab_lead", "department_staff"])
def test_idea_detail_has_bounded_queries(
    django_assert_max_num_queries, personas, lab_lead, department_staff, skills, role
):
    idea = IdeaFactory(
        department=department_staff.department,
        submitted_by=department_staff,
        status=IdeaStatus.ACCEPTED,
    )
    idea.skills.set(skills)
    people = [department_staff, lab_lead]

    def grow_to(size):
        existing = idea.comments.count()
        new = range(existing, size)
        IdeaComment.objects.bulk_create(
            IdeaComment(
                idea=idea, author=people[i % 2], from_lab=bool(i % 2), body=f"Meddelande {i}"
            )
            for i in new
        )
        IdeaEvent.objects.bulk_create(
            IdeaEvent(
                idea=idea,
                actor=people[i % 2],
                from_status=IdeaStatus.SUBMITTED,
                to_status=IdeaStatus.NEEDS_INFORMATION,
                note=f"Notering {i}",
            )
            for i in new
        )
        # Rows only: the page shows names and sizes and never opens the files.
        IdeaAttachment.objects.bulk_create(
            IdeaAttachment(
                idea=idea,
                file=f"ideas/{idea.pk}/{i:032x}",
                original_name=f"bilaga-{i}.pdf",
                content_type="application/pdf",
                size=1000 + i,
                uploaded_by=department_staff,
            )
            for i in new
        )

    client = client_for(personas[role])
    url = reverse("prototypes:detail", args=[idea.pk])

    assert_bounded_queries(
        django_assert_max_num_queries, client, url, grow_to, MAX_QUERIES, sizes=SIZES
    )

    html = client.get(url).content.decode()
    assert html.count('class="comment ') == SIZES[-1]
    assert "bilaga-999.pdf" in html
    assert "Notering 999" in html


def test_idea_flow_has_bounded_queries(django_assert_max_num_queries, lab_lead):
    pool = []  # (department, author); the departments grow with the ideas, one per ten

    def grow_to(size):
        while len(pool) < max(2, size // 10):
            department = DepartmentFactory()
            pool.append((department, UserFactory(role="department_staff", department=department)))
        now = timezone.now()
        ideas = []
        for i in range(Idea.objects.count(), size):
            department, author = pool[i % len(pool)]
            status = STATUSES[i % len(STATUSES)]
            submitted_at = now - timedelta(days=i % 380)
            ideas.append(
                IdeaFactory.build(
                    department=department,
                    submitted_by=author,
                    status=status,
                    submitted_at=submitted_at,
                    triaged_at=submitted_at + timedelta(days=1 + i % 5) if i % 3 else None,
                    decided_at=now if status in DECIDED else None,
                )
            )
        created = Idea.objects.bulk_create(ideas)
        IdeaEvent.objects.bulk_create(
            IdeaEvent(
                idea=idea,
                actor=idea.submitted_by,
                from_status=IdeaStatus.SUBMITTED,
                to_status=idea.status,
            )
            for idea in created
            if idea.status in DECIDED
        )

    client, url = client_for(lab_lead), reverse("prototypes:flow")

    assert_bounded_queries(
        django_assert_max_num_queries, client, url, grow_to, MAX_QUERIES, sizes=SIZES
    )

    # a page of the departments, counted and totalled over all of them
    response = client.get(url)
    report, page = response.context["report"], response.context["page"]
    assert page.paginator.count >= SIZES[-1] // 10
    assert len(report.rows) == views.FLOW_PAGE_SIZE
    assert sum(row.total for row in report.rows) > 0
    in_period = Idea.objects.filter(submitted_at__date__gte=report.quarters[0].start)
    assert sum(report.totals) == in_period.count()
