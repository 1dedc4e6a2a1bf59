import datetime

import factory

from cohorts.models import Cohort, Enrolment
from tests.accounts.factories import OrganisationFactory, UserFactory


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    name = factory.Sequence(lambda n: f"Omgång {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    starts_on = factory.LazyFunction(datetime.date.today)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=180))


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    cohort = factory.SubFactory(CohortFactory)
    trainee = factory.SubFactory(UserFactory, role="trainee")
