from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("全文检索")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import native, signals, types

        types.register_types()
        signals.connect()
        native.register()
