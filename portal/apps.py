from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class PortalConfig(AppConfig):
    # This module also defines the wagtail.users replacement below; ``default`` says which one is ours.
    default = True
    name = "portal"
    verbose_name = _("门户")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals
        from .admin_forms import field_labels_apply, native_date_inputs_apply

        field_labels_apply()
        native_date_inputs_apply()
        post_migrate.connect(_ensure_role_groups_once, dispatch_uid="portal-role-groups")
        signals.connect()


def _ensure_role_groups_once(sender, app_config=None, **kwargs):
    """After the last app's ``post_migrate``, when every app's permissions and Wagtail's default data
    exist: set up the role groups and give Wagtail's default workflow and root page Chinese names."""
    from django.apps import apps

    from .services import role_groups_ensure, wagtail_defaults_localise

    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if app_config is not None and app_config.label == with_models[-1].label:
        role_groups_ensure()
        wagtail_defaults_localise()


class PortalUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with agency and role on the create and edit forms."""

    user_viewset = "portal.admin_views.PortalUserViewSet"
