from django.urls import reverse

from labportal.core.models import Skill
from tests.conftest import client_for
from tests.core.factories import SkillFactory


def test_default_skills_are_seeded(db):
    assert Skill.objects.count() >= 40
    assert Skill.objects.filter(
        name_sv="Dataskydd och GDPR", name_en="Data protection and GDPR"
    ).exists()


def test_skill_list_searches_both_languages(trainee):
    client = client_for(trainee)
    assert "Dataskydd" in client.get(reverse("core:skill_list"), {"q": "GDPR"}).content.decode()
    html = client.get(reverse("core:skill_list"), {"q": "Versionshantering"}).content.decode()
    assert "Git" in html


def test_retired_skills_are_hidden_except_from_admins(trainee, admin):
    retired = SkillFactory(name_sv="Cobolprogrammering", is_active=False)
    assert (
        retired.name_sv
        not in client_for(trainee).get(reverse("core:skill_list"), {"q": "Cobol"}).content.decode()
    )
    assert (
        retired.name_sv
        in client_for(admin).get(reverse("core:skill_list"), {"q": "Cobol"}).content.decode()
    )


def test_admin_adds_a_skill_and_a_bad_uri_is_explained(admin):
    client = client_for(admin)
    response = client.post(
        reverse("core:skill_create"),
        {
            "name_sv": "Rust",
            "name_en": "Rust",
            "category": "programming",
            "esco_uri": "inte en länk",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert 'value="Rust"' in response.content.decode()
    assert not Skill.objects.filter(name_en="Rust").exists()
    client.post(
        reverse("core:skill_create"),
        {"name_sv": "Rust", "name_en": "Rust", "category": "programming", "is_active": "on"},
    )
    assert Skill.objects.filter(name_en="Rust").exists()
