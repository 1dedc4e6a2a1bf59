from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CohortsConfig(AppConfig):
    name = "cohorts"
    verbose_name = _("Cohorts")

    def ready(self) -> None:
        from cohorts.idea_panel import plan_panel
        from cohorts.nav import cohorts_entries
        from cohorts.receivers import on_idea_moved, on_invitation_accepted
        from cohorts.startpage import my_cohorts_panel
        from labportal.accounts.events import invitation_accepted
        from labportal.core import nav, startpage
        from prototypes.events import idea_moved
        from prototypes.panels import register_idea_panel

        nav.register(cohorts_entries)
        startpage.register(my_cohorts_panel)
        register_idea_panel(plan_panel)
        invitation_accepted.connect(
            on_invitation_accepted, dispatch_uid="cohorts.carry_over_applicant"
        )
        idea_moved.connect(on_idea_moved, dispatch_uid="cohorts.end_plan_with_idea")
