"""Pinyin as people type it in a search box (search/analysis.py): full pinyin run together
(pixiandouban), on every backend (``search_backend`` fixture)."""

import time

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


def test_reading_syllables_costs_nothing_for_a_string_that_cannot_be_read():
    # every "na" is na or n + a: without remembering which positions lead nowhere, 2^19 ways were tried
    started = time.perf_counter()
    assert analysis.split_syllables("na" * 19 + "x") == []
    assert time.perf_counter() - started < 0.2
    assert {("xian",), ("xi", "an")} <= {tuple(s) for s in analysis.split_syllables("xian")}


# --- what is not pinyin -----------------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["patent", "data", "bank", "design", "online"])
def test_an_english_word_is_searched_as_typed(word):
    query = analysis.analyse_query(word)
    assert query.groups == ((word,),)
    assert query.suggestion is None


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
