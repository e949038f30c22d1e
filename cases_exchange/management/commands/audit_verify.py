"""``manage.py audit_verify`` — recompute the audit hash chain; exit status 1 if it is broken."""

from django.core.management.base import BaseCommand, CommandError

from cases_exchange.audit import audit_verify


class Command(BaseCommand):
    help = "校验审计记录哈希链是否完整（发现篡改时退出码为 1）。"

    def handle(self, *args, **options):
        report = audit_verify()
        if report.ok:
            self.stdout.write(f"audit chain OK: {report.checked} records")
            return
        where = f" at record {report.first_bad_id}" if report.first_bad_id else ""
        raise CommandError(f"audit chain BROKEN{where} after {report.checked} records: {report.problem}")
