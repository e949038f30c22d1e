"""Demo case leads: a few realistic exchanges between member agencies, built through the real services
so that permissions, notifications and the audit chain are exactly what officers would produce."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from alliances.models import Agency
from cases_exchange.models import CaseLead
from cases_exchange.permissions import actor_for_user
from cases_exchange.services import (
    comment_add,
    lead_create,
    lead_send,
    recipient_accept,
    recipient_feedback,
    sharing_group_save,
)
from portal.models import User


def _valid_credit_code(base17: str) -> str:
    from portal.identifiers import credit_code_check_character

    return base17 + credit_code_check_character(base17)


def demo_leads_build() -> int:
    """Create the demo leads once; returns how many were created (0 when they exist already)."""
    if CaseLead.objects.exists():
        return 0
    xz = actor_for_user(User.objects.get(username="xz_officer"))
    sq = actor_for_user(User.objects.get(username="sq_officer"))
    cd = actor_for_user(User.objects.get(username="cd_officer"))
    agencies = {a.name: a for a in Agency.objects.all()}
    seller_code = _valid_credit_code("91320312MA1XQ0Y0X")
    common = {
        "ip_type": "trademark",
        "infringement_type": "counterfeit_trademark",
        "channel": "ecommerce",
        "rights_holder": "徐州汉风重工机械有限公司",
        "trademark_number": "30112233",
        "suspect_name": "某某贸易商行",
        "suspect_credit_code": seller_code,
        "suspect_shop_url": "https://shop12345.taobao.com/",
        "suspect_phone": "13912345678",
    }
    created = 0

    group = sharing_group_save(
        actor=xz,
        name="苏北三市",
        description="徐州、连云港、宿迁市场监管部门",
        agency_ids=[agencies["连云港市市场监督管理局"].pk, agencies["宿迁市市场监督管理局"].pk],
    )

    lead = lead_create(
        actor=xz,
        data={
            **common,
            "title": "网店销售假冒“汉风”工程机械配件",
            "summary": (
                "权利人投诉某网店长期销售假冒“汉风”注册商标的挖掘机液压配件，发货地位于宿迁市宿城区。"
            ),
            "details": (
                "经网络监测，涉嫌网店近三个月销量约 1200 件，单价明显低于正品。已固定网页截图和订单信息。"
            ),
            "estimated_value": Decimal("360000"),
            "location_city": "宿迁市",
            "location_address": "宿迁市宿城区某物流园 3 号仓",
            "urgency": "urgent",
        },
    )
    lead = lead_send(actor=xz, lead=lead, distribution="named", sharing_group=group)
    created += 1
    recipient = lead.recipients.get(agency__name="宿迁市市场监督管理局")
    recipient_accept(actor=sq, recipient=recipient)
    recipient_feedback(
        actor=sq,
        recipient=recipient,
        kind="filed",
        case_number="宿市监立〔2026〕118号",
        goods_seized=860,
        value_involved=Decimal("258000"),
        note="已现场查扣涉嫌侵权配件，正在调查进货来源。",
    )
    comment_add(actor=sq, lead=lead, body="仓库已查封，进货单据显示货源来自临沂，请临沂同事关注。")

    lead2 = lead_create(
        actor=sq,
        data={
            **common,
            "title": "同一商行在展会销售假冒配件",
            "summary": "宿迁工程机械展会上发现某商行展位销售疑似假冒配件，与徐州通报线索的涉嫌主体一致。",
            "channel": "exhibition",
            "location_city": "宿迁市",
        },
    )
    lead_send(actor=sq, lead=lead2, distribution="alliance", alliance_ids=[lead2.alliance_id])
    created += 1

    lead3 = lead_create(
        actor=cd,
        data={
            "title": "冒用“郫县豆瓣”地理标志的线上店铺",
            "summary": "多个网店销售标注“郫县豆瓣”但产地不在保护范围内的调味品，涉嫌地理标志侵权。",
            "ip_type": "gi",
            "infringement_type": "gi_misuse",
            "channel": "ecommerce",
            "rights_holder": "郫县豆瓣行业协会",
            "suspect_name": "重庆某食品经营部",
            "suspect_shop_url": "https://mall.jd.com/index-1000001.html",
            "restrict_sensitive": True,
            "informant": "协会会员单位（受限）",
            "location_city": "重庆市",
            "is_key_protection": True,
            "key_protection_reason": "涉及优质地理标志产品保护名录中的产品",
        },
    )
    lead_send(actor=cd, lead=lead3, distribution="alliance", alliance_ids=[lead3.alliance_id])
    created += 1

    draft = lead_create(
        actor=xz,
        data={
            "title": "专利侵权线索（待核实）",
            "summary": "某企业反映其实用新型专利被仿制，待补充证据后通报。",
            "ip_type": "patent",
            "infringement_type": "patent_infringement",
            "channel": "offline",
            "patent_number": "ZL201710601862.3",
        },
    )
    CaseLead.objects.filter(pk=draft.pk).update(created_at=timezone.now() - timedelta(days=1))
    created += 1
    return created
