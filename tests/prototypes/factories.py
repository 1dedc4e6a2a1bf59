import factory

from prototypes.models import Idea
from tests.accounts.factories import DepartmentFactory, UserFactory


class IdeaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Idea

    title = factory.Sequence(lambda n: f"Idé {n}")
    department = factory.SubFactory(DepartmentFactory)
    submitted_by = factory.SubFactory(
        UserFactory, role="department_staff", department=factory.SelfAttribute("..department")
    )
    status = "submitted"
