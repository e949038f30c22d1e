"""``manage.py seed_demo`` — load the demo site and print the demo accounts (idempotent)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from portal.demo.build import demo_build
from portal.tasks import wait_for_background_tasks


class Command(BaseCommand):
    help = "加载演示数据（联盟、成员单位、页面、政策文件、演示账号）；重复运行不会产生重复数据。"

    def add_arguments(self, parser):
        parser.add_argument("--quiet-accounts", action="store_true", help="不打印演示账号")
        parser.add_argument(
            "--allow-production", action="store_true", help="在生产配置下也运行（演示账号使用公开的密码）"
        )

    def handle(self, *args, **options):
        if (settings.SETTINGS_MODULE or "").endswith(".production") and not options["allow_production"]:
            raise CommandError(
                "seed_demo: refusing to create demo accounts with known passwords under production settings"
            )
        # Demo notifications are not e-mailed: the console would fill with a hundred messages.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            report = demo_build()
            wait_for_background_tasks()  # their e-mail goes out in the background: still under the override
        self.stdout.write(
            f"演示数据就绪：{report.alliances} 个联盟，{report.agencies} 家成员单位；"
            f"新建页面 {len(report.created_pages)} 个，新建账号 {len(report.created_accounts)} 个。"
        )
        if options["quiet_accounts"]:
            return
        self.stdout.write("\n演示账号（密码相同）/ Demo accounts (same password):")
        width = max(len(a["username"]) for a in report.accounts)
        for account in report.accounts:
            self.stdout.write(
                f"  {account['username']:<{width}}  {account['password']}  {account['role']}"
                f"  {account['full_name']}  {account['agency']}"
            )
