"""Officer interface of the lead exchange (线索工作台) and the public tip forms.

Views are thin: they read through ``selectors`` and the permission policy, write through ``services``,
and turn :class:`~cases_exchange.services.LeadError` into a message on the same page.
"""

import csv
import hashlib
import io
from datetime import timedelta
from functools import wraps
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from alliances.models import Agency, Alliance
from portal.languages import name_list
from portal.pagination import CappedPaginator
from portal.ratelimit import client_ip, give_back, hit
from portal.templatetags.portal_tags import colon

from . import notifications as notif
from . import selectors, services
from .audit import ACTION_LABELS, AuditAction, action_label, audit_record
from .correlation import clusters, related_leads
from .forms import (
    AttachmentForm,
    FeedbackForm,
    LeadForm,
    ReasonForm,
    RecipientsForm,
    SendForm,
    SharingGroupForm,
    TipForm,
    TipStatusForm,
    upload_limit_attrs,
)
from .models import (
    CaseLead,
    LeadAccessRequest,
    LeadAttachment,
    LeadRecipient,
    Notification,
    NotificationPreference,
    RecipientStatus,
    SharingGroup,
)
from .permissions import Access, Actor, actor_for_user, lead_policy
from .presentation import LeadView, notification_text, notification_url

PAGE_SIZE = 25


def signed_in(view):
    """Signed in, whoever: pages every user has in the workspace (notifications). ``request.actor`` is
    set as for officers, so that the workspace menu offers what this user may use and nothing else."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        request.actor = actor_for_user(request.user)
        return view(request, *args, **kwargs)

    return wrapped


def officer_required(view):
    """Signed in and working with leads (officer, liaison, secretariat of an active agency)."""

    @signed_in
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.actor.works_with_leads:
            raise PermissionDenied(_("您的账号不能使用线索工作台。"))
        return view(request, *args, **kwargs)

    return wrapped


def _errors(error: ValidationError, labels=None) -> list[str]:
    """The messages of ``error``; those about a field named in ``labels`` say which field."""
    if hasattr(error, "message_dict"):
        labels = labels or {}
        return [
            f"{labels[name]}{colon()}{msg}" if name in labels else f"{msg}"
            for name, msgs in error.message_dict.items()
            for msg in msgs
        ]
    return list(error.messages)


def _flash_errors(request, error: ValidationError, labels=None) -> None:
    for message in _errors(error, labels):
        messages.error(request, message)


# --- lists ------------------------------------------------------------------------------------------

TABS = ("received", "sent", "overdue", "drafts")
TAB_LABELS = {
    "received": _lazy("收到的线索"),
    "sent": _lazy("发出的线索"),
    "overdue": _lazy("逾期督办"),
    "drafts": _lazy("草稿"),
}
EXPORT_FORMATS = ("xlsx", "csv")


@officer_required
@require_GET
def lead_list(request):
    actor = request.actor
    tab = request.GET.get("tab", "received")
    tab = tab if tab in TABS else "received"
    status = request.GET.get("status", "")
    table = _lead_table(request, actor=actor, tab=tab, status=status)
    if request.GET.get("fragment"):
        return HttpResponse(table)
    context = {
        "section": tab,
        "tab": tab,
        "tab_label": TAB_LABELS[tab],
        "status": status,
        "table": table,
        "status_choices": selectors.status_choices(tab),
    }
    return render(request, "cases_exchange/lead_list.html", context)


def _lead_table(request, *, actor, tab: str, status: str) -> str:
    """The list part of the inbox (counters, rows, pagination) as HTML.

    It is the same for every officer of an agency — rows are the agency's, nothing in it is personal — so
    it is cached per agency, language, day and query string under ``selectors.lead_list_version``, which
    any change to the agency's leads, recipient rows or grants replaces: officers re-opening their inbox
    or refreshing it after a notification cost a cache read until something changes.
    """
    params = request.GET.copy()
    params.pop("fragment", None)
    query = hashlib.sha256(params.urlencode().encode()).hexdigest()[:16]
    key = (
        f"lead-table:{actor.agency_id}:{selectors.lead_list_version(actor)}:{get_language()}:"
        f"{timezone.localdate().isoformat()}:{query}"
    )
    table = cache.get(key)
    if table is None:
        counts = selectors.lead_counts(actor=actor)
        page = CappedPaginator(
            selectors.lead_rows(actor=actor, tab=tab, status=status),
            PAGE_SIZE,
            known_count=selectors.list_total(counts, tab=tab, status=status),
            allow_empty_first_page=True,
        ).get_page(request.GET.get("page"))
        context = {"tab": tab, "status": status, "page_obj": page, "counts": counts}
        table = render_to_string("cases_exchange/includes/lead_table.html", context, request=request)
        cache.set(key, table, selectors.COUNTS_SECONDS)
    return mark_safe(table)  # our own rendered template, escaped when it was rendered


EXPORT_LEADS = 5000  # leads in one export
EXPORT_ROWS = 20000  # rows in one export (a sent lead has one per receiving agency)


@officer_required
@require_GET
def lead_export(request, fmt):
    """The current list as XLSX (preferred) or CSV with BOM; summary fields only; audited."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    actor = request.actor
    tab = request.GET.get("tab", "received")
    tab = tab if tab in TABS else "received"
    rows, cut = _at_most(
        selectors.lead_rows(actor=actor, tab=tab, status=request.GET.get("status", "")), EXPORT_LEADS
    )
    header, table = selectors.export_table(rows, tab=tab)
    if len(table) > EXPORT_ROWS:  # a sent lead is a row per receiving agency: dozens for an alliance
        table, cut = table[:EXPORT_ROWS], True
    if cut:  # said in the file itself, where the reader of the spreadsheet sees it
        table.append([_("仅导出前 %(n)s 行；请按办理状态筛选后分别导出。") % {"n": len(table)}])
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="caselead",
        request=request,
        details={"tab": tab, "leads": len(rows), "rows": len(table), "format": fmt},
    )
    title = _("线索清单")  # not inside the f-string, where makemessages would not find it
    return _spreadsheet(
        fmt,
        name=f"{title}-{tab}",
        ascii_name=f"leads-{tab}",
        sheet_title=pgettext("the exported spreadsheet's sheet", "线索"),
        header=header,
        rows=table,
    )


def _at_most(queryset, limit: int) -> tuple[list, bool]:
    """The first ``limit`` items of an export, and whether there were more (said in the file)."""
    items = list(queryset[: limit + 1])
    return items[:limit], len(items) > limit


def _spreadsheet(fmt: str, *, name: str, ascii_name: str, sheet_title: str, header, rows) -> HttpResponse:
    """An export as a download: XLSX, or CSV with a BOM (so that Excel reads it as UTF-8). Every cell goes
    through ``safe_cell`` (no formulas); the file is named ``name-date`` (``ascii_name`` for old clients)
    and never cached."""
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows([[selectors.safe_cell(v) for v in row] for row in rows])
        response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = sheet_title
        sheet.append(header)
        for row in rows:
            sheet.append([selectors.safe_cell(v) for v in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    quoted = quote(f"{name}-{stamp}")
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}-{stamp}.{fmt}\"; filename*=UTF-8''{quoted}.{fmt}"
    )
    response["Cache-Control"] = "no-store"
    return response


# --- create, edit, send -----------------------------------------------------------------------------


def _member_alliances(actor):
    return Alliance.objects.filter(
        is_active=True, memberships__agency_id=actor.agency_id, memberships__is_active=True
    ).distinct()


@officer_required
def lead_create(request):
    actor = request.actor
    alliances = _member_alliances(actor)
    form = LeadForm(request.POST or None, alliances=alliances)
    if request.method == "POST" and form.is_valid():
        added = []
        try:
            # The draft and its files together or not at all: a refused file leaves no draft behind.
            with transaction.atomic():
                lead = services.lead_create(actor=actor, data=form.cleaned_data, request=request)
                for upload in request.FILES.getlist("files"):
                    try:
                        added.append(
                            services.attachment_add(
                                actor=actor, lead=lead, uploaded_file=upload, request=request
                            )
                        )
                    except ValidationError as error:
                        raise ValidationError(
                            [
                                _("附件“%(name)s”：%(error)s") % {"name": upload.name, "error": message}
                                for message in error.messages
                            ]
                        ) from error
        except BaseException as error:
            for attachment in added:
                attachment.file.delete(save=False)  # files are not rolled back with the rows
            if not isinstance(error, ValidationError):
                raise
            _apply_errors(form, error)
            if added or request.FILES:
                form.add_error(None, _("附件也没有保存：改正后请重新选择附件再提交。"))
        else:
            messages.success(request, _("线索草稿已保存，请选择通报范围后发送。"))
            return redirect("cases_exchange:lead_detail", lead.pk)
    elif request.method == "POST" and request.FILES:
        # A browser cannot be given the chosen files back: say so, or they are silently gone — and say now
        # which of them would be refused anyway, not after the rest is mended and they are sent again.
        for upload in request.FILES.getlist("files"):
            try:
                services.attachment_precheck(upload)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(
                        None, _("附件“%(name)s”：%(error)s") % {"name": upload.name, "error": message}
                    )
        form.add_error(None, _("附件也没有保存：改正后请重新选择附件再提交。"))
    return render(
        request,
        "cases_exchange/lead_form.html",
        {"form": form, "creating": True, "section": "new", "upload_limit": upload_limit_attrs()},
    )


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "message_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


@officer_required
def lead_edit(request, pk):
    actor = request.actor
    lead, _access = lead_policy.get_or_404(actor, pk)
    if not lead_policy.can_edit(actor, lead):
        messages.error(request, services.edit_refusal(lead)[0])
        return redirect("cases_exchange:lead_detail", lead.pk)
    form = LeadForm(request.POST or None, instance=lead, alliances=_member_alliances(actor))
    if request.method == "POST" and form.is_valid():
        try:
            services.lead_update(
                actor=actor, lead=CaseLead.objects.get(pk=lead.pk), data=form.cleaned_data, request=request
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("草稿已更新。"))
            return redirect("cases_exchange:lead_detail", lead.pk)
    return render(
        request,
        "cases_exchange/lead_form.html",
        {"form": form, "lead": lead, "creating": False, "section": "drafts"},
    )


def _send_form(actor, data=None):
    return SendForm(
        data,
        agencies=selectors.recipient_choices(actor=actor),
        sharing_groups=SharingGroup.objects.filter(owner_agency_id=actor.agency_id),
        alliances=_member_alliances(actor),
    )


@officer_required
@require_POST
def lead_send(request, pk):
    actor = request.actor
    lead, _access = lead_policy.get_or_404(actor, pk)
    form = _send_form(actor, request.POST)
    if not form.is_valid():
        messages.error(request, _("请检查通报范围和接收单位。"))
        return redirect("cases_exchange:lead_detail", lead.pk)
    try:
        services.lead_send(
            actor=actor,
            lead=lead,
            distribution=form.cleaned_data["distribution"],
            agency_ids=[a.pk for a in form.cleaned_data["agencies"]],
            sharing_group=form.cleaned_data["sharing_group"],
            alliance_ids=[a.pk for a in form.cleaned_data["alliances"]],
            request=request,
        )
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(request, _("线索已通报。"))
    return redirect("cases_exchange:lead_detail", lead.pk)


def _send_more_form(actor, data=None, *, holding=()):
    """The form naming more recipients for a sent lead: agencies of the sender's alliances, or a sharing
    group of its own. The page offers only agencies that hold no row yet (``holding``); a post may name
    them anyway (a sharing group does), and the service skips them."""
    return RecipientsForm(
        data,
        agencies=selectors.recipient_choices(actor=actor).exclude(pk__in=holding),
        sharing_groups=SharingGroup.objects.filter(owner_agency_id=actor.agency_id),
    )


@officer_required
@require_POST
def lead_send_more(request, pk):
    actor = request.actor
    lead, _access = lead_policy.get_or_404(actor, pk)
    section = "recipients"  # the answer is shown beside the recipients table the browser returns to
    form = _send_more_form(actor, request.POST)
    if not form.is_valid():
        messages.error(request, _("所选接收单位或通报组无效，请重新选择。"), extra_tags=section)
        return redirect(f"{lead_url(lead)}#recipients")
    try:
        added, skipped = services.lead_send_more(
            actor=actor,
            lead=lead,
            agency_ids=[a.pk for a in form.cleaned_data["agencies"]],
            sharing_group=form.cleaned_data["sharing_group"],
            request=request,
        )
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message, extra_tags=section)
    else:
        names = name_list(a.name for a in added)
        messages.success(request, _("已追加通报：%(names)s。") % {"names": names}, extra_tags=section)
        if skipped:
            messages.info(
                request,
                _("以下单位已接收过这条线索，未重复通报：%(names)s。")
                % {"names": name_list(a.name for a in skipped)},
                extra_tags=section,
            )
    return redirect(f"{lead_url(lead)}#recipients")


# --- the lead page ----------------------------------------------------------------------------------


@officer_required
def lead_detail(request, pk):
    actor = request.actor
    lead, access = lead_policy.get_or_404(
        actor, pk, CaseLead.objects.select_related("alliance", "originating_agency")
    )
    # The page lists every recipient row anyway; the viewer's own is picked from them, and marking it
    # read updates that same row in the list.
    recipients = selectors.lead_recipients(lead)
    own = lead_policy.own_recipient(actor, lead, among=recipients)
    if request.GET.get("fragment") == "recipients":
        # The open page's recipients table, fetched again when a notification arrives: it shows who holds
        # the lead and how far each has got, none of the lead itself — not a read to mark or record.
        context = selectors.lead_page_context(
            actor=actor, lead=lead, access=access, own=own, recipients=recipients
        )
        return render(request, "cases_exchange/includes/recipients.html", context)
    if own is not None:
        own = services.recipient_mark_read(actor=actor, recipient=own, request=request)
    if access is Access.FULL:
        audit_record(actor=actor, action=AuditAction.READ, obj=lead, request=request)
    feedback_form = _refused_feedback(request, lead.pk) if own is not None else None
    refused_decision = _refused_decision(request, lead.pk) if own is not None else None
    return _lead_page(
        request,
        lead=lead,
        access=access,
        own=own,
        recipients=recipients,
        feedback_form=feedback_form,
        refused_decision=refused_decision,
    )


def _refused_key(kind: str, lead_pk) -> str:
    """Where a refused form of the lead page (``feedback``, ``decision``) waits in the session for the
    page the browser is sent back to."""
    return f"cases_exchange.refused_{kind}.{lead_pk}"


def _keep_refused_feedback(request, lead_pk, form) -> None:
    """Keep what was typed into a refused feedback, and why it was refused, for the lead page the
    browser is sent back to (so the page's address stays the lead's: reloading does not post again, and
    the language switch works)."""
    request.session[_refused_key("feedback", lead_pk)] = {
        "data": {name: request.POST.get(name, "") for name in FeedbackForm.base_fields},
        "errors": {name: [str(m) for m in messages_] for name, messages_ in form.errors.items()},
    }


def _refused_feedback(request, lead_pk):
    """The refused feedback kept for this lead, bound again with its errors (shown once); else None."""
    kept = request.session.pop(_refused_key("feedback", lead_pk), None)
    if not isinstance(kept, dict):
        return None
    form = FeedbackForm(kept.get("data") or {})
    form.is_valid()
    for name, problems in (kept.get("errors") or {}).items():
        field = name if name in form.fields else None
        known = form.errors.get(name if field else "__all__", [])
        for problem in problems:
            if problem not in known:
                form.add_error(field, problem)
    return form


def _keep_refused_decision(request, lead_pk, action: str, error: ValidationError) -> None:
    """Keep a refused decline or transfer — the reason typed, the agency chosen, why it was refused — so
    that the lead page opens that form again as it was, with the problem inside it."""
    request.session[_refused_key("decision", lead_pk)] = {
        "action": action,
        "reason": request.POST.get("reason", "")[:1000],
        "to_agency": request.POST.get("to_agency", "")[:20],
        "errors": _errors(error),
    }


def _refused_decision(request, lead_pk) -> dict | None:
    """The refused decline or transfer kept for this lead (shown once), else None."""
    kept = request.session.pop(_refused_key("decision", lead_pk), None)
    if not isinstance(kept, dict) or kept.get("action") not in ("decline", "transfer"):
        return None
    return {
        "action": kept["action"],
        "reason": str(kept.get("reason", "")),
        "to_agency": str(kept.get("to_agency", "")),
        "errors": [str(m) for m in kept.get("errors") or ()],
    }


def _section(lead, *, received: bool) -> str:
    """Which tab of the workspace a lead's pages belong to, for the viewer: ``received`` when the
    viewer's agency holds a row for it — one it has passed on included (the lead stays in its inbox)."""
    return "received" if received else ("drafts" if lead.status == "draft" else "sent")


def _lead_page(request, *, lead, access, own, recipients, feedback_form=None, refused_decision=None):
    """The lead page; ``feedback_form`` bound to what was sent when a feedback came back with errors, and
    ``refused_decision`` the decline or transfer that did (see ``_keep_refused_decision``)."""
    actor = request.actor
    context = selectors.lead_page_context(
        actor=actor, lead=lead, access=access, own=own, recipients=recipients
    )
    deciding = own is not None and own.status in (RecipientStatus.DELIVERED, RecipientStatus.READ)
    if refused_decision and not deciding:
        # Decided meanwhile (a colleague accepted it): the forms are gone, the reasons are said on top.
        for problem in refused_decision["errors"]:
            messages.error(request, problem)
        refused_decision = None
    context.update(
        section=_section(lead, received=any(r.agency_id == actor.agency_id for r in recipients)),
        view=LeadView(lead, access),
        related=related_leads(actor=actor, lead=lead) if lead.status != "draft" else [],
        send_form=_send_form(actor) if lead_policy.can_send(actor, lead) else None,
        send_more_form=(
            _send_more_form(actor, holding={r.agency_id for r in recipients})
            if context["can_send_more"]
            else None
        ),
        # Only an agency still deciding whether to accept may transfer: the list is read for it alone.
        transfer_agencies=(
            services.visible_agencies_for_transfer(lead=lead, exclude_agency_id=actor.agency_id)
            if deciding
            else []
        ),
        feedback_form=feedback_form or FeedbackForm(),
        refused_decision=refused_decision,
        attachment_form=AttachmentForm(),
    )
    return render(request, "cases_exchange/lead_detail.html", context)


@officer_required
@require_GET
def lead_history(request, pk):
    """Every step of a lead's handling (``selectors.lead_history``), for whoever may see the lead."""
    lead, _access = lead_policy.get_or_404(
        request.actor, pk, CaseLead.objects.select_related("originating_agency")
    )
    received = LeadRecipient.objects.filter(lead=lead, agency_id=request.actor.agency_id).exists()
    return render(
        request,
        "cases_exchange/lead_history.html",
        {"lead": lead, "entries": selectors.lead_history(lead), "section": _section(lead, received=received)},
    )


RECIPIENT_ACTIONS = {"accept", "decline", "transfer", "start", "feedback", "close"}


@officer_required
@require_POST
def recipient_act(request, pk, action):
    if action not in RECIPIENT_ACTIONS:
        raise Http404
    actor = request.actor
    lead, _access = lead_policy.get_or_404(actor, pk)
    own = lead_policy.own_recipient(actor, lead)
    if own is None:
        raise Http404
    try:
        if action == "accept":
            services.recipient_accept(actor=actor, recipient=own, request=request)
            messages.success(request, _("已受理。"))
        elif action == "start":
            services.recipient_start(actor=actor, recipient=own, request=request)
            messages.success(request, _("已开始办理。"))
        elif action == "close":
            services.recipient_close(actor=actor, recipient=own, request=request)
            messages.success(request, _("已办结。"))
        elif action == "decline":
            form = ReasonForm(request.POST)
            reason = form.data.get("reason", "")
            services.recipient_decline(actor=actor, recipient=own, reason=reason, request=request)
            messages.success(request, _("已作出不予受理决定。"))
        elif action == "transfer":
            to = Agency.objects.filter(pk=request.POST.get("to_agency") or 0).first()
            if to is None:
                raise services.LeadError(_("请选择移送的单位。"), code="to_agency")
            services.recipient_transfer(
                actor=actor,
                recipient=own,
                to_agency=to,
                reason=request.POST.get("reason", ""),
                request=request,
            )
            messages.success(request, _("已移送至%(agency)s。") % {"agency": to.name})
        elif action == "feedback":
            if own.status not in services.FEEDBACK_STATUSES:  # the page shows no feedback form yet
                raise services.LeadError(services.NOT_ACCEPTED_MESSAGE, code="not_accepted")
            form = FeedbackForm(request.POST)
            if not form.is_valid():
                _keep_refused_feedback(request, lead.pk, form)
                return redirect(f"{lead_url(lead)}#feedback")
            data = form.cleaned_data
            try:
                services.recipient_feedback(
                    actor=actor,
                    recipient=own,
                    kind=data["kind"],
                    note=data["note"],
                    case_number=data["case_number"],
                    goods_seized=data["goods_seized"],
                    value_involved=data["value_involved"],
                    fines=data["fines"],
                    persons_transferred=data["persons_transferred"],
                    request=request,
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):  # about fields: shown beside them
                    for name, problems in error.error_dict.items():
                        form.add_error(name if name in form.fields else None, problems)
                    _keep_refused_feedback(request, lead.pk, form)
                    return redirect(f"{lead_url(lead)}#feedback")
                raise
            messages.success(request, _("办理结果已反馈。"))
    except ValidationError as error:
        if action in ("decline", "transfer"):
            _keep_refused_decision(request, lead.pk, action, error)
            return redirect(f"{lead_url(lead)}#handle")
        _flash_errors(request, error)
    return redirect("cases_exchange:lead_detail", lead.pk)


@officer_required
@require_POST
def comment_post(request, pk):
    actor = request.actor
    lead, _access = lead_policy.get_or_404(actor, pk)
    try:
        services.comment_add(actor=actor, lead=lead, body=request.POST.get("body", ""), request=request)
    except ValidationError as error:
        for message in _errors(error):  # beside the discussion the browser returns to
            messages.error(request, message, extra_tags="discussion")
    return redirect(f"{lead_url(lead)}#discussion")


def lead_url(lead) -> str:
    from django.urls import reverse

    return reverse("cases_exchange:lead_detail", args=[lead.pk])


@officer_required
@require_POST
def attachment_upload(request, pk):
    actor = request.actor
    lead, _access = lead_policy.get_or_404(actor, pk)
    form = AttachmentForm(request.POST, request.FILES)
    # The answer is shown in the attachments panel the browser returns to, not at the page's top.
    section = "attachments"
    if not form.is_valid():
        messages.error(request, _("请选择要上传的文件。"), extra_tags=section)
    else:
        try:
            services.attachment_add(
                actor=actor,
                lead=lead,
                uploaded_file=form.cleaned_data["file"],
                is_sensitive=form.cleaned_data["is_sensitive"],
                request=request,
            )
            messages.success(request, _("附件已上传。"), extra_tags=section)
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message, extra_tags=section)
    return redirect(f"{lead_url(lead)}#attachments")


@officer_required
@require_GET
def attachment_download(request, pk, attachment_id):
    actor = request.actor
    lead, _access = lead_policy.get_or_404(actor, pk)
    attachment = get_object_or_404(LeadAttachment, pk=attachment_id, lead=lead)
    if not lead_policy.can_download(actor, attachment):
        raise Http404
    audit_record(
        actor=actor,
        action=AuditAction.DOWNLOAD,
        obj=lead,
        request=request,
        details={"attachment": attachment.pk, "sha256": attachment.sha256},
    )
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    ascii_name = f"lead-{lead.pk}-attachment-{attachment.pk}.{attachment.original_name.rsplit('.', 1)[-1]}"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(attachment.original_name)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@officer_required
@require_POST
def access_request_post(request, pk):
    actor = request.actor
    lead, _access = lead_policy.get_or_404(actor, pk)
    try:
        services.access_request_create(
            actor=actor, lead=lead, reason=request.POST.get("reason", ""), request=request
        )
        messages.success(request, _("申请已提交，等待通报单位审批。"))
    except ValidationError as error:
        _flash_errors(request, error)
    return redirect("cases_exchange:lead_detail", lead.pk)


@officer_required
@require_POST
def access_request_decide(request, pk, request_id, decision):
    actor = request.actor
    lead, _access = lead_policy.get_or_404(actor, pk)
    access_request = get_object_or_404(LeadAccessRequest, pk=request_id, lead=lead)
    try:
        services.access_request_decide(
            actor=actor, access_request=access_request, grant=decision == "grant", request=request
        )
        messages.success(request, _("已处理查看申请。"))
    except ValidationError as error:
        _flash_errors(request, error)
    return redirect("cases_exchange:lead_detail", lead.pk)


# --- oversight --------------------------------------------------------------------------------------


@officer_required
@require_GET
def cluster_list(request):
    return render(
        request,
        "cases_exchange/clusters.html",
        {"clusters": clusters(actor=request.actor), "section": "clusters"},
    )


@officer_required
@require_GET
def stats(request):
    return render(
        request,
        "cases_exchange/stats.html",
        {"rows": selectors.city_stats(actor=request.actor), "section": "stats"},
    )


@officer_required
@require_GET
def audit_log(request):
    actor, action, reference, events = _audit_records(request)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    # A record about a lead links to it, named as it is now (a draft then may have its number since).
    lead_ids = {_audit_lead_id(e) for e in page.object_list} - {None}
    leads = lead_policy.visible(actor).filter(pk__in=lead_ids).only("reference", "title", "status", "source")
    leads = {lead.pk: lead for lead in leads} if lead_ids else {}
    for event in page.object_list:
        event.action_label = action_label(event.action)
        event.object_label = _audit_object_label(event, viewer=actor)
        event.lead = leads.get(_audit_lead_id(event))
    return render(
        request,
        "cases_exchange/audit_log.html",
        {
            "page_obj": page,
            "action": action,
            "lead_reference": reference,
            "actions": [(code, str(label)) for code, label in ACTION_LABELS.items()],
            "whole_alliance": bool(actor.secretariat_alliance_ids),
            "section": "audit",
        },
    )


def _audit_lead_id(event) -> int | None:
    """The id of the lead an audit record is about, if it is about one."""
    if event.object_type == CaseLead._meta.model_name and str(event.object_id).isdigit():
        return int(event.object_id)
    return None


def _audit_records(request):
    """``(actor, action, reference, records)`` of the audit log as the request filters it; liaisons and
    the secretariat only."""
    actor = request.actor
    if not actor.is_liaison:
        raise PermissionDenied(_("审计记录仅对联络员和秘书处开放。"))
    action = request.GET.get("action", "")
    action = action if action in ACTION_LABELS else ""
    reference = request.GET.get("lead", "").strip()[:40]
    return (
        actor,
        action,
        reference,
        selectors.audit_events(actor=actor, action=action, lead_reference=reference),
    )


EXPORT_AUDIT_RECORDS = 20000


@officer_required
@require_GET
def audit_export(request, fmt):
    """The audit log as filtered, as XLSX or CSV, newest first (at most 20,000 records, said in the file);
    the export is itself recorded."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    actor, action, reference, events = _audit_records(request)
    events, cut = _at_most(events, EXPORT_AUDIT_RECORDS)
    header = [_("时间"), _("人员"), _("单位"), _("操作"), _("对象"), _("来源地址"), _("哈希")]
    rows = [
        [
            timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M:%S"),
            e.actor_name + (f" ({e.via_token})" if e.via_token else ""),
            e.actor_agency.name if e.actor_agency else "",
            str(action_label(e.action)),
            _audit_object_label(e, viewer=actor),
            e.ip_address or "",
            e.hash,
        ]
        for e in events
    ]
    if cut:
        rows.append([_("仅导出最近的 %(n)s 条记录；请按操作或线索编号筛选后分别导出。") % {"n": len(events)}])
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type="auditevent",
        request=request,
        details={"records": len(events), "format": fmt, "action": action, "lead": reference},
    )
    return _spreadsheet(
        fmt,
        name=str(_("审计记录")),
        ascii_name="audit-log",
        sheet_title=pgettext("the exported audit log's sheet", "审计记录"),
        header=header,
        rows=rows,
    )


def _audit_object_label(event, *, viewer: Actor) -> str:
    """What a record is about, in the reader's language: the name it was written with, or for an export
    the list exported — with its size only for the exporting agency's own readers, since the size of
    another agency's list counts leads the reader may not see."""
    details = event.details if isinstance(event.details, dict) else {}
    own = event.actor_agency_id is not None and event.actor_agency_id == viewer.agency_id
    file_format = str(details.get("format", "")).upper()
    if event.action == AuditAction.EXPORT and details.get("tab") in TAB_LABELS:
        tab = TAB_LABELS[details["tab"]]
        if not own:
            return _("线索清单：%(tab)s（%(format)s）") % {"tab": tab, "format": file_format}
        rows = details.get("rows", 0) if isinstance(details.get("rows"), int) else 0
        return ngettext(
            "线索清单：%(tab)s，%(rows)s 行（%(format)s）",
            "线索清单：%(tab)s，%(rows)s 行（%(format)s）",
            rows,
        ) % {"tab": tab, "rows": rows, "format": file_format}
    if event.action == AuditAction.EXPORT and event.object_type == "auditevent":
        if not own:
            return _("审计记录（%(format)s）") % {"format": file_format}
        records = details.get("records", 0) if isinstance(details.get("records"), int) else 0
        return ngettext("审计记录：%(n)s 条（%(format)s）", "审计记录：%(n)s 条（%(format)s）", records) % {
            "n": records,
            "format": file_format,
        }
    return event.object_repr or event.object_type


@officer_required
def sharing_groups(request):
    """The agency's sharing groups, and the form for a new one."""
    actor = request.actor
    form, saved = _sharing_group_form(request, group=None)
    if saved:
        return saved
    groups = SharingGroup.objects.filter(owner_agency_id=actor.agency_id).prefetch_related("agencies")
    return render(
        request, "cases_exchange/sharing_groups.html", {"form": form, "groups": groups, "section": "groups"}
    )


def _own_sharing_group(request, pk) -> SharingGroup:
    """One of the viewer's agency's sharing groups; another agency's is not found."""
    return get_object_or_404(SharingGroup, pk=pk, owner_agency_id=request.actor.agency_id)


@officer_required
def sharing_group_edit(request, pk):
    """Change a sharing group's name, description and agencies."""
    group = _own_sharing_group(request, pk)
    form, saved = _sharing_group_form(request, group=group)
    if saved:
        return saved
    return render(
        request, "cases_exchange/sharing_group_edit.html", {"form": form, "group": group, "section": "groups"}
    )


def _sharing_group_form(request, *, group):
    """The sharing-group form, bound on POST; ``(form, redirect)`` with the redirect once it is saved."""
    actor = request.actor
    initial = (
        {"name": group.name, "description": group.description, "agencies": list(group.agencies.all())}
        if group is not None
        else None
    )
    form = SharingGroupForm(
        request.POST or None, initial=initial, agencies=selectors.recipient_choices(actor=actor)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.sharing_group_save(
                actor=actor,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                agency_ids=[a.pk for a in form.cleaned_data["agencies"]],
                group=group,
            )
            messages.success(request, _("通报组已保存。"))
            return form, redirect("cases_exchange:sharing_groups")
        except ValidationError as error:
            _apply_errors(form, error)
    return form, None


@officer_required
@require_POST
def sharing_group_delete(request, pk):
    group = _own_sharing_group(request, pk)
    services.sharing_group_delete(actor=request.actor, group=group)
    messages.success(request, _("通报组“%(name)s”已删除。") % {"name": group.name})
    return redirect("cases_exchange:sharing_groups")


# --- notifications ----------------------------------------------------------------------------------


@signed_in
@require_GET
def notification_list(request):
    rows = (
        Notification.objects.filter(recipient=request.user)
        .select_related("lead", "actor_agency")
        .order_by("-id")
    )
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    items = notif.visible_to_recipient(list(page.object_list), request.user)
    entries = [(n, *notification_text(n), notification_url(n)) for n in items]
    return render(
        request,
        "cases_exchange/notifications.html",
        {"page_obj": page, "entries": entries, "section": "notifications"},
    )


@login_required
@require_GET
def notification_feed(request):
    """JSON of the user's notifications after ``?after=<id>`` — what the websocket client fetches."""
    try:
        after = max(0, int(request.GET.get("after", "0")))
    except ValueError:
        after = 0
    rows = list(notif.feed_after(request.user, after).select_related("lead", "actor_agency"))
    items = notif.visible_to_recipient(rows, request.user)
    data = [
        {
            "id": n.pk,
            "kind": n.kind,
            "lead_id": n.lead_id,
            "title": notification_text(n)[0],
            "body": notification_text(n)[1],
            "url": notification_url(n),
            "read": n.read_at is not None,
            "created_at": n.created_at.isoformat(),
        }
        for n in items
    ]
    last_id = rows[-1].pk if rows else after
    return JsonResponse({"items": data, "last_id": last_id, "unread": notif.unread_count(request.user)})


@login_required
@require_POST
def notification_mark_read(request):
    ids = request.POST.getlist("id")
    notif.mark_read(request.user, [int(i) for i in ids if i.isdigit()] if ids else None)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"unread": notif.unread_count(request.user)})
    return redirect("cases_exchange:notifications")


@login_required
@require_GET
def notification_open(request, pk):
    """Open what a notification is about and count it as read — as clicking a message in a mail box does."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if not notif.visible_to_recipient([notification], request.user):
        raise Http404
    notif.mark_read(request.user, [notification.pk])
    return redirect(notification_url(notification))


@signed_in
def notification_preferences(request):
    """Which notifications also come by e-mail. Every kind ticked is stored as "all" (so a kind added
    later is e-mailed too); none ticked means no e-mail — never, as it once did, all of them."""
    preference, _created = NotificationPreference.objects.get_or_create(user=request.user)
    every_kind = Notification.Kind.values
    if request.method == "POST":
        kinds = [k for k in every_kind if k in request.POST.getlist("email_kinds")]
        preference.email_enabled = request.POST.get("email_enabled") == "on" and bool(kinds)
        preference.email_kinds = [] if len(kinds) == len(every_kind) else kinds
        preference.save()
        if request.POST.get("email_enabled") == "on" and not kinds:
            messages.success(request, _("通知设置已保存：没有选择通知类型，不发送邮件。"))
        else:
            messages.success(request, _("通知设置已保存。"))
        return redirect("cases_exchange:notification_preferences")
    chosen = set(preference.email_kinds or every_kind)
    return render(
        request,
        "cases_exchange/notification_preferences.html",
        {
            "preference": preference,
            "kinds": [(value, label, value in chosen) for value, label in Notification.Kind.choices],
            "section": "notifications",
        },
    )


# --- public tips ------------------------------------------------------------------------------------

TIP_LIMIT_PER_HOUR = 5
TIP_POSTS_PER_HOUR = 30
TIP_MIN_SECONDS = 3
_tip_signer = signing.TimestampSigner(salt="portal.tip-form")


TIP_REFERENCE_KEY = "cases_exchange.tip_reference"


@require_GET
def tip_done(request):
    """The reference of the tip this browser has just sent (kept in its session); else the tip form."""
    reference = request.session.get(TIP_REFERENCE_KEY)
    if not reference:
        return redirect("cases_exchange:tip_new")
    response = render(request, "cases_exchange/tip_done.html", {"reference": reference})
    response["Cache-Control"] = "private, no-store"
    return response


def tip_new(request):
    cities = selectors.tip_cities()
    if request.method == "POST":
        form = TipForm(request.POST, cities=cities)
        address = client_ip(request)
        # Tips an address may send an hour, and — more generously — posts: a form sent back with a
        # mistake to mend is not a tip, but posting without end is still stopped.
        posts_left = hit(scope="tip-post", key=address, limit=TIP_POSTS_PER_HOUR, window_seconds=3600)
        allowed = posts_left and hit(scope="tip", key=address, limit=TIP_LIMIT_PER_HOUR, window_seconds=3600)
        if not allowed:
            form.add_error(None, _("提交过于频繁，请一小时后再试，或拨打 12315 热线。"))
        elif not form.is_valid():
            give_back(scope="tip", key=address)
        elif _tip_is_human(form):
            if not _tip_form_claim(form):
                form.add_error(None, _("这份表单已经提交过；如需再次举报，请刷新页面后重新填写。"))
                return render(request, "cases_exchange/tip_form.html", {"form": form})
            data = form.cleaned_data
            try:
                tip = services.tip_submit(
                    division_code=data["city"],
                    data={
                        "title": data["title"],
                        "summary": data["summary"],
                        "ip_type": data["ip_type"],
                        "channel": data["channel"],
                        "infringement_type": "other",
                        "suspect_name": data["suspect_name"],
                        "suspect_shop_url": data["suspect_shop_url"],
                        "location_address": data["location_address"],
                    },
                    contact=data["contact"],
                    client_ip=address,
                )
            except ValidationError as error:
                _tip_form_release(form)  # corrected and sent again with the same form
                give_back(scope="tip", key=address)
                _apply_errors(form, error)
            else:
                # The reference is shown on a page of its own: reloading it shows the number again
                # rather than sending the tip a second time (which the hourly limit would refuse).
                request.session[TIP_REFERENCE_KEY] = tip.reference
                return redirect("cases_exchange:tip_done")
        else:
            form.add_error(None, _("提交未通过校验，请刷新页面后重新填写。"))
    else:
        form = TipForm(cities=cities, initial={"started": _tip_signer.sign(str(timezone.now().timestamp()))})
    return render(request, "cases_exchange/tip_form.html", {"form": form})


def _tip_form_key(form) -> str:
    return "tip-form-used:" + hashlib.sha256(form.cleaned_data["started"].encode()).hexdigest()


def _tip_form_claim(form) -> bool:
    """One tip per form shown: the signed start time is claimed once (atomically, in the shared cache),
    so a script cannot fetch one form and post it again and again."""
    return cache.add(_tip_form_key(form), 1, 2 * 3600)


def _tip_form_release(form) -> None:
    cache.delete(_tip_form_key(form))


def _tip_is_human(form) -> bool:
    """Honeypot empty and the form filled in a plausible time (signed timestamp, 3 s to 2 h)."""
    if form.cleaned_data.get("website"):
        return False
    try:
        started = float(_tip_signer.unsign(form.cleaned_data["started"], max_age=timedelta(hours=2)))
    except (signing.BadSignature, ValueError):
        return False
    return timezone.now().timestamp() - started >= TIP_MIN_SECONDS


def tip_status(request):
    form = TipStatusForm(request.GET or None)
    result = None
    if form.is_bound:
        if not hit(scope="tip-status", key=client_ip(request), limit=30, window_seconds=3600):
            form.add_error(None, _("查询过于频繁，请稍后再试。"))
        elif form.is_valid():
            found = services.tip_status(reference=form.cleaned_data["reference"])
            if found is None:
                form.add_error("reference", _("未找到该查询编号，请核对后重试。"))
            else:
                result = {
                    "reference": found[0].reference,
                    "status": found[1],
                    "created_at": found[0].created_at,
                }
    response = render(request, "cases_exchange/tip_status.html", {"form": form, "result": result})
    response["Cache-Control"] = "private, no-store"
    return response
