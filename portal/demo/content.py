"""Demo content written for the portal: alliance introductions, news items, demo accounts.

News items are illustrative and dated; they describe the kind of cooperation the seed documents plan,
not real events.
"""

from datetime import date

ALLIANCE_DETAILS = {
    "淮海经济区知识产权保护联盟": {
        "description": (
            "依据《徐州市国家知识产权强市建设示范城市工作方案》构建的淮海经济区知识产权保护协作机制，"
            "覆盖江苏、安徽、河南、山东四省十个城市。成员单位之间建立线索通报、案件协办、联合执法、"
            "定期会商制度，共同打击跨区域知识产权侵权违法行为。"
        ),
        "intro_en": (
            "<p>The IP protection cooperation of the Huaihai Economic Zone, built on Xuzhou's work plan as a "
            "national demonstration city for IP strength. It covers ten cities in Jiangsu, Anhui, Henan and "
            "Shandong. Member agencies send each other case leads, assist in each other's cases, enforce "
            "jointly and consult regularly against infringement that crosses city lines.</p>"
        ),
        "founding_basis": "徐州市国家知识产权强市建设示范城市工作方案（徐州市人民政府，2022年）",
        "founded_on": date(2022, 10, 26),
        "contact_phone": "0516-83738888",
        "contact_email": "huaihai-ipp@example.gov.cn",
        "contact_address": "江苏省徐州市（秘书处：徐州市市场监督管理局）",
        "mechanisms": {
            "线索通报": "发现涉及其他成员城市的侵权线索，及时向相关城市成员单位通报。",
            "案件协办": "请求其他城市协助调查取证、委托送达、核查主体等。",
            "联合执法": "围绕重点领域、重点市场组织跨区域联合执法专项行动。",
            "定期会商": "定期召开联席会议，会商重大案件、通报工作进展、部署协作事项。",
        },
    },
    "成渝地区双城经济圈知识产权保护合作": {
        "description": (
            "成渝地区双城经济圈建设中的知识产权保护合作。成都、重庆与成德眉资同城化城市推动"
            "重点品牌、高价值专利、优质地理标志产品保护名录互认，调解结果互认，跨区域信息共享，"
            "并建立知识产权服务机构信用档案和失信联合惩戒机制。"
        ),
        "intro_en": (
            "<p>IP protection cooperation in the Chengdu–Chongqing economic circle. Chengdu, Chongqing and "
            "the cities integrating with Chengdu (Deyang, Meishan, Ziyang) recognise each other's lists of "
            "key brands, high-value patents and quality geographical-indication products and each other's "
            "mediation outcomes, share information across the region, and keep credit records of IP "
            "service agencies with joint measures against those that break trust.</p>"
        ),
        "founding_basis": "成都市知识产权保护和运用“十四五”规划（成都市市场监督管理局，2021年）",
        "founded_on": date(2021, 12, 1),
        "contact_phone": "028-61881234",
        "contact_email": "chengyu-ipp@example.gov.cn",
        "contact_address": "四川省成都市（秘书处：成都市市场监督管理局）",
        "mechanisms": {
            "信息共享": "共享侵权案件线索、执法信息和服务机构信用信息。",
            "协同保护": "行政执法与司法保护跨区域衔接，协同处置重大案件。",
            "重点品牌保护名录互认": "成员城市相互认可重点品牌保护名录，给予同等保护。",
            "高价值专利保护名录互认": "相互认可高价值专利保护名录，优先办理侵权纠纷。",
            "优质地理标志产品保护名录互认": "相互认可优质地理标志产品名录，联合打击假冒地理标志。",
            "调解互认": "知识产权纠纷调解结果跨区域互认。",
        },
    },
}

NEWS = [
    {
        "title": "淮海经济区知识产权保护联盟召开第一次联席会议",
        "slug": "huaihai-first-joint-meeting",
        "date": date(2026, 3, 18),
        "source": "联盟秘书处",
        "summary": "十个成员城市围绕线索通报、案件协办、联合执法和定期会商四项机制通报进展、部署年度协作事项。",
        "paragraphs": [
            "淮海经济区知识产权保护联盟第一次联席会议在徐州召开。来自江苏、安徽、河南、山东四省十个城市的市场监管、公安、法院等成员单位参加会议。",
            "会议通报了联盟成立以来线索通报和案件协办情况，审议了年度联合执法专项行动方案，明确由徐州市市场监督管理局承担秘书处日常工作。",
            "会议要求，各成员单位要落实线索通报“五个工作日内受理”的约定，对跨区域重大案件实行会商督办，推动协作机制常态化运行。",
        ],
        "title_en": "Huaihai Economic Zone IP Protection Alliance holds its first joint meeting",
        "paragraphs_en": [
            "The first joint meeting of the Huaihai Economic Zone IP protection alliance took place in Xuzhou. "
            "Member agencies of ten cities in Jiangsu, Anhui, Henan and Shandong — market regulators, police "
            "and courts — took part.",
            "The meeting reviewed the case leads sent and the cases assisted since the alliance was founded, "
            "discussed the year's joint enforcement campaign, and confirmed that the Xuzhou Administration "
            "for Market Regulation runs the secretariat.",
            "Member agencies are to accept a lead sent to them within five working days, and major cases "
            "crossing city lines are to be followed up through joint consultation.",
        ],
    },
    {
        "title": "成渝两地推进重点品牌保护名录互认",
        "slug": "chengyu-brand-list-mutual-recognition",
        "date": date(2026, 5, 9),
        "source": "成都市市场监督管理局",
        "summary": "成都、重庆及德阳、眉山、资阳市场监管部门就重点品牌、高价值专利和优质地理标志产品保护名录互认工作达成一致。",
        "paragraphs": [
            "为落实成渝地区双城经济圈建设部署，成都、重庆及成德眉资同城化城市市场监管部门召开名录互认工作会。",
            "各方同意按照“一地提名、各方认可、统一发布”的方式推进重点品牌保护名录、高价值专利保护名录和优质地理标志产品保护名录互认，互认名录内的权利人在各地享受同等保护。",
            "会议还就知识产权纠纷调解结果互认、侵权线索信息共享等事项进行了交流。",
        ],
        "title_en": "Chengdu and Chongqing move to recognise each other's protection lists",
        "paragraphs_en": [
            "Market regulators of Chengdu, Chongqing, Deyang, Meishan and Ziyang met on recognising each "
            "other's protection lists, as part of building the Chengdu–Chongqing economic circle.",
            "They agreed that key brands, high-value patents and quality geographical indication products "
            "nominated by one city, accepted by the others and published together are protected alike in "
            "every city.",
            "They also discussed recognising each other's mediation of IP disputes and sharing information on "
            "infringement leads.",
        ],
    },
    {
        "title": "联盟成员城市联合开展电商领域商标侵权专项整治",
        "slug": "ecommerce-trademark-joint-operation",
        "date": date(2026, 7, 2),
        "source": "联盟秘书处",
        "summary": "针对跨区域网络销售侵权商品问题，联盟成员城市联合开展为期三个月的专项整治行动。",
        "paragraphs": [
            "针对部分经营者跨区域通过电商平台销售侵犯注册商标专用权商品的问题，淮海经济区知识产权保护联盟组织成员城市开展电商领域商标侵权专项整治。",
            "专项行动期间，各成员单位通过线索通报机制共享涉案网店、联系电话和统一社会信用代码等信息，对同一经营主体在多地的侵权行为实行串并案处理。",
        ],
    },
    {
        "title": "知识产权服务机构信用评价办法征求意见",
        "slug": "service-agency-credit-rules-consultation",
        "date": date(2026, 9, 15),
        "source": "成都市市场监督管理局",
        "summary": "拟对专利代理、商标代理等知识产权服务机构实行信用分级分类监管，公开征求社会意见。",
        "paragraphs": [
            "为规范知识产权服务市场秩序，拟对辖区知识产权服务机构建立信用档案，依据行政处罚、非正常专利申请代理、投诉核实等信用事件进行评分分级。",
            "信用评价结果将通过门户公开，服务机构对信用事件有异议的，可以申请复核；整改到位的，可以申请信用修复。",
        ],
    },
]

#: One demo account per role; the agency is given by city and name pattern from the reference data.
DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 — a published demo password, refused under production settings
DEMO_ACCOUNTS = [
    {"username": "admin", "full_name": "系统管理员", "role": "", "agency": None, "superuser": True},
    {"username": "editor", "full_name": "王编辑", "role": "editor", "agency": None},
    {"username": "reviewer", "full_name": "李审核", "role": "reviewer", "agency": None},
    {"username": "xz_officer", "full_name": "张明", "role": "officer", "agency": "徐州市市场监督管理局"},
    {"username": "xz_liaison", "full_name": "赵敏", "role": "liaison", "agency": "徐州市市场监督管理局"},
    {
        "username": "xz_secretariat",
        "full_name": "陈秘书",
        "role": "secretariat",
        "agency": "徐州市市场监督管理局",
    },
    {"username": "sq_officer", "full_name": "刘洋", "role": "officer", "agency": "宿迁市市场监督管理局"},
    {"username": "cd_officer", "full_name": "杨帆", "role": "officer", "agency": "成都市市场监督管理局"},
    {
        "username": "cd_secretariat",
        "full_name": "周秘书",
        "role": "secretariat",
        "agency": "成都市市场监督管理局",
    },
    {
        "username": "credit_officer",
        "full_name": "吴信用",
        "role": "credit_officer",
        "agency": "成都市市场监督管理局",
    },
]
