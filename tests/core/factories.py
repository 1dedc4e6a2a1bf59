import factory
from django.utils import timezone

from labportal.core.models import AuditEntry, OutboxEmail, Skill, WorkerHeartbeat


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    name_sv = factory.Sequence(lambda n: f"Färdighet {n}")
    name_en = factory.Sequence(lambda n: f"Skill {n}")
    category = "programming"


class OutboxEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboxEmail

    key = factory.Sequence(lambda n: f"test:{n}")
    to = factory.Sequence(lambda n: f"to{n}@example.se")
    subject = "Hej"
    body_text = "Hej hej"


class AuditEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEntry

    action = "test.done"
    object_type = "accounts.user"
    object_id = "1"


class WorkerHeartbeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkerHeartbeat
        django_get_or_create = ["name"]

    name = "worker"
    beat_at = factory.LazyFunction(timezone.now)
