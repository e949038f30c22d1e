"""The one analysis pipeline for indexing and querying (DESIGN §5, PITFALLS 1).

Every backend receives what this module makes of documents and queries, so Chinese behaves the same on
SQLite, PostgreSQL and Elasticsearch:

1. **folding** — NFKC (full-width → half-width), case folding, traditional → simplified (OpenCC ``t2s``);
2. **identifiers** — patent numbers (with or without ``ZL``/``CN``, dots, spaces, check digit) become their
   12 digits, 统一社会信用代码 its 18 characters, trademark registration numbers their digits; they are
   cut out of the text before segmentation so that pasting one finds its record first;
3. **segmentation** — jieba with the domain dictionary ``data/dictionary.txt``. A document is indexed under
   each word, every dictionary word inside it (地理标志 → 地理 / 标志), every dictionary word the cut runs
   through (跨 / 区域协作 → 跨区域) and each pair of neighbouring words joined (开放 / 许可 → 开放许可);
   a space between two Chinese characters (left over from a PDF) does not cut a word. A query is cut in
   precise mode: its words are its concepts, and its neighbouring words typed together its phrases;
4. **synonyms** — ``data/synonyms.txt`` folds abbreviations onto one canonical term on both sides
   (地标 → 地理标志, 专代 → 专利代理, 知产 → 知识产权), also inside a compound (知识产权示范企业 is
   indexed as 知识产权强企 too);
5. **stop words** — ``data/stopwords.txt``: question phrasing (如何, 哪些, 怎样 …) and function words;
6. **pinyin** — titles and names are also indexed as pinyin (each word, the whole name, its initials), and
   bodies under the initials of their words and pairs of two-character words (专利保护 → zlbh). A query
   typed in pinyin is read back into Chinese words from jieba's dictionary and the domain dictionary
   (``dili biaozhi`` → 地理标志; ``pixian douban`` and ``pixiandouban`` → 郫县 + 豆瓣); a domain term is then
   searched exactly as typed in Chinese, as are initials of one (``zscq`` → 知识产权). Other initials
   (``zlbh``) are read from the first documents holding them (:func:`read_initials`). The reading is the
   "did you mean".

Terms are lower-case runs of letters and digits only, so a backend may join them with spaces and quote
each one: nothing a user types can reach a full-text engine's query syntax.
"""

from __future__ import annotations

import html
import logging
import math
import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path

from .base import AnalysedDocument, AnalysedQuery, IndexDocument

DATA_DIR = Path(__file__).resolve().parent / "data"
MAX_QUERY_CHARS = 200  # longer input is cut: nobody types more, and it bounds the work per request
MAX_TERM_CHARS = 64
MAX_GROUPS = 12
PINYIN_CANDIDATES = 6

_lock = threading.Lock()
_tokenizer = None


# --- data files ------------------------------------------------------------------------------------


def _data_lines(name: str) -> list[str]:
    lines = []
    for raw in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


@cache
def stop_words() -> frozenset[str]:
    return frozenset(word for line in _data_lines("stopwords.txt") for word in line.split())


@cache
def domain_words() -> dict[str, int]:
    words = {}
    for line in _data_lines("dictionary.txt"):
        parts = line.split()
        words[fold(parts[0])] = int(parts[1]) if len(parts) > 1 else 2000
    return words


@cache
def synonym_table() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """``(variant → canonical, canonical → every surface form)``."""
    canonical_of: dict[str, str] = {}
    forms: dict[str, tuple[str, ...]] = {}
    for line in _data_lines("synonyms.txt"):
        words = [fold(w) for w in line.split()]
        canonical = words[0]
        forms[canonical] = tuple(dict.fromkeys(words))
        for variant in words[1:]:
            canonical_of[variant] = canonical
    return canonical_of, forms


def canonical(term: str) -> str:
    return synonym_table()[0].get(term, term)


def surface_forms(term: str) -> tuple[str, ...]:
    return synonym_table()[1].get(term, (term,))


def is_domain_term(word: str) -> bool:
    """Whether a word is of the domain vocabulary: ``data/dictionary.txt`` or a form in ``synonyms.txt``."""
    return word in domain_words() or word in synonym_table()[1] or word in synonym_table()[0]


# --- folding ---------------------------------------------------------------------------------------


@cache
def _t2s():
    from opencc import OpenCC

    converter = OpenCC("t2s")
    # OpenCC (pure Python) is slow; most text has no traditional character at all, so look first.
    dictionary = Path(__import__("opencc").__file__).resolve().parent / "dictionary"
    traditional = set()
    for name in ("TSCharacters.txt", "TSPhrases.txt"):
        for line in (dictionary / name).read_text(encoding="utf-8").splitlines():
            key = line.split("\t", 1)[0]
            traditional.update(key)
    return converter, frozenset(traditional)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028-\u202e\ufeff]")


def fold(text: str) -> str:
    """Full-width → half-width, lower case, traditional → simplified; control characters removed."""
    text = unicodedata.normalize("NFKC", _CONTROL.sub(" ", text or "")).casefold()
    converter, traditional = _t2s()
    if not traditional.isdisjoint(text):
        text = converter.convert(text)
    return text


@lru_cache(maxsize=16_384)
def fold_char(ch: str) -> str:
    """One character folded, kept one character long (for locating matches in original text). Remembered:
    a page of results folds some 7,500 characters for its snippets, most of them the same few hundred."""
    folded = fold(ch)
    return folded if len(folded) == 1 else ch.casefold()


# --- identifiers -----------------------------------------------------------------------------------

_PATENT_RE = re.compile(
    r"(?<![0-9a-z])(?:zl|cn)?\s?((?:19|20)\d{2})\s?([12389])\s?(\d{7})(?:\s?\.?\s?[0-9x])?(?![0-9])"
)
_CREDIT_RE = re.compile(r"(?<![0-9a-z])([0-9a-hj-np-rtuwxy]{18})(?![0-9a-z])")
_TRADEMARK_RE = re.compile(r"(?:注册号|商标号|第)\s?(\d{6,10})\s?号?")
#: A lead's reference (``HH-2026-000123``: the alliance's code, the year, a six-digit number), typed with or
#: without its hyphens; indexed as ``hh2026000123``.
_LEAD_REFERENCE_RE = re.compile(r"(?<![0-9a-z])([a-z]{2,8})\s?-?\s?((?:19|20)\d{2})\s?-?\s?(\d{6})(?![0-9])")


def extract_identifiers(folded: str) -> tuple[list[str], str]:
    """Normalised identifiers found in folded text, and the text with them blanked out."""
    from portal.identifiers import is_valid_credit_code

    found: list[str] = []

    def joined(match: re.Match) -> str:  # a patent number or lead reference: its parts as one term
        found.append("".join(match.groups()))
        return " "

    def credit(match: re.Match) -> str:
        code = match.group(1)
        if any(c.isalpha() for c in code) and is_valid_credit_code(code.upper()):
            found.append(code)
            return " "
        return match.group(0)

    text = _LEAD_REFERENCE_RE.sub(joined, folded)
    text = _PATENT_RE.sub(joined, text)
    text = _CREDIT_RE.sub(credit, text)
    for match in _TRADEMARK_RE.finditer(text):
        found.append(match.group(1))
    return found, text


def normalise_identifier(value: str) -> str | None:
    """A declared identifier (patent, credit code, trademark number) as its index term."""
    folded = re.sub(r"[\s\-]", "", fold(value))
    found, _ = extract_identifiers(folded)
    if found:
        return found[0]
    digits = folded.removeprefix("第").removesuffix("号")
    if digits.isdigit():
        return digits
    return _clean(folded) or None


# --- segmentation ----------------------------------------------------------------------------------


def tokenizer():
    """jieba's tokenizer with the domain dictionary, built once per process (thread-safe, silent)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                logging.getLogger("jieba").setLevel(logging.WARNING)
                jieba.setLogLevel(logging.WARNING)
                instance = jieba.Tokenizer()
                instance.initialize()
                words = dict(domain_words())
                for forms in synonym_table()[1].values():
                    # Every form of a synonym is cut whole (专代, 非正常专利申请, 行政执法与刑事司法衔接).
                    words.update((form, max(words.get(form, 0), 2000)) for form in forms)
                for word, freq in words.items():
                    # The parts of a compound become words too (知识产权强企 → 知识产权 + 强企), so that a
                    # document holding the compound is also indexed under each part.
                    for part in instance.cut(word):
                        if len(part) >= 2 and not instance.FREQ.get(part):
                            instance.add_word(part, 100)
                    instance.add_word(word, freq)
                _tokenizer = instance
    return _tokenizer


def _clean(token: str) -> str:
    return "".join(ch for ch in token if ch.isalnum())[:MAX_TERM_CHARS]


def _is_cjk(term: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in term)


def _sub_words(word: str) -> list[str]:
    """Dictionary words inside ``word`` (search mode at every length: 知识产权质押 → 知识产权, 质押 …)."""
    if len(word) <= 2 or not _is_cjk(word):
        return []
    freq = tokenizer().FREQ
    found = []
    for size in range(len(word) - 1, 1, -1):
        for start in range(len(word) - size + 1):
            piece = word[start : start + size]
            if freq.get(piece):
                found.append(piece)
    return found


def _parts_cost(parts: list[str], domain: dict[str, int]) -> tuple[int, int]:
    return len(parts), -sum(1 for p in parts if p in domain)


def fine_parts(word: str) -> list[str]:
    """``word`` split into dictionary words of two or more characters (地理标志 → 地理 + 标志), or
    ``[word]`` when it cannot be split without leaving single characters (黑名单, 证券化)."""
    if len(word) <= 3 or not _is_cjk(word):
        return [word]
    if len(word) <= 4 and (word in domain_words() or word in synonym_table()[1]):
        return [word]  # a domain word is indexed whole wherever it occurs
    freq = tokenizer().FREQ
    domain = domain_words()
    n = len(word)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for end in range(2, n + 1):
        for start in range(end - 1):
            piece = word[start:end]
            if best[start] is not None and freq.get(piece) and piece != word:
                candidate = [*best[start], piece]
                if best[end] is None or _parts_cost(candidate, domain) < _parts_cost(best[end], domain):
                    best[end] = candidate
    return best[n] or [word]


# Quotation marks and title brackets inside a phrase (“蓝天”专项, 《商标法》) do not end a word.
_QUOTES = re.compile("[\"'“”‘’「」『』《》〈〉]")
_CJK = "\u3400-\u9fff\uf900-\ufaff"
_CJK_GAP = re.compile(f"(?<=[{_CJK}])\\s+(?=[{_CJK}])")


def _tokens(text: str) -> list[tuple[int, int, str]]:
    """jieba's precise cut of ``text`` as ``(start, end, token)``, punctuation and spaces included."""
    spans, pos = [], 0
    for token in tokenizer().cut(text):
        spans.append((pos, pos + len(token), token))
        pos += len(token)
    return spans


def _compound_forms(token: str, term: str) -> list[str]:
    """The dictionary words inside a token, and the token with an abbreviation inside it spelt out.

    知识产权质押 → 知识产权, 质押 …; 质押贷款 (canonical 质押融资) → 质押融资's words and 贷款 too;
    知识产权示范企业 → also 知识产权强企, because 示范企业 is a form of 强企 (``synonyms.txt``)."""
    words = dict.fromkeys([*_sub_words(term), *(_sub_words(token) if token != term else ())])
    return [*(canonical(word) for word in words), *spelt_out(term)]


def spelt_out(word: str) -> list[str]:
    """``word`` with each abbreviation or variant inside it replaced by its canonical form
    (知识产权示范企业 → 知识产权强企, 川渝地区 → 成渝地区); nothing for a word that holds none."""
    variants = synonym_table()[0]
    return [
        word.replace(inner, variants[inner], 1)
        for inner in _sub_words(word)
        # 非正常专利 inside 非正常专利申请 is already spelt out
        if inner in variants and variants[inner] not in word
    ]


def _spanning_words(text: str, spans: list[tuple[int, int, str]]) -> list[str]:
    """Dictionary words of ``text`` that jieba's cut runs through, made of whole words.

    跨区域协作 is cut 跨 / 区域协作, so the word 跨区域 lies across a cut; it is kept because it is made
    of a whole token (跨) and a word at the start of the next one (区域). A word whose edge falls on a single
    character inside a token is a coincidence of neighbouring characters (推动产业 does not hold 动产) and
    is not kept."""
    if len(spans) < 2:
        return []
    freq = tokenizer().FREQ
    token_at = [0] * len(text)
    for index, (start, end, _token) in enumerate(spans):
        token_at[start:end] = [index] * (end - start)
    found = []
    for start, ends in tokenizer().get_DAG(text).items():
        first = token_at[start]
        head_end = spans[first][1]
        head = text[start:head_end]
        if start != spans[first][0] and (len(head) < 2 or not freq.get(head)):
            continue
        for last in ends:
            end = last + 1
            final = token_at[last]
            if final == first or end - start < 2:
                continue  # inside one token: a sub-word, already there
            tail_start = spans[final][0]
            tail = text[tail_start:end]
            if end != spans[final][1] and (len(tail) < 2 or not freq.get(tail)):
                continue
            found.append(text[start:end])
    return found


def segment(folded: str, *, search_mode: bool = True) -> list[str]:
    """Folded text → terms (letters and digits only), stop words dropped, synonyms canonical.

    Without ``search_mode`` (queries): jieba's precise cut, each word canonical. With it (indexing), so that
    a document is found by any word it holds and ranks by the phrases it holds:

    - each word, followed by every dictionary word inside it (知识产权质押融资 → 知识产权, 质押, 融资) and its
      spelt-out form when it holds an abbreviation (:func:`_compound_forms`);
    - dictionary words that the cut runs through (跨 / 区域协作 → 跨区域, :func:`_spanning_words`);
    - each pair of neighbouring words as one term (开放 / 许可 → 开放许可; stop words between them are
      skipped, punctuation ends a phrase), which a query's neighbouring words are matched against
      (``AnalysedQuery.phrases``).
    """
    stop = stop_words()
    text = _QUOTES.sub("", folded)
    if search_mode:
        # Chinese puts no space between words: one inside a sentence is a line break or layout left over
        # from a PDF (知识产 权, 非正常 专利申请), which would cut the word in two. A query keeps its spaces:
        # there they separate the concepts a user typed.
        text = _CJK_GAP.sub("", text)
    spans = _tokens(text)
    terms: list[str] = []
    previous: str | None = None
    for _start, _end, token in spans:
        term = _clean(token)
        if not term:
            previous = None  # punctuation or a space ends a phrase
            continue
        if term in stop:
            continue
        surface, term = term, canonical(term)
        terms.append(term)
        if not search_mode:
            continue
        terms.extend(t for t in _compound_forms(surface, term) if t not in stop)
        if previous is not None:
            terms.append((previous + term)[:MAX_TERM_CHARS])
        previous = term
    if search_mode:
        terms.extend(canonical(w) for w in _spanning_words(text, spans) if _is_cjk(w) and w not in stop)
    return terms


# --- pinyin ----------------------------------------------------------------------------------------


def _strip_tone(reading: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFD", reading) if not unicodedata.combining(c))
    return base.replace("ü", "v").lower()


@cache
def _syllable_chars() -> dict[str, frozenset[str]]:
    """Toneless syllable → the characters that can be read so."""
    from pypinyin.pinyin_dict import pinyin_dict

    table: dict[str, set[str]] = {}
    for codepoint, readings in pinyin_dict.items():
        ch = chr(codepoint)
        for reading in readings.split(","):
            table.setdefault(_strip_tone(reading), set()).add(ch)
    return {syllable: frozenset(chars) for syllable, chars in table.items()}


@cache
def _syllables() -> frozenset[str]:
    return frozenset(s for s in _syllable_chars() if s.isascii() and s.isalpha())


@cache
def _char_initials() -> dict[str, str]:
    """Character → the first letters of its readings (知 → z; 行 → hx)."""
    table: dict[str, set[str]] = {}
    for syllable, chars in _syllable_chars().items():
        if syllable.isascii() and syllable.isalpha():
            for ch in chars:
                table.setdefault(ch, set()).add(syllable[0])
    return {ch: "".join(sorted(letters)) for ch, letters in table.items()}


@cache
def _initial_letters() -> frozenset[str]:
    """The letters a syllable can start with: every letter but i, u and v."""
    return frozenset(syllable[0] for syllable in _syllables())


@cache
def _usual_initials() -> dict[str, str]:
    """Character → the first letter of its usual reading (pypinyin's first: 行 → x)."""
    from pypinyin.pinyin_dict import pinyin_dict

    return {chr(cp): _strip_tone(readings.split(",", 1)[0])[:1] for cp, readings in pinyin_dict.items()}


@cache
def _phrase_initials() -> dict[str, str]:
    """Word of pypinyin's phrase table → the first letters of its reading there (银行 → yh, 重庆 → cq)."""
    from pypinyin.phrases_dict import phrases_dict

    return {
        word: "".join(_strip_tone(readings[0])[:1] for readings in known)
        for word, known in phrases_dict.items()
        if len(known) == len(word)
    }


def word_initials(word: str) -> str | None:
    """The first letters of a word's reading, as pypinyin reads it: the longest words of its phrase table
    from the left (银行业务 → 银行 + 业务 → yhyw; a heteronym is read as in its word), else each character's
    usual reading. ``None`` when a character has none."""
    phrases, usual = _phrase_initials(), _usual_initials()
    letters, start, n = [], 0, len(word)
    while start < n:
        for end in range(n, start + 1, -1):
            known = phrases.get(word[start:end])
            if known:
                letters.append(known)
                start = end
                break
        else:
            letter = usual.get(word[start])
            if not letter:
                return None
            letters.append(letter)
            start += 1
    key = "".join(letters)
    return key if key.isascii() and key.isalpha() else None


@cache
def _words_by_initials() -> dict[str, tuple[str, ...]]:
    """jieba's dictionary and the domain words (two to eight Chinese characters), by the first letters of
    their reading (:func:`word_initials`: 知识产权 → zscq), commonest first; built on the first pinyin
    query. Full pinyin is looked up through its syllables' first letters, initials directly."""
    freq = tokenizer().FREQ
    index: dict[str, list[str]] = {}
    words = sorted((w for w, count in freq.items() if count > 0 and 2 <= len(w) <= 8), key=lambda w: -freq[w])
    for word in words:
        key = word_initials(word)
        if key and len(key) == len(word):
            index.setdefault(key, []).append(word)
    return {key: tuple(words) for key, words in index.items()}


def split_syllables(text: str, limit: int = 8) -> list[list[str]]:
    """Ways of reading ``text`` (ASCII letters) as a sequence of pinyin syllables, longest syllables first
    (at most ``limit``). Only positions from which the rest can be read are tried, so a string that cannot
    be read costs no more than one that can."""
    if not (text.isascii() and text.isalpha()) or len(text) > 40:
        return []
    syllables = _syllables()
    n = len(text)
    ends = [[j for j in range(min(n, i + 6), i, -1) if text[i:j] in syllables] for i in range(n)]
    finishes = [False] * n + [True]
    for i in range(n - 1, -1, -1):
        finishes[i] = any(finishes[j] for j in ends[i])
    results: list[list[str]] = []

    def walk(start: int, acc: list[str]) -> None:
        if len(results) >= limit:
            return
        if start == n:
            results.append(list(acc))
            return
        for end in ends[start]:
            if finishes[end]:
                acc.append(text[start:end])
                walk(end, acc)
                acc.pop()

    if finishes[0]:
        walk(0, [])
    return results


@lru_cache(maxsize=4096)
def _pinyin_scored(text: str) -> tuple[tuple[str, int], ...]:
    """Dictionary words read ``text`` (two syllables or more) with their frequency, commonest first."""
    chars = _syllable_chars()
    freq = tokenizer().FREQ
    found: dict[str, int] = {}
    for syllables in split_syllables(text):
        if len(syllables) < 2:
            continue
        key = "".join(s[0] for s in syllables)
        for word in _words_by_initials().get(key, ()):
            if len(word) == len(syllables) and all(
                c in chars.get(s, frozenset()) for c, s in zip(word, syllables, strict=True)
            ):
                found[word] = freq[word]
    return tuple(sorted(found.items(), key=lambda item: -item[1]))


def pinyin_words(text: str, limit: int = PINYIN_CANDIDATES) -> list[str]:
    """Chinese words whose reading is ``text`` (``dili`` → 地理 …), domain words first, then by frequency."""
    domain = domain_words()
    ranked = sorted(_pinyin_scored(text), key=lambda item: (item[0] not in domain, -item[1]))
    return [canonical(word) for word, _freq in ranked[:limit]]


#: The longest piece of run-together pinyin read as one word (eight syllables of three letters).
MAX_WORD_LETTERS = 24


def pinyin_run(text: str) -> list[tuple[str, list[str]]]:
    """Full pinyin typed without spaces, read as consecutive Chinese words: ``[(piece, readings)]``.

    A text that reads as one word stays whole (``zhishichanquan`` → 知识产权). Otherwise it is cut where
    the most probable sequence of dictionary words lies — each word's probability its frequency in jieba's
    dictionary, as jieba cuts Chinese — so ``pixiandouban`` reads like ``pixian douban`` (郫县 + 豆瓣). Every
    piece must be a word of two syllables or more: a single syllable is too ambiguous to read. ``[]`` when
    the text cannot be read (an English word such as ``patent``)."""
    whole = pinyin_words(text)
    if whole:
        return [(text, whole)]
    n = len(text)
    if not split_syllables(text, limit=1):
        return []
    total = math.log(tokenizer().total)
    best: list[tuple[float, list[str]] | None] = [None] * (n + 1)
    best[0] = (0.0, [])
    for end in range(2, n + 1):
        for start in range(max(0, end - MAX_WORD_LETTERS), end - 1):
            if best[start] is None:
                continue
            scored = _pinyin_scored(text[start:end])
            if not scored:
                continue
            score = best[start][0] + math.log(scored[0][1]) - total
            if best[end] is None or score > best[end][0]:
                best[end] = (score, [*best[start][1], text[start:end]])
    if best[n] is None:
        return []
    return [(piece, pinyin_words(piece)) for piece in best[n][1]]


#: Initials typed in a query are read back into words from this many letters on. Two letters are hopeless:
#: jieba's dictionary holds some 330 words per pair of initials (zl: 专利, 这里, 主任, 战略, 资料 …) and the
#: commonest has a fifth of their frequency. Three letters still average some 20 words (zzq: 著作权, 自治区,
#: 自主权 …), so three are read only into the domain vocabulary (gzj → 国知局, zzq → 著作权) or, in the
#: results, into a title's words (a title is indexed under its initials, :func:`pinyin_terms`); from four
#: on (about two words per key, one usually alone) documents are also indexed under them.
MIN_INITIALS = 3
#: Documents are indexed under the initials of the words of this many characters that they hold (集成电路
#: → jcdl, 银行业务 → yhyw), and of two neighbouring words of four characters (专利 / 保护 → zlbh).
INDEXED_INITIALS = (4, 8)


def looks_like_initials(text: str) -> bool:
    """Whether ASCII letters can be the initials of a Chinese term (no i, u or v, three to eight letters)."""
    return (
        MIN_INITIALS <= len(text) <= INDEXED_INITIALS[1]
        and text.isascii()
        and text.isalpha()
        and set(text) <= _initial_letters()
    )


def initials_words(letters: str, limit: int = PINYIN_CANDIDATES) -> list[str]:
    """Domain words and abbreviations whose initials are ``letters`` (``zscq`` → 知识产权, ``gzj`` →
    国家知识产权局 through 国知局), canonical, commonest first. Other dictionary words are not read: the
    index's own initials terms find them, and which of them is meant shows in the results
    (:func:`dominant_reading`)."""
    words = [w for w in _words_by_initials().get(letters, ()) if is_domain_term(w)]
    return list(dict.fromkeys(canonical(w) for w in words))[:limit]


@lru_cache(maxsize=65536)
def term_initials(term: str) -> str | None:
    """The initials a term is indexed under (专利保护 → zlbh, 银行业务 → yhyw: :func:`word_initials`), or
    ``None`` for a term outside :data:`INDEXED_INITIALS` or not all Chinese."""
    low, high = INDEXED_INITIALS
    if not low <= len(term) <= high or not all(_is_cjk(ch) for ch in term):
        return None
    letters = word_initials(term)
    return letters if letters and len(letters) == len(term) else None


def initials_terms(terms: Iterable[str]) -> list[str]:
    """The initials that a document holding ``terms`` is indexed under, once each: those of a dictionary
    word of :data:`INDEXED_INITIALS` characters and of two neighbouring words of four characters, the
    commonest shape of a term abbreviated (专利保护, 信用档案). Not those of a domain word, which a query
    reads through the dictionary (:func:`initials_words`), nor of longer runs of words, which nobody
    abbreviates."""
    freq = tokenizer().FREQ
    found = []
    for term in dict.fromkeys(terms):
        if (len(term) == 4 or freq.get(term)) and not is_domain_term(term):
            letters = term_initials(term)
            if letters:
                found.append(letters)
    return list(dict.fromkeys(found))


def _term_like(text: str) -> bool:
    """Whether a run of characters is a dictionary word or a sequence of them (专利保护), not a chance
    run across words (利保护中)."""
    jieba = tokenizer()
    return bool(jieba.FREQ.get(text)) or all(len(token) >= 2 for token in jieba.cut(text, HMM=False))


def dominant_reading(letters: str, texts: Iterable[str]) -> str | None:
    """The Chinese term that initials stand for in these texts (the results of the query, one text each):
    the one found in at least half of them and in twice as many as any other, or ``None`` when no reading
    clearly dominates."""
    texts = list(texts)
    table = _char_initials()
    n = len(letters)
    counts: dict[str, int] = {}
    for text in texts:
        folded = fold(text)
        found = set()
        for start in range(len(folded) - n + 1):
            if letters[0] in table.get(folded[start], "") and all(
                letters[k] in table.get(folded[start + k], "") for k in range(1, n)
            ):
                found.add(folded[start : start + n])
        for window in found:
            if _term_like(window):
                counts[window] = counts.get(window, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    if not ranked or ranked[0][1] * 2 < len(texts) or (len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]):
        return None
    return canonical(ranked[0][0])


def pinyin_terms(name: str) -> list[str]:
    """Pinyin index terms of a name or title: each word's reading, the whole reading, and the initials."""
    from pypinyin import Style, lazy_pinyin

    folded = fold(name)
    terms: list[str] = []
    words = [w for w in tokenizer().cut(folded) if _is_cjk(w)][:30]
    readings = [lazy_pinyin(word, errors="ignore", v_to_u=False) for word in words]
    terms.extend("".join(r) for r in readings)
    # Runs of up to four neighbouring words, read whole and as initials (郫县豆瓣 → pixiandouban, pxdb).
    for start in range(len(words)):
        for end in range(start + 1, min(len(words), start + 4) + 1):
            run = [syllable for r in readings[start:end] for syllable in r]
            if end - start > 1:
                terms.append("".join(run))
            if len(run) > 1:
                terms.append("".join(s[:1] for s in run))
    cjk = "".join(words)
    if len(words) > 4:
        terms.append("".join(lazy_pinyin(cjk, style=Style.FIRST_LETTER, errors="ignore")))
    return [t for t in (_clean(t) for t in terms) if t]


# --- documents -------------------------------------------------------------------------------------


def is_identifier_term(term: str) -> bool:
    """Whether an index term is an identifier (patent, credit code, trademark number) rather than a word."""
    return len(term) >= 6 and any(c.isdigit() for c in term) and term.isascii()


#: English words ending in -s that are no plurals, or whose singular would be another word (news → new).
NOT_PLURAL = frozenset(
    {
        "always", "atlas", "bias", "canvas", "does", "economics", "ethics", "goes", "hers", "lens",
        "mathematics", "means", "news", "ours", "perhaps", "physics", "politics", "series", "species",
        "statistics", "theirs", "this", "whereas", "yours",
    }
)  # fmt: skip


def english_singular(word: str) -> str | None:
    """The singular of an English plural — courts → court, agencies → agency, cases → case — by Harman's
    three rules for -ies, -es and -s (1991): enough for what editors write in English and visitors type,
    and the same on both sides. ``None`` for anything else: shorter than four letters, not ASCII letters
    (pinyin has no syllable ending in s, initials are not passed here), ending in -ss, -us or -is
    (process, status, analysis), or in :data:`NOT_PLURAL`."""
    if len(word) < 4 or not (word.isascii() and word.isalpha()) or word in NOT_PLURAL:
        return None
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
        return word[:-1]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return None


def _with_singulars(terms: list[str]) -> list[str]:
    """``terms`` and, after them, the singular of each English plural among them (see
    :func:`english_singular`): a document saying "courts" is found by "court" too."""
    return [*terms, *(singular for term in terms if (singular := english_singular(term)))]


def analyse_text(text: str) -> tuple[list[str], list[str]]:
    """Free text → (terms, identifiers)."""
    identifiers, rest = extract_identifiers(fold(text))
    return segment(rest), identifiers


def analyse_document(document: IndexDocument) -> AnalysedDocument:
    title_terms, title_ids = analyse_text(" ".join(t for t in (document.title, document.title_en) if t))
    body_terms, body_ids = analyse_text(" ".join(t for t in (document.body, document.body_en) if t))
    extra: list[str] = []
    for name in dict.fromkeys((document.title, *document.names)):
        extra.extend(pinyin_terms(name))
    if document.names:
        for name in document.names:
            extra.extend(segment(fold(name)))
    identifiers = [normalise_identifier(value) for value in document.identifiers]
    extra.extend(dict.fromkeys(i for i in (*identifiers, *title_ids, *body_ids) if i))
    return AnalysedDocument(
        document=document,
        title_terms=tuple(_with_singulars(title_terms)),
        # a title's initials are indexed with its pinyin, a body's with its words (专利保护 → zlbh)
        body_terms=(*_with_singulars(body_terms), *initials_terms(body_terms)),
        extra_terms=tuple(extra),
    )


# --- queries ---------------------------------------------------------------------------------------


#: A run of at most this many words typed together names one thing (开放许可, 区块链 融资's 区块链, 知识产权
#: 质押贷款); a longer run is a sentence, whose neighbouring words may or may not belong together.
SHORT_RUN = 3


def _phrase(joined: str) -> tuple[str, ...]:
    """The terms under which a document holding neighbouring query words side by side is indexed: the
    words joined (a pair of neighbouring words in :func:`segment`, or one word where the document's cut
    kept them whole) and that word's canonical form (地理标志保护产品 → 地理标志产品)."""
    joined = joined[:MAX_TERM_CHARS]
    return tuple(dict.fromkeys((joined, canonical(joined))))


def _neighbour_phrases(pieces: list[list[str]]) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """The phrases of what a user typed as ``pieces`` (its words, split where the user typed a space):
    ``(phrases, proximity)``.

    - *phrases*, which documents should hold to rank first: neighbouring words of a short run typed together
      (开放 许可 → 开放许可), and two to four neighbouring words the dictionary knows as one, even across a
      space (地标 保护 产品 → 地理标志保护产品);
    - *proximity*, which only add to the score: neighbouring words of a longer run (a sentence).

    A space the user typed separates concepts (电商平台 侵权), so words on either side of it are no phrase
    unless the dictionary says so.
    """
    phrases: list[tuple[str, ...]] = []
    proximity: list[tuple[str, ...]] = []
    words = [(word, number) for number, piece in enumerate(pieces) for word in piece]
    for end in range(1, len(words)):
        for size in range(2, min(4, end + 1) + 1):
            window = words[end - size + 1 : end + 1]
            joined = "".join(word for word, _ in window)
            piece = window[0][1]
            if tokenizer().FREQ.get(joined) or joined in synonym_table()[0]:
                phrases.append(_phrase(joined))
            elif size == 2 and window[-1][1] == piece:
                (phrases if len(pieces[piece]) <= SHORT_RUN else proximity).append(_phrase(joined))
    return phrases, proximity


def _reading(
    chunk: str, pieces: list[tuple[str, list[str]]]
) -> tuple[list[tuple[str, ...]], tuple[str, ...] | None]:
    """The groups and the phrase of ASCII ``chunk`` read as consecutive Chinese words: ``pieces`` are
    ``(pinyin, readings)``, commonest reading first (``pixiandouban`` → ``pixian``: 郫县, 邳县 …; ``douban``:
    豆瓣).

    A piece read as a domain word (知识产权, 专利导航) is searched exactly as that word typed in Chinese:
    through its parts (知识产权保护 → 知识产权 + 保护), its neighbours side by side as the phrase. Any other
    piece may be a name that the dictionary reads as a homophone, so its group also holds its other
    readings and what was typed, the chunk and the piece, under which a name's pinyin and a term's initials
    are indexed: ``chunk or piece or other reading or (part and part …)``, written as one group per part of
    the first reading, each holding the single terms."""
    groups: list[tuple[str, ...]] = []
    tops: list[str] = []
    unsure = False
    for piece, readings in pieces:
        top, others = readings[0], readings[1:]
        if top in stop_words():
            continue  # question phrasing typed in pinyin (ruhe banli → 如何办理), dropped as in Chinese
        tops.append(top)
        alternatives: tuple[str, ...] = ()
        if not is_domain_term(top):
            unsure = True
            alternatives = (chunk, piece, *others)
        for part in dict.fromkeys(canonical(part) for part in fine_parts(top)):
            groups.append(tuple(dict.fromkeys((*alternatives[:2], part, *alternatives[2:]))))
    joined = "".join(tops)
    phrase = None
    if len(groups) > len(tops) or len(tops) > 1:
        typed = (chunk,) if unsure else ()
        phrase = tuple(dict.fromkeys((*typed, *_phrase(joined), *spelt_out(joined))))
    return groups, phrase


def analyse_query(text: str, *, initials_read: dict[str, str] | None = None) -> AnalysedQuery:
    """What a user typed → the query's concepts (see :class:`~search.base.AnalysedQuery`).

    ``initials_read`` gives the Chinese term that initials typed stand for when the dictionary cannot say
    (``zlbh`` → 专利保护, read from the results by :func:`read_initials`)."""
    raw = (text or "")[: MAX_QUERY_CHARS * 4]
    folded = fold(raw)[:MAX_QUERY_CHARS]
    identifiers, rest = extract_identifiers(folded)
    groups: list[tuple[str, ...]] = [(identifier,) for identifier in dict.fromkeys(identifiers)]
    concepts: list[tuple[tuple[str, ...], ...]] = [(group,) for group in groups]
    highlight: list[str] = list(identifiers)
    suggestion_parts: list[str] = []
    phrases: list[tuple[str, ...]] = []
    proximity: list[tuple[str, ...]] = []
    pinyin_input = False
    unread: list[str] = []  # initials that the dictionary does not read: only the results can

    def add_reading(chunk: str, pieces: list[tuple[str, list[str]]]) -> None:
        nonlocal pinyin_input
        pinyin_input = True
        chunk_groups, phrase = _reading(chunk, pieces)
        groups.extend(chunk_groups)
        concepts.append(tuple(chunk_groups))
        if phrase:
            phrases.append(phrase)
        suggestion_parts.extend(readings[0] for _piece, readings in pieces)
        highlight.extend(f for _piece, readings in pieces for w in readings for f in surface_forms(w))

    chunks = re.findall(r"[a-z]+|[^a-z]+", rest)
    ascii_run = [c.strip() for c in rest.split() if c.strip()]
    whole = "".join(ascii_run)
    # A query made only of pinyin: first try reading it all as one word (dili biaozhi → 地理标志).
    if ascii_run and all(c.isascii() and c.isalpha() for c in ascii_run) and len(ascii_run) > 1:
        readings = [w for w in pinyin_words(whole) if is_domain_term(w)]
        if readings:
            add_reading(whole, [(whole, readings)])
            chunks = []

    for chunk in chunks:
        if chunk.isascii() and chunk.isalpha() and canonical(chunk) == chunk:  # wipo is a word, not pinyin
            highlight.append(chunk)
            # Full pinyin, one word or several typed together (zhishichanquan, pixiandouban) …
            run = pinyin_run(chunk)
            if run:
                add_reading(chunk, run)
            elif looks_like_initials(chunk):
                # … or initials (zscq → 知识产权), searched as the domain word they stand for typed in
                # Chinese (the initials themselves would also find a title's other words with the same
                # initials: zzq → 自治区). Other words (zlbh) are found by the initials of the terms
                # documents are indexed under, and read from the results (read_initials); they keep the
                # initials, which may be an English word that documents hold as such.
                if initials_read and chunk in initials_read:
                    add_reading(chunk, [(chunk, [initials_read[chunk]])])
                elif readings := initials_words(chunk):
                    add_reading(chunk, [(chunk, readings)])
                else:
                    unread.append(chunk)
                    suggestion_parts.append(chunk)
                    groups.append((chunk,))
                    concepts.append(((chunk,),))
            else:
                # An English word: its plural or singular (courts, court) either way.
                word = tuple(_with_singulars([chunk]))
                suggestion_parts.append(chunk)
                groups.append(word)
                concepts.append((word,))
                highlight.extend(word[1:])
            continue
        pieces = [segment(piece, search_mode=False) for piece in chunk.split()]
        for term in (word for words in pieces for word in words):
            # A compound is required through its parts, which every document holding it is indexed
            # under whatever its context, and documents holding it whole rank first.
            parts = [canonical(part) for part in fine_parts(term)]
            groups.extend((part,) for part in parts)
            concepts.append(tuple((part,) for part in dict.fromkeys(parts)))
            if len(parts) > 1:
                phrases.append(tuple(dict.fromkeys((term, *spelt_out(term)))))
            suggestion_parts.append(term)
            highlight.extend(surface_forms(term))
        typed, near = _neighbour_phrases(pieces)
        phrases.extend(typed)
        proximity.extend(near)
    groups = list(dict.fromkeys(g for g in groups if g))[:MAX_GROUPS]
    # a concept whose groups were cut off by MAX_GROUPS is not searched for
    concepts = [c for c in dict.fromkeys(concepts) if c and all(g in groups for g in c)]
    suggestion = "".join(suggestion_parts) if pinyin_input and not unread else None
    return AnalysedQuery(
        text=raw,
        groups=tuple(groups),
        highlight=tuple(dict.fromkeys(h for h in highlight if h)),
        identifiers=tuple(dict.fromkeys(identifiers)),
        suggestion=suggestion,
        phrases=tuple(dict.fromkeys(phrases))[:MAX_GROUPS],
        proximity=tuple(dict.fromkeys(p for p in proximity if p not in phrases))[:MAX_GROUPS],
        concepts=tuple(concepts),
        initials=tuple(dict.fromkeys(unread)),
    )


#: How many of the first results :func:`read_initials` reads (the first page).
READING_HITS = 10


def read_initials(query: AnalysedQuery, texts: Iterable[str]) -> AnalysedQuery:
    """``query`` with the initials that the dictionary could not read (``query.initials``: zlbh) read from
    ``texts``, the title and body of its first results (:data:`READING_HITS`), which the backend fetched
    for it: when one Chinese term clearly dominates them (:func:`dominant_reading`), the query is analysed
    again with the initials standing for it — searched like the Chinese and still by the initials typed, and
    offered as the "did you mean". Otherwise ``query`` itself."""
    if not query.initials:
        return query
    texts = list(texts)
    read = {letters: dominant_reading(letters, texts) for letters in query.initials}
    if not all(read.values()):
        return query
    return analyse_query(query.text, initials_read=read)


def refine_suggestion(query: AnalysedQuery, texts: Iterable[str]) -> str | None:
    """The "did you mean" for pinyin input, chosen among each group's Chinese readings by what the
    results actually contain (``jinxiang`` → 金乡 when the hits mention 金乡, not the commoner 进项).
    ``None`` when they miss a word of the query (the reading of ``hanfeng`` in 汉风重工 is no dictionary
    word): half a reading would mislead."""
    if not query.suggestion:
        return None
    haystack = fold(" ".join(texts))
    parts = []
    for group in query.groups:
        chinese = [t for t in group if _is_cjk(t)]
        if not chinese:
            continue
        present = [t for t in chinese if any(f in haystack for f in surface_forms(t))]
        if not present:
            return None
        parts.append(present[0])
    return "".join(parts) or None


# --- snippets --------------------------------------------------------------------------------------


def snippet(text: str, forms: Iterable[str], *, length: int = 120) -> str:
    """HTML-escaped excerpt of ``text`` around the first match, with ``<mark>`` around every match of
    ``forms`` (folded comparison, so 地理標誌 in a document is marked for 地理标志)."""
    text = _CONTROL.sub(" ", text or "")
    folded = "".join(fold_char(ch) for ch in text)
    needles = sorted({f for f in forms if f and (len(f) > 1 or _is_cjk(f))}, key=len, reverse=True)
    spans: list[tuple[int, int]] = []
    if needles:
        pattern = re.compile("|".join(re.escape(n) for n in needles))
        for match in pattern.finditer(folded):
            spans.append(match.span())
    start = max(0, spans[0][0] - length // 4) if spans else 0
    end = min(len(text), start + length)
    out = ["…" if start > 0 else ""]
    cursor = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        if s < cursor:
            continue
        out.append(html.escape(text[cursor:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        cursor = e
    out.append(html.escape(text[cursor:end]))
    if end < len(text):
        out.append("…")
    return "".join(out)
