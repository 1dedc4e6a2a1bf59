"""Single sign-on by OpenID Connect is configured from the environment alone."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from labportal.accounts.adapters import InvitationOnlySocialAccountAdapter

ROOT = Path(__file__).resolve().parent.parent.parent

SHOW_LOGIN_PAGE = """
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
response = Client().get("/accounts/login/")
print(response.status_code)
print(response.content.decode())
"""


def test_oidc_login_button_appears_when_configured(db):
    # The subprocess reads the test database (the Site row), never a developer's.
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
        f"/{database['NAME']}",
        "ENVIRONMENT": "test",
        "OIDC_SERVER_URL": "https://idp.example.se/realms/kommun",
        "OIDC_CLIENT_ID": "labportal",
        "OIDC_CLIENT_SECRET": "secret",
        "OIDC_NAME": "Kommunens inloggning",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", SHOW_LOGIN_PAGE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    status, html = result.stdout.split("\n", 1)
    assert status == "200"
    assert "Kommunens inloggning" in html
    assert "/accounts/oidc/municipality/login/" in html


def test_oidc_is_absent_when_not_configured(client, db):
    assert "/accounts/oidc/" not in client.get("/accounts/login/").content.decode()


@pytest.mark.django_db
def test_sso_cannot_create_accounts(rf):
    assert InvitationOnlySocialAccountAdapter().is_open_for_signup(rf.get("/"), None) is False
