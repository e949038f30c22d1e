"""``manage.py bench_query_counts`` — queries per officer page on the current database (for make bench).

Renders pages with the test client as one officer and prints ``path queries=N``. Run on a small and a
large database: the counts must be the same, whatever the number of leads.
"""

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portal.models import User


class Command(BaseCommand):
    help = "统计线索工作台页面的数据库查询次数（性能测试用）。"

    def add_arguments(self, parser):
        parser.add_argument("--user", default="sq_officer")
        parser.add_argument("--lead", type=int, required=True)

    def handle(self, *args, **options):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(username=options["user"]))
        for path in ("/leads/", "/leads/?tab=sent", f"/leads/{options['lead']}/", "/api/v1/leads?limit=50"):
            client.get(path)  # warm: content types, site, menu
            with CaptureQueriesContext(connection) as queries:
                status = client.get(path).status_code
            self.stdout.write(f"{path} status={status} queries={len(queries)}")
