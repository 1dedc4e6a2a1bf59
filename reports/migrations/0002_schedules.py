"""The reports' schedules in django-celery-beat, so admins can change their timing in
the admin: nightly deletion of expired exports, and the monthly outcome report on the
first of the month. Times are Stockholm wall-clock times."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

TIMEZONE = "Europe/Stockholm"

SCHEDULES = [
    # (name, task, crontab: minute, hour, day_of_week, day_of_month, month_of_year)
    (
        "Delete expired exports",
        "reports.tasks.purge_exports",
        ("30", "3", "*", "*", "*"),
    ),
    (
        "Send the monthly outcome report to the admins",
        "reports.tasks.send_monthly_report",
        ("0", "7", "*", "1", "*"),
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
    # Our crontabs go too, unless an admin has since pointed another task at one.
    for _, _, crontab in SCHEDULES:
        CrontabSchedule.objects.filter(
            periodictask__isnull=True, **_crontab_fields(crontab)
        ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_export_jobs"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
