from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from labportal.core import nav
        from reports.nav import reports_entries

        nav.register(reports_entries)
