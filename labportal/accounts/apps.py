from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "labportal.accounts"
    label = "accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self) -> None:
        from labportal.accounts.nav import accounts_entries
        from labportal.accounts.signals import connect_audit_receivers
        from labportal.core import nav

        nav.register(accounts_entries)
        connect_audit_receivers()
