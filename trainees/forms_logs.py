"""Forms of the weekly progress logs. The services judge the week, the enrolment and
the hours together; the forms parse what was typed and keep every word on an error."""

from __future__ import annotations

import datetime
import re
from typing import Any, cast

from django import forms
from django.db.models import Field
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from prototypes.models import Idea
from trainees.models import MAX_WEEKLY_HOURS, ProgressLog, monday_of
from trainees.services.logs import loggable_prototypes

ISO_WEEK = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)


def _label(field: str) -> Any:
    # Capitalised like every other label (the models' verbose names are lower case).
    return capfirst(cast(Field[Any, Any], ProgressLog._meta.get_field(field)).verbose_name)


class WeekField(forms.DateField):
    """A day of the week to log, normalised to its Monday. Takes a date (the date
    picker's value) or an ISO week such as 2025-W07."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def to_python(self, value: Any) -> datetime.date | None:
        if isinstance(value, str) and (match := ISO_WEEK.match(value)):
            try:
                return datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1)
            except ValueError as error:
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid"
                ) from error
        day = super().to_python(value)
        return monday_of(day) if day else None


def _hours_field(field: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=_label(field),
        min_value=0,
        max_value=MAX_WEEKLY_HOURS,
        max_digits=4,
        decimal_places=1,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "required": _("Write the number of hours, 0 if none."),
            "min_value": _("Hours cannot be negative."),
            "max_value": _("At most %(limit_value)s hours a week."),
            "invalid": _("Write a number of hours, e.g. 32 or 7,5."),
        },
    )


class ProgressLogForm(forms.Form):
    """A week's log: the week, the hours, and the trainee's own words."""

    week = WeekField(
        label=_("Week"),
        help_text=_("Choose any day of the week: the log is saved for the week's Monday."),
        error_messages={"required": _("Choose the week."), "invalid": _("Choose a valid date.")},
    )
    hours_practical = _hours_field("hours_practical")
    hours_education = _hours_field("hours_education")
    did = forms.CharField(
        label=_label("did"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write what you did this week.")},
    )
    learned = forms.CharField(
        label=_label("learned"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    blockers = forms.CharField(
        label=_label("blockers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Anything that stops you or that you need help with. Leave empty if nothing."),
    )
    prototypes_text = forms.CharField(
        label=_label("prototypes_text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=cast(Field[Any, Any], ProgressLog._meta.get_field("prototypes_text")).help_text,
    )
    # The prototypes the trainee is on a team of (planning); the free text stays for
    # anything else.
    prototypes = forms.ModelMultipleChoiceField(
        label=_("Prototypes of my teams"),
        queryset=Idea.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The prototypes you are on the team of that you worked on this week."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, trainee: Any = None, keep: tuple[int, ...] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelMultipleChoiceField[Idea]", self.fields["prototypes"])
        choices = loggable_prototypes(trainee, keep) if trainee is not None else None
        if choices is not None:
            field.queryset = choices
        # Without a team there is nothing to tick: the field is not shown or asked.
        self.offers_prototypes = choices is not None and choices.exists()
        if not self.offers_prototypes:
            del self.fields["prototypes"]


class LogCommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write a comment.")},
        help_text=_("The trainee sees the comment on the log and gets an email about it."),
    )
