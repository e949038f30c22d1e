"""``manage.py agency_token`` — issue an API token for a member agency and print it once."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from alliances.models import TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, Agency
from alliances.services import agency_token_issue


class Command(BaseCommand):
    help = "为成员单位签发接口令牌（只显示一次）。"

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True, help="成员单位全称，例如 徐州市市场监督管理局")
        parser.add_argument("--name", required=True, help="用途，例如 办案系统")
        parser.add_argument(
            "--days",
            type=int,
            default=TOKEN_DEFAULT_DAYS,
            help=f"有效天数（1–{TOKEN_MAX_DAYS}，令牌都会过期）",
        )

    def handle(self, *args, **options):
        agency = Agency.objects.filter(name=options["agency"], is_active=True).first()
        if agency is None:
            raise CommandError(
                f"agency_token: 找不到有效的成员单位“{options['agency']}” / no active agency of that name"
            )
        if not 1 <= options["days"] <= TOKEN_MAX_DAYS:
            raise CommandError(
                f"agency_token: --days 应在 1 到 {TOKEN_MAX_DAYS} 之间 / must be 1 to {TOKEN_MAX_DAYS}"
            )
        expires = timezone.now() + timedelta(days=options["days"])
        token, raw = agency_token_issue(agency=agency, name=options["name"], expires_at=expires)
        self.stdout.write(f"{agency.name} · {token.name}")
        self.stdout.write(f"到期 / expires: {expires:%Y-%m-%d}")
        self.stdout.write(raw)
