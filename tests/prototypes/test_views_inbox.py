"""The idea inbox: what each persona sees, filtering, searching and sorting."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from prototypes.models import IdeaStatus
from tests.conftest import client_for, english
from tests.core.factories import SkillFactory
from tests.prototypes.factories import IdeaFactory


def titles(response):
    return [idea.title for idea in response.context["page"].object_list]


@pytest.fixture
def inbox(department_staff, outsider):
    """Ideas of two departments that differ in every filtered and sorted column."""
    now = timezone.now()
    home, other = department_staff.department, outsider.department
    web, data = SkillFactory(name_en="Web"), SkillFactory(name_en="Data")
    ideas = {
        "parking": IdeaFactory(
            title="Parkeringstillstånd",
            department=home,
            submitted_by=department_staff,
            benefit_size="3_large",
            urgency="1_low",
            submitted_at=now - timedelta(days=40),
        ),
        "library": IdeaFactory(
            title="Bibliotekets bokningar",
            department=home,
            problem="Lokalbokningar görs i en delad kalender.",
            improvement="En bokningssida.",
            benefit_size="1_small",
            urgency="3_high",
            status=IdeaStatus.ACCEPTED,
            submitted_at=now - timedelta(days=10),
        ),
        "snow": IdeaFactory(
            title="Snöröjningskarta",
            department=other,
            submitted_by=outsider,
            problem="Ingen vet var plogbilarna har varit.",
            improvement="En karta i realtid.",
            benefit_size="2_medium",
            urgency="2_normal",
            submitted_at=now - timedelta(days=20),
        ),
    }
    ideas["library"].skills.add(web)
    ideas["snow"].skills.add(web, data)
    IdeaFactory(title="Kollegans utkast", department=home, status=IdeaStatus.DRAFT)
    return {**ideas, "web": web, "data": data, "home": home, "other": other}


def test_idea_list_lab_lead_sees_every_submitted_idea_but_no_drafts(lab_lead, inbox):
    response = client_for(lab_lead).get(reverse("prototypes:list"))

    assert response.status_code == 200
    assert set(titles(response)) == {
        "Parkeringstillstånd",
        "Bibliotekets bokningar",
        "Snöröjningskarta",
    }
    assert "department" in response.context["filter"].form.fields


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "accepted"}, {"library"}),
        ({"status": "submitted"}, {"parking", "snow"}),
        ({"department": "other"}, {"snow"}),
        ({"benefit_size": "3_large"}, {"parking"}),
        ({"urgency": "3_high"}, {"library"}),
        ({"skill": "web"}, {"library", "snow"}),
        ({"skill": "data"}, {"snow"}),
        ({"age": "30"}, {"parking"}),
        ({"age": "7"}, {"parking", "library", "snow"}),
        ({"status": "submitted", "benefit_size": "2_medium"}, {"snow"}),
    ],
)
def test_idea_list_filters_for_the_lab(lab_lead, inbox, params, expected):
    query = {
        key: inbox[value].pk if key in ("department", "skill") else value
        for key, value in params.items()
    }

    response = client_for(lab_lead).get(reverse("prototypes:list"), query)

    assert response.status_code == 200
    assert set(titles(response)) == {inbox[key].title for key in expected}


def test_idea_list_search_finds_inflected_swedish_words(lab_lead, inbox):
    # The Swedish stemmer maps "ansökningarna" and "Ansökningar" (the factory's
    # problem text) to the same stem; the snow idea never mentions applications.
    response = client_for(lab_lead).get(reverse("prototypes:list"), {"q": "ansökningarna"})

    assert response.status_code == 200
    assert titles(response) == ["Parkeringstillstånd"]
    html = response.content.decode()
    assert "Parkeringstillstånd" in html
    assert "Snöröjningskarta" not in html


def test_idea_list_search_finds_the_beginning_of_a_swedish_compound(lab_lead, inbox):
    client = client_for(lab_lead)

    compound = client.get(reverse("prototypes:list"), {"q": "parkering"})
    two_words = client.get(reverse("prototypes:list"), {"q": "snöröjning karta"})

    assert titles(compound) == ["Parkeringstillstånd"]
    assert titles(two_words) == ["Snöröjningskarta"]


def test_idea_list_search_matches_words_of_the_title_and_the_improvement(lab_lead, inbox):
    # Plural forms stem to the singular ("-or" is stripped; the definite "-an" is not).
    client = client_for(lab_lead)

    by_title = client.get(reverse("prototypes:list"), {"q": "snöröjningskartor"})
    by_improvement = client.get(reverse("prototypes:list"), {"q": "bokningssidor"})

    assert titles(by_title) == ["Snöröjningskarta"]
    assert titles(by_improvement) == ["Bibliotekets bokningar"]


@pytest.mark.parametrize(
    "query",
    ['"', "-", "OR", "a & b | !c", "(ansökan", "'; drop table", "ansökan:*", "  "],
)
def test_idea_list_search_accepts_whatever_people_type(lab_lead, inbox, query):
    response = client_for(lab_lead).get(reverse("prototypes:list"), {"q": query})

    assert response.status_code == 200


@pytest.mark.parametrize(
    "params",
    [{"age": "abc"}, {"sort": "bogus"}, {"status": "bogus"}, {"skill": "999999"}, {"page": "99"}],
)
def test_idea_list_tolerates_bad_parameters(lab_lead, inbox, params):
    response = client_for(lab_lead).get(reverse("prototypes:list"), params)

    assert response.status_code == 200


def test_idea_list_search_without_match_shows_the_empty_filter_state(lab_lead, inbox):
    response = english(lab_lead).get(reverse("prototypes:list"), {"q": "rymdfärja"})

    assert response.status_code == 200
    assert titles(response) == []
    assert "No idea matches the filter." in response.content.decode()


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["library", "snow", "parking"]),
        ("newest", ["library", "snow", "parking"]),
        ("oldest", ["parking", "snow", "library"]),
        ("benefit", ["parking", "snow", "library"]),
        ("urgency", ["library", "snow", "parking"]),
        ("title", ["library", "parking", "snow"]),
    ],
)
def test_idea_list_sorts(lab_lead, inbox, sort, expected):
    response = client_for(lab_lead).get(reverse("prototypes:list"), {"sort": sort})

    assert response.status_code == 200
    assert titles(response) == [inbox[key].title for key in expected]


def test_idea_list_sort_by_relevance_puts_a_title_match_first(lab_lead, department):
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
    IdeaFactory(title="Något annat", department=department, problem="Helt orelaterat.")

    response = client_for(lab_lead).get(
        reverse("prototypes:list"), {"q": "vägskador", "sort": "relevance"}
    )

    assert titles(response) == [title_match.title, body_match.title]


def test_idea_list_sort_by_relevance_without_search_keeps_a_defined_order(lab_lead, inbox):
    # Without a search there is no rank: the list must still have an explicit order
    # (an unordered, grouped query pages unpredictably).
    response = client_for(lab_lead).get(reverse("prototypes:list"), {"sort": "relevance"})

    assert response.status_code == 200
    assert response.context["page"].paginator.object_list.ordered
    assert titles(response) == [inbox[key].title for key in ("library", "snow", "parking")]


def test_idea_list_department_staff_see_only_their_department_without_department_filter(
    department_staff, inbox
):
    client = client_for(department_staff)

    response = client.get(reverse("prototypes:list"))
    tampered = client.get(reverse("prototypes:list"), {"department": inbox["other"].pk})

    assert response.status_code == 200
    assert set(titles(response)) == {"Parkeringstillstånd", "Bibliotekets bokningar"}
    assert "department" not in response.context["filter"].form.fields
    assert 'name="department"' not in response.content.decode()
    assert "Snöröjningskarta" not in tampered.content.decode()
    assert "Kollegans utkast" not in response.content.decode()


def test_idea_list_department_staff_see_their_own_draft(department_staff):
    IdeaFactory(
        title="Mitt utkast",
        department=department_staff.department,
        submitted_by=department_staff,
        status=IdeaStatus.DRAFT,
    )

    response = client_for(department_staff).get(reverse("prototypes:list"))

    assert titles(response) == ["Mitt utkast"]


def test_idea_list_trainee_gets_403(trainee, inbox):
    assert client_for(trainee).get(reverse("prototypes:list")).status_code == 403


def test_idea_list_page_links_keep_the_filter(settings, lab_lead, department):
    settings.PAGE_SIZE = 2
    IdeaFactory.create_batch(5, department=department)
    IdeaFactory(department=department, status=IdeaStatus.ACCEPTED)
    client = client_for(lab_lead)

    first = client.get(reverse("prototypes:list"), {"status": "submitted", "sort": "title"})
    second = client.get(
        reverse("prototypes:list"), {"status": "submitted", "sort": "title", "page": "2"}
    )

    assert 'href="?status=submitted&amp;sort=title&amp;page=2"' in first.content.decode()
    html = second.content.decode()
    assert 'href="?status=submitted&amp;sort=title&amp;page=1"' in html
    assert 'href="?status=submitted&amp;sort=title&amp;page=3"' in html
    assert "querystring" not in second.context
