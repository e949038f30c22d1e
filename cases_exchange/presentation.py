"""What a viewer is shown of a lead, decided once from their access level.

Templates, the API and exports read leads through :class:`LeadView`, which returns a sensitive field's
value only when the policy granted full access, so no template can print what the viewer may not see.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from .models import CaseLead, Notification
from .permissions import Access

HIDDEN = object()


class LeadView:
    """Read-only view of a lead for a viewer with ``access``.

    Sensitive fields read as ``None`` without full access."""

    def __init__(self, lead: CaseLead, access: Access):
        self._lead = lead
        self.access = access
        self.full = access is Access.FULL

    def __getattr__(self, name):
        if name in CaseLead.SENSITIVE_FIELDS and not self.full:
            return None
        return getattr(self._lead, name)

    @property
    def lead(self) -> CaseLead:
        return self._lead

    @property
    def restricted_for_viewer(self) -> bool:
        return not self.full

    @property
    def has_details(self) -> bool:
        """Whether the viewer has any sensitive field to read (an empty 详细情况 card is not shown)."""
        return self.full and any(getattr(self._lead, name) for name in CaseLead.SENSITIVE_FIELDS)


def notification_text(notification: Notification, *, for_email: bool = False) -> tuple[str, str]:
    """``(title, body)`` of a notification: the lead's reference and title only, never its details."""
    lead = notification.lead
    who = notification.actor_agency.name if notification.actor_agency_id and notification.actor_agency else ""
    reference = lead.display_reference if lead else ""
    title_text = lead.title if lead else ""
    kind = Notification.Kind(notification.kind)
    titles = {
        Notification.Kind.LEAD_RECEIVED: _("收到新线索 %(ref)s") % {"ref": reference},
        Notification.Kind.LEAD_STATUS: _("线索 %(ref)s 办理状态有更新") % {"ref": reference},
        Notification.Kind.LEAD_COMMENT: _("线索 %(ref)s 有新的讨论") % {"ref": reference},
        Notification.Kind.ACCESS_REQUEST: _("线索 %(ref)s 收到受限信息查看申请") % {"ref": reference},
        Notification.Kind.ACCESS_DECIDED: _("线索 %(ref)s 的查看申请已处理") % {"ref": reference},
        Notification.Kind.REMINDER: _("督办提醒：线索 %(ref)s 即将或已经逾期") % {"ref": reference},
        Notification.Kind.ESCALATION: _("逾期上报：线索 %(ref)s") % {"ref": reference},
        # A tip is numbered by the agency only when sent on; until then its page calls it 举报 #id, and
        # "收到公众举报 举报 #8" would say it twice.
        Notification.Kind.TIP_RECEIVED: (
            _("收到公众举报 %(ref)s") % {"ref": reference}
            if lead is not None and lead.reference
            else _("收到公众举报 #%(id)s") % {"id": lead.pk if lead else ""}
        ),
    }
    if kind == Notification.Kind.LEAD_STATUS and notification.status:
        titles[kind] = _("线索 %(ref)s：%(status)s") % {
            "ref": reference,
            "status": notification.get_status_display(),
        }
    title = titles.get(kind, str(kind.label))
    body = title_text
    if who:
        body = _("%(body)s（%(agency)s）") % {"body": body, "agency": who}
    if for_email:
        from django.conf import settings

        link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + (
            reverse("cases_exchange:lead_detail", args=[lead.pk])
            if lead
            else reverse("cases_exchange:notifications")
        )
        body = _("%(body)s\n\n请登录知识产权保护协作门户查看：%(link)s\n（本邮件由系统发送，请勿回复。）") % {
            "body": body,
            "link": link,
        }
    return title, body


def notification_url(notification: Notification) -> str:
    if notification.lead_id:
        return reverse("cases_exchange:lead_detail", args=[notification.lead_id])
    return reverse("cases_exchange:notifications")
