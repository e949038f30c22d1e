"""``manage.py notifications_email`` — send e-mail for notifications that have none yet (retry path)."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from cases_exchange.models import Notification
from cases_exchange.tasks import send_notification_emails


class Command(BaseCommand):
    help = "补发尚未发送邮件的通知（邮件服务中断后恢复时运行，或定时运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="只处理最近几天的通知")

    def handle(self, *args, **options):
        since = timezone.now() - timedelta(days=options["days"])
        ids = list(
            Notification.objects.filter(emailed_at__isnull=True, created_at__gte=since)
            .exclude(recipient__email="")
            .values_list("id", flat=True)[:10000]
        )
        sent = send_notification_emails.call(notification_ids=ids) if ids else 0
        self.stdout.write(f"checked {len(ids)}, sent {sent}")
