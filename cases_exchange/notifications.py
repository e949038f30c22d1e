"""Notifications: persisted first, pushed after commit, e-mailed in the background (DESIGN §6).

``notify_*`` functions write :class:`~cases_exchange.models.Notification` rows in the caller's
transaction with an explicit recipient list, then register two after-commit actions: a websocket push of
each row's id to the recipient's channel group (``user_<id>``, ASCII), and the e-mail task. Channels
delivers at most once, so nothing depends on the push: the client replays everything after its last
seen id when it connects, and the inbox and unread counter are plain HTTP.
"""

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models import Max, Q

from portal.models import User

from .models import Notification

logger = logging.getLogger(__name__)

#: Roles whose users receive their agency's lead notifications.
NOTIFIED_ROLES = ("officer", "liaison", "secretariat")


def user_group_name(user_id: int) -> str:
    return f"user_{user_id}"


def agency_users(agency_ids, *, roles=NOTIFIED_ROLES) -> list[int]:
    """Ids of the active users of ``agency_ids`` who work with leads (none of a deactivated agency)."""
    return list(
        User.objects.filter(
            agency_id__in=list(agency_ids), agency__is_active=True, is_active=True, role__in=roles
        ).values_list("id", flat=True)
    )


@transaction.atomic
def notify_users(*, user_ids, kind: str, lead=None, actor_agency_id=None, status="") -> list[Notification]:
    """Write one notification per user (deduplicated) and schedule push and e-mail after commit."""
    rows = [
        Notification(recipient_id=uid, kind=kind, lead=lead, actor_agency_id=actor_agency_id, status=status)
        for uid in dict.fromkeys(user_ids)
    ]
    if not rows:
        return []
    from .audit import chain_lock

    chain_lock()  # ids in commit order: see audit.chain_lock
    # Each user's previous notification id, read under the same lock: a push carries it so that a
    # connection which has already covered it can forward the push without asking the database.
    previous = dict(
        Notification.objects.filter(recipient_id__in=[r.recipient_id for r in rows])
        .values("recipient_id")
        .annotate(last=Max("id"))
        .values_list("recipient_id", "last")
    )
    created = Notification.objects.bulk_create(rows)
    if any(n.pk is None for n in created):  # backends that cannot return ids: read them back
        created = list(
            Notification.objects.filter(
                recipient_id__in=[r.recipient_id for r in rows], kind=kind, lead=lead
            ).order_by("-id")[: len(rows)]
        )
    payload = [(n.recipient_id, n.pk, n.kind, previous.get(n.recipient_id, 0)) for n in created]
    transaction.on_commit(lambda: push_notifications(payload))
    transaction.on_commit(lambda: _enqueue_email([n.pk for n in created]))
    return created


def notify_agencies(
    *, agency_ids, kind: str, lead=None, actor_agency_id=None, exclude_user_id=None, status=""
):
    user_ids = [uid for uid in agency_users(agency_ids) if uid != exclude_user_id]
    return notify_users(
        user_ids=user_ids, kind=kind, lead=lead, actor_agency_id=actor_agency_id, status=status
    )


def push_notifications(payload) -> None:
    """Send ``(user_id, notification_id, kind, previous_id)`` to each user's channel group; losses are
    tolerated (the client replays). One hop to the event loop for the whole batch: an alliance-wide lead
    reaches hundreds of users, and a hop per user would keep the pushes waiting on the request thread."""
    layer = get_channel_layer()
    if layer is None or not payload:
        return

    async def send_all():
        async def send_one(user_id, notification_id, kind, previous_id):
            try:
                message = {"type": "notification.created", "id": notification_id, "kind": kind}
                await layer.group_send(user_group_name(user_id), {**message, "prev": previous_id})
            except Exception:
                logger.warning(
                    "push of notification %s to user %s failed", notification_id, user_id, exc_info=True
                )

        await asyncio.gather(*(send_one(*item) for item in payload))

    async_to_sync(send_all)()


def _enqueue_email(ids) -> None:
    from .tasks import send_notification_emails

    try:
        send_notification_emails.enqueue(notification_ids=ids)
    except Exception:
        logger.warning("could not enqueue e-mail for notifications %s", ids[:5], exc_info=True)


def readable(user) -> Q:
    """Which of ``user``'s notifications it may read now: those about no lead, and those about a lead it
    may still see (access ends with a revoked grant or a deactivated agency)."""
    from .permissions import actor_for_user, lead_policy

    return Q(lead__isnull=True) | lead_policy.sees(actor_for_user(user), "lead_id")


def unread_count(user) -> int:
    return Notification.objects.filter(readable(user), recipient=user, read_at__isnull=True).count()


def feed_after(user, after_id: int, limit: int = 100):
    """The user's notifications with id > ``after_id`` (oldest first), for replay on reconnect."""
    return Notification.objects.filter(recipient=user, id__gt=after_id).order_by("id")[:limit]


def visible_to_recipient(notifications, user):
    """Only notifications whose lead the user may still see (access may have ended since)."""
    from .permissions import actor_for_user, lead_policy

    actor = actor_for_user(user)
    lead_ids = {n.lead_id for n in notifications if n.lead_id}
    visible = lead_policy.visible_among(actor, lead_ids)
    return [n for n in notifications if n.lead_id is None or n.lead_id in visible]


def mark_read(user, ids=None) -> int:
    from django.utils import timezone

    query = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        query = query.filter(Q(pk__in=list(ids)))
    return query.update(read_at=timezone.now())
