"""The inbox at scale: pages without an exact count of every idea, a plain filter form,
and the three ways a search finds its matches (a common word read newest first, a rare
word through the GIN index, and the planner's choice between), which must all give the
same Swedish search results."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from labportal.core import pagination
from prototypes import filters
from prototypes.models import IdeaStatus
from tests.conftest import client_for, english
from tests.prototypes import test_views_inbox
from tests.prototypes.factories import IdeaFactory

titles = test_views_inbox.titles
# The ideas of two departments that differ in every filtered column: a shared fixture.
inbox = test_views_inbox.inbox

# How each search path is forced (see `prototypes.filters`).
PATHS = {
    "common": {"COMMON_SHARE": 1e-9},
    "rare": {"COMMON_SHARE": 2.0},
    "neither": {"COMMON_SHARE": 2.0, "RARE_MATCHES": 0},
}


@pytest.fixture(params=sorted(PATHS))
def search_path(request, monkeypatch):
    for name, value in PATHS[request.param].items():
        monkeypatch.setattr(filters, name, value)
    return request.param


def ideas_newest_first(department, count, **fields):
    now = timezone.now()
    return [
        IdeaFactory(department=department, submitted_at=now - timedelta(days=i), **fields)
        for i in range(count)
    ]


# Pagination -----------------------------------------------------------------------
def test_idea_list_counts_only_up_to_the_cap(settings, monkeypatch, lab_lead, department):
    settings.PAGE_SIZE = 2
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    ideas_newest_first(department, 5)

    response = english(lab_lead).get(reverse("prototypes:list"))

    page = response.context["page"]
    assert (page.total, page.total_is_capped) == (3, True)
    assert "More than 3 ideas" in response.content.decode()
    assert 'href="?page=2"' in response.content.decode()


def test_idea_list_counts_exactly_below_the_cap(settings, lab_lead, department):
    settings.PAGE_SIZE = 2
    ideas_newest_first(department, 5)
    client = english(lab_lead)

    first = client.get(reverse("prototypes:list"))
    last = client.get(reverse("prototypes:list"), {"page": "3"})

    assert "5 ideas" in first.content.decode()
    assert (last.context["page"].total, last.context["page"].total_is_capped) == (5, False)
    assert not last.context["page"].has_next()
    assert 'href="?page=2"' in last.content.decode()


def test_idea_list_does_not_count_a_list_that_fits_one_page(lab_lead, department):
    ideas_newest_first(department, 3)

    with CaptureQueriesContext(connection) as queries:
        response = english(lab_lead).get(reverse("prototypes:list"))

    assert "3 ideas" in response.content.decode()
    assert not [q for q in queries.captured_queries if "COUNT(*)" in q["sql"]]


def test_idea_list_page_past_the_end_shows_the_last_page(settings, lab_lead, department):
    settings.PAGE_SIZE = 2
    ideas = ideas_newest_first(department, 5)

    response = client_for(lab_lead).get(reverse("prototypes:list"), {"page": "99"})

    assert response.context["page"].number == 3
    assert titles(response) == [ideas[-1].title]


# The filter form ----------------------------------------------------------------
def test_idea_list_filter_form_is_plain_accessible_html(lab_lead, inbox):
    response = english(lab_lead).get(
        reverse("prototypes:list"),
        {"status": "accepted", "q": "bok", "organisation": inbox["home"].organisation_id},
    )

    html = response.content.decode()
    assert '<legend class="visually-hidden">Filter the list</legend>' in html
    for name in (
        "q",
        "status",
        "organisation",
        "department",
        "benefit_size",
        "urgency",
        "skill",
        "age",
        "sort",
    ):
        assert f'<label class="form-label" for="id_{name}">' in html
        assert f'name="{name}"' in html
    assert '<option value="accepted" selected>' in html
    assert 'value="bok" id="id_q"' in html
    assert 'aria-describedby="id_q_helptext"' in html
    # The labels the form field would give (`Department.__str__`, `Skill.name`).
    assert f'<option value="{inbox["web"].pk}">Web</option>' in html
    assert f'<option value="{inbox["home"].pk}">{inbox["home"]}</option>' in html
    assert '<option value="" selected>Any department</option>' in html
    assert f'<option value="{inbox["home"].organisation_id}" selected>' in html
    assert "div_id_" not in html  # no crispy wrapper left


def test_idea_list_filter_form_links_an_error_to_its_field(lab_lead, inbox):
    response = english(lab_lead).get(reverse("prototypes:list"), {"status": "bogus"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-describedby="id_status_error" aria-invalid="true"' in html
    assert '<div id="id_status_error" class="invalid-feedback">' in html


# Search paths ---------------------------------------------------------------------
def test_idea_list_search_paths_find_inflected_and_compound_words(
    lab_lead,
    inbox,
    search_path,
):
    client = client_for(lab_lead)

    def found(q, **extra):
        return titles(client.get(reverse("prototypes:list"), {"q": q, **extra}))

    assert found("ansökningarna") == ["Parkeringstillstånd"]
    assert found("parkering") == ["Parkeringstillstånd"]
    assert found("snöröjning karta") == ["Snöröjningskarta"]
    assert found("bokningssidor") == ["Bibliotekets bokningar"]
    assert found("rymdfärja") == []
    assert found("ansökningarna", status="accepted") == []
    assert found("karta", department=inbox["home"].pk) == []


def test_idea_list_search_paths_sort_by_date_or_title(lab_lead, department, search_path):
    older, newer = ideas_newest_first(department, 2, problem="Felanmälan av vägskador.")[::-1]
    client = client_for(lab_lead)

    newest = client.get(reverse("prototypes:list"), {"q": "vägskada", "sort": "newest"})
    oldest = client.get(reverse("prototypes:list"), {"q": "vägskada", "sort": "oldest"})

    assert titles(newest) == [newer.title, older.title]
    assert titles(oldest) == [older.title, newer.title]


def test_idea_list_search_paths_put_a_title_match_first(lab_lead, department, search_path):
    body_match = IdeaFactory(
        title="Blanketter på webben",
        department=department,
        problem="Felanmälan av vägskador sker på papper.",
        submitted_at=timezone.now(),
    )
    title_match = IdeaFactory(
        title="Felanmälan av vägskador",
        department=department,
        problem="Medborgarna ringer in.",
        submitted_at=timezone.now() - timedelta(days=30),
    )

    response = client_for(lab_lead).get(reverse("prototypes:list"), {"q": "vägskador"})

    assert titles(response) == [title_match.title, body_match.title]


def test_idea_list_search_paths_keep_department_staff_to_their_department(
    department_staff,
    inbox,
    search_path,
):
    client = client_for(department_staff)

    assert titles(client.get(reverse("prototypes:list"), {"q": "karta"})) == []
    assert titles(client.get(reverse("prototypes:list"), {"q": "bokning"})) == [
        "Bibliotekets bokningar"
    ]


def test_idea_list_search_paths_never_show_a_colleagues_draft(
    department_staff, department, search_path
):
    IdeaFactory(title="Kollegans vägskador", department=department, status=IdeaStatus.DRAFT)

    response = client_for(department_staff).get(reverse("prototypes:list"), {"q": "vägskador"})

    assert titles(response) == []


def test_idea_list_ranks_only_the_newest_matches_of_a_common_word(
    monkeypatch, lab_lead, department
):
    monkeypatch.setattr(filters, "RANK_WINDOW", 2)
    monkeypatch.setattr(filters, "COMMON_SHARE", 1e-9)
    newest, middle, oldest = ideas_newest_first(department, 3, problem="Vägskador på gatan.")

    response = english(lab_lead).get(reverse("prototypes:list"), {"q": "vägskador"})
    by_date = english(lab_lead).get(
        reverse("prototypes:list"), {"q": "vägskador", "sort": "newest"}
    )

    assert set(titles(response)) == {newest.title, middle.title}
    assert "best match first among the newest 2 matches" in response.content.decode()
    assert titles(by_date) == [newest.title, middle.title, oldest.title]
    assert "best match first" not in by_date.content.decode()
