"""Reads of the lead exchange for the officer interface, exports and statistics.

Every read starts from the permission policy's querysets, so a list can only ever contain what the
actor may see; page sizes are bounded and related rows are fetched in a fixed number of queries.
"""

import uuid
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from alliances.divisions import city_label, province_label
from alliances.models import Agency, Membership
from alliances.selectors import city_english_names
from portal.languages import name_list
from portal.pagination import LIST_CAP, capped_count

from .audit import AuditAction, action_label
from .models import (
    FINISHED_STATUSES,
    AuditEvent,
    CaseLead,
    FeedbackKind,
    LeadAccessRequest,
    LeadRecipient,
    LeadSource,
    LeadStatus,
    RecipientStatus,
)
from .permissions import Access, Actor, lead_policy


def _overdue_q(today) -> Q:
    return Q(status__in=[RecipientStatus.DELIVERED, RecipientStatus.READ], accept_due__lt=today) | Q(
        status__in=[RecipientStatus.ACCEPTED, RecipientStatus.IN_PROGRESS], feedback_due__lt=today
    )


def lead_rows(*, actor: Actor, tab: str, status: str = ""):
    """Rows of a list tab: recipient rows for ``received``/``overdue``, leads for ``sent``/``drafts``."""
    today = timezone.localdate()
    if tab in ("received", "overdue"):
        rows = lead_policy.received(actor).select_related("lead", "lead__originating_agency")
        if tab == "overdue":
            rows = rows.filter(_overdue_q(today))
        if status in RecipientStatus.values:
            rows = rows.filter(status=status)
        return rows.order_by("-delivered_at", "-pk")
    leads = lead_policy.originated(actor).select_related("originating_agency")
    # Each lead's receiving agencies come with it (one query for the page): the list shows them, and an
    # export writes a row per agency.
    leads = leads.prefetch_related(
        Prefetch("recipients", queryset=LeadRecipient.objects.select_related("agency").order_by("pk"))
    )
    if tab == "drafts":
        return _own_drafts(leads).order_by("-created_at", "-pk")
    leads = leads.filter(sent_at__isnull=False)  # sent, whatever became of it (a tip handled unsent is not)
    if status in LeadStatus.values:
        leads = leads.filter(status=status)
    return leads.order_by("-sent_at", "-pk")


def _own_drafts(leads):
    """The drafts an agency wrote itself. A public tip in its hands is a draft too until it is sent on, but
    it arrived from outside: it is in the received tab (its recipient row), not among the agency's own
    drafts."""
    return leads.filter(status=LeadStatus.DRAFT).exclude(source=LeadSource.PUBLIC_TIP)


COUNT_CAP = 999
OPEN_STATUSES = [s for s in RecipientStatus.values if s not in FINISHED_STATUSES]


COUNTS_SECONDS = 600


def _counts_version_key(agency_id: int) -> str:
    return f"lead-counts-version:{agency_id}"


def lead_counts_invalidate(agency_ids) -> None:
    """Forget the cached tab counts of these agencies: now, for this transaction's own later reads, and
    again after commit, in case another request cached the old counts in between."""
    keys = [_counts_version_key(agency_id) for agency_id in set(agency_ids) if agency_id]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def lead_list_version(actor: Actor) -> str:
    """A token that changes whenever anything in ``actor``'s agency's lists may have changed (any write to
    its leads, its recipient rows or its grants drops it). Caches of what is the same for every officer of
    the agency — the tab counts, a rendered list page — key on it."""
    version_key = _counts_version_key(actor.agency_id)
    version = cache.get(version_key)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(version_key, version, None)
        version = cache.get(version_key, version)
    return version


def lead_counts(*, actor: Actor) -> dict:
    """Counts for the list tabs: ``(n, more)`` with ``more`` past 999.

    The same for every officer of an agency, so they are kept per agency in the cache under a version
    that any change to the agency's leads or recipient rows drops (``cases_exchange.signals``); computing
    them costs five bounded queries.
    """
    if not actor.works_with_leads:
        return _lead_counts(actor)
    key = f"lead-counts:{actor.agency_id}:{lead_list_version(actor)}:{timezone.localdate().isoformat()}"
    counts = cache.get(key)
    if counts is None:
        counts = _lead_counts(actor)
        cache.set(key, counts, COUNTS_SECONDS)
    return counts


def _lead_counts(actor: Actor) -> dict:
    today = timezone.localdate()
    received = lead_policy.received(actor)
    originated = lead_policy.originated(actor)
    # The unfiltered tabs' totals at the list's own cap: the paginator takes them from here instead of
    # counting again on every page view; the counter shows the same number capped at 999.
    sent_all = capped_count(originated.filter(sent_at__isnull=False), LIST_CAP)
    return {
        "received_open": capped_count(received.filter(status__in=OPEN_STATUSES), COUNT_CAP),
        "unread": capped_count(received.filter(status=RecipientStatus.DELIVERED), COUNT_CAP),
        "overdue": capped_count(received.filter(_overdue_q(today)), COUNT_CAP),
        "sent": (min(sent_all[0], COUNT_CAP), sent_all[0] > COUNT_CAP),
        "drafts": capped_count(_own_drafts(originated), COUNT_CAP),
        "received_all": capped_count(received, LIST_CAP),
        "sent_all": sent_all,
    }


def list_total(counts: dict, *, tab: str, status: str):
    """The ``(count, capped)`` total of a list tab when ``counts`` already holds it, else ``None``."""
    if status:
        return None
    return {"received": counts.get("received_all"), "sent": counts.get("sent_all")}.get(tab)


def status_choices(tab: str):
    if tab in ("received", "overdue"):
        return RecipientStatus.choices
    if tab == "sent":
        return [c for c in LeadStatus.choices if c[0] != LeadStatus.DRAFT]
    return []


def recipient_choices(*, actor: Actor):
    """Agencies an officer may name: active members of the actor's alliances, own agency excluded."""
    alliance_ids = (
        Membership.objects.active().filter(agency_id=actor.agency_id).values_list("alliance_id", flat=True)
    )
    return (
        Agency.objects.filter(
            is_active=True, memberships__alliance_id__in=alliance_ids, memberships__is_active=True
        )
        .exclude(pk=actor.agency_id)
        .distinct()
        .order_by("division_code", "kind", "name")
    )


def lead_recipients(lead: CaseLead) -> list[LeadRecipient]:
    """Every recipient row of ``lead`` in the order they were created, with the agencies they name."""
    rows = list(lead.recipients.select_related("agency", "transferred_from__agency").order_by("pk"))
    for row in rows:
        row.lead = lead  # the same instance, so permission checks reuse its memoised grants
    return rows


def lead_page_context(
    *,
    actor: Actor,
    lead: CaseLead,
    access: Access,
    own: LeadRecipient | None,
    recipients: list[LeadRecipient] | None = None,
) -> dict:
    is_originator = lead_policy.is_originator(actor, lead)
    all_attachments = list(lead.attachments.select_related("agency"))
    attachments = [a for a in all_attachments if lead_policy.can_download(actor, a)]
    hidden_attachments = len(all_attachments) - len(attachments)
    # The originator decides every request; a receiving agency sees only its own.
    access_requests = LeadAccessRequest.objects.filter(lead=lead)
    if not is_originator:
        access_requests = access_requests.filter(agency_id=actor.agency_id)
    if recipients is None:
        recipients = lead_recipients(lead)
    can_send_more = lead_policy.can_send_more(actor, lead)
    return {
        "lead": lead,
        "access": access,
        "full_access": access is Access.FULL,
        "own": own,
        "is_originator": is_originator,
        "can_edit": lead_policy.can_edit(actor, lead),
        "can_handle": own is not None and lead_policy.can_handle(actor, own),
        "can_send_more": can_send_more,
        # Closed without any agency having handled it (every row declined or transferred away): the
        # originator is told it may send the lead on. In the live part of the page, so that it appears
        # when the last recipient declines while the sender has the page open.
        "nobody_took_it": can_send_more
        and lead.status == "closed"
        and all(r.status in (RecipientStatus.DECLINED, RecipientStatus.TRANSFERRED) for r in recipients),
        "recipients": recipients,
        "comments": list(lead.comments.select_related("author", "agency")),
        "attachments": attachments,
        "hidden_attachments": hidden_attachments,
        "access_requests": list(access_requests.select_related("agency", "requested_by")),
        "today": timezone.localdate(),
    }


#: The steps of a lead's handling, as its history shows them (reads, downloads, comments and access
#: requests are not steps; the audit log keeps them for liaisons).
HISTORY_ACTIONS = (
    "create",
    "public_tip",
    "send",
    "send_more",
    "accept",
    "decline",
    "transfer",
    "start",
    "feedback",
    "close",
)


def lead_history(lead: CaseLead) -> list[dict]:
    """Every step of ``lead``'s handling, oldest first: when, which agency, who, what — with the reason of a
    refusal or transfer and the outcome of a feedback, as the recipients table shows the latest ones. A
    step an agency later undid (a decline before the lead came back to it) stays here.

    Two queries: the lead's audit records, and the names of the agencies they mention. Only what every
    viewer of the lead already sees on its page is shown: agencies, people's names, reasons, outcomes."""
    events = list(
        AuditEvent.objects.filter(
            object_type=CaseLead._meta.model_name, object_id=str(lead.pk), action__in=HISTORY_ACTIONS
        ).order_by("id")
    )
    mentioned = {e.actor_agency_id for e in events} | {
        e.details.get(key) for e in events for key in ("to", "agency") if isinstance(e.details, dict)
    }
    # Agencies added to a lead already sent are named (the first sending is counted: it may reach dozens).
    mentioned |= {
        agency_id
        for e in events
        if e.action == AuditAction.SEND_MORE and isinstance(e.details, dict)
        for agency_id in e.details.get("recipients") or ()
        if isinstance(agency_id, int)
    }
    names = dict(Agency.objects.filter(pk__in=[i for i in mentioned if i]).values_list("pk", "name"))
    entries = []
    reported = set()  # agencies that have reported an outcome: a later one corrects it
    for event in events:
        details = event.details if isinstance(event.details, dict) else {}
        action = action_label(event.action)
        if event.action == AuditAction.FEEDBACK:
            if event.actor_agency_id in reported:
                action = pgettext("audit action", "修改反馈")
            reported.add(event.actor_agency_id)
        note = ""
        if event.action in (AuditAction.DECLINE, AuditAction.TRANSFER):
            note = details.get("reason", "")
        if event.action == AuditAction.FEEDBACK and details.get("kind") in FeedbackKind.values:
            note = FeedbackKind(details["kind"]).label
        if event.action == AuditAction.SEND and isinstance(details.get("recipients"), list):
            count = len(details["recipients"])
            note = ngettext("%(n)s 家接收单位", "%(n)s 家接收单位", count) % {"n": count}
        if event.action == AuditAction.SEND_MORE and isinstance(details.get("recipients"), list):
            note = name_list(names.get(pk, "") for pk in details["recipients"] if names.get(pk))
            if details.get("reopened"):
                note = _("%(agencies)s（线索重新开启）") % {"agencies": note}
        entries.append(
            {
                "at": event.created_at,
                "agency": names.get(event.actor_agency_id, ""),
                "person": event.actor_name,
                "action": action,
                "to": names.get(details.get("to") or details.get("agency"), ""),
                "note": note,
            }
        )
    return entries


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Neutralise spreadsheet formula injection in exported text (PITFALLS 8)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def export_table(rows, *, tab: str) -> tuple[list[str], list[list]]:
    """Header and rows for an export of a list tab: reference, title, classification, agencies, status,
    dates. Sensitive fields are never exported.

    A received lead is one row: the reader's own agency's handling. A sent lead is one row per receiving
    agency, with that agency's status and deadlines — what the sender follows up; a draft (no recipient
    yet) is one row with the lead's own status."""
    header = [
        _("线索编号"),
        _("线索标题"),
        _("知识产权类型"),
        _("发现渠道"),
        _("通报单位"),
        _("通报时间"),
        pgettext("export column: the one agency a row is about", "接收单位"),
        _("办理状态"),
        _("受理期限"),
        _("反馈期限"),
    ]
    table = []
    for row in rows:
        lead = row.lead if isinstance(row, LeadRecipient) else row
        # A sent lead's recipients come prefetched with it (``lead_rows``).
        handling = [row] if isinstance(row, LeadRecipient) else (list(lead.recipients.all()) or [None])
        for recipient in handling:
            if recipient is None:
                agency, status, accept_due, feedback_due = "", lead.status_label, None, None
            else:
                agency, status = recipient.agency.name, recipient.get_status_display()
                accept_due, feedback_due = recipient.accept_due, recipient.feedback_due
            table.append(
                [
                    lead.display_reference,
                    lead.title,
                    lead.get_ip_type_display(),
                    lead.get_channel_display(),
                    lead.originating_agency.name,
                    timezone.localtime(lead.sent_at).strftime("%Y-%m-%d %H:%M") if lead.sent_at else "",
                    agency,
                    status,
                    accept_due.isoformat() if accept_due else "",
                    feedback_due.isoformat() if feedback_due else "",
                ]
            )
    return header, table


def city_stats(*, actor: Actor, days: int = 365) -> list[dict]:
    """Per city: leads sent, leads received, open and overdue — over the leads ``actor`` may see that were
    sent in the last ``days`` days."""
    today = timezone.localdate()
    since = timezone.now() - timedelta(days=days)
    visible = lead_policy.visible(actor).exclude(status=LeadStatus.DRAFT).filter(sent_at__gte=since)
    sent = dict(
        visible.values("originating_agency__city")
        .annotate(n=Count("pk"))
        .values_list("originating_agency__city", "n")
    )
    received_rows = (
        LeadRecipient.objects.filter(lead__in=visible)
        .values("agency__city", "agency__division_code")
        # Leads, not recipient rows: a lead sent to the whole alliance reaches each of a city's agencies,
        # and is still one lead the city received.
        .annotate(
            received=Count("lead", distinct=True),
            open=Count("lead", distinct=True, filter=~Q(status__in=FINISHED_STATUSES)),
            overdue=Count("lead", distinct=True, filter=_overdue_q(today)),
        )
        .order_by("agency__division_code")
    )
    typed = city_english_names()
    rows = []
    seen = set()
    for row in received_rows:
        city = row["agency__city"]
        seen.add(city)
        rows.append(
            {
                "city": city,
                "city_label": city_label(city, typed.get(city, "")),
                "sent": sent.get(city, 0),
                "received": row["received"],
                "open": row["open"],
                "overdue": row["overdue"],
            }
        )
    rows.extend(
        {
            "city": city,
            "city_label": city_label(city, typed.get(city, "")),
            "sent": n,
            "received": 0,
            "open": 0,
            "overdue": 0,
        }
        for city, n in sent.items()
        if city not in seen
    )
    return rows


def audit_events(*, actor: Actor, action: str = "", lead_reference: str = ""):
    """Audit records a liaison (own agency) or secretariat (its alliances' current members) may read —
    of those about a lead, only the ones on leads the reader may see; ``lead_reference`` narrows them to
    one lead's (a lead the reader may not see has none, exactly as one that does not exist)."""
    if actor.secretariat_alliance_ids:
        agencies = (
            Membership.objects.active()
            .filter(alliance_id__in=actor.secretariat_alliance_ids)
            .values("agency_id")
        )
        events = AuditEvent.objects.filter(actor_agency_id__in=agencies)
    else:
        events = AuditEvent.objects.filter(actor_agency_id=actor.agency_id)
    events = lead_policy.readable_audit_records(actor, events)
    if action:
        events = events.filter(action=action)
    if lead_reference:
        ids = CaseLead.objects.filter(reference=lead_reference.upper()).values_list("pk", flat=True)
        events = events.filter(object_type=CaseLead._meta.model_name, object_id__in=[str(pk) for pk in ids])
    return events.select_related("actor_agency").order_by("-id")


def tip_cities() -> list[tuple[str, str]]:
    """``(division_code, "省 · 城市")`` for every city with an agency that receives public tips, named in
    the page's language ("Jiangsu · Xuzhou" on English pages)."""
    rows = (
        Agency.objects.filter(
            is_active=True,
            kind__in=["market_regulation", "ip_office"],
            memberships__is_active=True,
            memberships__alliance__is_active=True,
        )
        .values_list("division_code", "province", "city", "city_en")
        .distinct()
        .order_by("division_code")
    )
    named = {}
    for code, province, city, city_en in rows:  # agencies of one city may differ in a blank English name
        if code not in named or city_en:
            named[code] = f"{province_label(code, province)} · {city_label(city, city_en)}"
    return list(named.items())
