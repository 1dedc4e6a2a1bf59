"""Every enrolment gets its own dates (its cohort's where it had none), and every cohort a
status that agrees with its dates, before the dates become required."""

from django.db import migrations
from django.db.models import OuterRef, Subquery
from django.utils import timezone


def forwards(apps, schema_editor):
    Cohort = apps.get_model("cohorts", "Cohort")
    Enrolment = apps.get_model("cohorts", "Enrolment")
    cohort = Cohort.objects.filter(pk=OuterRef("cohort_id"))
    Enrolment.objects.filter(starts_on=None).update(
        starts_on=Subquery(cohort.values("starts_on")[:1])
    )
    Enrolment.objects.filter(ends_on=None).update(ends_on=Subquery(cohort.values("ends_on")[:1]))
    today = timezone.localdate()
    Cohort.objects.filter(ends_on__lt=today).update(status="finished")
    Cohort.objects.filter(starts_on__lte=today, ends_on__gte=today).update(status="running")


class Migration(migrations.Migration):
    dependencies = [("cohorts", "0003_planning_schema")]

    # Backwards the dates stay: they are the cohort's, which is what empty meant.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
