from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from labportal.core.models import Skill


def apply_validation_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, on its fields where it names them."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class SkillForm(forms.ModelForm):
    class Meta:
        model = Skill
        fields = ["name_sv", "name_en", "category", "esco_uri", "is_active"]
        help_texts = {"name_sv": _("As shown in the Swedish interface, e.g. Databaser.")}
