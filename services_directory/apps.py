from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesDirectoryConfig(AppConfig):
    name = "services_directory"
    verbose_name = _("服务机构信用")
    default_auto_field = "django.db.models.BigAutoField"
