"""Keep derived, cached views of the lead exchange in step with its rows.

Tab counts (``selectors.lead_counts``) are cached per agency; any write to a lead or a recipient row —
whichever service made it — drops the affected agencies' counts once the transaction commits.
"""

from django.db.models.signals import post_delete, post_save

from .models import CaseLead, LeadRecipient
from .selectors import lead_counts_invalidate


def _lead_changed(sender, instance: CaseLead, **kwargs):
    lead_counts_invalidate([instance.originating_agency_id])


def _recipient_changed(sender, instance: LeadRecipient, **kwargs):
    lead_counts_invalidate([instance.agency_id])


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(_lead_changed, sender=CaseLead, dispatch_uid="lead_counts_lead")
        signal.connect(_recipient_changed, sender=LeadRecipient, dispatch_uid="lead_counts_recipient")
