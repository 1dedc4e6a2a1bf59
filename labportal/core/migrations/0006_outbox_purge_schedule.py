"""The daily purge of old email text in django-celery-beat, so admins can change its
timing in the admin; and the text of invitation and password-reset emails sent before
the outbox kept links apart is removed now, as it holds sign-in links."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.utils import timezone

TIMEZONE = "Europe/Stockholm"
NAME = "Remove the text of old sent emails"
TASK = "labportal.core.tasks.purge_email_content"
# minute, hour, day_of_week, day_of_month, month_of_year: every night at 03:15
CRONTAB = ("15", "3", "*", "*", "*")
LINK_EMAIL_KEYS = ("invitation:", "allauth:password_reset_key:")


def _crontab_fields() -> dict[str, str]:
    minute, hour, day_of_week, day_of_month, month_of_year = CRONTAB
    return {
        "minute": minute,
        "hour": hour,
        "day_of_week": day_of_week,
        "day_of_month": day_of_month,
        "month_of_year": month_of_year,
        "timezone": TIMEZONE,
    }


def create_schedule(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = CrontabSchedule.objects.get_or_create(**_crontab_fields())
    PeriodicTask.objects.get_or_create(
        name=NAME, defaults={"task": TASK, "crontab": schedule, "enabled": True}
    )


def remove_schedule(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=NAME).delete()
    # Our crontab goes too, unless an admin has since pointed another task at it.
    CrontabSchedule.objects.filter(periodictask__isnull=True, **_crontab_fields()).delete()


def purge_sent_links(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    OutboxEmail = apps.get_model("core", "OutboxEmail")
    for prefix in LINK_EMAIL_KEYS:
        OutboxEmail.objects.filter(
            key__startswith=prefix, status="sent", purged_at__isnull=True
        ).update(body_text="", body_html="", purged_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_outbox_delivery"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [
        migrations.RunPython(create_schedule, remove_schedule),
        # The removed text cannot come back; reversing leaves it removed.
        migrations.RunPython(purge_sent_links, migrations.RunPython.noop),
    ]
