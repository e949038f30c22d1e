#!/usr/bin/env python3
"""Build the held-out query set (queries.jsonl) for the Chinese search evaluation.

usage: build_judgments.py [CORPUS.jsonl] [--out PATH] [--check-dev DEV_QUERIES.jsonl] [--verbose]

CORPUS defaults to ../../../../../shared/search-eval/corpus.jsonl relative to this file;
--out defaults to queries.jsonl next to this file.  Stdlib only, deterministic.

Judgements come only from the concept table below (surface-form matching over the
document title + body), never from any search engine output.

Grading rule (inferred from the 38 dev queries; `--check-dev` shows that it reproduces
every dev judgement exactly when given the dev concept table DEV_CONCEPTS below):

  * Text is matched with all whitespace removed (the policy paragraphs come from PDFs
    and contain stray spaces such as "地理标 志"); title and body are matched separately.
  * A concept is a list of surface forms.  Occurrences are counted non-overlapping,
    longest form first, in title + body.
  * A document is relevant (grade >= 1) iff every concept of the query occurs in it.
  * Grade 2 iff every concept is prominent in the document: one of its forms occurs
    in the title, or its forms occur >= 3 times in title + body.  Otherwise grade 1.
  * As in the dev set, "知识产权" is implicit (the whole portal is about IP) and is not a
    concept; question words and generic words (如何, 怎么, 哪些, 机构, 服务, 合作 ...) of
    natural-language queries are not concepts either.
  * Pinyin and traditional-character queries are judged by the simplified concept
    they stand for; identifier queries by the canonical identifier as printed in the
    corpus (the query itself is a variant a user would paste).
"""

import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CORPUS = os.path.join(HERE, "..", "..", "..", "..", "..", "shared", "search-eval", "corpus.jsonl")
DEFAULT_OUT = os.path.join(HERE, "queries.jsonl")

# (query, type, [concept, ...]); a concept is a list of surface forms.
QUERIES = [
    # ---------------------------------------------------------------- term
    ("技术调查官", "term", [["技术调查官"]]),
    ("惩罚性赔偿", "term", [["惩罚性赔偿"]]),
    ("专利池", "term", [["专利池"]]),
    ("开放许可", "term", [["开放许可"]]),
    ("知识产权保险", "term", [["保险"]]),
    ("马德里商标国际注册", "term", [["马德里"]]),
    ("集体商标", "term", [["集体商标"]]),
    (
        "恶意注册",
        "term",
        [["恶意注册", "恶意抢注", "恶意商标注册", "商标恶意注册", "恶意商标申请", "恶意商标代理"]],
    ),
    ("非正常专利申请", "term", [["非正常专利申请"]]),
    ("挂证", "term", [["挂证"]]),
    ("知识产权运营基金", "term", [["运营基金", "运营母基金", "运营子基金"]]),
    ("数字版权", "term", [["数字版权"]]),
    ("植物新品种", "term", [["植物新品种"]]),
    ("快速维权", "term", [["快速维权"]]),
    ("专利奖", "term", [["专利奖"]]),
    ("集成电路布图设计", "term", [["布图设计"]]),
    # ---------------------------------------------------------------- multi
    ("高价值专利 培育中心", "multi", [["高价值专利"], ["培育中心"]]),
    ("知识产权服务业 集聚区", "multi", [["服务业"], ["集聚区", "集聚发展试验区"]]),
    ("地理标志 侵权", "multi", [["地理标志"], ["侵权", "侵犯"]]),
    ("商标代理 行政处罚", "multi", [["商标代理"], ["行政处罚"]]),
    ("中小企业 托管", "multi", [["中小企业"], ["托管"]]),
    ("海外 布局", "multi", [["海外"], ["布局"]]),
    ("假冒 商标", "multi", [["假冒", "仿冒", "冒用"], ["商标"]]),
    ("区块链 融资", "multi", [["区块链"], ["融资"]]),
    ("淮海经济区 协作", "multi", [["淮海经济区"], ["协作"]]),
    ("专利导航 实验区", "multi", [["专利导航"], ["实验区"]]),
    ("地理标志 中欧互认", "multi", [["地理标志"], ["中欧"]]),
    ("跨区域 协作", "multi", [["跨区域"], ["协作"]]),
    # ---------------------------------------------------------------- natural
    ("企业怎样保护商业秘密", "natural", [["商业秘密"], ["保护"]]),
    ("遇到专利侵权怎么处理", "natural", [["专利侵权"]]),
    ("地理标志专用标志怎么申请使用", "natural", [["地理标志"], ["专用标志"]]),
    ("哪些专利代理机构被列入失信名单", "natural", [["专利代理"], ["失信", "黑名单"]]),
    ("中小企业如何获得专利技术许可", "natural", [["中小企业", "中小微企业"], ["许可"]]),
    ("发明专利授权有什么补助", "natural", [["发明专利"], ["补助", "资助", "奖励", "补贴"]]),
    ("知识产权纠纷可以找人民调解吗", "natural", [["人民调解"]]),
    ("展会上发现侵权产品怎么办", "natural", [["展会"], ["侵权", "侵犯"]]),
    ("侵犯知识产权的案件会移送公安吗", "natural", [["移送"], ["公安"]]),
    ("成都有哪些专利代理机构", "natural", [["成都"], ["专利代理机构", "专利代理事务所"]]),
    ("重点商标品牌保护名录怎么申请加入", "natural", [["品牌保护名录"]]),
    ("地理标志被冒用如何维权", "natural", [["地理标志"], ["冒用", "假冒", "侵权", "侵犯"]]),
    ("怎么举报知识产权违法行为", "natural", [["举报"]]),
    # ---------------------------------------------------------------- abbrev
    ("知产金融", "abbrev", [["知识产权金融", "知产金融"]]),
    ("知产法庭", "abbrev", [["知识产权法庭", "知产法庭"]]),
    ("行刑衔接", "abbrev", [["行刑衔接", "两法衔接", "刑事司法衔接", "刑事司法的有效衔接"]]),
    ("专代机构", "abbrev", [["专利代理机构", "专代机构"]]),
    ("非诉调解", "abbrev", [["非诉"], ["调解"]]),
    ("双随机", "abbrev", [["双随机"]]),
    ("PCT", "abbrev", [["PCT", "专利合作条约", "专利合作协定", "Patent Cooperation Treaty"]]),
    # "高企" itself is not matched on the document side: it is a substring of "提高企业".
    ("高企", "abbrev", [["高新技术企业"]]),
    ("快维中心", "abbrev", [["快速维权中心", "快维中心"]]),
    ("地标商标", "abbrev", [["地理标志商标", "地理标志证明商标", "地标商标"]]),
    # ---------------------------------------------------------------- entity
    ("蒲江雀舌", "entity", [["蒲江雀舌"]]),
    ("蜀绣", "entity", [["蜀绣"]]),
    ("济水药业", "entity", [["济水药业"]]),
    ("蓉城火锅", "entity", [["蓉城火锅"]]),
    ("酥梨", "entity", [["酥梨"]]),
    ("锦城知识产权", "entity", [["锦城知识产权"]]),
    ("宿迁黄狗猪", "entity", [["宿迁黄狗猪"]]),
    ("天府锦绣", "entity", [["天府锦绣"]]),
    ("山城智造", "entity", [["山城智造"]]),
    ("猕猴桃", "entity", [["猕猴桃"]]),
    # ---------------------------------------------------------------- identifier
    ("ZL202110876543.X", "identifier", [["ZL202110876543.X"]]),  # canonical form
    ("202120334455.2", "identifier", [["ZL202120334455.2"]]),  # without ZL
    ("ZL 201810991122.X", "identifier", [["ZL201810991122.X"]]),  # space after ZL
    ("2022104477885", "identifier", [["ZL202210447788.5"]]),  # no ZL, no dot
    ("202011223344", "identifier", [["ZL202011223344.0"]]),  # without check digit
    ("zl201911667788.0", "identifier", [["ZL201911667788.0"]]),  # lower case
    ("ZL 2021 1 0112233.0", "identifier", [["ZL202110112233.0"]]),  # grouped as on certificates
    ("201910123456X", "identifier", [["ZL201910123456.X"]]),  # no ZL, no dot, X check digit
    ("CN202010555123.7", "identifier", [["ZL202010555123.7"]]),  # CN prefix instead of ZL
    ("国发[2016]86号", "identifier", [["国发〔2016〕86号"]]),  # document number, ASCII brackets
    ("晋政办发(2019)81号", "identifier", [["晋政办发〔2019〕81号"]]),  # document number, parentheses
    # ---------------------------------------------------------------- pinyin
    ("donghai shuijing", "pinyin", [["东海水晶"]]),
    ("zhiya rongzi", "pinyin", [["质押融资", "质押贷款"]]),
    ("shangye mimi", "pinyin", [["商业秘密"]]),
    ("dangshan suli", "pinyin", [["砀山酥梨"]]),
    ("fengjie qicheng", "pinyin", [["奉节脐橙"]]),
    ("heze mudan", "pinyin", [["菏泽牡丹"]]),
    ("zhongcai", "pinyin", [["仲裁"]]),
    ("zhuanlichi", "pinyin", [["专利池"]]),
    # ---------------------------------------------------------------- traditional
    ("商標代理", "traditional", [["商标代理"]]),
    ("郫縣豆瓣", "traditional", [["郫县豆瓣"]]),
    ("龍泉驛水蜜桃", "traditional", [["龙泉驿水蜜桃"]]),
    ("專利轉化", "traditional", [["专利转化"]]),
    ("證明商標", "traditional", [["证明商标"]]),
    ("維權援助", "traditional", [["维权援助"]]),
    ("海關保護", "traditional", [["海关保护", "海关协同保护"]]),
    ("專利導航", "traditional", [["专利导航"]]),
]

# Concept table reconstructed for the 38 dev queries, used only by --check-dev to show
# that the grading rule above reproduces the published dev judgements.
DEV_CONCEPTS = {
    "dev-001": [["专利导航"]],
    "dev-002": [["质押融资", "质押贷款"]],
    "dev-003": [["地理标志"]],
    "dev-004": [["维权援助"]],
    "dev-005": [["贯标"]],
    "dev-006": [["黑名单", "失信名单"]],
    "dev-007": [["调解"]],
    "dev-008": [["仲裁"]],
    "dev-009": [["商业秘密"]],
    "dev-010": [["证券化"]],
    "dev-011": [["托管"]],
    "dev-012": [["行政裁决"]],
    "dev-013": [["海外维权", "海外知识产权维权", "海外企业维权"]],
    "dev-014": [["专利代理"]],
    "dev-015": [["质押融资"], ["风险补偿"]],
    "dev-016": [["地理标志"], ["运用促进"]],
    "dev-017": [["电商平台", "电商", "网络店铺", "电子商务"], ["侵权"]],
    "dev-018": [["展会"], ["保护"]],
    "dev-019": [["联合执法"], ["线索"]],
    "dev-020": [["专利"], ["行政执法"]],
    "dev-021": [["质押"]],
    "dev-022": [["成渝", "川渝"], ["保护"]],
    "dev-023": [["仲裁"]],
    "dev-024": [["郫县豆瓣"]],
    "dev-025": [["地理标志"]],
    "dev-026": [["专利导航"]],
    "dev-027": [["金乡"]],
    "dev-028": [["地标", "地理标志产品", "地理标志保护产品"]],
    "dev-029": [["砀山酥梨"]],
    "dev-030": [["汉风重工"]],
    "dev-031": [["彭城专利"]],
    "dev-032": [["涪陵榨菜"]],
    "dev-033": [["石榴"]],
    "dev-034": [["ZL201910123456.X"]],
    "dev-035": [["202010555123"]],
    "dev-036": [["地理标志"]],
    "dev-037": [["蓝天"]],
    "dev-038": [["强企", "优势企业", "示范企业"]],
}

_WS = re.compile(r"\s+")


def norm(text):
    return _WS.sub("", text)


def count(text, forms):
    pat = "|".join(re.escape(norm(f)) for f in sorted(forms, key=lambda f: len(norm(f)), reverse=True))
    return len(re.findall(pat, text))


def load_corpus(path):
    with open(path, encoding="utf-8") as f:
        docs = [json.loads(line) for line in f if line.strip()]
    return [(d["id"], norm(d["title"]), norm(d["body"])) for d in docs]


def judge(corpus, concepts):
    rel = {}
    for doc_id, title, body in corpus:
        grade = 2
        for forms in concepts:
            in_title = count(title, forms)
            total = in_title + count(body, forms)
            if total == 0:
                grade = 0
                break
            if not (in_title or total >= 3):
                grade = 1
        if grade:
            rel[doc_id] = grade
    return rel


def check_dev(corpus, dev_path):
    with open(dev_path, encoding="utf-8") as f:
        dev = [json.loads(line) for line in f if line.strip()]
    bad = 0
    for q in dev:
        mine = judge(corpus, DEV_CONCEPTS[q["qid"]])
        if mine != q["relevant"]:
            bad += 1
            print(f"MISMATCH {q['qid']} {q['query']}")
    print(f"dev check: {len(dev) - bad}/{len(dev)} dev queries reproduced exactly")
    return bad


def main(argv):
    args = list(argv[1:])
    out = DEFAULT_OUT
    dev_path = None
    verbose = False
    corpus_path = DEFAULT_CORPUS
    rest = []
    i = 0
    while i < len(args):
        if args[i] == "--out":
            out = args[i + 1]
            i += 2
        elif args[i] == "--check-dev":
            dev_path = args[i + 1]
            i += 2
        elif args[i] == "--verbose":
            verbose = True
            i += 1
        else:
            rest.append(args[i])
            i += 1
    if rest:
        corpus_path = rest[0]
    corpus = load_corpus(corpus_path)
    if dev_path:
        return 1 if check_dev(corpus, dev_path) else 0

    dev_queries = set()
    dev_default = os.path.join(os.path.dirname(corpus_path), "dev", "queries.jsonl")
    if os.path.exists(dev_default):
        with open(dev_default, encoding="utf-8") as f:
            dev_queries = {json.loads(l)["query"] for l in f if l.strip()}

    rows = []
    seen = set()
    for query, qtype, concepts in QUERIES:
        assert query not in dev_queries, f"{query!r} is a dev query"
        assert query not in seen, f"duplicate query {query!r}"
        seen.add(query)
        rel = judge(corpus, concepts)
        if not rel:
            print(f"skipped (no relevant document): {query}", file=sys.stderr)
            continue
        rows.append((query, qtype, rel))
    with open(out, "w", encoding="utf-8") as f:
        for n, (query, qtype, rel) in enumerate(rows, 1):
            rec = {"qid": f"held-{n:03d}", "query": query, "type": qtype, "relevant": rel}
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            if verbose:
                print(rec["qid"], qtype, query, len(rel), rel)
    counts = {}
    for _, t, _ in rows:
        counts[t] = counts.get(t, 0) + 1
    print(f"wrote {len(rows)} queries to {out}: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
