"""A partial index of the accepted ideas ready to plan, oldest decision first: the
planning board's backlog reads its page from it, and the lab's start page counts it,
without visiting the other ideas (100,000 at national scale, a few thousand of them
ready). Built CONCURRENTLY, as 0004."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("prototypes", "0004_idea_inbox_indexes"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="idea",
            index=models.Index(
                condition=models.Q(("ready_to_plan", True), ("status", "accepted")),
                fields=["decided_at", "id"],
                name="idea_ready_to_plan_idx",
            ),
        ),
    ]
