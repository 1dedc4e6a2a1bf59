"""Fixtures of the ideas tests: ideas of the persona's department, and a colleague."""

import pytest

from prototypes.models import IdeaStatus
from tests.accounts.factories import UserFactory
from tests.prototypes.factories import IdeaFactory


@pytest.fixture
def idea_of(department, department_staff):
    """An idea of the persona's department, written by `department_staff`, in a status."""

    def make(status=IdeaStatus.SUBMITTED, **fields):
        return IdeaFactory(
            department=department, submitted_by=department_staff, status=status, **fields
        )

    return make


@pytest.fixture
def colleague(department):
    """Another member of `department_staff`'s department."""
    return UserFactory(role="department_staff", department=department)
