"""Templates decide nothing: the ideas' pages and emails get booleans and model
properties from the views and services, and never compare a status or a role."""

from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
FILES = sorted(
    [
        *(TEMPLATES / "prototypes").rglob("*.html"),
        *(TEMPLATES / "emails").glob("idea_*"),
    ]
)
DECISIONS = ['== "', "== '", '!= "', "!= '", ".status ==", ".role", "is_privileged"]


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(TEMPLATES)) for p in FILES])
def test_idea_templates_compare_no_status_or_role(path):
    text = path.read_text()
    assert [decision for decision in DECISIONS if decision in text] == []
