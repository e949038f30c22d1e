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
6. **pinyin** — titles and names are also indexed as pinyin (each word, the whole name, its initials), and a
   query typed in pinyin is read back into Chinese words from jieba's dictionary and the domain dictionary
   (``dili biaozhi`` → 地理标志; ``pixian douban`` → 郫县 + 豆瓣), which also gives the "did you mean".

Terms are lower-case runs of letters and digits only, so a backend may join them with spaces and quote
each one: nothing a user types can reach a full-text engine's query syntax.
"""

from __future__ import annotations

import html
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import cache
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


def fold_char(ch: str) -> str:
    """One character folded, kept one character long (for locating matches in original text)."""
    folded = fold(ch)
    return folded if len(folded) == 1 else ch.casefold()


# --- identifiers -----------------------------------------------------------------------------------

_PATENT_RE = re.compile(
    r"(?<![0-9a-z])(?:zl|cn)?\s?((?:19|20)\d{2})\s?([12389])\s?(\d{7})(?:\s?\.?\s?[0-9x])?(?![0-9])"
)
_CREDIT_RE = re.compile(r"(?<![0-9a-z])([0-9a-hj-np-rtuwxy]{18})(?![0-9a-z])")
_TRADEMARK_RE = re.compile(r"(?:注册号|商标号|第)\s?(\d{6,10})\s?号?")


def extract_identifiers(folded: str) -> tuple[list[str], str]:
    """Normalised identifiers found in folded text, and the text with them blanked out."""
    from portal.identifiers import is_valid_credit_code

    found: list[str] = []

    def patent(match: re.Match) -> str:
        found.append("".join(match.groups()))
        return " "

    def credit(match: re.Match) -> str:
        code = match.group(1)
        if any(c.isalpha() for c in code) and is_valid_credit_code(code.upper()):
            found.append(code)
            return " "
        return match.group(0)

    text = _PATENT_RE.sub(patent, folded)
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
def _words_by_first_char() -> dict[str, list[tuple[str, int]]]:
    """jieba's dictionary and the domain words, grouped by first character (built on first pinyin query)."""
    jieba = tokenizer()
    index: dict[str, list[tuple[str, int]]] = {}
    for word, freq in jieba.FREQ.items():
        if freq > 0 and 2 <= len(word) <= 8 and _is_cjk(word):
            index.setdefault(word[0], []).append((word, freq))
    return index


def split_syllables(text: str) -> list[list[str]]:
    """Every way of reading ``text`` (ASCII letters) as a sequence of pinyin syllables (at most a few)."""
    syllables = _syllables()
    results: list[list[str]] = []

    def walk(start: int, acc: list[str]) -> None:
        if len(results) >= 8:
            return
        if start == len(text):
            results.append(list(acc))
            return
        for end in range(min(len(text), start + 6), start, -1):
            piece = text[start:end]
            if piece in syllables:
                acc.append(piece)
                walk(end, acc)
                acc.pop()

    if text.isascii() and text.isalpha() and len(text) <= 40:
        walk(0, [])
    return results


def pinyin_words(text: str, limit: int = PINYIN_CANDIDATES) -> list[str]:
    """Chinese words whose reading is ``text`` (``dili`` → 地理 …), domain words first, then by frequency."""
    chars = _syllable_chars()
    domain = domain_words()
    scored: dict[str, float] = {}
    for syllables in split_syllables(text):
        if len(syllables) < 2:
            continue
        first = chars.get(syllables[0], frozenset())
        for ch in first:
            for word, freq in _words_by_first_char().get(ch, ()):
                if len(word) == len(syllables) and all(
                    c in chars.get(s, frozenset()) for c, s in zip(word, syllables, strict=True)
                ):
                    boost = 1_000_000 if word in domain else 0
                    scored[word] = max(scored.get(word, 0), freq + boost)
    ranked = sorted(scored, key=lambda w: -scored[w])
    return [canonical(w) for w in ranked[:limit]]


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


def analyse_text(text: str) -> tuple[list[str], list[str]]:
    """Free text → (terms, identifiers)."""
    identifiers, rest = extract_identifiers(fold(text))
    return segment(rest), identifiers


def analyse_document(document: IndexDocument) -> AnalysedDocument:
    title_terms, title_ids = analyse_text(document.title)
    body_terms, body_ids = analyse_text(document.body)
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
        title_terms=tuple(title_terms),
        body_terms=tuple(body_terms),
        extra_terms=tuple(extra),
    )


# --- queries ---------------------------------------------------------------------------------------


def _pinyin_group(chunk: str) -> tuple[tuple[str, ...], list[str]]:
    words = pinyin_words(chunk)
    return tuple(dict.fromkeys((chunk, *words))), words


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


def analyse_query(text: str) -> AnalysedQuery:
    """What a user typed → the query's concepts (see :class:`~search.base.AnalysedQuery`)."""
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

    chunks = re.findall(r"[a-z]+|[^a-z]+", rest)
    ascii_run = [c.strip() for c in rest.split() if c.strip()]
    whole = "".join(ascii_run)
    # A query made only of pinyin: first try reading it all as one word (dili biaozhi → 地理标志).
    if ascii_run and all(c.isascii() and c.isalpha() for c in ascii_run) and len(ascii_run) > 1:
        readings = [w for w in pinyin_words(whole) if w in domain_words() or w in synonym_table()[1]]
        if readings:
            groups.append(tuple(dict.fromkeys((whole, *readings))))
            concepts.append((groups[-1],))
            highlight.extend(f for w in readings for f in surface_forms(w))
            suggestion_parts.append(readings[0])
            pinyin_input = True
            chunks = []

    for chunk in chunks:
        if chunk.isascii() and chunk.isalpha() and canonical(chunk) == chunk:  # wipo is a word, not pinyin
            group, readings = _pinyin_group(chunk)
            if readings:
                pinyin_input = True
                suggestion_parts.append(readings[0])
                highlight.extend(f for w in readings for f in surface_forms(w))
            else:
                suggestion_parts.append(chunk)
            groups.append(group)
            concepts.append((group,))
            highlight.append(chunk)
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
    suggestion = "".join(suggestion_parts) if pinyin_input else None
    return AnalysedQuery(
        text=raw,
        groups=tuple(groups),
        highlight=tuple(dict.fromkeys(h for h in highlight if h)),
        identifiers=tuple(dict.fromkeys(identifiers)),
        suggestion=suggestion,
        phrases=tuple(dict.fromkeys(phrases))[:MAX_GROUPS],
        proximity=tuple(dict.fromkeys(p for p in proximity if p not in phrases))[:MAX_GROUPS],
        concepts=tuple(concepts),
    )


def refine_suggestion(query: AnalysedQuery, texts: Iterable[str]) -> str | None:
    """The "did you mean" for pinyin input, chosen among each group's Chinese readings by what the
    results actually contain (``jinxiang`` → 金乡 when the hits mention 金乡, not the commoner 进项)."""
    if not query.suggestion:
        return None
    haystack = fold(" ".join(texts))
    parts = []
    for group in query.groups:
        chinese = [t for t in group if _is_cjk(t)]
        if not chinese:
            continue
        present = [t for t in chinese if any(f in haystack for f in surface_forms(t))]
        if present:
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
