"""Writing and checking the audit chain (DESIGN §7).

``audit_record`` appends one :class:`~cases_exchange.models.AuditEvent` inside the caller's transaction,
holding a row lock on :class:`~cases_exchange.models.AuditChainHead` so that concurrent appends queue up
and the chain stays linear. ``audit_verify`` recomputes every hash.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from .models import AuditChainHead, AuditEvent
from .permissions import Actor


class AuditAction:
    CREATE = "create"
    UPDATE = "update"
    READ = "read"
    SEND = "send"
    SEND_MORE = "send_more"
    ACCEPT = "accept"
    DECLINE = "decline"
    TRANSFER = "transfer"
    START = "start"
    FEEDBACK = "feedback"
    CLOSE = "close"
    COMMENT = "comment"
    UPLOAD = "upload"
    DOWNLOAD = "download"
    EXPORT = "export"
    ACCESS_REQUEST = "access_request"
    ACCESS_GRANT = "access_grant"
    ACCESS_DENY = "access_deny"
    REMIND = "remind"
    ESCALATE = "escalate"
    TIP = "public_tip"


#: What each action is called where people read the records (the codes stay as stored and hashed).
ACTION_LABELS = {
    AuditAction.CREATE: pgettext_lazy("audit action", "创建"),
    AuditAction.UPDATE: pgettext_lazy("audit action", "修改"),
    AuditAction.READ: pgettext_lazy("audit action", "查阅"),
    AuditAction.SEND: pgettext_lazy("audit action", "通报"),
    AuditAction.SEND_MORE: pgettext_lazy("audit action", "追加通报"),
    AuditAction.ACCEPT: pgettext_lazy("audit action", "受理"),
    AuditAction.DECLINE: pgettext_lazy("audit action", "不予受理"),
    AuditAction.TRANSFER: pgettext_lazy("audit action", "移送"),
    AuditAction.START: pgettext_lazy("audit action", "开始办理"),
    AuditAction.FEEDBACK: pgettext_lazy("audit action", "反馈"),
    AuditAction.CLOSE: pgettext_lazy("audit action", "办结"),
    AuditAction.COMMENT: pgettext_lazy("audit action", "讨论"),
    AuditAction.UPLOAD: pgettext_lazy("audit action", "上传附件"),
    AuditAction.DOWNLOAD: pgettext_lazy("audit action", "下载附件"),
    AuditAction.EXPORT: pgettext_lazy("audit action", "导出"),
    AuditAction.ACCESS_REQUEST: pgettext_lazy("audit action", "申请查看受限信息"),
    AuditAction.ACCESS_GRANT: pgettext_lazy("audit action", "同意查看申请"),
    AuditAction.ACCESS_DENY: pgettext_lazy("audit action", "拒绝查看申请"),
    AuditAction.REMIND: pgettext_lazy("audit action", "期限提醒"),
    AuditAction.ESCALATE: pgettext_lazy("audit action", "逾期督办"),
    AuditAction.TIP: pgettext_lazy("audit action", "公众举报"),
}


def action_label(action: str) -> str:
    """The action's name for readers; a code no longer in the table (an older release's) as stored."""
    return str(ACTION_LABELS.get(action, action))


def _client(request) -> tuple[str | None, str]:
    if request is None:
        return None, ""
    from portal.ratelimit import client_ip

    # The address as the trusted proxies saw it, normalised (as the database stores it, so that the
    # record's hash is computed over what is kept).
    return client_ip(request) or None, request.META.get("HTTP_USER_AGENT", "")[:200]


def _site_language_str(obj) -> str:
    """How a record names its object, in the site's language whoever acted (草稿 #12, not Draft #12)."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        return str(obj)


def chain_lock() -> AuditChainHead:
    """Take the audit chain's row lock until the current transaction ends.

    Every change that notifies anyone also writes an audit record, so this lock already orders those
    transactions. Notifications are inserted under it too (``notifications.notify_users``): their ids
    are therefore allocated in commit order, and a client that replays "everything after the last id I
    saw" cannot skip a row that a slower transaction committed later with a smaller id.
    """
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    return head


@transaction.atomic
def audit_record(
    *,
    actor: Actor | None,
    action: str,
    obj=None,
    object_type: str = "",
    object_id="",
    request=None,
    details=None,
) -> AuditEvent:
    """Append one record: who (user, agency, token), what (action, object), when, from where."""
    head = chain_lock()
    address, agent = _client(request)
    user = actor.user if actor is not None else None
    event = AuditEvent(
        created_at=timezone.now(),
        actor=user,
        actor_name=user.get_full_name() if user is not None else (actor.label if actor else ""),
        actor_agency_id=actor.agency_id if actor is not None else None,
        via_token=actor.token.prefix if actor is not None and actor.token is not None else "",
        action=action,
        object_type=object_type or (obj._meta.model_name if obj is not None else ""),
        object_id=str(object_id or (obj.pk if obj is not None else "")),
        object_repr=_site_language_str(obj)[:200] if obj is not None else "",
        ip_address=address,
        user_agent=agent,
        details=details or {},
        prev_hash=head.last_hash,
    )
    event.hash = event.compute_hash()
    event.save()
    head.last_hash = event.hash
    head.count += 1
    head.save(update_fields=["last_hash", "count"])
    return event


@dataclass
class ChainReport:
    checked: int
    ok: bool
    first_bad_id: int | None = None
    problem: str = ""


def audit_verify(*, batch_size: int = 5000) -> ChainReport:
    """Recompute the chain from the first record; report the first record whose link or hash is wrong."""
    previous = "0" * 64
    checked = 0
    last_id = 0
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            break
        for event in batch:
            checked += 1
            if event.prev_hash != previous:
                return ChainReport(checked, False, event.id, "prev_hash does not match the previous record")
            if event.compute_hash() != event.hash:
                return ChainReport(checked, False, event.id, "content does not match its hash")
            previous = event.hash
            last_id = event.id
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.count != checked or head.last_hash != previous):
        return ChainReport(checked, False, None, "records are missing at the end of the chain")
    return ChainReport(checked, True)
