"""Two leads planning at the same moment, each on a database connection of its own
(threads): the second waits for the first's locks and judges what the first left
behind. The same trainee is not overbooked, the same idea is not planned twice."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import translation

from cohorts import matching
from cohorts.models import Assignment
from cohorts.services.planning import PlanningWarnings, assign_idea
from prototypes.models import IdeaStatus
from tests.accounts.factories import UserFactory
from tests.cohorts.factories import PlannableIdeaFactory
from tests.cohorts.planning_fixtures import make_plan
from tests.conftest import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def waiting_on_a_lock():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


class Lead(threading.Thread):
    """A lead assigning in a thread with its own connection; with `hold`, the
    transaction stays open after the assignment until `release` is set."""

    def __init__(self, lead, hold=False, **assignment):
        super().__init__()
        self.lead, self.hold, self.assignment = lead, hold, assignment
        self.holding, self.release = threading.Event(), threading.Event()
        self.result = self.error = None

    def run(self):
        try:
            with translation.override("en"), transaction.atomic():
                self.result = assign_idea(actor=self.lead, **self.assignment)
                if self.hold:
                    self.holding.set()
                    self.release.wait(30)
        except Exception as error:  # handed to the test
            self.error = error
        finally:
            self.holding.set()
            connection.close()


def run_one_after_the_other(first, second):
    """`first` assigns and holds its transaction open; `second` starts and waits on a
    lock; then `first` commits and `second` goes on."""
    first.start()
    assert first.holding.wait(20)
    second.start()
    try:
        assert wait_for(waiting_on_a_lock), "the second lead should wait for the first"
    finally:
        first.release.set()
        first.join(20)
        second.join(20)
    assert first.error is None, first.error


@pytest.fixture
def plan():
    return make_plan()


def leads():
    return UserFactory(role="lab_lead"), UserFactory(role="lab_lead")


def test_two_leads_assigning_the_same_trainee_at_once_do_not_overbook_them(plan, settings):
    settings.PLANNING_MAX_PARALLEL_ASSIGNMENTS = 1
    other_idea = PlannableIdeaFactory(title="Felanmälan")
    other_idea.skills.set([plan.python])
    ada, bert = leads()
    period = {"cohort": plan.cohort, "starts_on": plan.starts_on, "ends_on": plan.ends_on}
    first = Lead(ada, hold=True, idea=plan.idea, team=[plan.anna, plan.bo], **period)
    second = Lead(bert, idea=other_idea, team=[plan.cia, plan.anna], **period)

    run_one_after_the_other(first, second)

    assert isinstance(second.error, PlanningWarnings)
    assert [w.code for w in second.error.warnings] == [matching.OVERBOOKED]
    assert "Anna Andersson" in second.error.messages[0]
    assert Assignment.objects.count() == 1
    other_idea.refresh_from_db()
    assert other_idea.status == IdeaStatus.ACCEPTED


def test_two_leads_assigning_the_same_idea_at_once_plan_it_once(plan):
    ada, bert = leads()
    period = {"cohort": plan.cohort, "starts_on": plan.starts_on, "ends_on": plan.ends_on}
    first = Lead(ada, hold=True, idea=plan.idea, team=[plan.anna, plan.bo], **period)
    second = Lead(bert, idea=plan.idea, team=[plan.cia, plan.bo], **period)

    run_one_after_the_other(first, second)

    assert isinstance(second.error, ValidationError)
    assert "is already planned" in second.error.messages[0]
    assert Assignment.objects.count() == 1
    assert set(Assignment.objects.get().members.all()) == {plan.anna, plan.bo}


def test_two_leads_at_the_very_same_moment_one_wins(plan, settings):
    settings.PLANNING_MAX_PARALLEL_ASSIGNMENTS = 1
    other_idea = PlannableIdeaFactory(title="Felanmälan")
    ada, bert = leads()
    period = {"cohort": plan.cohort, "starts_on": plan.starts_on, "ends_on": plan.ends_on}
    start = threading.Barrier(2)

    class AtOnce(Lead):
        def run(self):
            start.wait(10)
            super().run()

    both = [
        AtOnce(ada, idea=plan.idea, team=[plan.anna, plan.bo], **period),
        AtOnce(bert, idea=other_idea, team=[plan.anna, plan.cia], **period),
    ]
    for lead in both:
        lead.start()
    for lead in both:
        lead.join(30)

    assert sorted(lead.error is None for lead in both) == [False, True], [
        lead.error for lead in both
    ]
    loser = next(lead for lead in both if lead.error is not None)
    assert isinstance(loser.error, PlanningWarnings)
    assert [w.code for w in loser.error.warnings] == [matching.OVERBOOKED]
    assert Assignment.objects.count() == 1
