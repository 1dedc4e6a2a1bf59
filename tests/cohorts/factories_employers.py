"""Factories of the employer partners: partner organisations, their contacts and open
roles with required skills, and shared summaries."""

import datetime
import secrets

import factory
from django.utils import timezone

from cohorts.models import EmployerContact, OpenRole, RoleSkill, SummaryShare
from tests.accounts.factories import OrganisationFactory
from tests.cohorts.factories import EnrolmentFactory
from tests.core.factories import SkillFactory


class PartnerFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Partnerföretag {n} AB")
    kind = "partner"


class EmployerContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmployerContact

    organisation = factory.SubFactory(PartnerFactory)
    name = factory.Sequence(lambda n: f"Kontakt {n}")
    title = "Utvecklingschef"
    email = factory.Sequence(lambda n: f"kontakt{n}@partner.example.se")
    phone = "0470-123 45"


class OpenRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpenRole

    organisation = factory.SubFactory(PartnerFactory)
    title = factory.Sequence(lambda n: f"Junior utvecklare {n}")
    description = "Webbutveckling i ett litet team."
    region = "Växjö"
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))


class RoleSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleSkill

    role = factory.SubFactory(OpenRoleFactory)
    skill = factory.SubFactory(SkillFactory)
    min_level = None


class SummaryShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SummaryShare

    enrolment = factory.SubFactory(EnrolmentFactory)
    trainee = factory.SelfAttribute("enrolment.trainee")
    contact = factory.SubFactory(EmployerContactFactory)
    consent_method = "in_person"
    consent_given_on = factory.LazyFunction(timezone.localdate)
    token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))
