"""The Django admin shows the audit log but cannot change it, not even as a superuser."""

from __future__ import annotations

import pytest
from django.urls import reverse

from labportal.core.models import AuditEntry
from tests.conftest import client_for
from tests.core.factories import AuditEntryFactory


@pytest.fixture
def entry(admin):
    return AuditEntryFactory(action="user.signed_in", actor=admin, details={"ip": "10.0.0.1"})


def unchanged(entry: AuditEntry) -> bool:
    stored = AuditEntry.objects.filter(pk=entry.pk).values("action", "object_id", "details")
    return list(stored) == [
        {"action": entry.action, "object_id": entry.object_id, "details": entry.details}
    ]


def test_admin_lists_and_shows_audit_entries_without_a_save_button(admin, entry):
    assert admin.is_superuser
    client = client_for(admin)

    listing = client.get(reverse("admin:core_auditentry_changelist"))
    page = client.get(reverse("admin:core_auditentry_change", args=[entry.pk]))

    assert listing.status_code == 200
    assert "user.signed_in" in listing.content.decode()
    assert page.status_code == 200
    html = page.content.decode()
    assert "10.0.0.1" in html
    assert 'name="_save"' not in html
    assert 'name="_continue"' not in html
    assert reverse("admin:core_auditentry_delete", args=[entry.pk]) not in html


def test_admin_cannot_change_an_audit_entry(admin, entry):
    response = client_for(admin).post(
        reverse("admin:core_auditentry_change", args=[entry.pk]),
        {"action": "nothing.happened", "object_type": "accounts.user", "object_id": "0"},
    )

    assert response.status_code == 403
    assert unchanged(entry)


def test_admin_cannot_delete_an_audit_entry(admin, entry):
    client = client_for(admin)
    url = reverse("admin:core_auditentry_delete", args=[entry.pk])

    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert unchanged(entry)


def test_admin_cannot_add_an_audit_entry(admin):
    response = client_for(admin).post(
        reverse("admin:core_auditentry_add"),
        {"action": "made.up", "object_type": "accounts.user", "object_id": "1"},
    )

    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="made.up").exists()


def test_audit_changelist_offers_no_bulk_delete(admin, entry):
    client = client_for(admin)
    url = reverse("admin:core_auditentry_changelist")

    listing = client.get(url)
    client.post(url, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})

    assert "delete_selected" not in listing.content.decode()
    assert unchanged(entry)
