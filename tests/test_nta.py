"""The National Tax Agency corporate-number importer, on the real sample files.

Counts and values below were read from the files by hand (``realdata/nta_houjin``):
the cnparser full-download CSV holds 14 records (kinds: one 101, nine 201, three 301, one 302;
one closed company); the Web-API samples hold 1 (diff), 10 (name), 1 (num_0) and 2 (num_1)
records.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from kgtool import KnowledgeGraph
from kgtool.cli import main
from kgtool.codes import corporate_number_check_digit
from kgtool.errors import InputError
from kgtool.importers import detect_format, import_file
from kgtool.importers.nta import COLUMNS, KindForms, import_nta
from kgtool.importers.ntriples import XSD as XSD_NS
from kgtool.namespaces import KG, KGD, LF, PROV, SCHEMA, SKOS, source_graph
from kgtool.ontology import ontology_graph

DATE = URIRef(XSD_NS + "date")
TOTTORI = "cnparser/31_tottori_test_20240329.csv"
API = "webapi_official_samples"
#: Every sample and its number of records (counted by hand).
SAMPLES = {
    TOTTORI: 14,
    f"{API}/diff_20190404_ver4_c2.csv": 1,
    f"{API}/diff_20190404_ver4_x4.xml": 1,
    f"{API}/name_ver4_c4.csv": 10,
    f"{API}/name_ver4_x4.xml": 10,
    f"{API}/num_0_ver4_c2.csv": 1,
    f"{API}/num_0_ver4_c4.csv": 1,
    f"{API}/num_0_ver4_x4.xml": 1,
    f"{API}/num_1_ver4_x4.xml": 2,
}
#: The same request in several layouts: c2 (CSV, Shift_JIS), c4 (CSV, UTF-8), x4 (XML).
SAME_REQUEST = {
    "num_0": ["num_0_ver4_c2.csv", "num_0_ver4_c4.csv", "num_0_ver4_x4.xml"],
    "diff": ["diff_20190404_ver4_c2.csv", "diff_20190404_ver4_x4.xml"],
    "name": ["name_ver4_c4.csv", "name_ver4_x4.xml"],
}


def string(value: str) -> Literal:
    """A simple literal as the store returns it (xsd:string, no datatype in rdflib)."""
    return Literal(value)


def org(number: str) -> URIRef:
    return URIRef(f"{KGD}org/cn/{number}")


def objects(kg: KnowledgeGraph, subject: URIRef, predicate: URIRef) -> set:
    _, rows = kg.select("SELECT ?o WHERE { ?s ?p ?o }", {"s": subject, "p": predicate})
    return {r["o"] for r in rows}


def graph_triples(kg: KnowledgeGraph, source_id: str) -> set[tuple[str, str, str]]:
    return {(str(t.subject), str(t.predicate), str(t.object)) for t in kg.triples(source_graph(source_id))}


def valid_number(base: int) -> str:
    """A valid corporate number with the 12-digit base ``base`` (for made-up fixture rows)."""
    text = f"{base:012d}"
    return f"{corporate_number_check_digit(text)}{text}"


def tottori_rows(realdata: Path) -> list[list[str]]:
    with (realdata / "nta_houjin" / TOTTORI).open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def record(**values: str) -> list[str]:
    """A 30-column record: empty fields, then ``values`` by column name."""
    row = dict.fromkeys(COLUMNS, "")
    row.update(latest="1", hihyoji="0", process="01", correct="0")
    row.update(values)
    return [row[c] for c in COLUMNS]


@pytest.fixture(scope="module")
def nta_dir(realdata) -> Path:
    return realdata / "nta_houjin"


@pytest.fixture(scope="module")
def tottori(nta_dir):
    kg = KnowledgeGraph()
    kg.load_ontology()
    summary = import_nta(kg, nta_dir / TOTTORI, progress=False)
    return kg, summary


# ------------------------------------------------------------------------- the samples ----
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_sample_imports_all_its_records(nta_dir, name):
    assert detect_format(nta_dir / name) == "nta"
    kg = KnowledgeGraph()
    s = import_nta(kg, nta_dir / name, progress=False)
    records = SAMPLES[name]
    assert (s.rows_read, s.rows_loaded, s.rows_rejected) == (records, records, 0)
    assert s.as_dict()["rejected"] == []
    assert s.format == ("nta-webapi-xml" if name.endswith(".xml") else
                        "nta-webapi-csv" if name.startswith(API) else "nta-csv")
    # one SourceRecord per record, each entity derived from its record(s)
    _, rows = kg.select("SELECT (COUNT(?r) AS ?n) WHERE { ?r a kg:SourceRecord }")
    assert int(rows[0]["n"]) == records
    _, rows = kg.select("SELECT ?e WHERE { ?e kg:corporateNumber ?c "
                        "FILTER NOT EXISTS { ?e prov:wasDerivedFrom ?r } }")
    assert rows == []


def test_tottori_counts_and_kinds_to_legal_forms(tottori):
    kg, s = tottori
    assert s.entities_created == 14 and s.entities_merged == 0
    assert s.legal_forms_recognised == 14 and s.legal_forms_unrecognised == []
    expected = {
        "1000013050238": LF.KuniNoKikan,       # 鳥取簡易裁判所, kind 101
        "1000020313025": LF.ChihoKokyoDantai,  # 岩美町, kind 201
        "1000030310004": LF.ChihoKokyoDantai,  # 北財産区, kind 201
        "1280001007263": LF.KabushikiKaisha,   # 株式会社ｓｏｕｖｅｎｉｒ, kind 301
        "1280002007428": LF.YugenKaisha,       # 有限会社ＨＡＰ観光, kind 302
    }
    for number, form in expected.items():
        assert objects(kg, org(number), KG.hasLegalForm) == {form}, number
    _, rows = kg.select("SELECT ?k (COUNT(?e) AS ?n) WHERE { ?e kg:ntaKind ?k } GROUP BY ?k ORDER BY ?k")
    assert [(str(r["k"]), int(r["n"])) for r in rows] == [("101", 1), ("201", 9), ("301", 3), ("302", 1)]
    assert objects(kg, org("1000020313025"), KG.corporateNumber) == {string("1000020313025")}
    assert {KG.Organization, KG.RegisteredOrganization} <= objects(kg, org("1000020313025"),
                                                                   RDF.type)


def test_closed_company(tottori):
    kg, _ = tottori
    shimada = org("1280001002413")  # 島田商事株式会社: closeDate 2018-01-05, closeCause 01, no successor
    assert objects(kg, shimada, KG.status) == {KG.Closed}
    assert objects(kg, shimada, KG.closedOn) == {Literal("2018-01-05", datatype=DATE)}
    assert objects(kg, shimada, KG.closeCause) == {string("01")}
    assert objects(kg, shimada, KG.successor) == set()
    assert objects(kg, org("1280001007263"), KG.status) == {KG.Active}
    _, rows = kg.select("SELECT (COUNT(?e) AS ?n) WHERE { ?e kg:status kg:Closed }")
    assert int(rows[0]["n"]) == 1


def test_names_kana_english_dates_and_address(tottori):
    kg, _ = tottori
    court = org("1000013050238")
    assert objects(kg, court, SKOS.prefLabel) == {Literal("鳥取簡易裁判所", lang="ja"),
                                                  Literal("Tottori Summary Court", lang="en")}
    assert objects(kg, court, KG.nameKana) == {string("トットリカンイサイバンショ")}
    assert objects(kg, court, KG.registryUpdated) == {Literal("2018-04-02", datatype=DATE)}
    assert objects(kg, court, KG.assignedOn) == {Literal("2015-10-05", datatype=DATE)}
    assert Literal("鳥取県鳥取市東町２丁目２２３", lang="ja") in objects(kg, court, SCHEMA.address)
    assert objects(kg, court, SCHEMA.postalCode) == {string("6800011")}
    # a company without English name or furigana gets neither
    havo = org("1280002007428")
    assert objects(kg, havo, SKOS.prefLabel) == {Literal("有限会社ＨＡＰ観光", lang="ja")}
    assert objects(kg, havo, KG.nameKana) == set()


def test_seat_local_government_code_with_check_digit(tottori):
    kg, _ = tottori
    # 岩美町: prefecture 31, city 302 -> 6*3+5*1+4*3+3*0+2*2 = 39; 39 mod 11 = 6; (11-6) mod 10 = 5
    iwami = org("1000020313025")
    assert objects(kg, iwami, KG.locatedIn) == {URIRef(f"{KGD}area/313025")}
    # 島田商事 in 安来市: 32, 206 -> 18+10+8+0+12 = 48; 48 mod 11 = 4; 11-4 = 7
    assert objects(kg, org("1280001002413"), KG.locatedIn) == {URIRef(f"{KGD}area/322067")}
    area = URIRef(f"{KGD}area/313025")
    assert objects(kg, area, KG.localGovernmentCode) == {string("313025")}
    # the prefecture: 31 000 -> 18+5 = 23; 23 mod 11 = 1; (11-1) mod 10 = 0
    assert objects(kg, area, KG.withinArea) == {URIRef(f"{KGD}area/310000")}
    assert KG.Prefecture in objects(kg, URIRef(f"{KGD}area/310000"),
                                    RDF.type)


def test_non_disclosure_flag_hides_name_and_address(nta_dir):
    kg = KnowledgeGraph()
    s = import_nta(kg, nta_dir / API / "num_0_ver4_c4.csv", progress=False)
    hidden = org("5111101000006")
    assert objects(kg, hidden, KG.corporateNumber) == {string("5111101000006")}
    assert objects(kg, hidden, SKOS.prefLabel) == set()
    assert objects(kg, hidden, SCHEMA.address) == set()
    assert objects(kg, hidden, KG.locatedIn) == set()
    assert objects(kg, hidden, KG.hasLegalForm) == {LF.KabushikiKaisha}  # from kind 301, not the name
    warnings = s.as_dict()["warnings"]
    assert [(w["row"], w["field"]) for w in warnings] == [(1, "hihyoji")]


@pytest.mark.parametrize("request_name", sorted(SAME_REQUEST))
def test_csv_shift_jis_csv_utf8_and_xml_of_one_request_give_the_same_triples(nta_dir, request_name):
    graphs = []
    for name in SAME_REQUEST[request_name]:
        kg = KnowledgeGraph()
        import_nta(kg, nta_dir / API / name, source_id="nta/same", progress=False)
        triples = graph_triples(kg, "nta/same")
        # only the file name of the SourceFile differs
        triples = {t for t in triples if t[1] != f"<{KG.fileName}>"}
        assert len(triples) > 10
        graphs.append(triples)
    for other in graphs[1:]:
        assert other == graphs[0]


def test_cp932_copy_of_the_full_download_gives_the_same_triples(nta_dir, tmp_path):
    text = (nta_dir / TOTTORI).read_text(encoding="utf-8")
    sjis = tmp_path / "31_tottori_sjis.csv"
    sjis.write_bytes(text.encode("cp932"))
    assert detect_format(sjis) == "nta"
    a, b = KnowledgeGraph(), KnowledgeGraph()
    sa = import_nta(a, nta_dir / TOTTORI, source_id="nta/t", progress=False)
    sb = import_nta(b, sjis, source_id="nta/t", progress=False)
    assert (sb.rows_loaded, sb.rows_rejected) == (14, 0)
    strip = lambda kg: {t for t in graph_triples(kg, "nta/t") if t[1] != f"<{KG.fileName}>"}  # noqa: E731
    assert strip(a) == strip(b)
    assert sa.triples_added == sb.triples_added
    assert Literal("株式会社Ｔ＆Ｍコンサルティング", lang="ja") in objects(b, org("1280001005507"), SKOS.prefLabel)


def test_reimport_is_idempotent(nta_dir):
    kg = KnowledgeGraph()
    first = import_nta(kg, nta_dir / TOTTORI, progress=False)
    assert first.triples_added > 14 * 10 and first.triples_removed == 0
    before = graph_triples(kg, "nta/31_tottori_test_20240329")
    assert len(before) == first.triples_added
    again = import_nta(kg, nta_dir / TOTTORI, progress=False)
    assert (again.triples_added, again.triples_removed) == (0, 0)
    assert graph_triples(kg, "nta/31_tottori_test_20240329") == before
    # an earlier version of the same source does not count as another source
    assert (again.entities_created, again.entities_merged) == (14, 0)


# -------------------------------------------------------------------------- history ----
def test_history_record_with_the_same_name_adds_no_alt_label(nta_dir):
    kg = KnowledgeGraph()
    s = import_nta(kg, nta_dir / API / "num_1_ver4_x4.xml", progress=False)
    e = org("4111101000007")
    assert (s.rows_loaded, s.entities_created) == (2, 1)
    assert objects(kg, e, SKOS.altLabel) == set()
    # the current (latest = 1) record's address, not the old one
    assert objects(kg, e, SCHEMA.address) == {Literal("東京都千代田区神田小川町１丁目２０番地", lang="ja")}
    assert objects(kg, e, SCHEMA.postalCode) == {string("1010052")}
    assert len(objects(kg, e, PROV.wasDerivedFrom)) == 2


@pytest.mark.parametrize("history_first", [True, False])
def test_old_name_becomes_alt_label_and_never_overwrites_the_current_one(tmp_path, history_first):
    number = valid_number(1101_0100_0001)
    old = record(sequenceNumber="1", corporateNumber=number, name="株式会社旧商号", kind="301",
                 latest="0", updateDate="2016-01-01", prefectureCode="13", cityCode="101",
                 prefectureName="東京都", cityName="千代田区", streetNumber="旧住所１")
    new = record(sequenceNumber="2", corporateNumber=number, name="株式会社新商号", kind="301",
                 latest="1", process="11", updateDate="2019-04-05", prefectureCode="13",
                 cityCode="102", prefectureName="東京都", cityName="中央区", streetNumber="新住所２")
    rows = [old, new] if history_first else [new, old]
    kg = KnowledgeGraph()
    s = import_nta(kg, write_csv(tmp_path / "history.csv", rows), progress=False)
    e = org(number)
    assert objects(kg, e, SKOS.prefLabel) == {Literal("株式会社新商号", lang="ja")}
    assert objects(kg, e, SKOS.altLabel) == {Literal("株式会社旧商号", lang="ja")}
    assert objects(kg, e, KG.registryUpdated) == {Literal("2019-04-05", datatype=DATE)}
    assert objects(kg, e, KG.locatedIn) == {URIRef(f"{KGD}area/131024")}  # 中央区, not 千代田区
    assert (s.entities_created, s.legal_forms_recognised) == (1, 1)
    assert s.as_dict()["warnings"] == []


def test_two_current_records_with_different_names_are_reported(tmp_path):
    number, other = valid_number(1101_0100_0002), valid_number(1101_0100_0003)
    rows = [record(sequenceNumber="1", corporateNumber=number, name="株式会社甲", kind="301"),
            record(sequenceNumber="2", corporateNumber=other, name="株式会社丙", kind="301"),
            record(sequenceNumber="3", corporateNumber=number, name="株式会社乙", kind="301")]
    s = import_nta(KnowledgeGraph(), write_csv(tmp_path / "twice.csv", rows), progress=False)
    (warning,) = s.as_dict()["warnings"]
    assert (warning["field"], warning["value"]) == ("latest", number)
    assert str(SKOS.prefLabel) in warning["message"]


def test_number_with_only_history_keeps_names_as_alt_labels(nta_dir):
    kg = KnowledgeGraph()
    s = import_nta(kg, nta_dir / API / "name_ver4_x4.xml", progress=False)
    e = org("7040001999906")  # 株式会社国税商事亜亜亜, latest = 0, no current record in the file
    assert objects(kg, e, SKOS.prefLabel) == set()
    assert objects(kg, e, SKOS.altLabel) == {Literal("株式会社国税商事亜亜亜", lang="ja")}
    assert [(w["row"], w["field"]) for w in s.as_dict()["warnings"]] == [(6, "latest")]
    assert s.entities_created == 10 and s.legal_forms_recognised == 9


# ------------------------------------------------------------ legal forms from the ontology ----
def test_kind_codes_come_from_the_ontology():
    kinds = KindForms.from_graph(ontology_graph())
    for code, form in {"101": LF.KuniNoKikan, "201": LF.ChihoKokyoDantai, "301": LF.KabushikiKaisha,
                       "302": LF.YugenKaisha, "303": LF.GomeiKaisha, "304": LF.GoshiKaisha,
                       "305": LF.GodoKaisha, "401": LF.GaikokuKaisha}.items():
        assert kinds.decisive[code] == str(form)
    assert "399" in kinds.known and "399" not in kinds.decisive
    # a code another form also carries stops deciding the form
    graph = ontology_graph()
    graph.add((LF.GodoKaisha, KG.ntaKindCode, string("301")))
    assert "301" not in KindForms.from_graph(graph).decisive


def test_kind_399_uses_the_name_and_unknown_kinds_are_not_guessed(tmp_path):
    welfare, unknown, company, odd = (valid_number(n) for n in (5000_0000_0001, 5000_0000_0002,
                                                                 5000_0000_0003, 5000_0000_0004))
    rows = [
        record(sequenceNumber="1", corporateNumber=welfare, kind="399", name="社会福祉法人　青空会"),
        record(sequenceNumber="2", corporateNumber=unknown, kind="399", name="青空の会"),
        record(sequenceNumber="3", corporateNumber=company, kind="399", name="青空ケア株式会社"),
        record(sequenceNumber="4", corporateNumber=odd, kind="999", name="社会福祉法人　海の会"),
    ]
    kg = KnowledgeGraph()
    s = import_nta(kg, write_csv(tmp_path / "kinds.csv", rows), progress=False)
    assert objects(kg, org(welfare), KG.hasLegalForm) == {LF.ShakaiFukushiHojin}
    for number in (unknown, company, odd):
        assert objects(kg, org(number), KG.hasLegalForm) == set(), number
    assert s.legal_forms_recognised == 1
    assert s.legal_forms_unrecognised == [f"{unknown} 青空の会", f"{company} 青空ケア株式会社",
                                          f"{odd} 社会福祉法人　海の会"]
    warnings = {(w["row"], w["field"]): w for w in s.as_dict()["warnings"]}
    assert set(warnings) == {(3, "name"), (4, "kind")}
    assert warnings[(4, "kind")]["value"] == "999"
    assert objects(kg, org(odd), KG.ntaKind) == {string("999")}


# -------------------------------------------------------------------------- merging ----
def test_merge_with_an_entity_already_in_the_store(nta_dir):
    kg = KnowledgeGraph()
    kg.load_ontology()
    kg.load_data("""
        @prefix kg: <https://w3id.org/kgtool/ont#> .
        @prefix cn: <https://w3id.org/kgtool/data/org/cn/> .
        @prefix est: <https://w3id.org/kgtool/data/est/> .
        cn:1000020313025 a kg:Organization ; kg:operates est:3170100011 .
        est:3170100011 a kg:Establishment ; kg:operatedBy cn:1000020313025 .
    """, format="turtle", graph=source_graph("test/establishments"))
    s = import_nta(kg, nta_dir / TOTTORI, progress=False)
    assert (s.entities_created, s.entities_merged) == (13, 1)
    assert kg.ask("""ASK { ?e kg:operates <https://w3id.org/kgtool/data/est/3170100011> ;
                          skos:prefLabel "岩美町"@ja ; kg:hasLegalForm lf:ChihoKokyoDantai ;
                          kg:locatedIn <https://w3id.org/kgtool/data/area/313025> }""")


def test_merge_with_mhlw_data(nta_dir, realdata, tmp_path):
    from kgtool.importers.mhlw import import_mhlw

    source = realdata / "mhlw_kaigo" / "jigyosho_120.csv"
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))[:2]
    header, row = rows
    row[header.index("法人番号")] = "1000020313025"
    row[header.index("法人の名称")] = "岩美町"
    fixture = tmp_path / "jigyosho_120.csv"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([header, row])
    fixture.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))
    establishment = URIRef(f"{KGD}est/{row[header.index('事業所番号')]}")

    kg = KnowledgeGraph()
    assert import_mhlw(kg, fixture, progress=False).rows_loaded == 1
    s = import_nta(kg, nta_dir / TOTTORI, progress=False)
    assert (s.entities_created, s.entities_merged) == (13, 1)
    iwami = org("1000020313025")
    assert establishment in objects(kg, iwami, KG.operates)
    assert objects(kg, iwami, KG.assignedOn) == {Literal("2015-10-05", datatype=DATE)}
    assert Literal("Iwami Town", lang="en") in objects(kg, iwami, SKOS.prefLabel)


# ------------------------------------------------------------------------ bad input ----
def test_wrong_check_digit_is_rejected_and_the_rest_loaded(realdata, tmp_path):
    rows = tottori_rows(realdata)
    rows[2][1] = "2000020313289"  # 智頭町: the valid number is 1000020313289
    rows[4][1] = "100002031389"   # 12 digits
    kg = KnowledgeGraph()
    s = import_nta(kg, write_csv(tmp_path / "bad.csv", rows), progress=False)
    assert (s.rows_read, s.rows_loaded, s.rows_rejected) == (14, 12, 2)
    rejected = s.as_dict()["rejected"]
    assert [(p["file"], p["row"], p["field"], p["value"]) for p in rejected] == [
        ("bad.csv", 3, "corporateNumber", "2000020313289"),
        ("bad.csv", 5, "corporateNumber", "100002031389")]
    assert "check digit" in rejected[0]["message"] and "13 digits" in rejected[1]["message"]
    assert "bad.csv, row 3, field corporateNumber" in str(s)
    assert objects(kg, org("2000020313289"), SKOS.prefLabel) == set()


def test_row_with_29_columns_is_rejected(realdata, tmp_path):
    rows = tottori_rows(realdata)
    rows[6] = rows[6][:29]
    s = import_nta(KnowledgeGraph(), write_csv(tmp_path / "short.csv", rows), progress=False)
    assert (s.rows_loaded, s.rows_rejected) == (13, 1)
    (problem,) = s.as_dict()["rejected"]
    assert (problem["file"], problem["row"], problem["field"]) == ("short.csv", 7, None)
    assert "29 columns" in problem["message"]


def test_malformed_date_is_dropped_with_a_warning(realdata, tmp_path):
    rows = tottori_rows(realdata)
    rows[0][COLUMNS.index("updateDate")] = "2018-02-30"
    kg = KnowledgeGraph()
    s = import_nta(kg, write_csv(tmp_path / "date.csv", rows), progress=False)
    assert s.rows_loaded == 14
    (warning,) = s.as_dict()["warnings"]
    assert (warning["row"], warning["field"], warning["value"]) == (1, "updateDate", "2018-02-30")
    assert objects(kg, org("1000013050238"), KG.registryUpdated) == set()
    assert objects(kg, org("1000013050238"), KG.assignedOn) == {Literal("2015-10-05", datatype=DATE)}


def test_file_in_neither_utf8_nor_cp932(nta_dir, tmp_path):
    text = (nta_dir / TOTTORI).read_text(encoding="utf-8")
    path = tmp_path / "utf16.csv"
    path.write_bytes(text.encode("utf-16"))
    with pytest.raises(InputError, match=r"utf16\.csv: neither UTF-8 \(invalid byte at offset 0\) .*cp932"):
        import_nta(KnowledgeGraph(), path, progress=False)


def test_undecodable_bytes_deep_in_a_large_file_reject_only_their_row(realdata, tmp_path):
    template = tottori_rows(realdata)[10]  # 島田商事 (kind 301)
    rows = []
    for i in range(500):  # ~77 KB: beyond the 64 KiB the encoding is judged from
        row = list(template)
        row[0], row[1], row[6] = str(i + 1), valid_number(2800_0100_0000 + i), f"株式会社テスト{i}"
        rows.append(row)
    path = write_csv(tmp_path / "large.csv", rows, encoding="cp932")
    data = path.read_bytes()
    assert len(data) > 1 << 16
    lines = data.split(b"\n")
    assert sum(len(line) + 1 for line in lines[:479]) > 1 << 16
    lines[479] = lines[479].replace("テスト479".encode("cp932"), b"\x85\x40")  # no cp932 character
    path.write_bytes(b"\n".join(lines))
    offset = sum(len(line) + 1 for line in lines[:479]) + lines[479].index(b"\x85\x40")
    s = import_nta(KnowledgeGraph(), path, progress=False)
    assert (s.rows_read, s.rows_loaded, s.rows_rejected) == (500, 499, 1)
    (problem,) = s.as_dict()["rejected"]
    assert problem["row"] == 480 and f"byte offset {offset}" in problem["message"]


def test_xml_in_shift_jis_is_refused_clearly(tmp_path):
    path = tmp_path / "sjis.xml"
    path.write_bytes('<?xml version="1.0" encoding="Shift_JIS"?><corporations><corporation>'
                     '<name>株式会社あ</name></corporation></corporations>'.encode("cp932"))
    with pytest.raises(InputError, match=r"sjis\.xml: cannot read this XML .*UTF-8"):
        import_nta(KnowledgeGraph(), path, progress=False)


def test_missing_file():
    with pytest.raises(InputError, match="nothere.csv: no such file"):
        import_nta(KnowledgeGraph(), "nothere.csv")


def test_truncated_xml_keeps_the_complete_records(nta_dir, tmp_path):
    data = (nta_dir / API / "name_ver4_x4.xml").read_bytes()
    cut = data.index("株式会社国税商事亜亜</name>".encode()) + 5  # inside record 5
    path = tmp_path / "cut.xml"
    path.write_bytes(data[:cut])
    kg = KnowledgeGraph()
    s = import_nta(kg, path, progress=False)
    assert (s.rows_read, s.rows_loaded) == (4, 4)
    problems = {p.field: p for p in s.problems}
    assert problems[None].severity == "error" and "line 1, column" in problems[None].message
    assert problems[None].file == "cut.xml"
    assert problems["count"].value == "10"  # announced 10, read 4
    assert objects(kg, org("9040001999904"), SKOS.prefLabel) == {Literal("株式会社国税商事亜", lang="ja")}


# --------------------------------------------------------------------------- the CLI ----
def test_cli_import_json(nta_dir, capsys):
    assert main(["import", str(nta_dir / API / "num_1_ver4_x4.xml"), str(nta_dir / TOTTORI), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [(d["format"], d["rows_loaded"], d["rows_rejected"]) for d in out] == [
        ("nta-webapi-xml", 2, 0), ("nta-csv", 14, 0)]
    assert out[1]["entities_created"] == 14 and out[1]["recognition_rate"] == 1.0
    assert out[1]["graph"] == source_graph("nta/31_tottori_test_20240329")
    assert out[0]["warnings"] == [] and out[1]["rejected"] == []


def test_import_file_routes_to_the_nta_importer(nta_dir):
    s = import_file(KnowledgeGraph(), nta_dir / API / "num_0_ver4_c2.csv")
    assert (s.format, s.rows_loaded) == ("nta-webapi-csv", 1)
