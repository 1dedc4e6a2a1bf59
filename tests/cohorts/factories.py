import datetime

import factory
from django.utils import timezone

from cohorts.models import (
    Applicant,
    ApplicantSkill,
    Assignment,
    Cohort,
    CohortStatus,
    Enrolment,
    RotationPeriod,
)
from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.core.factories import SkillFactory
from tests.prototypes.factories import IdeaFactory


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
    starts_on = factory.LazyAttribute(lambda o: o.cohort.starts_on)
    ends_on = factory.LazyAttribute(lambda o: o.cohort.ends_on)


class RotationPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RotationPeriod

    enrolment = factory.SubFactory(EnrolmentFactory)
    organisation = factory.SubFactory(OrganisationFactory, kind="partner")
    starts_on = factory.LazyAttribute(lambda o: o.enrolment.starts_on + datetime.timedelta(days=60))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=27))


class ApplicantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Applicant

    cohort = factory.SubFactory(CohortFactory, status=CohortStatus.RECRUITING)
    full_name = factory.Sequence(lambda n: f"Sökande {n}")
    email = factory.Sequence(lambda n: f"sokande{n}@example.se")
    background = "Gymnasieexamen, teknikprogrammet."
    wants_to_work_with = "Webbutveckling."
    consent_text = "Jag samtycker."
    consented_at = factory.LazyFunction(timezone.now)


class ApplicantSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicantSkill

    applicant = factory.SubFactory(ApplicantFactory)
    skill = factory.SubFactory(SkillFactory)
    level = 2


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    idea = factory.SubFactory(IdeaFactory, status="planned")
    cohort = factory.SubFactory(CohortFactory)
    starts_on = factory.LazyAttribute(lambda o: o.cohort.starts_on)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=55))
