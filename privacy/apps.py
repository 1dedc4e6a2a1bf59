from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Personal data")

    def ready(self) -> None:
        from labportal.core import nav
        from privacy.nav import privacy_entries

        nav.register(privacy_entries)
