"""The filter forms as plain data (`labportal.core.filter_fields`) and the shared include
that writes them (`templates/includes/_filter_form.html`): every kind of field a list
filters by keeps its value, its label, and its errors and help linked to it."""

import pytest
from django import forms
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone, translation

from cohorts.filters import ProgressFilter
from cohorts.progress import Figures
from labportal.accounts.filters import UserFilter
from labportal.core.filter_fields import FilterField, fields_to_render
from labportal.core.filters import AuditEntryFilter
from labportal.core.models import AuditEntry
from labportal.core.pagination import paginate_window
from tests.accounts.factories import DepartmentFactory, OrganisationFactory
from tests.cohorts.factories import CohortFactory
from tests.core.factories import SkillFactory
from trainees.filters_competence import TraineeFilter


class EveryKind(forms.Form):
    q = forms.CharField(required=False, help_text="Words to look for")
    colour = forms.ChoiceField(choices=[("", "Any"), ("red", "Red"), ("blue", "Blue")])
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    only_open = forms.BooleanField(required=False)
    sizes = forms.MultipleChoiceField(
        required=False, choices=[("s", "Small"), ("m", "Medium"), ("l", "Large")]
    )
    tags = forms.MultipleChoiceField(
        required=False,
        choices=[("a", "Alpha"), ("b", "Beta")],
        widget=forms.CheckboxSelectMultiple,
    )
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)


def by_name(fields: list[FilterField]) -> dict[str, FilterField]:
    return {field.name: field for field in fields}


def get(path: str, user=None, **data):
    request = RequestFactory().get(path, data)
    request.user = user
    return request


# The fields as data -------------------------------------------------------------------------
def test_fields_to_render_gives_each_kind_its_value():
    form = EveryKind(
        {
            "q": "bok",
            "colour": "blue",
            "day": "2026-03-01",
            "only_open": "on",
            "sizes": ["s", "l"],
            "tags": ["b"],
        }
    )

    fields = by_name(fields_to_render(form))

    assert list(fields) == ["q", "colour", "day", "only_open", "sizes", "tags"]  # no hidden
    assert (fields["q"].kind, fields["q"].input_type, fields["q"].value) == ("input", "text", "bok")
    assert fields["q"].described_by == "id_q_helptext"
    assert [(o.value, o.selected) for o in fields["colour"].options] == [
        ("", False),
        ("red", False),
        ("blue", True),
    ]
    assert (fields["day"].input_type, fields["day"].value) == ("date", "2026-03-01")
    assert (fields["only_open"].kind, fields["only_open"].checked) == ("checkbox", True)
    assert (fields["sizes"].kind, fields["sizes"].multiple) == ("select", True)
    assert [o.value for o in fields["sizes"].options if o.selected] == ["s", "l"]
    assert fields["tags"].kind == "checkboxes"
    assert [(o.value, o.selected) for o in fields["tags"].options] == [("a", False), ("b", True)]


def test_fields_to_render_links_errors_to_their_field():
    form = EveryKind({"colour": "green", "day": "not a day"})

    fields = by_name(fields_to_render(form))

    assert fields["colour"].errors and fields["colour"].described_by == "id_colour_error"
    assert fields["day"].value == "not a day"  # what was typed, to correct
    assert fields["only_open"].checked is False


def test_fields_to_render_reads_departments_and_skills_as_plain_values(lab_lead, db):
    organisation = OrganisationFactory(name="Kommunen")
    department = DepartmentFactory(name="Bygg", organisation=organisation)
    skill = SkillFactory(name_sv="Webbdesign", name_en="Web design")
    users = UserFilter({"department": str(department.pk)}, request=get("/", lab_lead))
    trainees = TraineeFilter({}, request=get("/", lab_lead))

    with translation.override("en"):
        department_field = by_name(fields_to_render(users.form))["department"]
        skill_field = by_name(fields_to_render(trainees.form))["skill"]

    labels = {o.value: (o.label, o.selected) for o in department_field.options}
    assert labels[str(department.pk)] == (str(department), True)
    assert labels[""] == ("Any department", False)  # its organisation implied
    assert (str(skill.pk), "Web design") in [(o.value, o.label) for o in skill_field.options]


def test_fields_to_render_keeps_a_yes_no_select_and_a_datalist(admin):
    users = UserFilter({"is_active": "false"}, request=get("/", admin))
    audit = AuditEntryFilter({"created_after": "2026-01-31"}, queryset=AuditEntry.objects.all())

    active = by_name(fields_to_render(users.form))["is_active"]
    audit_fields = by_name(fields_to_render(audit.form))

    assert active.kind == "select"
    assert [o.value for o in active.options if o.selected] == ["false"]
    assert ("list", "audit-action-names") in audit_fields["action"].attrs
    assert audit_fields["created_after"].input_type == "date"
    assert audit_fields["created_after"].value == "2026-01-31"


# The shared include --------------------------------------------------------------------------
def render_filter(filterset, request, page=None, **extra) -> str:
    with translation.override("en"):
        return render_to_string(
            "includes/_filter_form.html",
            {"filter": filterset, "page": page, "request": request, **extra},
        )


def test_filter_include_writes_plain_accessible_markup(admin):
    request = get("/audit/", admin, action="user.", created_after="bad")
    audit = AuditEntryFilter(request.GET, queryset=AuditEntry.objects.all(), request=request)
    page = paginate_window(request, audit.qs)

    html = render_filter(audit, request, page)

    assert '<legend class="visually-hidden">Filter the list</legend>' in html
    assert 'type="text" name="action" value="user." id="id_action"' in html
    assert ' list="audit-action-names" autocomplete="off"' in html
    assert 'type="date" name="created_after" value="bad" id="id_created_after"' in html
    assert 'aria-describedby="id_created_after_error" aria-invalid="true"' in html
    assert '<div id="id_created_after_error" class="invalid-feedback">' in html
    assert 'aria-describedby="id_person_helptext"' in html
    assert "div_id_" not in html  # no crispy wrapper
    assert '<p class="visually-hidden" role="status">' in html


def test_filter_include_writes_checkboxes(lab_lead, db):
    cohort = CohortFactory()
    request = get("/", lab_lead, blockers="on")
    figures = Figures(cohort, timezone.localdate())
    progress = ProgressFilter(request.GET, figures=figures, request=request)

    html = render_filter(progress, request, figures.page(progress.qs, "1", 25))

    assert (
        '<input type="checkbox" name="blockers" id="id_blockers" class="form-check-input" checked>'
        in html
    )
    assert '<label class="form-check-label" for="id_blockers">Only with open blockers</label>' in (
        html
    )
    assert 'name="behind" id="id_behind" class="form-check-input">' in html
    assert "0 matches" in html  # a Django Page counts exactly


@pytest.mark.parametrize(("count_shown", "status"), [(False, True), (True, False)])
def test_filter_include_leaves_the_count_to_a_page_that_shows_it(admin, count_shown, status):
    request = get("/", admin)
    audit = AuditEntryFilter(request.GET, queryset=AuditEntry.objects.all(), request=request)

    html = render_filter(
        audit, request, paginate_window(request, audit.qs), count_shown=count_shown
    )

    assert ('role="status"' in html) is status
