"""The nightly run of the retention decisions in django-celery-beat, so admins can
change its time in the admin. Stockholm wall-clock time, at night when nobody works
in the portal, before the nightly purges of reports (03:30) and applicants (03:45)."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

TIMEZONE = "Europe/Stockholm"

SCHEDULES = [
    # (name, task, crontab: minute, hour, day_of_week, day_of_month, month_of_year)
    (
        "Apply retention decisions",
        "privacy.tasks.apply_retention_rules",
        ("30", "2", "*", "*", "*"),
    ),
]


def _crontab_fields(crontab: tuple[str, ...]) -> dict[str, str]:
    minute, hour, day_of_week, day_of_month, month_of_year = crontab
    return {
        "minute": minute,
        "hour": hour,
        "day_of_week": day_of_week,
        "day_of_month": day_of_month,
        "month_of_year": month_of_year,
        "timezone": TIMEZONE,
    }


def create(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, crontab in SCHEDULES:
        schedule, _ = CrontabSchedule.objects.get_or_create(**_crontab_fields(crontab))
        PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "crontab": schedule, "enabled": True}
        )


def remove(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, _, _ in SCHEDULES]).delete()
    # Our crontab goes too, unless an admin has since pointed another task at it.
    for _, _, crontab in SCHEDULES:
        CrontabSchedule.objects.filter(
            periodictask__isnull=True, **_crontab_fields(crontab)
        ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0002_default_retention_rules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
