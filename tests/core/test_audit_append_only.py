"""The audit log is append-only in the database: a trigger refuses UPDATE and DELETE from
anyone (raw SQL, the ORM, the admin), inserting still works, and a person who acted is
never deleted (they are anonymised instead)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from labportal.core.models import AuditEntry
from labportal.core.services import record_audit
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.core.factories import AuditEntryFactory

REFUSED = "The audit log is append-only: entries cannot be changed or deleted"


@pytest.fixture
def entry(admin):
    return AuditEntryFactory(action="user.signed_in", actor=admin, details={"ip": "10.0.0.1"})


def stored(entry: AuditEntry) -> dict:
    return AuditEntry.objects.values("action", "actor_id", "details").get(pk=entry.pk)


def refused(statement):
    """Run `statement` in a savepoint (so the test's transaction survives the error) and
    return the database's error."""
    with pytest.raises(DatabaseError, match=REFUSED) as error, transaction.atomic():
        statement()
    return error.value


def test_raw_sql_update_of_an_audit_entry_is_refused(entry):
    before = stored(entry)

    def update():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE core_auditentry SET action = 'nothing.happened' WHERE id = %s", [entry.pk]
            )

    error = refused(update)

    assert "UPDATE" in str(error)
    assert stored(entry) == before


def test_raw_sql_delete_of_an_audit_entry_is_refused(entry):
    def delete():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entry.pk])

    error = refused(delete)

    assert "DELETE" in str(error)
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_orm_update_and_save_of_an_audit_entry_are_refused(entry):
    before = stored(entry)
    refused(lambda: AuditEntry.objects.filter(pk=entry.pk).update(details={}))
    entry.action = "nothing.happened"
    refused(entry.save)

    assert stored(entry) == before


def test_orm_delete_of_audit_entries_is_refused(entry):
    AuditEntryFactory(action="skill.updated")
    refused(entry.delete)
    refused(lambda: AuditEntry.objects.all().delete())

    assert AuditEntry.objects.count() == 2


def test_inserting_audit_entries_still_works(admin, trainee):
    record_audit(admin, "user.updated", trainee, role="trainee")
    AuditEntry.objects.bulk_create([AuditEntry(action="bulk.one", object_type="x", object_id="1")])

    assert AuditEntry.objects.filter(action__in=["user.updated", "bulk.one"]).count() == 2


def test_deleting_a_user_who_acted_is_refused(trainee):
    actor = UserFactory(role="lab_lead")
    entry = record_audit(actor, "trainee.profile_viewed", trainee)

    with pytest.raises(ProtectedError):
        actor.delete()

    # Raw SQL past the ORM: the foreign key refuses too (checked at once, not at commit).
    def delete_by_sql():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("DELETE FROM account_emailaddress WHERE user_id = %s", [actor.pk])
            cursor.execute("DELETE FROM accounts_user WHERE id = %s", [actor.pk])

    with pytest.raises(IntegrityError, match="core_auditentry"), transaction.atomic():
        delete_by_sql()
    assert AuditEntry.objects.get(pk=entry.pk).actor == actor


def test_admin_offers_no_way_to_delete_a_person(admin, trainee):
    record_audit(trainee, "user.signed_in", trainee)
    client = client_for(admin)
    url = reverse("admin:accounts_user_delete", args=[trainee.pk])
    changelist = reverse("admin:accounts_user_changelist")

    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    listing = client.get(changelist).content.decode()
    client.post(changelist, {"action": "delete_selected", "_selected_action": [trainee.pk]})

    assert "delete_selected" not in listing
    assert type(trainee).objects.filter(pk=trainee.pk).exists()


def test_truncate_is_not_blocked_so_the_test_flush_works(entry):
    # A row trigger does not fire on TRUNCATE, which `flush` (transactional tests) uses.
    # In production the app's role has no TRUNCATE right (see migration 0007).
    with connection.cursor() as cursor:
        # (the test's own insert leaves a deferred foreign key check to run first)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE core_auditentry")

    assert not AuditEntry.objects.exists()
