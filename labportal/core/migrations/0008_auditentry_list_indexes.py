"""Indexes for the admins' audit list, which filters by object (type and id, e.g. every
entry about one person), by actor or by action and always shows the newest first: each
filter column leads an index that ends in the time, so a page is read in order from the
index instead of sorting every matching row; the action prefix filter (LIKE 'user.%')
has a pattern index of its own.

The indexes they make redundant go: the actor's foreign key index and the action's
plain index (each the first column of a new one), the action's default `_like` index
(replaced by the named prefix index) and the old (object_type, object_id) index. So the
log, written by every service, keeps the number of indexes it had.

Built CONCURRENTLY: every service writes an audit row, so a plain CREATE INDEX would
hold up all writes of the application for as long as it runs on a large log."""

import django.db.models.deletion
from django.conf import settings
from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models

# Django's own indexes of `actor` and `action` (db_index), made redundant above.
REPLACED_INDEXES = (
    ("core_auditentry_actor_id_d8248cee", "(actor_id)"),
    ("core_auditentry_action_6ad0fad5", "(action)"),
    ("core_auditentry_action_6ad0fad5_like", "(action varchar_pattern_ops)"),
)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("core", "0007_auditentry_append_only"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="auditentry",
            index=models.Index(
                fields=["object_type", "object_id", "-created_at"], name="audit_object_time_idx"
            ),
        ),
        AddIndexConcurrently(
            model_name="auditentry",
            index=models.Index(fields=["actor", "-created_at"], name="audit_actor_time_idx"),
        ),
        AddIndexConcurrently(
            model_name="auditentry",
            index=models.Index(fields=["action", "-created_at"], name="audit_action_time_idx"),
        ),
        AddIndexConcurrently(
            model_name="auditentry",
            index=models.Index(
                fields=["action"], opclasses=["varchar_pattern_ops"], name="audit_action_prefix_idx"
            ),
        ),
        RemoveIndexConcurrently(model_name="auditentry", name="core_audite_object__83eb8a_idx"),
        # Django would drop and re-add the foreign key constraint to drop its index,
        # re-checking every row under a lock; dropping the indexes by name (Django's
        # names, the same in every installation) leaves the constraint alone.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditentry",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="actor",
                    ),
                ),
                migrations.AlterField(
                    model_name="auditentry",
                    name="action",
                    field=models.CharField(max_length=100, verbose_name="action"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX CONCURRENTLY IF EXISTS {name}",
                    f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON core_auditentry {columns}",
                )
                for name, columns in REPLACED_INDEXES
            ],
        ),
    ]
