"""Test-data factories for leads. Leads are made through the services, so that their permissions,
recipients, notifications and audit records are exactly those the application would produce."""

import factory

from .models import CaseLead
from .permissions import actor_for_user
from .services import lead_create, lead_send


class LeadFactory(factory.Factory):
    """``LeadFactory(author=user, distribution="named", agency_ids=[…])`` — a draft unless
    ``distribution`` is given."""

    class Meta:
        model = CaseLead

    title = factory.Sequence(lambda n: f"测试线索{n}")
    summary = "某网店销售假冒注册商标商品。"
    details = "详细情况：已固定证据。"
    ip_type = "trademark"
    infringement_type = "counterfeit_trademark"
    channel = "ecommerce"
    suspect_name = "某某商行"
    suspect_phone = "13800000000"

    @classmethod
    def _create(
        cls,
        model_class,
        *args,
        author,
        distribution=None,
        agency_ids=(),
        alliance_ids=(),
        sharing_group=None,
        **kwargs,
    ):
        actor = actor_for_user(author)
        lead = lead_create(actor=actor, data=kwargs)
        if distribution and distribution != "draft":
            lead = lead_send(
                actor=actor,
                lead=lead,
                distribution=distribution,
                agency_ids=agency_ids,
                alliance_ids=alliance_ids,
                sharing_group=sharing_group,
            )
        return lead
