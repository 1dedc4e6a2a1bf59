from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_supervisor_role"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="removed_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="removed"
            ),
        ),
    ]
