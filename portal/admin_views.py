"""Wagtail's user admin with the portal's account fields: full name, agency, role, job title, phone."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet

from .models import User
from .services import _managed_group_ids, user_sync_groups

ACCOUNT_FIELDS = ("full_name", "agency", "role", "job_title", "phone")
NAME_FIELDS = {"first_name", "last_name"}


class AccountFieldsMixin(forms.ModelForm):
    """Validates the agency/role pair and keeps agency and role groups in step after saving.

    Chinese names do not split into first and last names: ``full_name`` replaces Wagtail's pair.
    """

    first_name = None
    last_name = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "groups" in self.fields:
            # Agency and role groups follow from the fields above; offering them as boxes would let the
            # two disagree.
            self.fields["groups"].queryset = self.fields["groups"].queryset.exclude(
                id__in=_managed_group_ids()
            )
            self.fields["groups"].help_text = _(
                "单位用户组和角色用户组按“所属单位”“角色”自动设置，这里只列其他用户组。"
            )
        self.fields["role"].help_text = _("办案人员、联络员、秘书处和信用监管人员必须选择所属单位。")
        self.fields["full_name"].required = True

    def _save_m2m(self):
        super()._save_m2m()
        # The groups field saved only the unmanaged groups; put the managed ones back.
        user_sync_groups(user=self.instance)


class PortalUserCreationForm(AccountFieldsMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = (UserCreationForm.Meta.fields - NAME_FIELDS) | set(ACCOUNT_FIELDS)


class PortalUserEditForm(AccountFieldsMixin, UserEditForm):
    class Meta(UserEditForm.Meta):
        model = User
        fields = (UserEditForm.Meta.fields - NAME_FIELDS) | set(ACCOUNT_FIELDS)


class PortalUserViewSet(UserViewSet):
    def get_form_class(self, for_update=False):
        return PortalUserEditForm if for_update else PortalUserCreationForm
