"""The holiday calendar used by lead deadlines, maintained in the Wagtail admin (线索通报 → 节假日与调休).

Leads themselves are deliberately not in the admin: the admin does not consult the lead permission
policy, and a superuser is not thereby entitled to read leads.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import CalendarDay


class CalendarDayViewSet(SnippetViewSet):
    model = CalendarDay
    icon = "date"
    menu_label = _("节假日与调休")
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["date", Column("kind", label=_("类型"), accessor="get_kind_display"), "name", "alliance"]
    list_filter = ["kind", "alliance"]
    ordering = ["-date"]
    list_per_page = 50


register_snippet(CalendarDayViewSet)
