from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TraineesConfig(AppConfig):
    name = "trainees"
    verbose_name = _("Trainees")

    def ready(self) -> None:
        from labportal.core import nav, startpage
        from trainees.nav import competence_entries, logs_entries
        from trainees.startpage import supervisor_logs_panel, trainee_week_panel

        nav.register(competence_entries)
        nav.register(logs_entries)
        startpage.register(trainee_week_panel)
        startpage.register(supervisor_logs_panel)
