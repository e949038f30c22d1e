"""Ranking mechanisms, on every backend (``search_backend`` fixture): abbreviations, phrases, literal strings
the segmenter cuts differently, and documents holding more of a question's concepts first."""

import pytest

from search.base import PUBLIC, IndexDocument, SearchQuery

pytestmark = pytest.mark.django_db


def document(key, title, body):
    return IndexDocument(key=key, kind="news", title=title, body=body, url=f"/{key}/", access=(PUBLIC,))


def keys(backend, text):
    return [hit.key for hit in backend.search(SearchQuery(text=text, per_page=20)).hits]


FILLER = [document(f"filler:{i}", f"年度工作总结{i}", "会议听取了工作汇报。") for i in range(20)]


def test_an_abbreviation_finds_documents_that_spell_it_out_and_the_other_way_round(search_backend):
    search_backend.index(
        [
            document("agent", "专利代理机构名录", "本市专利代理机构共有十二家。"),
            document("centre", "快维中心挂牌", "依托快速维权中心开展维权。"),
            document("other", "商标注册指南", "办理商标注册的流程。"),
        ]
    )
    assert keys(search_backend, "专代") == ["agent"]
    assert keys(search_backend, "快速维权中心") == ["centre"]
    assert keys(search_backend, "快维") == ["centre"]


def test_a_phrase_held_side_by_side_outranks_its_words_held_apart(search_backend):
    search_backend.index(
        [
            # dense in 许可, with 开放 elsewhere: BM25 alone prefers this short document
            document("apart", "专利许可", "专利许可，交叉许可，许可费率与许可期限，企业对外开放合作。"),
            document(
                "phrase",
                "中小企业专利服务",
                "推进专利开放许可制度试点，降低中小企业获取专利的成本，完善服务体系，加强宣传培训。",
            ),
        ]
    )
    assert keys(search_backend, "开放许可") == ["phrase", "apart"]


def test_a_literal_string_is_found_however_the_segmenter_cut_it(search_backend):
    search_backend.index(
        [
            *FILLER,
            document("literal", "区域合作", "破除制度阻碍，建立跨区域协作机制。"),
            document("pdf", "质押登记", "开展知识产 权质押登记。"),
        ]
    )
    assert keys(search_backend, "跨区域 协作") == ["literal"]
    assert keys(search_backend, "跨区域") == ["literal"]
    assert keys(search_backend, "知识产权质押") == ["pdf"]


def test_documents_holding_more_of_the_concepts_come_first_when_none_holds_all(search_backend):
    # 仲裁 is in one document, 商标 and 专利 in nine each: no document holds all three, so the second pass
    # ranks; the one holding two concepts comes before the one holding only the rarest.
    trademark = [document(f"tm:{i}", f"商标公告{i}", "公告内容。") for i in range(8)]
    patent = [document(f"pt:{i}", f"专利公告{i}", "公告内容。") for i in range(8)]
    search_backend.index(
        [
            *FILLER[:12],
            *trademark,
            *patent,
            document("rare", "仲裁员名册", "仲裁员名册已更新。"),
            document("two", "商标和专利", "商标和专利一并办理。"),
        ]
    )
    found = keys(search_backend, "仲裁 商标 专利")
    assert found.index("two") < found.index("rare")


def test_a_concept_most_documents_hold_does_not_count_as_holding_the_question(search_backend):
    # 知识产权 and 服务 are in nearly every document and tell nothing about 仲裁.
    common = [
        document(f"common:{i}", f"知识产权服务动态{i}", "知识产权公共服务平台上线运行。") for i in range(12)
    ]
    search_backend.index([*common, document("arbitration", "仲裁委员会", "受理仲裁案件。")])
    assert keys(search_backend, "知识产权 仲裁 服务")[0] == "arbitration"
