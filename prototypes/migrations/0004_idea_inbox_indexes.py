"""Indexes for the idea inbox, which filters by status, department, benefit or urgency
and shows the newest first (or by benefit, urgency or title): each filter column leads
an index that ends in the list's order with the id as the tie-breaker, so a page is
read in order from the index instead of sorting every matching row.

The single-column indexes they replace go (each the first column of a new one, or the
old order without its tie-breaker), so the table keeps nearly the indexes it had.

Built CONCURRENTLY, as core's 0008: departments submit ideas all day, and a plain
CREATE INDEX would hold up their writes for as long as it runs on a large table."""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("prototypes", "0003_beat_schedules"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="idea",
            index=models.Index(fields=["-submitted_at", "-id"], name="idea_newest_idx"),
        ),
        AddIndexConcurrently(
            model_name="idea",
            index=models.Index(
                fields=["status", "-submitted_at", "-id"], name="idea_status_newest_idx"
            ),
        ),
        AddIndexConcurrently(
            model_name="idea",
            index=models.Index(
                fields=["department", "-submitted_at", "-id"], name="idea_department_newest_idx"
            ),
        ),
        AddIndexConcurrently(
            model_name="idea",
            index=models.Index(
                fields=["-benefit_size", "-submitted_at", "-id"], name="idea_benefit_newest_idx"
            ),
        ),
        AddIndexConcurrently(
            model_name="idea",
            index=models.Index(
                fields=["-urgency", "-submitted_at", "-id"], name="idea_urgency_newest_idx"
            ),
        ),
        AddIndexConcurrently(
            model_name="idea",
            index=models.Index(fields=["title", "id"], name="idea_title_id_idx"),
        ),
        RemoveIndexConcurrently(model_name="idea", name="idea_status_submitted_idx"),
        RemoveIndexConcurrently(model_name="idea", name="idea_submitted_idx"),
        RemoveIndexConcurrently(model_name="idea", name="idea_benefit_idx"),
        RemoveIndexConcurrently(model_name="idea", name="idea_urgency_idx"),
        RemoveIndexConcurrently(model_name="idea", name="idea_title_idx"),
    ]
