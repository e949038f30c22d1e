"""The demo content: seed policy documents cleaned of web-page clutter, idempotent seeding."""

import re

import pytest

from portal.demo.policies import SPECS, normalise_text, policy_blocks

CLUTTER = [
    "QQ咨询",
    "扫一扫",
    "立即评测",
    "当前位置",
    "上一篇",
    "附件下载",
    "次浏览",
    "公众号",
    "客服电话",
    "目 录",
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.slug)
def test_policy_text_has_no_web_page_clutter(spec):
    text = " ".join(str(value) for _kind, value in policy_blocks(spec))
    for marker in CLUTTER:
        assert marker not in text
    # A table-of-contents line ends in a page number; none may survive.
    assert not re.search(r"[\u4e00-\u9fff]\s+\d{1,2}'", text)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.slug)
def test_policy_text_keeps_every_sentence_of_the_document(spec):
    from portal.demo.policies import SEED_DIR

    blocks_text = "".join(str(value) for _kind, value in policy_blocks(spec))
    lines = (SEED_DIR / spec.filename).read_text("utf-8").splitlines()
    start, end = spec.body_lines
    for line in lines[start - 1 : end]:
        cleaned = normalise_text(line).removeprefix(normalise_text(spec.strip_prefix))
        if len(cleaned) > 8:
            # Lines may be glued to neighbours and heading numbers tidied: look for each line's ending.
            ending = cleaned.rstrip("。")[-5:]
            assert ending in blocks_text, cleaned[:40]


def test_policy_headings_are_detected_by_level():
    chengdu = next(s for s in SPECS if s.slug.startswith("chengdu"))
    headings = [(v["level"], v["text"]) for kind, v in policy_blocks(chengdu) if kind == "heading"]
    assert ("h2", "第一章\u3000规划背景") in headings
    assert ("h3", "三、融入成渝地区双城经济圈建设") in headings


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("建 设重点城市,加强保护", "建设重点城市，加强保护"),
        ("(一)加强组织领导", "（一）加强组织领导"),
        ("达到 47.92 万件", "达到 47.92 万件"),
        ("\u3000\u3000坚持创新引领:", "坚持创新引领："),
    ],
)
def test_chinese_typography_normalisation(raw, clean):
    assert normalise_text(raw) == clean


@pytest.mark.django_db
def test_seeding_twice_creates_nothing_new(demo):
    from portal.demo.build import demo_build

    report = demo_build()
    assert report.created_pages == []
    assert report.created_accounts == []
    assert len(report.accounts) == 10
