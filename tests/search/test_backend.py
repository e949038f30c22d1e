"""The backend-neutral suite: every backend behaves the same on these (``search_backend`` fixture)."""

from datetime import date

import pytest

from search.base import PUBLIC, IndexDocument, SearchQuery

pytestmark = pytest.mark.django_db


def document(key, title, body, *, access=(PUBLIC,), kind="news", facets=None, when=None, **kwargs):
    return IndexDocument(
        key=key,
        kind=kind,
        title=title,
        body=body,
        url=f"/{key}/",
        access=access,
        date=when,
        facets=facets or {},
        **kwargs,
    )


CORPUS = [
    document("n:1", "产品审批流程上线", "企业反映产品审批流程已经上线运行。", facets={"city": ("徐州市",)}),
    document("n:2", "郫县豆瓣地理标志保护", "郫县豆瓣是地理标志保护产品。", facets={"city": ("成都市",)}),
    document("n:3", "质押融资新政", "开展知识产权质押融资风险补偿。", facets={"city": ("徐州市",)}),
    document(
        "p:1",
        "一种起重机臂架结构",
        "发明专利，专利号ZL201910123456.X，专利权人所在地徐州。",
        kind="patent",
    ),
    document("s:1", "机密线索", "地理标志 假冒 仓库", access=("agency:99",), kind="lead"),
]


@pytest.fixture
def loaded(search_backend):
    search_backend.index(CORPUS)
    return search_backend


def keys(results):
    return [h.key for h in results.hits]


def test_two_character_word_from_the_middle_of_a_sentence_is_found(loaded):
    assert keys(loaded.search(SearchQuery(text="审批"))) == ["n:1"]


def test_abbreviation_traditional_and_pinyin_find_the_same_document(loaded):
    for text in ("地标", "地理標誌", "dili biaozhi", "pixian douban", "pxdb"):
        assert "n:2" in keys(loaded.search(SearchQuery(text=text))), text


def test_identifier_finds_its_record_first(loaded):
    for text in ("ZL201910123456.X", "201910123456", "2019 1 0123456"):
        assert keys(loaded.search(SearchQuery(text=text)))[:1] == ["p:1"], text


def test_identifier_typed_with_words_finds_only_its_record_and_the_words_when_it_matches_none(
    search_backend,
):
    search_backend.index(
        [
            document("brand", "汉风", "“汉风”注册商标，商标注册号第14885868号。", kind="key_brand"),
            *(
                document(f"other:{i}", f"商标{i}", f"商标注册号第{30000000 + i}号。", kind="key_brand")
                for i in range(3)
            ),
        ]
    )
    found = search_backend.search(SearchQuery(text="注册号14885868"))
    assert (keys(found), found.total) == (["brand"], 1)
    # A mistyped number matches nothing: what else holds 注册号 is better than an empty page.
    assert search_backend.search(SearchQuery(text="注册号14885869")).total == 4


def test_title_match_ranks_above_body_match(search_backend):
    search_backend.index(
        [
            document("a", "年度工作总结", "其中提到专利导航工作。"),
            document("b", "专利导航服务指南", "服务内容介绍。"),
        ]
    )
    assert keys(search_backend.search(SearchQuery(text="专利导航")))[0] == "b"


def test_hidden_documents_are_not_found_counted_or_faceted(loaded):
    public = loaded.search(SearchQuery(text="地理标志", facets=("kind",)))
    assert "s:1" not in keys(public)
    assert public.total == 1
    assert ("lead", 1) not in public.facets["kind"]
    insider = loaded.search(
        SearchQuery(text="地理标志", access=frozenset({PUBLIC, "agency:99"}), facets=("kind",))
    )
    assert "s:1" in keys(insider)
    assert insider.total == 2
    assert ("lead", 1) in insider.facets["kind"]


def test_facet_counts_and_filters(loaded):
    results = loaded.search(SearchQuery(text="产品", facets=("city",)))
    assert dict(results.facets["city"]) == {"徐州市": 1, "成都市": 1}
    filtered = loaded.search(SearchQuery(text="产品", filters={"city": ("成都市",)}, facets=("city",)))
    assert keys(filtered) == ["n:2"]
    assert filtered.total == 1


def test_snippets_mark_the_matched_words(loaded):
    hit = loaded.search(SearchQuery(text="审批")).hits[0]
    assert "<mark>审批</mark>" in hit.snippet


def test_a_word_far_into_a_long_document_is_shown_and_marked_in_its_snippet(search_backend):
    opening = "为深入实施知识产权强国建设纲要，现就有关事项通知如下。" * 200  # about 5,400 characters
    search_backend.index(
        [document("p:long", "成都市知识产权保护规划", opening + "支持郫县豆瓣等地理标志产品发展。")]
    )
    hit = search_backend.search(SearchQuery(text="豆瓣")).hits[0]
    assert "<mark>豆瓣</mark>" in hit.snippet
    assert hit.snippet.startswith("…")


def test_pagination(search_backend):
    search_backend.index(
        [document(f"k:{i}", f"商标通知{i}", "商标", when=date(2024, 1, i + 1)) for i in range(25)]
    )
    first = search_backend.search(SearchQuery(text="商标", per_page=10))
    third = search_backend.search(SearchQuery(text="商标", per_page=10, page=3))
    assert first.total == 25
    assert len(first.hits) == 10
    assert len(third.hits) == 5
    assert not set(keys(first)) & set(keys(third))


def test_reindex_replaces_and_delete_removes(loaded):
    loaded.index([document("n:1", "产品备案", "改为备案。")])
    assert keys(loaded.search(SearchQuery(text="审批"))) == []
    loaded.delete(["n:2"])
    assert "n:2" not in keys(loaded.search(SearchQuery(text="郫县豆瓣")))
    loaded.clear()
    assert loaded.search(SearchQuery(text="备案")).total == 0


def test_autocomplete_respects_access(loaded):
    assert "机密线索" not in loaded.autocomplete("机密", frozenset({PUBLIC}))
    assert "机密线索" in loaded.autocomplete("机密", frozenset({PUBLIC, "agency:99"}))
    assert "郫县豆瓣地理标志保护" in loaded.autocomplete("郫县", frozenset({PUBLIC}))


BAD_INPUT = [
    "",
    "   ",
    "a" * 10_000,
    '"',
    "*",
    "NEAR",
    "OR",
    ":",
    "' OR 1=1 --",
    "😀",
    "\x00\x1f",
    "地理 OR 1",
    "NEAR(a b)",
]


@pytest.mark.parametrize("text", BAD_INPUT)
def test_bad_input_gives_results_or_nothing_never_an_error(loaded, text):
    results = loaded.search(SearchQuery(text=text, facets=("kind",)))
    assert results.total >= 0
    assert all(h.key != "s:1" for h in results.hits)
    assert isinstance(loaded.autocomplete(text, frozenset({PUBLIC})), list)


def test_an_english_word_finds_its_plural_and_its_singular(search_backend):
    search_backend.index(
        [
            document("a:1", "成渝合作", "互认调解结果。", body_en="Courts recognise mediation outcomes."),
            document("a:2", "淮海联盟", "法院协作。", body_en="Each court and agency shares cases."),
            document("n:1", "新闻", "新闻发布。", body_en="Latest news of the alliance."),
        ]
    )

    def found(text):
        return sorted(keys(search_backend.search(SearchQuery(text=text, english=True))))

    assert found("court") == ["a:1", "a:2"]
    assert found("courts") == ["a:1", "a:2"]
    assert found("mediation outcome") == ["a:1"]
    assert found("agencies") == ["a:2"]
    assert found("case") == ["a:2"]
    assert found("new") == []  # news is no plural of new
    (hit,) = search_backend.search(SearchQuery(text="outcome", english=True)).hits
    assert "<mark>outcome</mark>s" in hit.snippet


def test_english_text_is_found_and_shown_on_the_english_pages_only(search_backend):
    search_backend.index(
        [
            document(
                "a:1",
                "成渝地区双城经济圈知识产权保护合作",
                "成都、重庆及德阳、眉山、资阳互认调解结果。",
                kind="alliance",
                title_en="Chengdu-Chongqing IP Protection Cooperation",
                body_en="Member cities recognise each other's mediation outcomes.",
            ),
            document("n:9", "调解工作会议", "各市通报调解结果。"),
        ]
    )
    english = search_backend.search(SearchQuery(text="Mediation", english=True))
    assert keys(english) == ["a:1"]
    (hit,) = english.hits
    assert hit.title == "Chengdu-Chongqing IP Protection Cooperation"
    assert "<mark>mediation</mark>" in hit.snippet.lower()
    (chinese,) = search_backend.search(SearchQuery(text="mediation")).hits
    assert (chinese.title, "调解" in chinese.snippet) == ("成渝地区双城经济圈知识产权保护合作", True)
    # a document without English keeps its Chinese on the English pages
    assert search_backend.autocomplete("chengdu", frozenset({PUBLIC}), english=True) == [
        "Chengdu-Chongqing IP Protection Cooperation"
    ]
    assert search_backend.autocomplete("chengdu", frozenset({PUBLIC})) == [
        "成渝地区双城经济圈知识产权保护合作"
    ]
    hits = search_backend.search(SearchQuery(text="调解工作", english=True)).hits
    assert [h.title for h in hits if h.key == "n:9"] == ["调解工作会议"]
