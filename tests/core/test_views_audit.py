from django.urls import reverse

from labportal.core.models import AuditEntry
from tests.conftest import client_for
from tests.core.factories import AuditEntryFactory


def test_audit_log_is_for_admins_only(personas):
    AuditEntryFactory(action="invitation.created", actor=personas["lab_lead"])
    assert AuditEntry.objects.visible_to(personas["admin"]).count() == 1
    for role in ("lab_lead", "department_staff", "trainee"):
        assert not AuditEntry.objects.visible_to(personas[role]).exists(), role


def test_audit_log_filters_by_who_and_action(admin, lab_lead):
    AuditEntryFactory(action="invitation.created", actor=lab_lead)
    AuditEntryFactory(action="skill.updated", actor=admin)
    client = client_for(admin)
    html = client.get(reverse("core:audit_list"), {"action": "invitation"}).content.decode()
    assert "invitation.created" in html
    assert "skill.updated" not in html
    html = client.get(reverse("core:audit_list"), {"actor": admin.email}).content.decode()
    assert "skill.updated" in html
    assert "invitation.created" not in html
