from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "labportal.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from labportal.core import nav

        nav.register(nav.core_entries)
