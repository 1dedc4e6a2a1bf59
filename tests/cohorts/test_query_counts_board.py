"""The planning board, its table view, the backlog search and the match page read a
fixed number of queries, with 3 cohorts, 12 trainees and 20 ideas as with 30 cohorts,
300 trainees and 2,000 ideas."""

import pytest
from django.urls import reverse

from cohorts.models import Assignment, Cohort, Enrolment
from prototypes.models import Idea, IdeaStatus
from tests.cohorts.board_data import build_lab
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

# Session, user, MFA check, the organisations to choose from, the cohorts' count and
# page, the five of the timeline, the backlog's count, page and skills, and a spare.
MAX_BOARD_QUERIES = 16
# ... the idea and its skills, the plan check, the four of the match and the choices.
MAX_MATCH_QUERIES = 12
SIZES = ((3, 12, 20), (30, 300, 2000))


def grow_to(size):
    cohorts, trainees, ideas = size
    have = Cohort.objects.count(), Enrolment.objects.count(), Idea.objects.count()
    build_lab(cohorts - have[0], trainees - have[1], ideas - have[2], prefix=f"S{cohorts}")


@pytest.mark.parametrize("query", ["", "?view=table", "?q=idé&skill=1", "?page=3"])
def test_the_board_has_bounded_queries(django_assert_max_num_queries, lab_lead, query):
    client = client_for(lab_lead)
    url = reverse("cohorts:board") + query
    for size in SIZES:
        grow_to(size)
        with django_assert_max_num_queries(MAX_BOARD_QUERIES, info=f"{url} at {size}"):
            response = client.get(url)
        assert response.status_code == 200
    # the bound means something: the big board shows many rows
    timeline = response.context["timeline"]
    assert sum(len(c.trainees) for c in timeline.cohorts) > 50
    assert len(timeline.assignments) > 50


def test_the_backlog_search_with_htmx_has_bounded_queries(django_assert_max_num_queries, lab_lead):
    client = client_for(lab_lead)
    url = reverse("cohorts:board") + "?q=idé"
    for size in SIZES:
        grow_to(size)
        with django_assert_max_num_queries(8, info=f"backlog at {size}"):
            response = client.get(url, headers={"HX-Request": "true", "HX-Target": "backlog"})
        assert response.status_code == 200


def test_the_match_page_has_bounded_queries(django_assert_max_num_queries, lab_lead):
    client = client_for(lab_lead)
    for size in SIZES:
        grow_to(size)
        idea = Idea.objects.filter(status=IdeaStatus.ACCEPTED).order_by("pk").first()
        url = f"{reverse('cohorts:match')}?idea={idea.pk}"
        with django_assert_max_num_queries(MAX_MATCH_QUERIES, info=f"match at {size}"):
            response = client.get(url)
        assert response.status_code == 200
    assert len(response.context["match"].rooms) > 5
    assert Assignment.objects.count() > 500
