"""Keep derived, cached views of the lead exchange in step with its rows.

Tab counts and rendered list pages are cached per agency (``selectors.lead_list_version``); any write to
a lead, a recipient row or a grant — whichever code made it — drops the affected agencies' version, now and
again once the transaction commits.
"""

from django.db.models.signals import post_delete, post_save

from .models import CaseLead, CaseLeadGroupObjectPermission, LeadRecipient
from .selectors import lead_counts_invalidate


def _lead_changed(sender, instance: CaseLead, **kwargs):
    lead_counts_invalidate([instance.originating_agency_id])


def _recipient_changed(sender, instance: LeadRecipient, **kwargs):
    # The sender's sent list shows every recipient's progress (宿迁 · 已受理): its version goes too.
    lead = LeadRecipient._meta.get_field("lead").get_cached_value(instance, default=None)
    if lead is not None:
        sender_id = lead.originating_agency_id
    else:
        leads = CaseLead.objects.filter(pk=instance.lead_id)
        sender_id = leads.values_list("originating_agency_id", flat=True).first()
    lead_counts_invalidate([a for a in (instance.agency_id, sender_id) if a is not None])


def _grant_changed(sender, instance: CaseLeadGroupObjectPermission, **kwargs):
    # The services only ever add grants, next to recipient rows that drop the version anyway; a grant
    # removed by any other path must still stop the agency's cached lists from showing the lead.
    from alliances.models import Agency

    lead_counts_invalidate(Agency.objects.filter(group_id=instance.group_id).values_list("pk", flat=True))


def connect() -> None:
    from django.db.models.signals import post_migrate

    from .permissions import forget_permission_ids

    post_migrate.connect(forget_permission_ids, dispatch_uid="lead_permission_ids")
    for signal in (post_save, post_delete):
        signal.connect(_lead_changed, sender=CaseLead, dispatch_uid="lead_counts_lead")
        signal.connect(_recipient_changed, sender=LeadRecipient, dispatch_uid="lead_counts_recipient")
        signal.connect(_grant_changed, sender=CaseLeadGroupObjectPermission, dispatch_uid="lead_counts_grant")
