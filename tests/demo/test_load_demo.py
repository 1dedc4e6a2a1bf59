"""The demo data (`manage.py load_demo`): made through the services as its people
would make it, loaded once however often it runs, and never in production."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from demo.cohorts import PLANS
from demo.management.commands import load_demo
from labportal.accounts.models import User
from labportal.core.models import AuditEntry
from prototypes.models import Evaluation, Idea, IdeaEvent, IdeaStatus, PrototypeRecord

S = IdeaStatus


def test_load_demo_refuses_to_run_in_production(settings, db):
    settings.IS_PRODUCTION = True

    with pytest.raises(CommandError, match="does not run in production"):
        call_command("load_demo")

    assert not User.objects.exists()
    assert not Idea.objects.exists()


def test_load_demo_makes_each_idea_through_the_workflow(db):
    call_command("load_demo")

    ideas = {idea.title: idea for idea in Idea.objects.all()}
    assert len(ideas) == len(load_demo.IDEAS)
    for title, _department, status, skills, days_ago, _problem in load_demo.IDEAS:
        idea = ideas[title]
        assert idea.status == status
        path = [] if status == S.DRAFT else [S.SUBMITTED, *load_demo.PATHS[status]]
        events = list(IdeaEvent.objects.filter(idea=idea).order_by("created_at", "pk"))
        # every status change was made by the services: an event and an audit row each
        assert [(event.from_status, event.to_status) for event in events] == list(
            zip([S.DRAFT, *path], path, strict=False)
        )
        assert AuditEntry.objects.filter(
            action="idea.status_changed", object_id=str(idea.pk)
        ).count() == len(path)
        if status != S.DRAFT:
            # ... then moved into the past, one step every few days
            expected = timezone.now() - timedelta(days=days_ago)
            assert abs(idea.submitted_at - expected) < timedelta(minutes=5)
            assert abs(events[0].created_at - idea.submitted_at) < timedelta(seconds=5)
            assert idea.skills.count() == len(skills)
    declined = ideas["Chattbot för bygglovsfrågor"]
    assert declined.decline_reason == load_demo.DECLINE_REASON
    assert declined.decided_at is not None
    waiting = ideas["Påminnelser om hembesök via sms"]
    assert waiting.comments.get().body == load_demo.QUESTION
    evaluated = ideas["Felanmälan av lekplatser med mobilen"]
    assert Evaluation.objects.get(idea=evaluated).benefit_realised == 4
    assert evaluated.delivered_at is not None
    assert set(PrototypeRecord.objects.values_list("idea__status", flat=True)) == {
        S.IN_PROGRESS,
        S.DELIVERED,
        S.EVALUATED,
    }
    # the backlog idea, and those planned on the board, were marked ready to plan
    assert ideas["Öppna data om återvinningsstationer"].ready_to_plan
    for title in PLANS:
        assert ideas[title].ready_to_plan
        assert ideas[title].size_weeks


def test_load_demo_a_second_time_changes_nothing(db):
    call_command("load_demo")
    before = (User.objects.count(), Idea.objects.count(), IdeaEvent.objects.count())

    call_command("load_demo")

    assert (User.objects.count(), Idea.objects.count(), IdeaEvent.objects.count()) == before
