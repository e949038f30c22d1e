"""Place names on English pages: provinces by their English names, cities in pinyin unless typed in."""

import pytest
from bs4 import BeautifulSoup
from django.utils import translation

from alliances.divisions import city_in_pinyin, city_label, province_label
from alliances.models import Agency


@pytest.mark.parametrize(
    ("city", "english"),
    [
        ("徐州市", "Xuzhou"),
        ("连云港市", "Lianyungang"),
        ("宿迁市", "Suqian"),
        ("重庆市", "Chongqing"),
        ("淮安市", "Huai'an"),  # an apostrophe where a syllable starts with a vowel
        ("西安市", "Xi'an"),
        ("黔东南苗族侗族自治州", "Qiandongnanmiaozudongzu"),
        ("Xuzhou", "Xuzhou"),  # already in letters
        ("吕梁市", "Lüliang"),
    ],
)
def test_a_city_is_written_in_pinyin_as_one_capitalised_word(city, english):
    assert city_in_pinyin(city) == english


def test_labels_follow_the_page_language():
    with translation.override("en"):
        assert province_label("610100", "陕西省") == "Shaanxi"  # not Shanxi, which is 山西
        assert province_label("320300", "江苏省") == "Jiangsu"
        assert city_label("长治市", "Changzhi") == "Changzhi"  # typed in: pinyin would read 长 as zhang
        assert city_label("江苏省") == "Jiangsu"  # a province typed where a city was asked
    with translation.override("zh-hans"):
        assert province_label("320300", "江苏省") == "江苏省"
        assert city_label("长治市", "Changzhi") == "长治市"


def test_english_alliance_page_names_its_cities_and_provinces_in_english(
    client, demo, django_capture_on_commit_callbacks
):
    def cities(path):
        page = BeautifulSoup(client.get(path).content.decode(), "html.parser")
        return [h.get_text(" ", strip=True) for h in page.select(".city h3")]

    english = cities("/en/alliances/huaihai/")
    assert "Xuzhou Jiangsu · 320300" in english
    assert not any("市" in heading or "省" in heading for heading in english), english
    assert "徐州市 江苏省 · 320300" in cities("/alliances/huaihai/")

    def facts(path):
        page = BeautifulSoup(client.get(path).content.decode(), "html.parser")
        return [dd.get_text(strip=True) for dd in page.select(".page-header dd, dl dd")]

    assert "Jiangsu, Anhui, Shandong, Henan" in facts("/en/alliances/huaihai/")
    assert "江苏省、安徽省、山东省、河南省" in facts("/alliances/huaihai/")
    # An English name typed in by an editor is the one shown.
    with django_capture_on_commit_callbacks(execute=True):  # the cached page goes stale on commit
        for agency in Agency.objects.filter(city="徐州市"):
            agency.city_en = "Xuzhou City"
            agency.save()
    assert "Xuzhou City Jiangsu · 320300" in cities("/en/alliances/huaihai/")


def test_the_english_tip_form_offers_cities_in_english(client, demo):
    def options(path):
        page = BeautifulSoup(client.get(path).content.decode(), "html.parser")
        return [o.get_text(strip=True) for o in page.select("select[name=city] option") if o.get("value")]

    assert "Jiangsu · Suqian" in options("/en/tips/new/")
    assert "Sichuan · Chengdu" in options("/en/tips/new/")
    assert "江苏省 · 宿迁市" in options("/tips/new/")


def test_an_english_city_name_typed_on_any_agency_of_the_city_names_it(
    client, demo, django_capture_on_commit_callbacks
):
    court = Agency.objects.filter(city="宿州市").order_by("division_code", "kind", "name").first()
    last = Agency.objects.filter(city="宿州市").exclude(pk=court.pk).last()
    with django_capture_on_commit_callbacks(execute=True):
        last.city_en = "Suzhou (Anhui)"
        last.full_clean()
        last.save()
    page = BeautifulSoup(client.get("/en/alliances/huaihai/").content.decode(), "html.parser")
    assert "Suzhou (Anhui) Anhui · 341300" in [h.get_text(" ", strip=True) for h in page.select(".city h3")]


def test_an_agency_is_refused_a_code_that_belongs_to_another_city(demo):
    from django.core.exceptions import ValidationError

    suzhou = Agency.objects.filter(city="宿州市").first()
    suzhou.division_code, suzhou.province = "320300", ""  # 徐州's: tips for 徐州 would reach it
    with pytest.raises(ValidationError) as refused:
        suzhou.full_clean()
    assert "代码 320300 是徐州市的行政区划代码" in str(refused.value.message_dict["division_code"])
    suzhou.refresh_from_db()
    suzhou.full_clean()  # saved again unchanged: nothing to say
    suzhou.city_en = "宿州 "
    with pytest.raises(ValidationError) as refused:
        suzhou.full_clean()
    assert "拉丁字母" in str(refused.value.message_dict["city_en"])
    suzhou.city_en = "  Suzhou   (Anhui) "
    suzhou.full_clean()
    assert suzhou.city_en == "Suzhou (Anhui)"


def test_a_city_can_be_corrected_agency_by_agency_and_renamed(demo):
    city = list(Agency.objects.filter(city="宿州市").order_by("pk"))
    Agency.objects.filter(pk__in=[a.pk for a in city]).update(division_code="341200")  # all mistyped
    for agency in city:  # corrected one at a time, as the admin does
        agency.refresh_from_db()
        agency.division_code = "341300"
        agency.full_clean()
        agency.save()
    for agency in city:  # a renamed city (襄樊 → 襄阳 happens), one agency at a time
        agency.refresh_from_db()
        agency.city = "宿州市（新）"
        agency.full_clean()
        agency.save()
    assert set(Agency.objects.filter(pk__in=[a.pk for a in city]).values_list("city", "division_code")) == {
        ("宿州市（新）", "341300")
    }


def test_a_citys_english_name_is_shared_by_its_agencies(demo):
    first, *others = Agency.objects.filter(city="宿州市").order_by("pk")
    first.city_en = "Suzhou (Anhui)"
    first.save()
    assert set(Agency.objects.filter(city="宿州市").values_list("city_en", flat=True)) == {"Suzhou (Anhui)"}
    newcomer = Agency.objects.create(
        name="宿州市知识产权局", kind=first.kind, city="宿州市", division_code="341300"
    )
    assert newcomer.city_en == "Suzhou (Anhui)"  # a new agency of the city takes its name
    others[0].refresh_from_db()
    others[0].city_en = ""  # cleared: pinyin again, for the whole city
    others[0].save()
    assert set(Agency.objects.filter(city="宿州市").values_list("city_en", flat=True)) == {""}


@pytest.mark.parametrize(
    ("text", "is_city"),
    [
        ("洛阳市", True),
        ("黔东南苗族侗族自治州", True),
        ("江苏省徐州市", False),
        ("徐州市铜山区", False),
        ("铜山区", False),
    ],
)
def test_only_a_city_name_is_taken_for_one(text, is_city):
    from alliances.divisions import is_city_name

    assert is_city_name(text) is is_city
