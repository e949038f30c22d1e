"""The five seed policy documents as clean demo ``PolicyDocumentPage`` content.

The seed files are text copied from government web pages and PDFs: transmittal notices, tables of
contents with page numbers, share buttons and advertising around the document, words broken across
lines, stray spaces between Chinese characters from PDF extraction, ASCII punctuation. Each document
gets a small spec (where its text starts and ends, its metadata); one cleaner applies the generic rules
and turns lines into heading and paragraph blocks.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

SEED_DIR = Path(__file__).resolve().parent / "seeds"

CJK = r"\u3400-\u9fff\uf900-\ufaff"
TERMINAL = tuple("。！？；：”」』）)…")
_CHAPTER = re.compile(r"^第[一二三四五六七八九十]+章\s*")
_SECTION = re.compile(r"^[一二三四五六七八九十]+、\s*")
_SUBSECTION = re.compile(r"^[（(][一二三四五六七八九十]+[）)]、?\s*")
_ITEM = re.compile(r"^\d{1,2}[.、．]\s*")
HEADING_MAX_CHARS = 32


@dataclass
class PolicySpec:
    """Where a seed's document text lies (1-based, inclusive line numbers) and what is known of it."""

    filename: str
    title: str
    slug: str
    issuer: str
    region: str
    issued_on: date | None
    summary: str
    body_lines: tuple[int, int]
    document_number: str = ""
    notice_lines: tuple[int, int] | None = None  # the transmittal notice (印发通知), shown above the text
    strip_prefix: str = ""  # text glued to the first body line (a repeated title)
    drop_lines: set[int] = field(default_factory=set)
    title_en: str = ""  # what the English pages show (written for the demo, not an official translation)
    summary_en: str = ""


SPECS = [
    PolicySpec(
        filename="000_08b15a33f5e3bce4.txt",
        title="徐州市国家知识产权强市建设示范城市工作方案",
        slug="xuzhou-ip-demonstration-city-plan",
        title_en="Xuzhou work plan for a national IP demonstration city",
        summary_en=(
            "Sets out Xuzhou's plan for a strong IP city and a cooperation mechanism for IP protection "
            "across the Huaihai Economic Zone: sending case leads, assisting in cases, joint enforcement "
            "and regular consultations between cities."
        ),
        issuer="徐州市人民政府",
        region="徐州市",
        issued_on=date(2022, 10, 26),
        summary=(
            "提出构建“六聚六高”知识产权强市建设格局，并构建淮海经济区知识产权保护协作机制，"
            "建立线索通报、案件协办、联合执法、定期会商等跨区域协作制度。"
        ),
        notice_lines=(1, 4),
        body_lines=(6, 57),
    ),
    PolicySpec(
        filename="001_9de7965335dc1cdb.txt",
        title="合肥市知识产权运营服务体系建设实施方案（2020-2023年）",
        slug="hefei-ip-operation-service-system-plan",
        title_en="Hefei plan for an IP operation service system (2020–2023)",
        summary_en=(
            "Builds Hefei's IP operation services around one core, one centre and several platforms: patent "
            "navigation, geographical indication brands, pledge financing and the supervision of IP service "
            "agencies."
        ),
        issuer="合肥市人民政府",
        document_number="合政〔2020〕65号",
        region="合肥市",
        issued_on=date(2020, 8, 27),
        summary="围绕“一核一中心多平台”建设知识产权运营服务体系，推进专利导航、地理标志品牌、质押融资和服务机构监管。",
        notice_lines=(4, 7),
        body_lines=(10, 73),
    ),
    PolicySpec(
        filename="002_6d8fe681640d2eb4.txt",
        title="晋中市全面推进知识产权强市建设三年行动方案（2020-2022年）",
        slug="jinzhong-ip-city-three-year-plan",
        title_en="Jinzhong three-year action plan for a strong IP city (2020–2022)",
        summary_en=(
            "Puts an IP big-data strategy into practice, fosters high-value patents and IP-strong "
            "enterprises, and builds a comprehensive system of IP protection."
        ),
        issuer="晋中市人民政府办公室",
        region="晋中市",
        # The source prints the date as "20220年4月2日"; the plan covers 2020–2022, so 2020 is meant.
        issued_on=date(2020, 4, 2),
        summary="实施知识产权大数据战略“知网行动”，培育高价值专利和知识产权强企，构建知识产权大保护体系。",
        notice_lines=(3, 11),
        body_lines=(20, 68),
    ),
    PolicySpec(
        filename="003_410191ea06be6156.txt",
        title="成都市知识产权保护和运用“十四五”规划",
        slug="chengdu-ip-14th-five-year-plan",
        title_en="Chengdu 14th five-year plan for IP protection and use",
        summary_en=(
            "Joins the building of the Chengdu–Chongqing economic circle: mutually recognised protection "
            "lists of key brands, high-value patents and quality geographical indication products, and "
            "credit files with joint sanctions for IP service agencies."
        ),
        issuer="成都市市场监督管理局",
        region="成都市",
        issued_on=date(2022, 1, 11),
        summary=(
            "融入成渝地区双城经济圈建设，推动重点品牌、高价值专利、优质地理标志产品保护名录互认，"
            "建立知识产权服务机构信用档案和失信联合惩戒机制。"
        ),
        body_lines=(100, 424),
        strip_prefix="成都市知识产权保护和运用“十四五”规划",
    ),
    PolicySpec(
        filename="004_68377cdcf8183e1e.txt",
        title="洛阳市自创区、自贸区知识产权管理与保护意见",
        slug="luoyang-pilot-zones-ip-management-opinions",
        title_en="Luoyang opinions on IP management and protection in its pilot zones",
        summary_en=(
            "Sets up case referral between departments, information sharing and shared IP credit records in "
            "the Luoyang areas of the Zhengzhou–Luoyang–Xinxiang innovation zone and the Henan free trade "
            "zone."
        ),
        issuer="洛阳市",
        region="洛阳市",
        issued_on=None,
        summary="在郑洛新自创区洛阳片区和河南自贸区洛阳片区建立跨部门案件移送、信息通报和知识产权信用信息共享机制。",
        body_lines=(1, 37),
    ),
]


def normalise_text(text: str) -> str:
    """Chinese typography for one line: no stray spaces between Han characters, full-width punctuation."""
    text = text.replace("\u3000", " ").replace("\xa0", " ").strip()
    # PDF extraction leaves spaces inside words: "建 设" → "建设", "成都市 知识产权" → "成都市知识产权".
    text = re.sub(rf"(?<=[{CJK}，。、；：“”（）])\s+(?=[{CJK}，。、；：“”（）])", "", text)
    text = re.sub(rf"(?<=[{CJK}])\s+(?=[{CJK}])", "", text)
    # ASCII punctuation next to Han characters becomes its full-width form.
    text = re.sub(rf"(?<=[{CJK}”）])\s*,\s*", "，", text)
    text = re.sub(rf",\s*(?=[{CJK}“（])", "，", text)
    text = re.sub(rf"(?<=[{CJK}”）])\s*;\s*", "；", text)
    text = re.sub(rf"(?<=[{CJK}])\s*:\s*", "：", text)
    text = re.sub(rf"\(([^()]*[{CJK}][^()]*)\)", r"（\1）", text)
    return re.sub(r"\s{2,}", " ", text)


def _heading_level(line: str) -> int | None:
    """1 chapter, 2 section (一、), 3 subsection ((一)), 4 numbered item; ``None`` for a paragraph."""
    for level, pattern in ((1, _CHAPTER), (2, _SECTION), (3, _SUBSECTION), (4, _ITEM)):
        if pattern.match(line):
            bare = line.rstrip("。")
            if len(bare) <= HEADING_MAX_CHARS and "。" not in bare and "；" not in bare and "，" not in bare:
                return level
            return None
    return None


def _tidy_heading(line: str) -> str:
    """``第一章规划背景`` → ``第一章　规划背景``; ``（一）、标题。`` → ``（一）标题``."""
    line = line.rstrip("。")
    line = re.sub(r"^(第[一二三四五六七八九十]+章)\s*", "\\1\u3000", line)
    line = re.sub(r"^([（(][一二三四五六七八九十]+[）)])、\s*", r"\1", line)
    return re.sub(r"^([一二三四五六七八九十]+、)\s+", r"\1", line)


def _read_lines(spec: PolicySpec) -> list[str]:
    return (SEED_DIR / spec.filename).read_text(encoding="utf-8").splitlines()


def _joined_paragraphs(lines: list[str]) -> list[tuple[int | None, str]]:
    """Classify lines and glue a paragraph broken across lines back together."""
    out: list[tuple[int | None, str]] = []
    pending = ""
    for line in lines:
        level = _heading_level(line)
        if level is not None:
            if pending:
                out.append((None, pending))
                pending = ""
            out.append((level, _tidy_heading(line)))
            continue
        pending += line
        if pending.endswith(TERMINAL):
            out.append((None, pending))
            pending = ""
    if pending:
        out.append((None, pending))
    return out


def policy_blocks(spec: PolicySpec) -> list[tuple[str, object]]:
    """StreamField data (``[(block_type, value), …]``) for the document's full text."""
    raw = _read_lines(spec)
    start, end = spec.body_lines
    lines = []
    for number in range(start, end + 1):
        if number in spec.drop_lines:
            continue
        text = normalise_text(raw[number - 1])
        if number == start and spec.strip_prefix:
            text = text.removeprefix(normalise_text(spec.strip_prefix))
        if text:
            lines.append(text)
    entries = _joined_paragraphs(lines)
    has_chapters = any(level == 1 for level, _text in entries)
    tags = {1: "h2", 2: "h3", 3: "h4", 4: "h4"} if has_chapters else {2: "h2", 3: "h3", 4: "h4"}
    blocks: list[tuple[str, object]] = []
    if spec.notice_lines:
        notice = [normalise_text(raw[n - 1]) for n in range(spec.notice_lines[0], spec.notice_lines[1] + 1)]
        notice_html = "".join(f"<p>{_escape(line)}</p>" for line in notice if line)
        blocks.append(("notice", {"tone": "info", "text": notice_html}))
    for level, text in entries:
        if level is None:
            blocks.append(("paragraph", f"<p>{_escape(text)}</p>"))
        else:
            blocks.append(("heading", {"text": text, "level": tags.get(level, "h4")}))
    return blocks


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
