"""The Elasticsearch backend through the requests it builds (no server can run on these machines), and
against a real Elasticsearch 8 server when ``ELASTICSEARCH_URL`` is set (marker ``elasticsearch``).

The request bodies come from the real pipeline (``search.analysis``): a query typed with an abbreviation
must reach Elasticsearch as the canonical concept, the access keys must sit in ``filter`` so that totals
and facets are computed after permission filtering, and no user input may ever land in a
``query_string`` (whose syntax — ``"``, ``*``, ``OR``, ``:`` — would turn text into operators).
"""

import json
import os
import uuid
from datetime import date

import pytest

from search.analysis import READING_HITS, analyse_document, analyse_query, read_initials
from search.backends import elasticsearch as es
from search.base import PUBLIC, AnalysedQuery, IndexDocument, SearchQuery, agency_key
from tests.conftest import require

OFFICER_KEYS = frozenset({PUBLIC, agency_key(7)})


def document(key="news:1", **overrides) -> IndexDocument:
    fields = {
        "key": key,
        "kind": "news",
        "title": "川渝地理标志产品联合保护行动启动",
        "body": "成都市与重庆市市场监管部门签署协议,对郫县豆瓣等地理标志产品开展线索通报和联合执法。",
        "url": "/news/chuanyu-gi/",
        "access": (PUBLIC,),
        "date": date(2025, 3, 18),
        "names": ("郫县豆瓣",),
        "identifiers": (),
        "facets": {"city": ("成都", "重庆"), "alliance": ("CY",), "ip_type": ("地理标志",)},
    }
    fields.update(overrides)
    return IndexDocument(**fields)


def body_for(text: str, **query_fields) -> dict:
    query = SearchQuery(text=text, **query_fields)
    return es.search_body(query, analyse_query(query.text))


def walk(node, path=()):
    """Every (path, key, value) in a nested request body."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield path, key, value
            yield from walk(value, (*path, key))
    elif isinstance(node, list):
        for item in node:
            yield from walk(item, path)


# --- the index: mapping and analysis settings --------------------------------------------------------------


@pytest.fixture
def index_body():
    return es.index_body(es.search_index("ipp-test"))


def test_analysed_terms_are_split_on_spaces_only_and_lower_cased(index_body):
    analyzer = index_body["settings"]["analysis"]["analyzer"]["ipp_terms"]
    assert analyzer == {"type": "custom", "tokenizer": "whitespace", "filter": ["lowercase"]}
    properties = index_body["mappings"]["properties"]
    for field in ("title_terms", "body_terms", "extra_terms"):
        assert properties[field] == {"type": "text", "analyzer": "ipp_terms"}


def test_original_title_and_body_are_kept_for_highlighting(index_body):
    properties = index_body["mappings"]["properties"]
    for field in ("title", "body"):
        assert properties[field]["type"] == "text"
        assert properties[field]["analyzer"] == "cjk"  # bigrams: the highlighter finds 审批 in 产品审批流程
        assert properties[field]["index_options"] == "offsets"


def test_access_kind_identifiers_and_every_facet_are_keywords(index_body):
    properties = index_body["mappings"]["properties"]
    for field in ("key", "kind", "access", "identifiers", "names"):
        assert properties[field]["type"] == "keyword"
    facets = properties["facets"]["properties"]
    for facet in ("alliance", "city", "ip_type", "list_kind", "agency_type", "credit_grade", "year"):
        assert facets[facet]["type"] == "keyword"
    assert properties["date"] == {"type": "date"}
    # facets that later searchable types declare become keywords too, and nothing else is guessed
    template = index_body["mappings"]["dynamic_templates"][0]["facet_keywords"]
    assert template["path_match"] == "facets.*"
    assert template["mapping"]["type"] == "keyword"
    assert index_body["mappings"]["dynamic"] == "strict"


def test_shards_and_replicas_come_from_settings(settings):
    settings.ELASTICSEARCH_SHARDS = 3
    settings.ELASTICSEARCH_REPLICAS = 2
    settings.ELASTICSEARCH_INDEX = "portal-prod"
    index = es.search_index()
    body = es.index_body(index)
    assert index._name == "portal-prod"
    assert body["settings"]["number_of_shards"] == 3
    assert body["settings"]["number_of_replicas"] == 2
    default = es.index_body(es.search_index("x", shards=1, replicas=0))["settings"]
    assert (default["number_of_shards"], default["number_of_replicas"]) == (1, 0)


# --- the query ----------------------------------------------------------------------------------------------


def test_chinese_query_with_an_abbreviation_searches_the_canonical_concept():
    analysed = analyse_query("川渝地标保护")
    body = es.search_body(SearchQuery(text="川渝地标保护"), analysed)
    query = body["query"]["bool"]
    must = query["must"]
    assert len(must) == len(analysed.groups) >= 2  # one clause per concept: all concepts required
    searched = {value for _, key, value in walk(must) if key == "query"}
    ranked = {value for _, key, value in walk(query.get("should", [])) if key == "query"}
    # 川渝 → 成渝, 地标 → 地理标志 (search/data/synonyms.txt): the abbreviations never reach the index
    assert "成渝" in searched
    assert "地理标志" in searched | ranked
    assert not {"川渝", "地标"} & (searched | ranked)
    assert {term for phrase in analysed.phrases for term in phrase} <= ranked
    for _, key, value in walk(query):
        if key == "fields":
            assert value == ["title_terms^3", "body_terms", "extra_terms"]


def test_phrases_rank_documents_holding_them_first_without_being_required():
    analysed = AnalysedQuery(text="开放许可", groups=(("开放",), ("许可",)), phrases=(("开放许可",),))
    query = es.search_body(SearchQuery(text=analysed.text), analysed)["query"]["bool"]
    assert [c["multi_match"]["query"] for c in query["must"]] == ["开放", "许可"]
    whole = next(c["constant_score"] for c in query["should"] if "constant_score" in c)
    assert whole["filter"]["multi_match"]["query"] == "开放许可"
    assert whole["boost"] == es.PHRASE_BOOST  # holding the phrase outranks any BM25 difference
    scored = [c["multi_match"]["query"] for c in query["should"] if "multi_match" in c]
    assert scored == ["开放许可"]  # and it adds its own BM25
    assert "minimum_should_match" not in query  # with ``must`` present, ``should`` only adds score


def test_a_document_must_hold_every_phrase_for_the_phrase_step_and_proximity_only_scores():
    analysed = AnalysedQuery(
        text="知识产权质押融资风险补偿",
        groups=(("知识产权",), ("质押融资",), ("风险补偿",)),
        phrases=(("知识产权质押融资",), ("质押融资风险补偿",)),
        proximity=(("风险补偿机制",),),
    )
    query = es.search_body(SearchQuery(text=analysed.text), analysed)["query"]["bool"]
    (whole,) = [c["constant_score"] for c in query["should"] if "constant_score" in c]
    held = [c["multi_match"]["query"] for c in whole["filter"]["bool"]["must"]]
    assert held == ["知识产权质押融资", "质押融资风险补偿"]
    scored = [c["multi_match"]["query"] for c in query["should"] if "multi_match" in c]
    assert scored == ["知识产权质押融资", "质押融资风险补偿", "风险补偿机制"]


def test_access_keys_and_facet_filters_are_filters_not_scored_clauses():
    body = body_for("地理标志", access=OFFICER_KEYS, filters={"city": ("成都",), "kind": ("news", "lead")})
    query = body["query"]["bool"]
    assert {"terms": {"access": ["agency:7", "public"]}} in query["filter"]
    assert {"terms": {"facets.city": ["成都"]}} in query["filter"]
    assert {"terms": {"kind": ["lead", "news"]}} in query["filter"]
    assert "access" not in json.dumps(query["must"])
    assert "post_filter" not in body  # facet counts are taken after the access filter, never before


def test_aggregations_only_for_requested_facets():
    body = body_for("地理标志", facets=("city", "kind", "year"))
    assert body["aggs"] == {
        "city": {"terms": {"field": "facets.city", "size": es.FACET_VALUES}},
        "kind": {"terms": {"field": "kind", "size": es.FACET_VALUES}},
        "year": {"terms": {"field": "facets.year", "size": es.FACET_VALUES}},
    }
    assert "aggs" not in body_for("地理标志")


def test_unknown_facet_filter_accepts_nothing_and_an_empty_one_is_no_filter():
    body = body_for("地理标志", filters={"city;drop table": ("成都",), "alliance": ()})
    assert body["query"]["bool"]["filter"] == [{"terms": {"access": ["public"]}}, {"match_none": {}}]
    assert "drop table" not in json.dumps(body, ensure_ascii=False)


def test_relaxed_query_accepts_any_concept_but_ranks_documents_holding_more_first():
    analysed = AnalysedQuery(text="郫县豆瓣 质押融资", groups=(("郫县",), ("豆瓣",), ("质押融资",)))
    body = es.search_body(SearchQuery(text=analysed.text), analysed, strict=False)
    query = body["query"]["bool"]
    (any_concept,) = query["must"]
    assert any_concept["bool"]["minimum_should_match"] == 1
    assert len(any_concept["bool"]["should"]) == 3
    steps = [c["constant_score"] for c in query["should"] if "constant_score" in c]
    assert [s["boost"] for s in steps[:3]] == [es.CONCEPT_BOOST] * 3  # one step per concept held
    assert query["filter"] == [{"terms": {"access": ["public"]}}]


def test_relaxed_query_counts_telling_concepts_and_weighs_groups_by_rarity():
    # 哪些机构提供知识产权仲裁服务: 知识产权 is in most documents and tells nothing; 仲裁 is rare.
    analysed = analyse_query("知识产权仲裁")
    assert list(analysed.concept_groups()) == [(("知识产权",),), (("仲裁",),)]
    body = es.search_body(
        SearchQuery(text=analysed.text), analysed, strict=False, idf=([0.3, 3.4], [0.3, 3.4])
    )
    steps = [c["constant_score"] for c in body["query"]["bool"]["should"] if "constant_score" in c]
    counted = [s["filter"]["multi_match"]["query"] for s in steps if s["boost"] == es.CONCEPT_BOOST]
    assert counted == ["仲裁"]
    rarity = {
        s["filter"]["multi_match"]["query"]: s["boost"]
        for s in steps
        if es.PHRASE_BOOST < s["boost"] < es.CONCEPT_BOOST
    }
    assert rarity == {"知识产权": 0.3 * es.RARITY_BOOST, "仲裁": 3.4 * es.RARITY_BOOST}


def test_concept_and_group_frequencies_come_from_one_multi_search():
    analysed = analyse_query("地理标志运用促进工程 侵权")
    lines = es.statistics_body(analysed)
    headers, bodies = lines[0::2], lines[1::2]
    assert headers == [{}] * len(bodies)
    assert all(b["size"] == 0 and b["track_total_hits"] is True for b in bodies)
    assert bodies[0]["query"] == {"match_all": {}}
    concepts = analysed.concept_groups()
    assert len(bodies) == 1 + len(concepts) + len(analysed.groups)
    compound = bodies[1]["query"]["bool"]["must"]  # the compound is one concept: all its parts
    assert len(compound) == len(concepts[0]) > 1
    totals = [100, *([10] * len(concepts)), *([50] * len(analysed.groups))]
    concept_idf, group_idf = es.inverse_frequencies(totals, analysed)
    assert concept_idf == [2.3] * len(concepts)
    assert group_idf == [0.7] * len(analysed.groups)


def test_highlight_marks_the_typed_words_in_the_original_body():
    body = body_for("地标保护")
    highlight = body["highlight"]
    assert (highlight["pre_tags"], highlight["post_tags"], highlight["encoder"]) == (
        ["<mark>"],
        ["</mark>"],
        "html",
    )
    field = highlight["fields"]["body"]
    assert field["number_of_fragments"] == 1
    assert field["no_match_size"] > 0  # a snippet even when only the title matched
    phrases = {value["body"] for _, key, value in walk(field["highlight_query"]) if key == "match_phrase"}
    assert "保护" in phrases
    assert phrases & {"地标", "地理标志"}
    assert "highlight" not in body_for("地标保护", highlight=False)


def test_the_body_comes_back_only_where_pinyin_is_read_from_the_results():
    assert "body" in body_for("地理标志")["_source"]["excludes"]  # the snippet is the highlighted fragment
    for text in ("jinxiang", "zlbh"):  # "did you mean" reads the title and body, as on the database
        assert "body" not in body_for(text)["_source"]["excludes"]


def test_page_three_asks_for_results_21_to_30_ranked_by_score_then_recency():
    body = body_for("知识产权保护", page=3, per_page=10)
    assert (body["from"], body["size"]) == (20, 10)
    assert body["track_total_hits"] == 2_000  # "2,000+" beyond, as on the database backend
    assert body["sort"] == [{"_score": {"order": "desc"}}, {"date": {"order": "desc", "missing": "_last"}}]


def test_a_page_beyond_the_result_window_asks_for_no_hits_instead_of_failing():
    body = body_for("知识产权", page=5000, per_page=10)
    assert (body["from"], body["size"]) == (0, 0)
    body = body_for("知识产权", page=-3, per_page=100_000)
    assert (body["from"], body["size"]) == (0, es.MAX_PER_PAGE)


def test_a_pasted_patent_number_is_an_exact_identifier_match_with_a_boost():
    analysed = analyse_query("ZL 2020 1 0123456.7")
    assert analysed.identifiers
    body = es.search_body(SearchQuery(text=analysed.text), analysed)
    clauses = body["query"]["bool"]["should"] or body["query"]["bool"]["must"]
    boost = next(c["terms"] for c in clauses if "terms" in c and "identifiers" in c["terms"])
    assert boost["identifiers"] == sorted(set(analysed.identifiers))
    assert boost["boost"] == es.IDENTIFIER_BOOST


HOSTILE = [
    '"知识产权" OR 1=1',
    "地理* AND title:保护",
    "NEAR(专利 商标) -侵权 +假冒 ~2 ^3 \\ / [a TO z] {x} (y)",
    "'; DROP TABLE search_entry; --",
    "🙂💥 地理标志 🇨🇳",
    "\x00\x1b控制字符\u202e",
    "知识产权保护" * 1667,  # 10,002 characters
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_user_input_only_reaches_match_and_term_queries(text):
    analysed = analyse_query(text)
    body = es.search_body(SearchQuery(text=text, facets=("kind",)), analysed)
    keys = {key for _, key, _ in walk(body)}
    assert not keys & {"query_string", "simple_query_string", "regexp", "wildcard", "script", "prefix"}
    # every clause that carries user words is one whose value is plain text
    for path, key, _ in walk(body["query"]):
        if key == "query":
            assert path[-1] == "multi_match"
    encoded = json.dumps(body, ensure_ascii=False)
    assert len(encoded) < 20_000  # bounded however long the input
    assert len(body["query"]["bool"]["must"]) <= es.MAX_GROUPS


def test_autocomplete_request_filters_by_the_askers_access_keys():
    body = es.autocomplete_body("郫县豆", OFFICER_KEYS, 8)
    query = body["query"]["bool"]
    assert query["filter"] == [{"terms": {"access": ["agency:7", "public"]}}]
    match = query["must"][0]["multi_match"]
    assert match["type"] == "bool_prefix"  # the last word may be unfinished
    assert match["query"].split()[0] == "郫县"
    assert match["fields"] == ["title_terms^3", "extra_terms"]
    assert body["_source"] == ["title", "title_en"]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_autocomplete_input_is_plain_text(text):
    body = es.autocomplete_body(text, OFFICER_KEYS, 8)
    keys = {key for _, key, _ in walk(body)}
    assert not keys & {"query_string", "simple_query_string", "regexp", "wildcard", "script"}
    assert len(json.dumps(body, ensure_ascii=False)) < 5_000


# --- writes: bulk actions ---------------------------------------------------------------------------------


def test_bulk_index_actions_carry_the_analysed_terms_and_the_original_text():
    docs = [
        document(),
        document(
            "lead:42",
            kind="lead",
            title="疑似假冒注册商标线索",
            body="徐州某公司销售假冒商标产品,商标注册号第12345678号。",
            access=(agency_key(7), agency_key(9)),
            date=None,
            names=(),
            identifiers=("12345678",),
            facets={"alliance": ("HH",)},
        ),
    ]
    analysed = [analyse_document(d) for d in docs]
    actions = list(es.index_actions(analysed, "ipp-test"))
    assert [(a["_op_type"], a["_index"], a["_id"]) for a in actions] == [
        ("index", "ipp-test", "news:1"),
        ("index", "ipp-test", "lead:42"),
    ]
    news, lead = (a["_source"] for a in actions)
    assert news["title"] == docs[0].title
    assert news["body"] == docs[0].body
    assert news["title_terms"] == " ".join(analysed[0].title_terms)
    assert news["body_terms"] == " ".join(analysed[0].body_terms)
    assert news["extra_terms"] == " ".join(analysed[0].extra_terms)
    assert "地理标志" in news["title_terms"].split()
    assert news["access"] == [PUBLIC]
    assert news["date"] == "2025-03-18"
    assert news["facets"] == {
        "city": ["成都", "重庆"],
        "alliance": ["CY"],
        "ip_type": ["地理标志"],
    }
    assert news["names"] == ["郫县豆瓣"]
    assert lead["access"] == ["agency:7", "agency:9"]
    assert "date" not in lead  # no date: sorted last
    assert lead["identifiers"] == ["12345678"]
    assert lead["facets"] == {"alliance": ["HH"]}
    assert lead["kind"] == "lead"
    json.dumps(actions, ensure_ascii=False)  # what helpers.bulk sends must serialise as is


def test_delete_actions_name_each_key():
    actions = list(es.delete_actions(["news:1", "lead:42"], "ipp-test"))
    assert actions == [
        {"_op_type": "delete", "_index": "ipp-test", "_id": "news:1"},
        {"_op_type": "delete", "_index": "ipp-test", "_id": "lead:42"},
    ]


# --- the second pass, through a stand-in client -------------------------------------------------------------


class Response(dict):
    """What the client returns: a mapping with ``.body``."""

    @property
    def body(self):
        return self


class RecordingClient:
    """Answers ``search`` with no hits and ``msearch`` with fixed counts, and records the requests."""

    def __init__(self, counts):
        self.counts = counts
        self.calls = []

    def search(self, index, body):
        self.calls.append(("search", body))
        return Response(hits={"total": {"value": 0}, "hits": []})

    def msearch(self, index, searches):
        self.calls.append(("msearch", searches))
        return Response(responses=[{"hits": {"total": {"value": n}, "hits": []}} for n in self.counts])


def test_the_second_pass_weighs_concepts_by_the_counts_it_asked_for():
    text = "知识产权 仲裁"
    analysed = analyse_query(text)
    counts = [1000, 900, 5, 900, 5]  # all documents, each concept, each group
    client = RecordingClient(counts)
    es.ElasticsearchBackend(client=client, index="ipp-test").search(SearchQuery(text=text))
    assert [name for name, _ in client.calls] == ["search", "msearch", "search"]
    assert client.calls[1][1] == es.statistics_body(analysed)
    idf = es.inverse_frequencies(counts, analysed)
    assert idf == ([0.1, 5.2], [0.1, 5.2])
    relaxed = es.search_body(SearchQuery(text=text), analysed, strict=False, idf=idf)
    assert client.calls[2][1] == relaxed


def test_an_identifier_that_found_its_record_is_not_followed_by_a_second_pass():
    client = AnsweringClient([], total=1)
    es.ElasticsearchBackend(client=client, index="ipp-test").search(SearchQuery(text="注册号14885868"))
    assert len(client.calls) == 1
    client = RecordingClient([1000, 900, 0, 900, 0])  # the number matches nothing: the words still help
    es.ElasticsearchBackend(client=client, index="ipp-test").search(SearchQuery(text="注册号14885868"))
    assert [name for name, _ in client.calls] == ["search", "msearch", "search"]


class AnsweringClient:
    """Answers every ``search`` with the same hits, and records the requests."""

    def __init__(self, hits, total=50):
        self.hits = hits
        self.total = total
        self.calls = []

    def search(self, index, body):
        self.calls.append(("search", body))
        return Response(hits={"total": {"value": self.total}, "hits": self.hits})


def test_english_text_is_indexed_and_shown_on_the_english_pages():
    doc = document(title_en="Sichuan-Chongqing GI protection", body_en="Joint enforcement for GI products.")
    (action,) = es.index_actions([analyse_document(doc)], "ipp-test")
    assert (action["_source"]["title_en"], action["_source"]["body_en"]) == (doc.title_en, doc.body_en)
    assert "enforcement" in action["_source"]["body_terms"].split()  # found by its English words
    assert set(body_for("enforcement", english=True)["highlight"]["fields"]) == {"body", "body_en"}
    assert set(body_for("enforcement")["highlight"]["fields"]) == {"body"}
    source = {"key": "n:1", "kind": "news", "title": "川渝地标保护", "title_en": doc.title_en, "url": "/n/1/"}
    marked = {"body_en": ["Joint <mark>enforcement</mark> for GI products."], "body": ["联合执法"]}
    client = AnsweringClient([{"_score": 1.0, "_source": source, "highlight": marked}])
    backend = es.ElasticsearchBackend(client=client, index="ipp-test")
    (english,) = backend.search(SearchQuery(text="enforcement", english=True)).hits
    assert (english.title, english.snippet) == (doc.title_en, marked["body_en"][0])
    (chinese,) = backend.search(SearchQuery(text="enforcement")).hits
    assert (chinese.title, chinese.snippet) == ("川渝地标保护", "联合执法")


def test_initials_the_dictionary_cannot_read_are_read_from_a_first_request():
    source = {"key": "n:1", "kind": "news", "title": "加强专利保护", "url": "/n/1/", "body": "严格专利保护。"}
    client = AnsweringClient([{"_score": 1.0, "_source": source}])
    results = es.ElasticsearchBackend(client=client, index="ipp-test").search(SearchQuery(text="zlbh"))
    (_, probe), (_, final) = client.calls
    analysed = analyse_query("zlbh")
    # the first request: the first page of documents holding the initials, which the asker may see
    assert probe == es.search_body(SearchQuery(text="zlbh", per_page=READING_HITS, highlight=False), analysed)
    assert "body" not in probe["_source"]["excludes"]
    # then the query read as what dominates them, 专利保护, as the database backend does
    read = read_initials(analysed, ["加强专利保护 严格专利保护。"])
    assert final == es.search_body(SearchQuery(text="zlbh"), read)
    required = {value for _, key, value in walk(final["query"]["bool"]["must"]) if key == "query"}
    assert {"专利", "保护", "zlbh"} <= required
    assert results.suggestion == "专利保护"


# --- against a real server ---------------------------------------------------------------------------------


@pytest.fixture
def live_backend(settings):
    url = os.environ.get("ELASTICSEARCH_URL", "")
    require("ELASTICSEARCH", bool(url), "ELASTICSEARCH_URL is not set")
    backend = es.ElasticsearchBackend(url, index=f"ipp-test-{uuid.uuid4().hex[:12]}")
    backend.clear()
    yield backend
    backend.client.options(ignore_status=404).indices.delete(index=backend.index_name)


@pytest.mark.elasticsearch
def test_live_two_character_word_inside_a_sentence_is_found_and_marked(live_backend):
    live_backend.index(
        [
            document("news:1"),
            document("news:2", title="产品审批流程已经上线", body="企业可在线提交产品审批材料。", facets={}),
        ]
    )
    results = live_backend.search(SearchQuery(text="审批"))
    assert [hit.key for hit in results.hits] == ["news:2"]
    assert "<mark>审批</mark>" in results.hits[0].snippet


@pytest.mark.elasticsearch
def test_live_hidden_documents_leave_no_trace_in_totals_or_facets(live_backend):
    live_backend.index(
        [
            document("news:1"),
            document("lead:1", kind="lead", access=(agency_key(9),), facets={"city": ("徐州",)}),
        ]
    )
    public = live_backend.search(SearchQuery(text="地理标志", facets=("kind", "city")))
    assert public.total == 1
    assert dict(public.facets["kind"]) == {"news": 1}
    assert "徐州" not in dict(public.facets["city"])
    officer = live_backend.search(
        SearchQuery(text="地理标志", access=frozenset({PUBLIC, agency_key(9)}), facets=("kind",))
    )
    assert officer.total == 2
    assert dict(officer.facets["kind"]) == {"news": 1, "lead": 1}


@pytest.mark.elasticsearch
def test_live_delete_clear_and_autocomplete(live_backend):
    live_backend.index([document("news:1"), document("news:2", title="郫县豆瓣地理标志保护")])
    assert "郫县豆瓣地理标志保护" in live_backend.autocomplete("郫县", frozenset({PUBLIC}))
    assert live_backend.autocomplete("郫县", frozenset({agency_key(3)})) == []
    live_backend.delete(["news:2", "news:404"])
    assert [h.key for h in live_backend.search(SearchQuery(text="地理标志")).hits] == ["news:1"]
    live_backend.clear()
    assert live_backend.search(SearchQuery(text="地理标志")).total == 0
    for text in HOSTILE:
        live_backend.search(SearchQuery(text=text))
