"""``manage.py leads_remind`` — daily: remind agencies of near and passed deadlines, escalate overdue ones."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from cases_exchange.services import deadlines_process


class Command(BaseCommand):
    help = "线索督办：提醒即将到期和逾期的线索，逾期较久的上报秘书处。每天运行一次。"

    def add_arguments(self, parser):
        parser.add_argument("--today", help="按指定日期计算（YYYY-MM-DD），用于补跑")

    def handle(self, *args, **options):
        today = None
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("leads_remind: --today 应为 YYYY-MM-DD") from None
        counts = deadlines_process(today=today)
        self.stdout.write(f"reminded {counts['reminded']}, escalated {counts['escalated']}")
