import factory

from tests.accounts.factories import UserFactory
from trainees.models import TraineeProfile


class TraineeProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TraineeProfile

    user = factory.SubFactory(UserFactory, role="trainee")
