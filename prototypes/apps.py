from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrototypesConfig(AppConfig):
    name = "prototypes"
    verbose_name = _("Ideas and prototypes")

    def ready(self) -> None:
        from labportal.core import nav, startpage
        from prototypes.nav import ideas_entries
        from prototypes.startpage import ideas_panel

        startpage.register(ideas_panel)
        nav.register(ideas_entries)
