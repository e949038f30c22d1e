"""Pinyin as people type it in a search box (search/analysis.py): initials of terms (zscq, zlbh) and full
pinyin run together (pixiandouban), on every backend (``search_backend`` fixture)."""

import pytest

from search import analysis
from search.base import PUBLIC, IndexDocument, SearchQuery


def doc(key="t:1", title="", body="", access=(PUBLIC,)):
    return IndexDocument(key=key, kind="news", title=title, body=body, url=f"/{key}/", access=access)


def same_search(typed: str, chinese: str) -> bool:
    """Whether ``typed`` is searched exactly as ``chinese``: the same concepts, groups and phrases."""
    a, b = analysis.analyse_query(typed), analysis.analyse_query(chinese)
    return (a.groups, a.concepts, a.phrases) == (b.groups, b.concepts, b.phrases)


# --- full pinyin run together -------------------------------------------------------------------------------


def test_run_together_pinyin_is_cut_where_the_dictionary_reads_words():
    def tops(text):
        return [(piece, readings[0]) for piece, readings in analysis.pinyin_run(text)]

    assert tops("pixiandouban") == [("pixian", "郫县"), ("douban", "豆瓣")]
    assert tops("zhuanlishenqingliucheng") == [("zhuanlishenqing", "专利申请"), ("liucheng", "流程")]
    assert tops("zhishichanquan") == [("zhishichanquan", "知识产权")]  # one word stays whole
    assert analysis.pinyin_run("patent") == []  # not pinyin
    assert analysis.pinyin_run("banana") == []  # pinyin syllables, but no words of two or more


def test_run_together_pinyin_is_searched_like_the_words_typed_apart():
    together = analysis.analyse_query("pixiandouban")
    apart = analysis.analyse_query("pixian douban")
    assert len(together.groups) == len(apart.groups) == 2
    for joined, spaced in zip(together.groups, apart.groups, strict=True):
        assert set(spaced) <= set(joined)  # each word is required, read or as typed …
        assert "pixiandouban" in joined  # … or the whole, as a name's pinyin is indexed
    assert ("pixiandouban", "郫县豆瓣") in together.phrases  # typed together: side by side ranks first
    assert together.suggestion == "郫县豆瓣"


@pytest.mark.parametrize(
    ("typed", "chinese"),
    [
        ("zhishichanquanbaohu", "知识产权保护"),
        ("dilibiaozhichanpin", "地理标志产品"),
        ("huaihaijingjiqu", "淮海经济区"),
        ("dili biaozhi", "地理标志"),
        ("ruhebanlizhuanlishenqing", "如何办理专利申请"),  # question phrasing dropped as in Chinese
    ],
)
def test_pinyin_of_a_domain_term_is_searched_exactly_as_the_chinese(typed, chinese):
    assert same_search(typed, chinese)


class CountingSyllables(frozenset):
    """The syllable table, counting the look-ups made in it."""

    lookups = 0

    def __contains__(self, item):
        type(self).lookups += 1
        return super().__contains__(item)


def test_reading_syllables_costs_nothing_for_a_string_that_cannot_be_read(monkeypatch):
    # every "na" is na or n + a: without remembering which positions lead nowhere, 2^19 ways were tried
    table = CountingSyllables(analysis._syllables())
    monkeypatch.setattr(analysis, "_syllables", lambda: table)
    text = "na" * 19 + "x"
    assert analysis.split_syllables(text) == []
    assert CountingSyllables.lookups <= 6 * len(text)  # each position tries each syllable length once
    assert {("xian",), ("xi", "an")} <= {tuple(s) for s in analysis.split_syllables("xian")}


# --- initials -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "chinese"),
    [
        ("zscq", "知识产权"),
        ("dlbz", "地理标志"),
        ("xyda", "信用档案"),
        ("zlxk", "专利许可"),
        ("gzj", "国知局"),
    ],
)
def test_initials_of_a_domain_term_are_searched_as_the_term(typed, chinese):
    assert same_search(typed, chinese)
    assert analysis.analyse_query(typed).suggestion == analysis.canonical(chinese)


def test_two_letters_are_never_read_and_three_only_into_the_domain_vocabulary():
    assert analysis.analyse_query("zl").groups == (("zl",),)  # 专利, 这里, 主任, 战略, 资料 …
    assert analysis.analyse_query("zl").initials == ()
    assert analysis.analyse_query("zzq").groups == (("著作权",),)  # not 自治区, not 自主权
    # 商标法 is no domain word: documents holding the initials decide (a title is indexed under them)
    assert analysis.analyse_query("sbf").initials == ("sbf",)


@pytest.mark.parametrize("word", ["patent", "data", "bank", "design", "online"])
def test_an_english_word_is_searched_as_typed(word):
    query = analysis.analyse_query(word)
    assert query.groups == ((word,),)
    assert query.suggestion is None


def test_a_document_is_indexed_under_the_initials_of_its_words_and_word_pairs():
    terms = analysis.analyse_document(doc(body="加强专利保护，严格专利保护，发展集成电路产业")).body_terms
    assert {"zlbh", "jcdl"} <= set(terms)  # two words side by side; one dictionary word
    assert not {"zl", "bh", "jc"} & set(terms)  # two letters: hopelessly ambiguous
    assert "fzjcdl" not in terms  # nobody abbreviates a run of words
    assert terms.count("zlbh") == 1  # once per document: they only find documents, the words rank them
    # a domain word is read through the dictionary instead (keeps the index small)
    assert "zscq" not in analysis.analyse_document(doc(body="保护知识产权")).body_terms


def test_a_heteronym_is_read_as_in_its_word():
    assert analysis.term_initials("银行业务") == "yhyw"  # 行: hang, not xing
    assert analysis.term_initials("重庆火锅") == "cqhg"  # 重: chong, not zhong


def test_initials_are_read_as_the_term_that_dominates_the_results():
    texts = ["加强专利保护", "严格专利保护制度", "专利保护中心", "开展质量保护工作"]
    assert analysis.dominant_reading("zlbh", texts) == "专利保护"
    # neither dominates
    assert analysis.dominant_reading("zlbh", ["加强专利保护", "开展质量保护工作"]) is None
    assert analysis.dominant_reading("zlbh", ["专利保护", "无关", "无关", "无关"]) is None  # too few hold it
    # 利保护中 lies across words (专利 / 保护 / 中心): a chance run of characters, not a reading
    assert analysis.dominant_reading("lbhz", ["专利保护中心"] * 3) is None


# --- on every backend ---------------------------------------------------------------------------------------


CORPUS = [
    doc("together", "严格知识产权执法", "加强专利保护，打击侵权假冒。"),
    doc("apart", "专利工作要点", "提升专利质量，做好商标品牌保护。"),
    doc("chips", "产业规划", "发展集成电路产业。"),
    doc("sauce", "川菜调味品", "郫县豆瓣是川菜之魂。"),
    doc("english", "Open data", "An open data portal for patent information."),
    doc("minutes", "会议纪要", "会议听取了工作汇报。"),
]


def keys(results):
    return [hit.key for hit in results.hits]


@pytest.fixture
def loaded(search_backend):
    search_backend.index(CORPUS)
    return search_backend


def test_initials_find_what_they_stand_for_as_the_chinese_would(loaded):
    results = loaded.search(SearchQuery(text="zlbh"))
    # read from the document holding them as 专利保护, then searched as 专利保护: the words side by side
    # first, then apart
    assert keys(results) == ["together", "apart"]
    assert results.suggestion == "专利保护"
    assert "<mark>专利保护</mark>" in results.hits[0].snippet
    chips = loaded.search(SearchQuery(text="jcdl"))
    assert (keys(chips), chips.suggestion) == (["chips"], "集成电路")


def test_three_letters_are_read_from_a_title_holding_them(search_backend):
    search_backend.index(
        [
            doc("rules", "商标法实施条例解读", "条例共十章。"),  # a title is indexed under its initials
            doc("case", "侵权案件通报", "依据商标法第五十七条作出处罚。"),
        ]
    )
    results = search_backend.search(SearchQuery(text="sbf"))
    assert (sorted(keys(results)), results.suggestion) == (["case", "rules"], "商标法")


def test_run_together_pinyin_finds_a_name_held_only_in_the_body(loaded):
    results = loaded.search(SearchQuery(text="pixiandouban"))
    assert keys(results) == ["sauce"]
    assert results.suggestion == "郫县豆瓣"


def test_english_words_still_find_the_documents_holding_them(loaded):
    for word in ("data", "patent", "portal"):
        results = loaded.search(SearchQuery(text=word))
        assert (keys(results), results.suggestion) == (["english"], None), word


def test_no_half_reading_is_offered(search_backend):
    # 汉风 is no dictionary word: "did you mean 重工" would mislead; the name's pinyin still finds it
    search_backend.index([doc("brand", "汉风重工", "徐州汉风重工有限公司，生产起重机械。")])
    results = search_backend.search(SearchQuery(text="hanfengzhonggong"))
    assert (keys(results), results.suggestion) == (["brand"], None)


def test_an_english_word_that_spells_initials_still_finds_the_documents_holding_it(search_backend):
    # 莱昂纳多 is read lai ang na duo: its documents make it the reading of "land", which still finds "land"
    search_backend.index(
        [
            doc("english", "Land use", "Land use planning."),
            doc("painter", "", "莱昂纳多的画作。"),
            doc("life", "", "莱昂纳多生平。"),
        ]
    )
    results = search_backend.search(SearchQuery(text="land"))
    assert results.suggestion == "莱昂纳多"  # what most documents holding the initials hold …
    assert "english" in keys(results)  # … but the word typed is still searched as typed


def test_no_reading_is_offered_when_none_dominates(search_backend):
    search_backend.index([doc("patent", "", "加强专利保护。"), doc("quality", "", "开展质量保护工作。")])
    results = search_backend.search(SearchQuery(text="zlbh"))
    assert sorted(keys(results)) == ["patent", "quality"]
    assert results.suggestion is None


def test_initials_are_read_only_from_documents_the_asker_may_see(search_backend):
    hidden = ("agency:7",)
    search_backend.index(
        [
            doc("public", "", "加强专利保护。"),
            doc("lead:1", "", "开展质量保护工作。", access=hidden),
            doc("lead:2", "", "质量保护不力。", access=hidden),
        ]
    )
    public = search_backend.search(SearchQuery(text="zlbh"))
    assert (keys(public), public.suggestion) == (["public"], "专利保护")
    insider = search_backend.search(SearchQuery(text="zlbh", access=frozenset({PUBLIC, *hidden})))
    assert insider.suggestion == "质量保护"
