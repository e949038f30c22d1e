from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesExchangeConfig(AppConfig):
    name = "cases_exchange"
    verbose_name = _("线索通报与协作")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals

        signals.connect()
