"""The daily follow-ups after the programme in django-celery-beat, so admins can change
their timing in the admin: every day at 09:15 Stockholm wall-clock time, so that the
emails arrive in the morning, not in the night."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

TIMEZONE = "Europe/Stockholm"

SCHEDULES = [
    # (name, task, crontab: minute, hour, day_of_week, day_of_month, month_of_year)
    (
        "Send follow-ups to former trainees",
        "trainees.tasks.send_follow_ups",
        ("15", "9", "*", "*", "*"),
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
        ("trainees", "0006_outcomes_follow_ups"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
