"""The analysis pipeline: what documents and queries become (search/analysis.py)."""

import pytest

from search import analysis
from search.base import IndexDocument


def doc(title="", body="", **kwargs):
    return IndexDocument(key="t:1", kind="t", title=title, body=body, url="/", access=("public",), **kwargs)


def test_two_character_word_inside_a_sentence_is_a_term():
    analysed = analysis.analyse_document(doc(body="产品审批流程已经上线，地理标志保护产品名录公布"))
    assert "审批" in analysed.body_terms
    assert "地理标志" in analysed.body_terms
    assert {"地理", "标志"} <= set(analysed.body_terms)


def test_the_chengdu_areas_words_inside_a_sentence_are_terms():
    """成德眉资 (成都、德阳、眉山、资阳) and 同城化 run together in the alliance's texts; jieba alone cut them
    into 成德眉 / 资同 / 城化, so neither was found."""
    terms, _ids = analysis.analyse_text("成都、重庆与成德眉资同城化城市推动重点品牌保护名录互认")
    assert {"成德眉资", "同城化"} <= set(terms)


def test_compound_in_dictionary_is_indexed_with_its_parts():
    terms = analysis.analyse_document(doc(body="开展知识产权质押融资")).body_terms
    assert {"知识产权", "质押融资", "质押", "融资"} <= set(terms)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("地理標誌", "地理标志"), ("ＡＢＣ１２３", "abc123"), ("PATENT", "patent")],
)
def test_folding_traditional_fullwidth_and_case(typed, expected):
    assert analysis.fold(typed) == expected


def test_synonyms_fold_onto_the_canonical_term_on_both_sides():
    assert "地理标志" in analysis.analyse_document(doc(body="本市地标产品")).body_terms
    query = analysis.analyse_query("知产保护")
    assert any("知识产权" in group or "知识产权保护" in group for group in query.groups)
    assert analysis.analyse_query("川渝").groups == (("成渝",),)


def test_question_phrasing_is_dropped():
    groups = analysis.analyse_query("如何办理哪些什么怎样").groups
    assert groups == ()
    words = [t for g in analysis.analyse_query("哪些机构提供仲裁服务").groups for t in g]
    assert "哪些" not in words
    assert "仲裁" in words


@pytest.mark.parametrize(
    "typed", ["ZL201910123456.X", "201910123456", "ZL 2019 1 0123456.X", "ＺＬ２０１９１０１２３４５６"]
)
def test_patent_numbers_normalise_to_their_twelve_digits(typed):
    assert analysis.analyse_query(typed).identifiers == ("201910123456",)


def test_identifier_in_document_text_is_indexed():
    analysed = analysis.analyse_document(doc(body="专利号ZL202010555123.7，已质押"))
    assert "202010555123" in analysed.extra_terms


def test_credit_code_is_recognised_only_when_its_check_character_is_right():
    valid = "91320300MA1MXXXX8W"
    from portal.identifiers import credit_code_check_character

    valid = valid[:17] + credit_code_check_character(valid[:17])
    assert analysis.analyse_query(valid).identifiers == (valid.lower(),)
    wrong = valid[:17] + ("0" if valid[17] != "0" else "1")
    assert analysis.analyse_query(wrong).identifiers == ()


def test_names_get_pinyin_and_initials():
    extra = analysis.analyse_document(doc(title="郫县豆瓣")).extra_terms
    assert {"pixian", "douban", "pixiandouban", "pxdb"} <= set(extra)


def test_pinyin_query_is_read_back_into_chinese():
    query = analysis.analyse_query("dili biaozhi")
    assert "地理标志" in query.groups[0]
    assert query.suggestion == "地理标志"
    assert "金乡" in analysis.analyse_query("jinxiang").groups[0]


def test_suggestion_is_chosen_by_what_the_results_contain():
    query = analysis.analyse_query("jinxiang")
    assert analysis.refine_suggestion(query, ["金乡大蒜，产地山东省金乡县"]) == "金乡"
    assert analysis.refine_suggestion(query, ["无关内容"]) is None


@pytest.mark.parametrize(
    "typed", ['"', "*", "NEAR", "OR", ":", "' OR 1=1 --", "😀", "\x00\x07", "a" * 10_000, "(", "^"]
)
def test_every_term_is_letters_and_digits_only(typed):
    for group in analysis.analyse_query(typed).groups:
        for term in group:
            assert term.isalnum(), term


def test_snippet_marks_matches_and_escapes_html():
    html = analysis.snippet("<b>地理標誌</b>保护产品", ["地理标志"])
    assert "<mark>地理標誌</mark>" in html
    assert "&lt;b&gt;" in html
    assert "<b>" not in html


def test_jieba_is_initialised_once_and_silently(capfd):
    first = analysis.tokenizer()
    assert analysis.tokenizer() is first
    analysis.analyse_query("专利导航")
    captured = capfd.readouterr()
    assert "Building prefix dict" not in captured.err + captured.out


# --- abbreviations (search/data/synonyms.txt) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("short", "full"),
    [("专代", "专利代理"), ("快维", "快速维权"), ("非正常申请", "非正常专利申请"), ("两法衔接", "行刑衔接")],
)
def test_an_abbreviation_and_its_full_form_are_one_term(short, full):
    assert analysis.canonical(analysis.fold(short)) == analysis.canonical(analysis.fold(full))
    typed = {t for g in analysis.analyse_query(short).groups for t in g}
    indexed = set(analysis.analyse_document(doc(body=f"本市{full}工作")).body_terms)
    assert typed <= indexed


def test_every_form_of_the_synonym_table_belongs_to_one_concept_and_is_cut_whole():
    seen: dict[str, int] = {}
    for number, line in enumerate(analysis._data_lines("synonyms.txt")):
        forms = [analysis.fold(w) for w in line.split()]
        assert len(forms) >= 2, line
        for form in forms:
            assert seen.setdefault(form, number) == number, f"{form} is on two lines"
            assert list(analysis.tokenizer().cut(form)) == [form], form


def test_a_compound_holding_an_abbreviation_is_also_indexed_spelt_out():
    # 示范企业 is a form of 强企: 知识产权示范企业 is found by 知识产权强企 and the other way round
    terms = set(analysis.analyse_document(doc(body="认定一批知识产权示范企业")).body_terms)
    assert "知识产权强企" in terms
    typed = analysis.analyse_query("知识产权示范企业")
    assert {t for g in typed.groups for t in g} <= terms  # the parts of a query word are canonical too


# --- literal strings the segmenter cuts differently --------------------------------------------------------


def test_a_word_that_the_cut_runs_through_is_still_indexed():
    # jieba cuts 跨区域协作 as 跨 / 区域协作: the document must still be found by 跨区域 (the cause of
    # 跨区域 协作 not finding documents that hold 跨区域协作 word for word)
    assert [w for w in analysis.tokenizer().cut("建立跨区域协作机制") if "跨" in w] == ["跨"]
    terms = set(analysis.analyse_document(doc(body="建立跨区域协作机制")).body_terms)
    assert {"跨区域", "协作"} <= terms
    # … and the same for a word that a longer dictionary word swallowed (知识产权服务 / 机构)
    assert "服务机构" in analysis.analyse_document(doc(body="培育知识产权服务机构")).body_terms


@pytest.mark.parametrize(
    ("text", "chance"),
    [("推动产业发展", "动产"), ("推动市场化发展", "化发展"), ("拓展知识产权服务业务", "服务业")],
)
def test_a_chance_word_across_a_cut_is_not_indexed(text, chance):
    # 推动 / 产业 hold 动产 only by the accident of neighbouring characters; so do 市场化 / 发展 (化发展:
    # one character of a word, then a word) and 知识产权服务 / 业务 (服务业: a word, then one character)
    assert chance not in analysis.analyse_document(doc(body=text)).body_terms


def test_a_space_inside_a_chinese_word_does_not_cut_it():
    # text taken from a PDF: 知识产 权质押 and 非正常 专利申请
    terms = set(analysis.analyse_document(doc(body="开展知识产 权质押登记，打击非正常 专利申请")).body_terms)
    assert {"知识产权", "质押", "非正常专利申请"} <= terms
    # but a space typed in a query still separates concepts
    assert analysis.analyse_query("跨区域 协作").groups == (("跨区域",), ("协作",))


# --- phrases ------------------------------------------------------------------------------------------------


def test_neighbouring_words_are_indexed_as_one_term():
    terms = analysis.analyse_document(doc(body="推进专利开放许可制度")).body_terms
    assert "开放许可" in terms
    # punctuation ends a phrase; a function word between two words does not
    assert "许可试点" not in analysis.analyse_document(doc(body="开放许可。试点")).body_terms
    assert "地理标志保护" in analysis.analyse_document(doc(body="地理标志的保护")).body_terms


def test_words_typed_together_are_a_phrase_and_a_space_separates_concepts():
    assert analysis.analyse_query("开放许可").phrases == (("开放许可",),)
    assert ("数字著作权",) in analysis.analyse_query("数字版权 保护").phrases  # 数字 + 版权 → 著作权
    # words typed apart are no phrase, unless the dictionary knows them as one word
    assert analysis.analyse_query("电商平台 侵权").phrases == ()
    assert analysis.analyse_query("地标 产品").phrases == (("地理标志产品",),)
    # a sentence's neighbouring words only add to the score
    question = analysis.analyse_query("成渝地区知识产权保护合作")
    assert ("知识产权保护合作",) in question.proximity
    assert ("知识产权保护合作",) not in question.phrases


def test_a_compound_is_one_concept_of_its_parts():
    query = analysis.analyse_query("地理标志产品 假冒")
    assert query.concepts == ((("地理标志",), ("产品",)), (("假冒",),))


@pytest.mark.parametrize(
    ("word", "singular"),
    [
        ("courts", "court"),
        ("agencies", "agency"),
        ("cases", "case"),
        ("services", "service"),
        ("trademarks", "trademark"),
        ("news", None),  # no plural
        ("process", None),
        ("status", None),
        ("analysis", None),
        ("ips", None),  # too short to tell
        ("zhishi", None),
        ("商标s", None),
    ],
)
def test_english_plurals_are_folded_to_their_singular(word, singular):
    assert analysis.english_singular(word) == singular


def test_an_english_plural_is_searched_and_indexed_with_its_singular():
    assert analysis.analyse_query("courts").groups == (("courts", "court"),)
    assert analysis.analyse_query("court").groups == (("court",),)
    terms, _ = analysis.analyse_text("Courts share cases")
    assert analysis._with_singulars(terms) == ["courts", "share", "cases", "court", "case"]
