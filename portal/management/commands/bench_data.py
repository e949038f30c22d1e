"""``manage.py bench_data`` — add synthetic news and policy pages for ``make bench`` (not for production)."""

import random
from datetime import date, timedelta

from django.core.management.base import BaseCommand
from django.db import transaction

from portal.models import NewsIndexPage, NewsPage, PolicyDocumentPage, PolicyIndexPage

WORDS = [
    "知识产权",
    "保护",
    "线索",
    "通报",
    "联合",
    "执法",
    "专利",
    "商标",
    "地理标志",
    "质押",
    "融资",
    "维权",
    "援助",
    "调解",
    "仲裁",
    "品牌",
    "名录",
    "互认",
    "高价值",
    "服务",
    "机构",
    "信用",
    "监管",
    "成渝",
    "淮海",
    "协作",
    "会商",
    "案件",
    "协办",
    "侵权",
    "假冒",
    "电商",
    "展会",
    "市场",
    "专项",
    "行动",
]


class Command(BaseCommand):
    help = "为性能测试生成新闻和政策文件页面（仅用于 make bench）。"

    def add_arguments(self, parser):
        parser.add_argument("--news", type=int, default=2000)
        parser.add_argument("--policies", type=int, default=500)
        parser.add_argument("--seed", type=int, default=20261121)

    def handle(self, *args, **options):
        rng = random.Random(options["seed"])  # noqa: S311 — synthetic text, reproducible on purpose
        news_index = NewsIndexPage.objects.get()
        policy_index = PolicyIndexPage.objects.get()
        existing = NewsPage.objects.filter(slug__startswith="bench-").count()
        with transaction.atomic():
            for n in range(existing, options["news"]):
                news_index.add_child(
                    instance=NewsPage(
                        title="".join(rng.sample(WORDS, 4)) + f"（{n}）",
                        slug=f"bench-news-{n}",
                        date=date(2020, 1, 1) + timedelta(days=rng.randrange(2500)),
                        listing_summary="".join(rng.choices(WORDS, k=30)),
                        body=[("paragraph", "<p>" + "".join(rng.choices(WORDS, k=200)) + "</p>")],
                    )
                )
        existing = PolicyDocumentPage.objects.filter(slug__startswith="bench-").count()
        with transaction.atomic():
            for n in range(existing, options["policies"]):
                policy_index.add_child(
                    instance=PolicyDocumentPage(
                        title="".join(rng.sample(WORDS, 5)) + f"实施方案（{n}）",
                        slug=f"bench-policy-{n}",
                        issuer="测试市人民政府",
                        issued_on=date(2018, 1, 1) + timedelta(days=rng.randrange(3000)),
                        body=[("paragraph", "<p>" + "".join(rng.choices(WORDS, k=400)) + "</p>")],
                    )
                )
        self.stdout.write(
            f"news pages: {NewsPage.objects.count()}, policy pages: {PolicyDocumentPage.objects.count()}"
        )
