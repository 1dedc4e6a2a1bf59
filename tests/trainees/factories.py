import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from tests.accounts.factories import UserFactory
from tests.core.factories import SkillFactory
from trainees.models import (
    CompetenceLevel,
    LogComment,
    Milestone,
    MilestoneType,
    ProgressLog,
    SkillRecord,
    TraineeProfile,
    monday_of,
)


class TraineeProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TraineeProfile

    user = factory.SubFactory(UserFactory, role="trainee")


class SkillRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SkillRecord

    trainee = factory.SubFactory(UserFactory, role="trainee")
    skill = factory.SubFactory(SkillFactory)
    self_level = CompetenceLevel.WORKING


def last_monday(weeks_ago: int = 1) -> datetime.date:
    return monday_of(timezone.localdate()) - datetime.timedelta(weeks=weeks_ago)


class ProgressLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressLog

    trainee = factory.SubFactory(UserFactory, role="trainee")
    week = factory.LazyFunction(last_monday)
    hours_practical = Decimal(32)
    hours_education = Decimal(8)
    did = "Byggde ett formulär för bygglovsansökningar."


class LogCommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LogComment

    log = factory.SubFactory(ProgressLogFactory)
    author = factory.SubFactory(UserFactory, role="lab_lead")
    body = "Bra vecka!"


class MilestoneTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MilestoneType

    name_sv = factory.Sequence(lambda n: f"Delmål {n}")
    name_en = factory.Sequence(lambda n: f"Milestone {n}")


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    trainee = factory.SubFactory(UserFactory, role="trainee")
    type = factory.SubFactory(MilestoneTypeFactory)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
