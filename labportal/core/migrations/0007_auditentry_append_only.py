"""The audit log becomes append-only in the database itself: a row-level BEFORE trigger
on core_auditentry refuses every UPDATE and DELETE, whoever sends it (the ORM, the
Django admin, a `psql` session of the application's role), so a trail its subjects or an
intruder with the app's credentials could edit proves nothing. INSERT is untouched.

People are therefore never deleted (they are anonymised, see `User.removed_at`): the
actor foreign key changes from SET_NULL, which would UPDATE the rows of a deleted user
and now fail in the trigger, to PROTECT, which refuses the deletion before anything is
written.

TRUNCATE is not a row operation and does not fire the trigger. The test suite relies on
that: transactional tests empty the tables with `manage.py flush`, which TRUNCATEs. In
production the application's database role must not be able to truncate or alter the
table either; run migrations as the owner and the app as a role without those rights:

    -- as the owner of the schema, after `migrate`
    REVOKE TRUNCATE, UPDATE, DELETE, TRIGGER, REFERENCES ON core_auditentry FROM labportal_app;
    GRANT SELECT, INSERT ON core_auditentry TO labportal_app;

(the table's owner can still disable the trigger, which is why the app must not be it).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FUNCTION = "core_auditentry_refuse_change"
TRIGGER = "core_auditentry_append_only"
# Tests match on this text; keep it in step with tests/core/test_audit_append_only.py.
MESSAGE = "The audit log is append-only: entries cannot be changed or deleted"

INSTALL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE} (% of entry %)', TG_OP, OLD.id
        USING HINT = 'People are anonymised, never deleted; audit entries are kept as written.';
END;
$$;
CREATE TRIGGER {TRIGGER}
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();
"""

REMOVE = f"""
DROP TRIGGER IF EXISTS {TRIGGER} ON core_auditentry;
DROP FUNCTION IF EXISTS {FUNCTION}();
"""


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("core", "0006_outbox_purge_schedule"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="actor",
            ),
        ),
        migrations.RunSQL(INSTALL, REMOVE),
    ]
