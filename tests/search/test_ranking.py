"""Ranking mechanisms, on every backend (``search_backend`` fixture)."""

import pytest

from search.base import PUBLIC, IndexDocument, SearchQuery

pytestmark = pytest.mark.django_db


def document(key, title, body):
    return IndexDocument(key=key, kind="news", title=title, body=body, url=f"/{key}/", access=(PUBLIC,))


def keys(backend, text):
    return [hit.key for hit in backend.search(SearchQuery(text=text, per_page=20)).hits]


FILLER = [document(f"filler:{i}", f"年度工作总结{i}", "会议听取了工作汇报。") for i in range(20)]


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
