"""Every model registered in the Django admin opens: its list, and an object's page."""

import pytest
from django.contrib import admin as django_admin
from django.urls import reverse

from tests.conftest import client_for
from tests.prototypes.factories import (
    EvaluationFactory,
    IdeaAttachmentFactory,
    IdeaCommentFactory,
    IdeaFactory,
    PrototypeRecordFactory,
)

PROJECT_APPS = ("accounts", "core", "prototypes", "trainees", "cohorts", "reports", "privacy")


def project_models():
    return sorted(
        (model for model in django_admin.site._registry if model._meta.app_label in PROJECT_APPS),
        key=lambda model: model._meta.label,
    )


@pytest.mark.parametrize("model", project_models(), ids=lambda model: model._meta.label)
def test_admin_changelist_opens(admin, model):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert client_for(admin).get(url).status_code == 200


@pytest.mark.parametrize("ideas", [2, 30])
def test_admin_idea_changelist_runs_a_fixed_number_of_queries(
    admin, ideas, django_assert_max_num_queries
):
    IdeaFactory.create_batch(ideas)
    client = client_for(admin)
    url = reverse("admin:prototypes_idea_changelist")
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_admin_idea_page_shows_its_thread_history_and_attachments(admin):
    comment = IdeaCommentFactory(body="En fråga från labbet")
    IdeaAttachmentFactory(idea=comment.idea)
    PrototypeRecordFactory()
    EvaluationFactory()

    response = client_for(admin).get(
        reverse("admin:prototypes_idea_change", args=[comment.idea.pk])
    )

    assert response.status_code == 200
    assert "En fråga från labbet" in response.content.decode()
    assert "underlag.pdf" in response.content.decode()
