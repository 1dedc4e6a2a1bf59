"""Matching and assigning from the board (`cohorts:match`, `cohorts:assign`): as plain
forms with redirects, and with htmx answering the parts of the board that change."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Assignment, AssignmentStatus
from prototypes.models import IdeaStatus
from tests.cohorts.factories import AssignmentFactory, AssignmentMemberFactory, PlannableIdeaFactory
from tests.cohorts.planning_fixtures import make_plan
from tests.conftest import client_for, english

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true", "HX-Target": "match-panel"}


@pytest.fixture
def plan(department_staff):
    return make_plan(department_staff)


def match_url(plan, **params):
    query = "&".join(f"{k}={v}" for k, v in {"idea": plan.idea.pk, **params}.items())
    return f"{reverse('cohorts:match')}?{query}"


def assign_data(plan, team=None, **extra):
    return {
        "idea": plan.idea.pk,
        "cohort": plan.cohort.pk,
        "starts_on": plan.starts_on.isoformat(),
        "ends_on": plan.ends_on.isoformat(),
        "team": [e.pk for e in (team if team is not None else [plan.anna, plan.bo])],
        "month": "2026-01",
        **extra,
    }


# Who may ------------------------------------------------------------------------------------
EXPECTED = {
    "anonymous": "login",
    "admin": 200,
    "lab_lead": 200,
    "trainee": 403,
    "supervisor": 403,
    "department_staff": 403,
    "outsider": 403,
}


@pytest.mark.parametrize("persona", EXPECTED)
def test_matching_is_for_the_lab(request, plan, persona):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)

    response = client_for(user).get(match_url(plan))

    if EXPECTED[persona] == "login":
        assert response.status_code == 302
    else:
        assert response.status_code == EXPECTED[persona]


@pytest.mark.parametrize("persona", ["trainee", "supervisor", "department_staff", "outsider"])
def test_assigning_is_for_the_lab(request, plan, persona):
    response = client_for(request.getfixturevalue(persona)).post(
        reverse("cohorts:assign"), assign_data(plan)
    )

    assert response.status_code == 403
    assert not Assignment.objects.exists()


def test_an_unknown_or_draft_idea_is_404(lab_lead, plan):
    draft = PlannableIdeaFactory(status=IdeaStatus.DRAFT, submitted_at=None)
    client = client_for(lab_lead)

    assert client.get(f"{reverse('cohorts:match')}?idea=987654").status_code == 404
    assert client.get(f"{reverse('cohorts:match')}?idea=x").status_code == 404
    assert client.get(f"{reverse('cohorts:match')}?idea={draft.pk}").status_code == 404


# Matching -----------------------------------------------------------------------------------
def test_the_match_page_ranks_the_trainees_and_shows_the_skill_gap(lab_lead, plan):
    response = english(lab_lead).get(match_url(plan))

    match = response.context["match"]
    # Anna covers Python (4) and SQL (3); Bo and Cia one each at level 2: a tie, by name
    assert [r.candidate.name for r in match.ranked] == ["Anna Andersson", "Bo Berg", "Cia Castro"]
    assert match.room.cohort.name == plan.cohort.name
    assert [r.candidate.name for r in match.team] == ["Anna Andersson", "Bo Berg"]
    assert [n.name for n in match.gap] == ["UX design"]
    html = response.content.decode()
    assert "Skill gap:" in html and "UX design" in html
    assert "<html" in html  # a whole page without htmx


def test_the_match_panel_comes_alone_with_htmx(lab_lead, plan):
    response = english(lab_lead).get(match_url(plan), headers=HTMX)

    html = response.content.decode()
    assert "<html" not in html
    assert 'hx-post="' + reverse("cohorts:assign") in html


def test_the_match_page_says_why_a_planned_idea_cannot_be_planned(lab_lead, plan):
    AssignmentFactory(idea=plan.idea, cohort=plan.cohort)
    plan.idea.status = IdeaStatus.PLANNED
    plan.idea.save()

    html = english(lab_lead).get(match_url(plan)).content.decode()

    assert "is already planned" in html and plan.cohort.name in html
    assert reverse("cohorts:assign") not in html


def test_a_bad_period_is_shown_on_the_form(lab_lead, plan):
    response = english(lab_lead).get(match_url(plan, starts_on="2026-05-01", ends_on="2026-04-01"))

    assert "The end comes before the start." in response.content.decode()


# Assigning ----------------------------------------------------------------------------------
def test_assigning_with_a_plain_form_redirects_to_the_board(lab_lead, plan):
    response = english(lab_lead).post(reverse("cohorts:assign"), assign_data(plan))

    assert response.status_code == 302
    assert response.url == reverse("cohorts:board") + "?month=2026-01"
    assignment = Assignment.objects.get()
    assert set(assignment.members.all()) == {plan.anna, plan.bo}
    plan.idea.refresh_from_db()
    assert plan.idea.status == IdeaStatus.PLANNED


def test_assigning_with_htmx_answers_the_panel_and_the_board_out_of_band(lab_lead, plan):
    response = english(lab_lead).post(reverse("cohorts:assign"), assign_data(plan), headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "is planned" in html
    assert '<section id="timeline" aria-labelledby="timeline-heading" hx-swap-oob="true">' in html
    assert '<section id="backlog"' in html and 'hx-swap-oob="true"' in html
    assert Assignment.objects.count() == 1


def test_a_warning_is_refused_on_the_match_page_until_planned_anyway(lab_lead, plan, settings):
    settings.PLANNING_MAX_PARALLEL_ASSIGNMENTS = 1
    other = AssignmentFactory(
        idea=PlannableIdeaFactory(status=IdeaStatus.PLANNED),
        cohort=plan.cohort,
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
    )
    AssignmentMemberFactory(assignment=other, enrolment=plan.anna)
    client = english(lab_lead)

    response = client.post(reverse("cohorts:assign"), assign_data(plan))

    assert response.status_code == 400
    html = response.content.decode()
    assert "Anna Andersson is already on 1 active assignment" in html
    assert 'name="assign_anyway"' in html
    assert response.context["match"].chosen == {plan.anna.pk, plan.bo.pk}
    assert Assignment.objects.count() == 1

    response = client.post(reverse("cohorts:assign"), assign_data(plan, assign_anyway="on"))

    assert response.status_code == 302
    assert Assignment.objects.count() == 2


def test_a_refusal_with_htmx_is_swapped_into_the_panel(lab_lead, plan):
    response = english(lab_lead).post(
        reverse("cohorts:assign"), assign_data(plan, team=[]), headers=HTMX
    )

    assert response.status_code == 200  # htmx swaps only successful answers
    assert "Choose at least one trainee." in response.content.decode()
    assert not Assignment.objects.exists()


def test_assigning_an_idea_planned_meanwhile_names_its_plan(lab_lead, plan):
    client = english(lab_lead)
    client.post(reverse("cohorts:assign"), assign_data(plan))

    response = client.post(reverse("cohorts:assign"), assign_data(plan, team=[plan.cia]))

    assert response.status_code == 400
    assert "is already planned" in response.content.decode()
    assert Assignment.objects.count() == 1
    assert Assignment.objects.get().status == AssignmentStatus.PLANNED


def test_the_match_page_defaults_to_a_period_for_the_size(lab_lead, plan):
    match = client_for(lab_lead).get(match_url(plan)).context["match"]

    assert match.period.starts_on > timezone.localdate()
    assert match.period.days == 5 * 7  # 8 weeks of work for two at 80 %
