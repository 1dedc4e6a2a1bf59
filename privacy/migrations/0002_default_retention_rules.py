"""The retention decisions a new installation starts with; admins change them in the
admin (Personal data → Retention rules). Periods are months after the starting point:

- applications: APPLICANT_RETENTION_MONTHS (6) after the decision, then deleted;
- profile, weekly logs and milestones, competence, the programme and the account:
  24 months after the end of the programme (staff: deactivation), then anonymised;
- outcomes, consents and follow-ups: 36 months, then anonymised (the statistics still
  count them: outcomes are never deleted);
- emails sent: 12 months after they were written, then deleted.

No rule for ideas and comments (public records, kept by the archives act), employer
contacts (kept while the partnership lasts) or the audit log (append-only)."""

from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

NOTE = "Default of a new installation; replace with the organisation's decision on disposal."


def rules() -> list[tuple[str, int, str, str]]:
    application_months = getattr(settings, "APPLICANT_RETENTION_MONTHS", 6)
    return [
        # (category, months, anchor, action)
        ("application", application_months, "decided", "delete"),
        ("profile", 24, "programme_end", "anonymise"),
        ("progress", 24, "programme_end", "anonymise"),
        ("competence", 24, "programme_end", "anonymise"),
        ("programme", 24, "programme_end", "anonymise"),
        ("account", 24, "programme_end", "anonymise"),
        ("outcome", 36, "programme_end", "anonymise"),
        ("communication", 12, "created", "delete"),
    ]


def create(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    RetentionRule = apps.get_model("privacy", "RetentionRule")
    for category, months, anchor, action in rules():
        RetentionRule.objects.get_or_create(
            category=category,
            defaults={"months": months, "anchor": anchor, "action": action, "note": NOTE},
        )


def remove(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    RetentionRule = apps.get_model("privacy", "RetentionRule")
    RetentionRule.objects.filter(category__in=[rule[0] for rule in rules()]).delete()


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
