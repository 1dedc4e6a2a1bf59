"""An access request's answer as one ZIP: a JSON file per model
(``<app_label>.<model>.json``: every row that concerns the person, field by field),
``README.txt`` (what the files are, the categories, legal bases and retention),
``personal-data.pdf`` (what is held, per category, readable) and the files the person
uploaded as evidence (``files/...``). Written in the active language (the admin's).
"""

from __future__ import annotations

import datetime
import json
import zipfile
from collections import Counter
from dataclasses import dataclass
from typing import IO, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext, gettext_lazy, ngettext

from labportal.core.pdf import html_to_pdf
from privacy.access_request import PersonalDataReport, Table
from privacy.models import NOT_MANAGED, RetentionRule
from privacy.registry import Basis, Category

PDF_TEMPLATE = "privacy/access_request_pdf.html"
PDF_STYLESHEET = "css/summary-pdf.css"
# The PDF is an overview: a long history (500 weekly logs) is in the JSON files.
PDF_ROWS = 5

CATEGORY_PURPOSES: dict[str, Any] = {
    Category.ACCOUNT: gettext_lazy("To let you sign in and to contact you."),
    Category.PROFILE: gettext_lazy("To plan your work and placement from what you bring."),
    Category.PROGRAMME: gettext_lazy("To run the programme: your enrolment, team and placements."),
    Category.PROGRESS: gettext_lazy("To follow and support your weekly progress."),
    Category.COMPETENCE: gettext_lazy("To describe and validate what you can do."),
    Category.OUTCOME: gettext_lazy("To follow up where the programme led and report it."),
    Category.APPLICATION: gettext_lazy("To decide on your application to a cohort."),
    Category.CONTRIBUTION: gettext_lazy("To handle the ideas and comments you wrote."),
    Category.EMPLOYER_CONTACT: gettext_lazy("To send trainees' summaries to you as an employer."),
    Category.COMMUNICATION: gettext_lazy("To show which emails were sent to you and when."),
    Category.SECURITY: gettext_lazy("To keep a record of who did what, as the law requires."),
}


@dataclass(frozen=True)
class ShownField:
    label: str
    value: str


@dataclass(frozen=True)
class ShownTable:
    name: str
    filename: str
    count: int
    rows: list[list[ShownField]]
    more: int


@dataclass(frozen=True)
class ShownCategory:
    label: str
    purpose: str
    bases: list[str]
    retention: str
    tables: list[ShownTable]


def table_category(table: Table) -> str:
    """The category most of the model's personal fields belong to."""
    counted = Counter(spec.category for spec in table.entry.personal.values())
    return counted.most_common(1)[0][0] if counted else Category.ACCOUNT


def _retention_texts() -> dict[str, str]:
    rules = {rule.category: rule for rule in RetentionRule.objects.filter(is_active=True)}
    texts: dict[str, str] = {}
    for category in Category:
        rule = rules.get(category)
        if category in NOT_MANAGED:
            text = gettext("Kept as the security record; not removed by the retention rules.")
        elif rule is None:
            text = gettext(
                "No automatic rule: kept while its purpose needs it, and as the archives "
                "act requires of public records."
            )
        else:
            text = ngettext(
                "Kept %(months)s month, counted from: %(anchor)s. Then: %(action)s.",
                "Kept %(months)s months, counted from: %(anchor)s. Then: %(action)s.",
                rule.months,
            ) % {
                "months": rule.months,
                "anchor": rule.get_anchor_display().lower(),
                "action": rule.get_action_display().lower(),
            }
        texts[category] = text
    return texts


def _display(field: models.Field[Any, Any], value: Any) -> str:
    """A value as a person reads it: choices by their label, dates in the language."""
    if value is None or value == "" or value == [] or value == {}:
        return "\N{EN DASH}"
    if isinstance(value, dict) and set(value) == {"id", "label"}:
        return str(value["label"] or value["id"])
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(field, models.DateTimeField):
        return formats.date_format(datetime.datetime.fromisoformat(value), "SHORT_DATETIME_FORMAT")
    if isinstance(field, models.DateField):
        return formats.date_format(datetime.date.fromisoformat(value), "SHORT_DATE_FORMAT")
    if isinstance(value, dict):
        return "; ".join(f"{key}: {item}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _shown_table(table: Table) -> ShownTable:
    """The first rows with their personal fields (the technical ones, such as ids and
    versions, are in the JSON file only)."""
    fields = {field.name: field for field in table.fields if field.name in table.entry.personal}
    rows = (
        [
            [
                ShownField(str(getattr(field, "verbose_name", name)), _display(field, row[name]))
                for name, field in fields.items()
            ]
            for row in table.rows[:PDF_ROWS]
        ]
        if fields
        else []
    )
    count = len(table.rows)
    return ShownTable(table.verbose_name, table.filename, count, rows, count - len(rows))


def overview(report: PersonalDataReport) -> list[ShownCategory]:
    """The report per category (in the registry's order of categories), for the PDF."""
    retention = _retention_texts()
    by_category: dict[str, list[Table]] = {}
    for table in report.tables:
        by_category.setdefault(table_category(table), []).append(table)
    shown = []
    for category in Category:
        tables = by_category.get(category, [])
        if not tables:
            continue
        bases = sorted(
            {
                spec.basis
                for table in tables
                for spec in table.entry.personal.values()
                if spec.category == category
            }
        )
        shown.append(
            ShownCategory(
                label=str(category.label),
                purpose=str(CATEGORY_PURPOSES[category]),
                bases=[str(Basis(basis).label) for basis in bases],
                retention=retention[category],
                tables=[_shown_table(table) for table in tables],
            )
        )
    return shown


def _table_json(table: Table) -> bytes:
    fields = {}
    for field in table.fields:
        name = field.name
        spec = table.entry.personal.get(name)
        fields[name] = {
            "label": str(getattr(field, "verbose_name", name)),
            "category": str(spec.category.label) if spec else None,
            "legal_basis": str(spec.basis.label) if spec else None,
        }
    document = {
        "model": table.model._meta.label_lower,
        "name": table.verbose_name,
        "fields": fields,
        "rows": list(table.rows),
    }
    text = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    return text.encode()


def _evidence_files(table: Table) -> list[tuple[str, models.FileField]]:
    """Stored names of the personal files in the table's rows (never the secret ones)."""
    found: list[tuple[str, models.FileField]] = []
    for field in table.fields:
        if isinstance(field, models.FileField) and field.name in table.entry.personal:
            found.extend((str(row[field.name]), field) for row in table.rows if row[field.name])
    return found


def write_zip(report: PersonalDataReport, out: IO[bytes]) -> None:
    """Write the answer to `out` (a file or a spooled temporary file)."""
    categories = overview(report)
    context = {
        "report": report,
        "subject": report.subject,
        "categories": categories,
        "generated": timezone.localtime(report.generated_at),
        "language": get_language() or "sv",
    }
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme(report, categories))
        html = render_to_string(PDF_TEMPLATE, context)
        archive.writestr("personal-data.pdf", html_to_pdf(html, stylesheet=PDF_STYLESHEET))
        for table in report.tables:
            archive.writestr(table.filename, _table_json(table))
            for stored, field in _evidence_files(table):
                _copy_file(archive, field, stored)


def _copy_file(archive: zipfile.ZipFile, field: models.FileField, stored: str) -> None:
    try:
        with (
            field.storage.open(stored, "rb") as source,
            archive.open(f"files/{stored}", "w") as target,
        ):
            while chunk := source.read(1024 * 1024):
                target.write(chunk)
    except FileNotFoundError:
        archive.writestr(f"files/{stored}.missing.txt", gettext("The file is no longer stored."))


def readme(report: PersonalDataReport, categories: list[ShownCategory]) -> str:
    """What the ZIP is, in plain text: for whoever opens it without a PDF reader."""
    subject = report.subject
    generated = formats.date_format(timezone.localtime(report.generated_at), "DATETIME_FORMAT")
    lines = [
        gettext("Personal data held by LabPortal about %(name)s (%(email)s)")
        % {"name": subject.name, "email": subject.email},
        gettext("Made %(time)s, in answer to a request for access (GDPR article 15).")
        % {"time": generated},
        "",
        gettext("The files"),
        "- personal-data.pdf: "
        + gettext("an overview of what is held, per category, with the first rows."),
        "- <app>.<model>.json: "
        + gettext(
            "every record that concerns the person, one file per kind of record, each "
            "row with its fields and values. Dates are written as in ISO 8601 "
            "(2026-11-20, 2026-11-20T14:05:00+01:00)."
        ),
        "- files/: " + gettext("documents the person uploaded, such as evidence of skills."),
        gettext(
            "Passwords, sign-in links and other keys are never included: they are stored "
            "only as codes that say nothing about the person."
        ),
        "",
        gettext("Categories, legal bases and retention"),
    ]
    for category in categories:
        lines += [
            "",
            category.label,
            "  " + gettext("Why: %(purpose)s") % {"purpose": category.purpose},
            "  " + gettext("Legal basis: %(bases)s") % {"bases": ", ".join(category.bases)},
            "  " + gettext("Retention: %(retention)s") % {"retention": category.retention},
        ]
        lines += [
            f"  - {table.filename}: {table.name} ({table.count})" for table in category.tables
        ]
    return "\n".join(lines) + "\n"


def filename(report: PersonalDataReport) -> str:
    day = timezone.localdate(report.generated_at)
    return f"labportal-personal-data-{report.subject.slug}-{day:%Y-%m-%d}.zip"
