from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CohortsConfig(AppConfig):
    name = "cohorts"
    verbose_name = _("Cohorts")

    def ready(self) -> None:
        from cohorts.nav import cohorts_entries
        from labportal.core import nav

        nav.register(cohorts_entries)
