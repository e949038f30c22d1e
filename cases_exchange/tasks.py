"""Background work of the lead exchange: e-mail for notifications."""

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django_tasks import task

from .models import Notification, NotificationPreference
from .notifications import visible_to_recipient


def _email_for(notification) -> tuple[str, str]:
    from .presentation import notification_text

    with translation.override(settings.LANGUAGE_CODE):
        subject, body = notification_text(notification, for_email=True)
    return subject, body


@task()
def send_notification_emails(notification_ids):
    """E-mail each unsent notification whose recipient wants it; mark it sent. Safe to run twice."""
    sent = 0
    rows = (
        Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
        .select_related("recipient__agency", "lead", "actor_agency")
        .order_by("pk")
    )
    prefs = {
        p.user_id: p
        for p in NotificationPreference.objects.filter(user_id__in=[n.recipient_id for n in rows])
    }
    # Access may have ended between the change and this run (a revoked grant, a deactivated agency or
    # user): what a recipient may no longer read is not e-mailed either.
    by_user: dict[int, list[Notification]] = {}
    for notification in rows:
        by_user.setdefault(notification.recipient_id, []).append(notification)
    readable = {
        n.pk
        for mine in by_user.values()
        if mine[0].recipient.is_active
        for n in visible_to_recipient(mine, mine[0].recipient)
    }
    for notification in rows:
        user = notification.recipient
        pref = prefs.get(user.pk)
        if notification.pk not in readable:
            continue
        if not user.email or (pref is not None and not pref.wants_email(notification.kind)):
            continue
        subject, body = _email_for(notification)
        send_mail(subject, body, None, [user.email], fail_silently=False)
        Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        sent += 1
    return sent
