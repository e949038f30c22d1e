"""``manage.py bench_leads`` — generate leads at scale for ``make bench`` (never for production).

Writes rows directly (batched ``executemany``) with the same shape the services produce: leads with
references, recipients with deadlines, the guardian group permissions that make them visible, and
identifiers for correlation. Agencies are topped up to ``--agencies`` and officers to ``--users``.
Prints ``key=value`` facts the benchmark uses (a busy officer and a lead in their inbox).
"""

import random
import time
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from alliances.models import Agency, Alliance, Membership
from cases_exchange.models import (
    CaseLead,
    CaseLeadGroupObjectPermission,
    LeadIdentifier,
    LeadRecipient,
    LeadSequence,
)
from cases_exchange.permissions import permission_id
from portal.models import User
from portal.services import user_sync_groups

STATUSES = ["delivered", "read", "accepted", "in_progress", "feedback", "closed", "declined"]
WORDS = [
    "假冒",
    "商标",
    "专利",
    "网店",
    "配件",
    "白酒",
    "豆瓣",
    "茶叶",
    "服装",
    "电子",
    "展会",
    "仓库",
    "物流",
    "批发",
    "侵权",
    "仿冒",
    "地理标志",
    "品牌",
]


def insert_rows(model, rows: list[dict]) -> None:
    """INSERT many rows of ``model`` in one statement per batch; missing fields take their defaults."""
    if not rows:
        return
    pk = model._meta.pk
    # Rows without ids leave them to the database (PostgreSQL would otherwise be sent NULL ids).
    fields = [f for f in model._meta.concrete_fields if not (f is pk and f.attname not in rows[0])]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Table and column names come from the model, never from input.
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    defaults = [f.get_default() for f in fields]
    # Only dates and times need converting; everything else the drivers take as it is.
    adapters = []
    for f in fields:
        kind = f.get_internal_type()
        if kind == "DateTimeField":
            adapters.append(connection.ops.adapt_datetimefield_value)
        elif kind == "DateField":
            adapters.append(connection.ops.adapt_datefield_value)
        else:
            adapters.append(None)
    names = [f.attname for f in fields]
    values = []
    for row in rows:
        item = []
        for name, default, adapt in zip(names, defaults, adapters, strict=True):
            value = row.get(name, default)
            item.append(adapt(value) if adapt is not None and value is not None else value)
        values.append(tuple(item))
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def next_id(model) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


class Command(BaseCommand):
    help = "为性能测试批量生成线索（仅用于 make bench）。"

    def add_arguments(self, parser):
        parser.add_argument("--leads", type=int, default=1_000_000)
        parser.add_argument("--agencies", type=int, default=50)
        parser.add_argument("--users", type=int, default=500)
        parser.add_argument("--batch", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=20261121)

    def handle(self, *args, **options):
        rng = random.Random(options["seed"])  # noqa: S311 — synthetic data, reproducible on purpose
        started = time.monotonic()
        agencies = self._top_up_agencies(options["agencies"])
        self._top_up_users(options["users"], agencies, rng)
        have = (
            CaseLead.objects.filter(reference__startswith="BENCH").count()
            + CaseLead.objects.filter(title__startswith="性能测试线索").count()
        )
        wanted = options["leads"] - have
        members_by_alliance = {}
        for alliance in Alliance.objects.filter(is_active=True):
            members_by_alliance[alliance.pk] = list(
                Membership.objects.active().filter(alliance=alliance).values_list("agency_id", flat=True)
            )
        alliances_of = {}
        for alliance_id, members in members_by_alliance.items():
            for agency_id in members:
                alliances_of.setdefault(agency_id, []).append(alliance_id)
        codes = dict(Alliance.objects.values_list("pk", "code"))
        group_of = dict(Agency.objects.values_list("pk", "group_id"))
        city_of = dict(Agency.objects.values_list("pk", "city"))
        perms = {
            name: permission_id(name)
            for name in ("view_caselead", "view_sensitive_caselead", "manage_caselead")
        }
        sequences = {(s.alliance_id, s.year): s.last for s in LeadSequence.objects.all()}
        agency_ids = [a for a in group_of if a in alliances_of]
        phones = [f"13{rng.randrange(10**9):09d}" for _n in range(max(1000, wanted // 20))]
        now = timezone.now()
        lead_id, recipient_id = next_id(CaseLead), next_id(LeadRecipient)
        made = 0
        while made < wanted:
            count = min(options["batch"], wanted - made)
            leads, recipients, grants, identifiers = [], [], [], []
            for _n in range(count):
                origin = rng.choice(agency_ids)
                alliance_id = rng.choice(alliances_of[origin])
                sent_at = now - timedelta(seconds=rng.randrange(2 * 365 * 86400))
                roll = rng.random()
                if roll < 0.03:
                    distribution, targets = "draft", []
                elif roll < 0.08:
                    distribution, targets = (
                        "alliance",
                        [a for a in members_by_alliance[alliance_id] if a != origin],
                    )
                else:
                    pool = [a for a in members_by_alliance[alliance_id] if a != origin]
                    distribution, targets = (
                        "named",
                        rng.sample(pool, k=min(len(pool), rng.choice((1, 1, 2, 3)))),
                    )
                reference = None
                if distribution != "draft":
                    key = (alliance_id, sent_at.year)
                    sequences[key] = sequences.get(key, 0) + 1
                    reference = f"{codes[alliance_id]}-{sent_at.year}-{sequences[key]:06d}"
                restricted = rng.random() < 0.1
                leads.append(
                    {
                        "id": lead_id,
                        "reference": reference,
                        "alliance_id": alliance_id,
                        "originating_agency_id": origin,
                        "source": "officer",
                        "status": "draft" if distribution == "draft" else "sent",
                        "title": f"性能测试线索 {lead_id} " + "".join(rng.sample(WORDS, 3)),
                        "summary": "".join(rng.choices(WORDS, k=20)),
                        "details": "".join(rng.choices(WORDS, k=60)),
                        "ip_type": rng.choice(["trademark", "patent", "copyright", "gi"]),
                        "infringement_type": "counterfeit_trademark",
                        "channel": rng.choice(["ecommerce", "exhibition", "market", "offline"]),
                        "urgency": "normal",
                        "suspect_phone": rng.choice(phones) if rng.random() < 0.3 else "",
                        "location_city": city_of[origin],
                        "distribution": distribution,
                        "restrict_sensitive": restricted,
                        "created_at": sent_at,
                        "updated_at": sent_at,
                        "sent_at": None if distribution == "draft" else sent_at,
                    }
                )
                if leads[-1]["suspect_phone"]:
                    identifiers.append(
                        {"lead_id": lead_id, "kind": "phone", "value": leads[-1]["suspect_phone"]}
                    )
                for codename in perms.values():
                    grants.append(
                        {
                            "content_object_id": lead_id,
                            "group_id": group_of[origin],
                            "permission_id": codename,
                        }
                    )
                for target in targets:
                    recipients.append(
                        {
                            "id": recipient_id,
                            "lead_id": lead_id,
                            "agency_id": target,
                            "status": rng.choice(STATUSES),
                            "delivered_at": sent_at,
                            "accept_due": (sent_at + timedelta(days=7)).date(),
                            "feedback_due": (sent_at + timedelta(days=30)).date(),
                            "reminders_sent": 0,
                        }
                    )
                    recipient_id += 1
                    grants.append(
                        {
                            "content_object_id": lead_id,
                            "group_id": group_of[target],
                            "permission_id": perms["view_caselead"],
                        }
                    )
                    if not restricted:
                        grants.append(
                            {
                                "content_object_id": lead_id,
                                "group_id": group_of[target],
                                "permission_id": perms["view_sensitive_caselead"],
                            }
                        )
                lead_id += 1
            with transaction.atomic():
                insert_rows(CaseLead, leads)
                insert_rows(LeadRecipient, recipients)
                insert_rows(CaseLeadGroupObjectPermission, grants)
                insert_rows(LeadIdentifier, identifiers)
            made += count
            self.stdout.write(f"  {made}/{wanted} leads ({time.monotonic() - started:.0f}s)", ending="\r")
            self.stdout.flush()
        self.stdout.write("")
        with transaction.atomic():
            for (alliance_id, year), last in sequences.items():
                LeadSequence.objects.update_or_create(
                    alliance_id=alliance_id, year=year, defaults={"last": last}
                )
        self._reset_sequences()
        self._report(started)

    def _top_up_agencies(self, wanted: int) -> list[Agency]:
        agencies = list(Agency.objects.filter(is_active=True))
        base = [a for a in agencies if a.kind == "market_regulation"]
        n = 0
        while len(agencies) < wanted:
            template = base[n % len(base)]
            name = f"{template.city}人民检察院"
            agency, created = Agency.objects.get_or_create(
                name=name,
                defaults={
                    "kind": "procuratorate",
                    "city": template.city,
                    "division_code": template.division_code,
                },
            )
            if created:
                for membership in Membership.objects.filter(agency=template):
                    Membership.objects.get_or_create(alliance=membership.alliance, agency=agency)
                agencies.append(agency)
            n += 1
        return agencies

    def _top_up_users(self, wanted: int, agencies, rng) -> None:
        password = make_password("demo-portal-2026")
        n = User.objects.count()
        while n < wanted:
            agency = agencies[n % len(agencies)]
            user = User.objects.create(
                username=f"bench_u{n}",
                full_name=f"性能测试用户{n}",
                role="officer",
                agency=agency,
                password=password,
            )
            user_sync_groups(user=user)
            n += 1

    def _reset_sequences(self) -> None:
        from django.core.management.color import no_style

        statements = connection.ops.sequence_reset_sql(no_style(), [CaseLead, LeadRecipient, LeadIdentifier])
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    def _report(self, started) -> None:
        busy = Agency.objects.get(name="宿迁市市场监督管理局")
        row = LeadRecipient.objects.filter(agency=busy).order_by("-delivered_at").values("lead_id").first()
        self.stdout.write(f"leads={CaseLead.objects.count()}")
        self.stdout.write(f"recipients={LeadRecipient.objects.count()}")
        self.stdout.write(f"grants={CaseLeadGroupObjectPermission.objects.count()}")
        self.stdout.write(f"agencies={Agency.objects.filter(is_active=True).count()}")
        self.stdout.write(f"users={User.objects.count()}")
        self.stdout.write(f"inbox_rows={LeadRecipient.objects.filter(agency=busy).count()}")
        self.stdout.write(f"lead_id={row['lead_id'] if row else ''}")
        self.stdout.write(f"seconds={time.monotonic() - started:.0f}")
