"""Legal-form recognition from organisation names, with the patterns read from the ontology."""
from __future__ import annotations

import pytest
import rdflib

from kgtool.errors import InputError
from kgtool.importers.names import LegalFormRecognizer, normalize_name
from kgtool.namespaces import KG, LF
from kgtool.ontology import ontology_graph


@pytest.fixture(scope="module")
def onto() -> rdflib.Graph:
    return ontology_graph()


@pytest.fixture(scope="module")
def recognizer(onto) -> LegalFormRecognizer:
    return LegalFormRecognizer.from_graph(onto)


def test_normalize_name_width_space_and_kana():
    assert normalize_name("社会福祉法人　青空会") == "社会福祉法人青空会"
    assert normalize_name("（株）ＡＢＣ　ケア") == "(株)ABCケア"
    assert normalize_name("㈱ケア") == "(株)ケア"
    assert normalize_name("かぶしきがいしゃ そら") == "カブシキガイシャソラ"
    assert normalize_name("ｶﾌﾞｼｷｶﾞｲｼｬ") == "カブシキガイシャ"  # half-width katakana
    assert normalize_name(" \t株式会社\n") == "株式会社"


def test_default_is_cached_and_matches_the_ontology(recognizer):
    assert LegalFormRecognizer.default() is LegalFormRecognizer.default()
    assert LegalFormRecognizer.default().patterns == recognizer.patterns


@pytest.mark.parametrize("name,form", [
    ("社会福祉法人　青空会", "ShakaiFukushiHojin"),
    ("社会福祉法人青空会", "ShakaiFukushiHojin"),
    ("青空会（社福）", "ShakaiFukushiHojin"),
    ("株式会社ケアサービス", "KabushikiKaisha"),
    ("ケアサービス株式会社", "KabushikiKaisha"),
    ("ケアサービス　株式会社", "KabushikiKaisha"),
    ("㈱ケアサービス", "KabushikiKaisha"),
    ("（株）ケアサービス", "KabushikiKaisha"),
    ("(株)ケアサービス", "KabushikiKaisha"),
    ("ケアサービス(株)", "KabushikiKaisha"),
    ("かぶしきがいしゃ　にちいがっかん", "KabushikiKaisha"),
    ("カブシキガイシャ　ニチイガッカン", "KabushikiKaisha"),
    ("Care Service Co.,Ltd.", "KabushikiKaisha"),
    ("有限会社あおぞら", "YugenKaisha"),
    ("㈲あおぞら", "YugenKaisha"),
    ("合同会社あおぞら", "GodoKaisha"),
    ("合資会社あおぞら", "GoshiKaisha"),
    ("合名会社あおぞら", "GomeiKaisha"),
    ("医療法人社団　綾和会", "IryoHojin"),
    ("医療法人財団青空会", "IryoHojin"),
    ("社会医療法人青空会", "ShakaiIryoHojin"),
    ("社会福祉法人札幌市社会福祉協議会", "ShakaiFukushiKyogikai"),
    ("別海町社会福祉協議会", "ShakaiFukushiKyogikai"),
    ("特定非営利活動法人　たすけあい", "NpoHojin"),
    ("ＮＰＯ法人たすけあい", "NpoHojin"),
    ("一般社団法人あおぞら", "IppanShadanHojin"),
    ("公益社団法人あおぞら", "KoekiShadanHojin"),
    ("公益財団法人あおぞら", "KoekiZaidanHojin"),
    ("一般財団法人あおぞら", "IppanZaidanHojin"),
    ("社団法人あおぞら", "TokureiMinpoHojin"),
    ("宗教法人青空寺", "ShukyoHojin"),
    ("学校法人青空学園", "GakkoHojin"),
    ("日本赤十字社", "NihonSekijujisha"),
    ("地方独立行政法人青空病院機構", "ChihoDokuritsuGyoseiHojin"),
    ("独立行政法人国立病院機構", "DokuritsuGyoseiHojin"),
    # cooperatives of each kind: the specific kind beats the generic 協同組合
    ("生活協同組合コープさっぽろ", "SeikatsuKyodoKumiai"),
    ("医療生協さいたま生活協同組合", "SeikatsuKyodoKumiai"),
    ("青空農業協同組合", "NogyoKyodoKumiai"),
    ("ＪＡ北海道", "NogyoKyodoKumiai"),
    ("青空漁業協同組合", "GyogyoKyodoKumiai"),
    ("青空森林組合", "ShinrinKumiai"),
    ("青空事業協同組合", "JigyoKyodoKumiai"),
    ("企業組合あおぞら", "KigyoKumiai"),
    ("労働者協同組合あおぞら", "RodoshaKyodoKumiai"),
    ("ワーカーズ・コレクティブあおぞら", "WorkersCollective"),
    ("あおぞら協同組合", "KyodoKumiai"),
    # municipalities and their offices
    ("別海町", "ChihoKokyoDantai"),
    ("富士吉田市役所", "ChihoKokyoDantai"),
    ("猿払村", "ChihoKokyoDantai"),
    ("むかわ町国民健康保険穂別診療所", "ChihoKokyoDantai"),
    ("西臼杵広域行政事務組合", "ChihoKokyoDantai"),
    ("厚生労働省", "KuniNoKikan"),
    ("青空町内会", "Chonaikai"),
    ("青空子ども会", "Kodomokai"),
    ("青空老人クラブ", "Rojinkai"),
])
def test_recognize(recognizer, name, form):
    assert recognizer.recognize(name) == str(LF[form])


@pytest.mark.parametrize("name", ["白寿会", "ニチイ学館", "青空", "", "介護医療院　神楽苑", "Care Service"])
def test_names_without_a_form_stay_unrecognised(recognizer, name):
    assert recognizer.recognize(name) is None


def test_longest_literal_pattern_wins(recognizer):
    # 社会福祉協議会 (7) beats 社会福祉法人 (6) even when the latter comes first in the name
    assert recognizer.recognize("社会福祉法人　青空市社会福祉協議会") == str(LF.ShakaiFukushiKyogikai)
    # 社会医療法人 (6) contains 医療法人 (4)
    assert recognizer.recognize("社会医療法人 青空会") == str(LF.ShakaiIryoHojin)
    # 株式会社 (4) beats 社協 (2) inside 株式会社協和
    assert recognizer.recognize("株式会社協和") == str(LF.KabushikiKaisha)


def test_regexes_only_when_no_literal_matches():
    g = rdflib.Graph()
    a, b = rdflib.URIRef("urn:form:a"), rdflib.URIRef("urn:form:b")
    for form in (a, b):
        g.add((form, rdflib.RDF.type, KG.LegalForm))
    g.add((a, KG.nameRegex, rdflib.Literal(".+会社.+")))  # long regex match
    g.add((b, KG.nameContains, rdflib.Literal("会社")))
    r = LegalFormRecognizer.from_graph(g)
    assert r.recognize("青空会社青空") == str(b)
    g.remove((b, KG.nameContains, None))
    assert LegalFormRecognizer.from_graph(g).recognize("青空会社青空") == str(a)


def test_patterns_are_read_from_the_graph_not_from_code():
    g = rdflib.Graph()
    form = rdflib.URIRef("urn:form:x")
    g.add((form, rdflib.RDF.type, KG.LegalForm))
    g.add((form, KG.nameSuffix, rdflib.Literal("ｸﾗﾌﾞ")))  # pattern normalised too
    r = LegalFormRecognizer.from_graph(g)
    assert r.recognize("青空くらぶ") == "urn:form:x"
    assert r.recognize("株式会社青空") is None
    assert r.forms() == {"urn:form:x"}


def test_bad_regex_in_the_ontology_is_reported():
    g = rdflib.Graph()
    form = rdflib.URIRef("urn:form:x")
    g.add((form, rdflib.RDF.type, KG.LegalForm))
    g.add((form, KG.nameRegex, rdflib.Literal("([unclosed")))
    with pytest.raises(InputError, match="urn:form:x.*nameRegex"):
        LegalFormRecognizer.from_graph(g)


def test_every_literal_pattern_of_the_ontology_recognises_its_form(onto, recognizer):
    literal_props = {KG.namePrefix: "{}青空", KG.nameSuffix: "青空{}", KG.nameContains: "青空{}青空"}
    forms_with_patterns = set()
    checked = 0
    for form in onto.subjects(rdflib.RDF.type, KG.LegalForm):
        for prop, template in literal_props.items():
            for pattern in onto.objects(form, prop):
                forms_with_patterns.add(form)
                name = template.format(pattern)
                assert recognizer.recognize(name) == str(form), (str(form), str(prop), str(pattern))
                checked += 1
        if (form, KG.nameRegex, None) in onto:
            forms_with_patterns.add(form)
    assert checked > 100
    # every form with a pattern is known to the recognizer, and the forms of Figure-1 are there
    assert {str(f) for f in forms_with_patterns} == recognizer.forms()
    assert len(forms_with_patterns) >= 35


def test_local_government_corporate_number(recognizer, onto):
    assert (LF.ChihoKokyoDantai, KG.corporateNumberRegex, None) in onto
    assert recognizer.recognize_corporate_number("9000020016918") == str(LF.ChihoKokyoDantai)  # 別海町
    assert recognizer.recognize_corporate_number("5080001018392") is None  # a company
    assert recognizer.recognize_corporate_number("") is None


def test_explain_lists_every_matching_pattern(recognizer):
    hits = recognizer.explain("社会福祉法人青空市社会福祉協議会")
    forms = {form for form, _, _ in hits}
    assert {str(LF.ShakaiFukushiHojin), str(LF.ShakaiFukushiKyogikai)} <= forms
