"""The six coaching milestones every lab uses; the lab adds its own in the admin."""

from django.db import migrations

TYPES = [
    (10, "CV granskat", "CV reviewed"),
    (20, "Personligt brev granskat", "Cover letter reviewed"),
    (30, "Intervjuträning genomförd", "Interview training done"),
    (40, "Profil på en jobbsajt", "Profile on a job site"),
    (50, "Referens överenskommen", "Reference agreed"),
    (60, "Studiebesök hos en arbetsgivare", "Study visit to an employer"),
]


def seed(apps, schema_editor):
    MilestoneType = apps.get_model("trainees", "MilestoneType")
    for position, name_sv, name_en in TYPES:
        MilestoneType.objects.get_or_create(
            name_en=name_en, defaults={"name_sv": name_sv, "position": position}
        )


def unseed(apps, schema_editor):
    MilestoneType = apps.get_model("trainees", "MilestoneType")
    MilestoneType.objects.filter(name_en__in=[name for _, _, name in TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("trainees", "0002_journey")]

    operations = [migrations.RunPython(seed, unseed)]
