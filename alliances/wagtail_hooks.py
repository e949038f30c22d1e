"""Alliances, member agencies and API tokens in the Wagtail admin (snippets menu "联盟管理")."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Agency, AgencyAPIToken, Alliance


class AllianceViewSet(SnippetViewSet):
    model = Alliance
    icon = "group"
    menu_label = _("联盟")
    list_display = ["name", "short_name", "code", BooleanColumn("is_active", label=_("有效"))]
    search_fields = ["name", "short_name", "code"]
    ordering = ["name"]


class AgencyViewSet(SnippetViewSet):
    model = Agency
    icon = "site"
    menu_label = _("成员单位")
    list_display = [
        "name",
        Column("kind", label=_("类型"), accessor="get_kind_display"),
        "province",
        "city",
        "division_code",
        BooleanColumn("is_active", label=_("有效")),
    ]
    list_filter = ["kind", "province", "is_active"]
    search_fields = ["name", "city", "division_code"]
    ordering = ["division_code", "name"]
    list_per_page = 50


class TokenPermissionPolicy(ModelPermissionPolicy):
    """Nobody adds a token through the admin form: a token must be issued so its secret can be shown once."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return super().user_has_any_permission(user, set(actions) - {"add"})


register_permission_policy(AgencyAPIToken, TokenPermissionPolicy(AgencyAPIToken))


class AgencyAPITokenViewSet(SnippetViewSet):
    """Tokens are issued with ``manage.py agency_token`` (the secret is shown once); here they are
    listed and revoked (set 吊销时间)."""

    model = AgencyAPIToken
    icon = "key"
    menu_label = _("接口令牌")
    list_display = ["name", "agency", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["agency"]
    panels = [FieldPanel("name"), FieldPanel("expires_at"), FieldPanel("revoked_at")]
    add_to_admin_menu = False

    def get_queryset(self, request):
        return AgencyAPIToken.objects.select_related("agency")


class AllianceAdminGroup(SnippetViewSetGroup):
    items = (AllianceViewSet, AgencyViewSet, AgencyAPITokenViewSet)
    menu_icon = "group"
    menu_label = _("联盟管理")
    menu_name = "alliances"
    menu_order = 250


register_snippet(AllianceAdminGroup)
