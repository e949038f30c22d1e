"""Alliances, member agencies and API tokens in the Wagtail admin (snippets menu "联盟管理")."""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Agency, AgencyAPIToken, Alliance, Membership, MembershipRole


def secretariat_alliance_ids(user) -> set[int]:
    """Alliances whose secretariat ``user``'s agency is (active memberships only)."""
    if not user.is_authenticated or not getattr(user, "agency_id", None):
        return set()
    return set(
        Membership.objects.active()
        .filter(agency_id=user.agency_id, role=MembershipRole.SECRETARIAT)
        .values_list("alliance_id", flat=True)
    )


class SecretariatScopedPolicy(ModelPermissionPolicy):
    """Model permissions, narrowed for everyone but superusers to what their secretariat runs: a
    secretariat edits its own alliances (and their memberships), and the agencies that belong to no
    other alliance — never another alliance, nor an agency another alliance shares (deactivating it, or
    moving its city code, would cut off or redirect that alliance's work). Subclasses define ``scope``:
    the objects a user who is not a superuser may change, as a condition."""

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        if user.is_superuser or action == "view":
            return True
        return self.model._default_manager.filter(self.scope(user), pk=instance.pk).exists()

    def instances_user_has_permission_for(self, user, action):
        instances = super().instances_user_has_permission_for(user, action)
        if user.is_superuser or action == "view":
            return instances
        return instances.filter(self.scope(user))


class AlliancePolicy(SecretariatScopedPolicy):
    def scope(self, user) -> Q:
        return Q(pk__in=secretariat_alliance_ids(user))


class AgencyPolicy(SecretariatScopedPolicy):
    def scope(self, user) -> Q:
        elsewhere = Membership.objects.filter(agency=OuterRef("pk"), is_active=True).exclude(
            alliance_id__in=secretariat_alliance_ids(user)
        )
        return ~Q(Exists(elsewhere))


register_permission_policy(Alliance, AlliancePolicy(Alliance))
register_permission_policy(Agency, AgencyPolicy(Agency))


class ScopedEditView(snippet_views.EditView):
    """Wagtail's edit view asks only whether the user may change the model; this one also asks the
    policy about the object at hand (GET and POST alike)."""

    def get_object(self, queryset=None):
        instance = super().get_object(queryset)
        if not self.user_has_permission_for_instance("change", instance):
            raise PermissionDenied
        return instance


class AllianceViewSet(SnippetViewSet):
    model = Alliance
    icon = "group"
    menu_label = _("联盟")
    edit_view_class = ScopedEditView
    list_display = ["name", "short_name", "code", BooleanColumn("is_active", label=_("有效"))]
    search_fields = ["name", "short_name", "code"]
    ordering = ["name"]


class AgencyViewSet(SnippetViewSet):
    model = Agency
    icon = "site"
    menu_label = _("成员单位")
    edit_view_class = ScopedEditView
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
