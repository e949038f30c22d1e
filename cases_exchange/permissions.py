"""The one permission policy for case leads (CONVENTIONS 3).

Every path that reveals anything about a lead — pages, API, exports, attachment downloads, notifications,
websocket messages, search — asks :data:`lead_policy`. Decisions come from guardian object permissions
granted to agency groups on :class:`~cases_exchange.models.CaseLeadGroupObjectPermission`:

- ``view_caselead``: the agency sees the lead — its summary at least;
- ``view_sensitive_caselead``: it also sees the sensitive fields and evidence (always, unless the lead is
  restricted; for a restricted lead only the originator and agencies it granted access to);
- ``manage_caselead``: it is the originator (edit while draft, send, grant access).

Grants are made only by ``cases_exchange.services`` in the same transaction as the change that implies
them. A caller without ``view_caselead`` gets 404 everywhere, never 403, so ids reveal nothing.
"""

from dataclasses import dataclass, field
from enum import IntEnum

from django.contrib.auth.models import Permission
from django.db.models import BigIntegerField, Case, Exists, OuterRef, Q, QuerySet, When
from django.db.models.functions import Cast
from django.http import Http404

from .models import (
    SENSITIVE_IDENTIFIER_KINDS,
    CaseLead,
    CaseLeadGroupObjectPermission,
    LeadAttachment,
    LeadRecipient,
    LeadSource,
    LeadStatus,
    RecipientStatus,
)

#: Roles that work with leads. Editors, reviewers and credit officers — and superusers as such — do not.
LEAD_ROLES = frozenset({"officer", "liaison", "secretariat"})
#: Roles that act on their agency's recipient rows (accept, decline, transfer, feedback).
HANDLING_ROLES = LEAD_ROLES


class Access(IntEnum):
    NONE = 0
    SUMMARY = 1
    FULL = 2


@dataclass(frozen=True)
class Actor:
    """Who is asking: a signed-in user of an agency, or an agency's API token acting for the agency."""

    agency_id: int | None
    group_ids: frozenset[int] = frozenset()
    user: object | None = None
    token: object | None = None
    role: str = ""
    secretariat_alliance_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def works_with_leads(self) -> bool:
        return self.agency_id is not None and (self.token is not None or self.role in LEAD_ROLES)

    @property
    def is_liaison(self) -> bool:
        return self.role in ("liaison", "secretariat") or self.token is not None

    @property
    def label(self) -> str:
        if self.user is not None:
            return self.user.get_full_name()
        if self.token is not None:
            return f"token:{self.token.prefix}"
        return ""


NOBODY = Actor(agency_id=None)


def actor_for_user(user) -> Actor:
    """The :class:`Actor` for a request's user (anonymous users and users without an agency see nothing)."""
    if user is None or not user.is_authenticated or not user.is_active or not user.agency_id:
        return NOBODY
    cached = getattr(user, "_lead_actor", None)
    if cached is not None:
        return cached
    from alliances.models import Membership

    agency = user.agency  # read with the user by the session's backend (portal.auth_backends)
    if not agency.is_active:
        return NOBODY
    secretariat = frozenset()
    if user.role == "secretariat":
        secretariat = frozenset(
            Membership.objects.active()
            .filter(agency_id=user.agency_id, role="secretariat")
            .values_list("alliance_id", flat=True)
        )
    actor = Actor(
        agency_id=user.agency_id,
        group_ids=frozenset({agency.group_id}),
        user=user,
        role=user.role,
        secretariat_alliance_ids=secretariat,
    )
    user._lead_actor = actor
    return actor


def actor_for_token(token) -> Actor:
    agency = token.agency
    if not agency.is_active:
        return NOBODY
    return Actor(agency_id=agency.pk, group_ids=frozenset({agency.group_id}), token=token, role="system")


def actor_for_request(request) -> Actor:
    principal = getattr(request, "api_principal", None)
    if principal is not None and principal.token is not None:
        return actor_for_token(principal.token)
    return actor_for_user(getattr(request, "user", None))


_permission_ids: dict[str, int] = {}


def forget_permission_ids(**_kwargs) -> None:
    """Drop the cached ids (connected to ``post_migrate``: a flushed and re-migrated database — the
    test suite's transactional tests do it — creates the permissions again under new ids)."""
    _permission_ids.clear()


def permission_id(codename: str) -> int:
    """The id of a lead permission (cached per process; permissions never change id once created)."""
    if codename not in _permission_ids:
        _permission_ids[codename] = Permission.objects.get(
            content_type__app_label="cases_exchange", codename=codename
        ).pk
    return _permission_ids[codename]


class LeadPermissionPolicy:
    VIEW = "view_caselead"
    SENSITIVE = "view_sensitive_caselead"
    MANAGE = "manage_caselead"

    # --- single objects ---------------------------------------------------------------------------

    def codenames(self, actor: Actor, lead: CaseLead) -> frozenset[str]:
        """The lead permissions ``actor``'s agency holds on ``lead`` (one query, memoised on the lead)."""
        if not actor.works_with_leads:
            return frozenset()
        memo = lead.__dict__.setdefault("_policy_memo", {})
        if actor.group_ids not in memo:
            # Naming all three lead permissions lets the database answer from the unique
            # (group, permission, lead) index alone, whatever its statistics say.
            by_id = {permission_id(code): code for code in (self.VIEW, self.SENSITIVE, self.MANAGE)}
            held = CaseLeadGroupObjectPermission.objects.filter(
                content_object_id=lead.pk, group_id__in=actor.group_ids, permission_id__in=list(by_id)
            ).values_list("permission_id", flat=True)
            memo[actor.group_ids] = frozenset(by_id[pk] for pk in held)
        return memo[actor.group_ids]

    def access(self, actor: Actor, lead: CaseLead) -> Access:
        codes = self.codenames(actor, lead)
        if self.VIEW not in codes:
            return Access.NONE
        return Access.FULL if self.SENSITIVE in codes else Access.SUMMARY

    def get_or_404(self, actor: Actor, pk, queryset=None) -> tuple[CaseLead, Access]:
        """The lead and the caller's access to it; 404 when the caller may not see it (or it is absent)."""
        queryset = queryset if queryset is not None else CaseLead.objects.all()
        if not actor.works_with_leads:
            raise Http404
        try:
            # The other two permissions come with the lead in the same statement and are memoised as
            # ``codenames`` would have read them.
            lead = (
                queryset.filter(Exists(self._granted(actor, self.VIEW)))
                .annotate(
                    _holds_sensitive=Exists(self._granted(actor, self.SENSITIVE)),
                    _holds_manage=Exists(self._granted(actor, self.MANAGE)),
                )
                .get(pk=pk)
            )
        except (CaseLead.DoesNotExist, ValueError, TypeError):
            raise Http404 from None
        held = {self.VIEW}
        held |= {self.SENSITIVE} if lead._holds_sensitive else set()
        held |= {self.MANAGE} if lead._holds_manage else set()
        lead.__dict__.setdefault("_policy_memo", {})[actor.group_ids] = frozenset(held)
        access = self.access(actor, lead)
        if access is Access.NONE:
            raise Http404
        return lead, access

    def is_originator(self, actor: Actor, lead: CaseLead) -> bool:
        return self.MANAGE in self.codenames(actor, lead)

    def can_edit(self, actor: Actor, lead: CaseLead) -> bool:
        # A public tip is what the public wrote: the receiving agency forwards and discusses it, and never
        # rewrites it.
        return self.can_send(actor, lead) and lead.source != LeadSource.PUBLIC_TIP

    def can_send(self, actor: Actor, lead: CaseLead) -> bool:
        return lead.status == LeadStatus.DRAFT and self.is_originator(actor, lead)

    def can_send_more(self, actor: Actor, lead: CaseLead) -> bool:
        """Name more recipients for a lead already sent (追加通报): its originator, while the lead is
        sent or closed — closed after being sent: a public tip its city agency closed without sending it
        on has no reference or distribution to add to."""
        return (
            lead.status in (LeadStatus.SENT, LeadStatus.CLOSED)
            and lead.sent_at is not None
            and self.is_originator(actor, lead)
        )

    def can_decide_access(self, actor: Actor, lead: CaseLead) -> bool:
        return self.is_originator(actor, lead)

    def can_comment(self, actor: Actor, lead: CaseLead) -> bool:
        return self.access(actor, lead) >= Access.SUMMARY

    def own_recipient(self, actor: Actor, lead: CaseLead, among=None) -> LeadRecipient | None:
        """``actor``'s agency's current (not transferred-away) row for ``lead``, if it may see the lead.

        ``among``: the lead's recipient rows when the caller has read them all already (the lead page
        shows them), so that the row is picked from those instead of read again.
        """
        if self.access(actor, lead) is Access.NONE:
            return None
        if among is None:
            row = (
                LeadRecipient.objects.filter(lead=lead, agency_id=actor.agency_id)
                .exclude(status=RecipientStatus.TRANSFERRED)
                .order_by("pk")
                .first()
            )
        else:
            row = next(
                (
                    r
                    for r in sorted(among, key=lambda r: r.pk)
                    if r.lead_id == lead.pk
                    and r.agency_id == actor.agency_id
                    and r.status != RecipientStatus.TRANSFERRED
                ),
                None,
            )
        if row is not None:
            row.lead = lead  # the same instance, so later checks reuse its memoised permissions
        return row

    def can_handle(self, actor: Actor, recipient: LeadRecipient) -> bool:
        return (
            recipient.agency_id == actor.agency_id
            and (actor.role in HANDLING_ROLES or actor.token is not None)
            and self.access(actor, recipient.lead) >= Access.SUMMARY
        )

    def can_download(self, actor: Actor, attachment: LeadAttachment) -> bool:
        access = self.access(actor, attachment.lead)
        if access is Access.FULL:
            return True
        return access is Access.SUMMARY and not (
            attachment.lead.restrict_sensitive and attachment.is_sensitive
        )

    def visible_fields(self, access: Access, lead: CaseLead) -> set[str]:
        """Names of sensitive fields the caller may read (all of them with full access)."""
        if access is Access.FULL:
            return set(CaseLead.SENSITIVE_FIELDS)
        return set()

    # --- lists ------------------------------------------------------------------------------------

    def _granted(self, actor: Actor, codename: str):
        return CaseLeadGroupObjectPermission.objects.filter(
            content_object_id=OuterRef("pk"),
            group_id__in=actor.group_ids,
            permission_id=permission_id(codename),
        )

    def visible(self, actor: Actor, queryset: QuerySet | None = None) -> QuerySet:
        """Leads ``actor`` may see (summary or more), as one query whatever the data size.

        Written as ``id IN (granted ids)`` so that the database walks the permission table's
        (group, permission, lead) index for the agency instead of testing every lead.
        """
        queryset = queryset if queryset is not None else CaseLead.objects.all()
        if not actor.works_with_leads:
            return queryset.none()
        granted = CaseLeadGroupObjectPermission.objects.filter(
            group_id__in=actor.group_ids, permission_id=permission_id(self.VIEW)
        ).values("content_object_id")
        return queryset.filter(pk__in=granted)

    def rows_of_visible_leads(self, actor: Actor, queryset: QuerySet, lead_field: str = "lead_id"):
        """Rows of ``queryset`` whose lead (``lead_field``) ``actor`` may see.

        Written as a correlated ``EXISTS`` per row: for a short list of candidate rows (identifier
        matches, say) that is a few index probes, where ``IN (granted ids)`` would first collect every
        lead the agency may see.
        """
        if not actor.works_with_leads:
            return queryset.none()
        return queryset.filter(self.sees(actor, lead_field))

    def sees(self, actor: Actor, lead_field: str = "lead_id", codename: str = VIEW) -> Q:
        """A condition on rows that name a lead (``lead_field``): ``actor`` may see that lead (or holds
        ``codename`` on it)."""
        if not actor.works_with_leads:
            return Q(pk__in=[])
        granted = CaseLeadGroupObjectPermission.objects.filter(
            content_object_id=OuterRef(lead_field),
            group_id__in=actor.group_ids,
            permission_id=permission_id(codename),
        )
        return Q(Exists(granted))

    def readable_identifiers(self, actor: Actor, queryset: QuerySet) -> QuerySet:
        """Identifier rows (``LeadIdentifier``) ``actor`` may read: a trademark or patent number on any
        lead it may see; a credit code, phone or shop URL — the suspect's identity — only on leads whose
        sensitive fields it may read. Correlation (related leads, clusters) goes through nothing else, so
        a restricted lead's suspect is never revealed by what it is linked to."""
        if not actor.works_with_leads:
            return queryset.none()
        return queryset.filter(
            self.sees(actor),
            ~Q(kind__in=SENSITIVE_IDENTIFIER_KINDS) | self.sees(actor, codename=self.SENSITIVE),
        )

    def readable_audit_records(self, actor: Actor, queryset: QuerySet) -> QuerySet:
        """Audit records (``AuditEvent``) among ``queryset`` that ``actor`` may read: a record about a
        lead names it (reference and title), so it is shown only to those who may see that lead; other
        records (an export, a tip without a lead) pass."""
        if not actor.works_with_leads:
            return queryset.none()
        # object_id is text (records name objects of any kind); only a lead's is read as a number, and
        # CASE makes sure no other is ever cast.
        lead_ref = Case(
            When(
                Q(object_type=CaseLead._meta.model_name) & ~Q(object_id=""),
                then=Cast("object_id", BigIntegerField()),
            ),
            default=None,
            output_field=BigIntegerField(),
        )
        return queryset.alias(lead_ref=lead_ref).filter(
            Q(lead_ref__isnull=True) | self.sees(actor, "lead_ref")
        )

    def visible_among(self, actor: Actor, lead_ids) -> set[int]:
        """Which of a few ``lead_ids`` ``actor`` may see (probes each one, never collects the agency's
        whole list — for notifications and replays)."""
        lead_ids = set(lead_ids)
        if not lead_ids:
            return set()
        rows = self.rows_of_visible_leads(actor, CaseLead.objects.filter(pk__in=lead_ids), lead_field="pk")
        return set(rows.values_list("pk", flat=True))

    def received(self, actor: Actor, queryset: QuerySet | None = None) -> QuerySet:
        """``actor``'s agency's recipient rows on leads it may see (the inbox)."""
        queryset = queryset if queryset is not None else LeadRecipient.objects.all()
        if not actor.works_with_leads:
            return queryset.none()
        granted = CaseLeadGroupObjectPermission.objects.filter(
            content_object_id=OuterRef("lead_id"),
            group_id__in=actor.group_ids,
            permission_id=permission_id(self.VIEW),
        )
        return queryset.filter(agency_id=actor.agency_id).filter(Exists(granted))

    def originated(self, actor: Actor, queryset: QuerySet | None = None) -> QuerySet:
        """Leads ``actor``'s agency sent or drafted (the originating-agency filter lets the database use
        its index; the grant decides)."""
        queryset = queryset if queryset is not None else CaseLead.objects.all()
        if not actor.works_with_leads:
            return queryset.none()
        return queryset.filter(originating_agency_id=actor.agency_id).filter(
            Exists(self._granted(actor, self.MANAGE))
        )

    def annotate_access(self, actor: Actor, queryset: QuerySet) -> QuerySet:
        """Add ``has_full_access`` to each lead of ``queryset`` (for lists and exports)."""
        if not actor.works_with_leads:
            return queryset.none()
        return queryset.annotate(has_full_access=Exists(self._granted(actor, self.SENSITIVE)))


lead_policy = LeadPermissionPolicy()
