"""The MHLW long-term-care open-data importer, on the real sample files."""
from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from kgtool import KnowledgeGraph
from kgtool.cli import main
from kgtool.errors import InputError
from kgtool.importers import detect_format, import_file
from kgtool.importers.mhlw import HEADER, import_mhlw
from kgtool.importers.names import normalize_name
from kgtool.namespaces import KG, KGD, LF, SKOS, source_graph

FILES = {"jigyosho_120.csv": 1568, "jigyosho_230.csv": 127, "jigyosho_550.csv": 923, "jigyosho_710.csv": 207}
INVALID_CHECK_DIGITS = {
    ("jigyosho_120.csv", 780, "1020000113616"), ("jigyosho_120.csv", 784, "9020000100417"),
    ("jigyosho_120.csv", 862, "3010001005868"), ("jigyosho_120.csv", 995, "5080001018329"),
    ("jigyosho_120.csv", 1031, "0580001018392"), ("jigyosho_120.csv", 1088, "8160001008277"),
    ("jigyosho_120.csv", 1301, "0003170102226"), ("jigyosho_550.csv", 369, "5080408001449"),
}
#: Measured on the four samples together: 1,673 of 1,721 entities (97.2 %); the 48 others carry
#: no legal form in their name nor in an establishment name that spells theirs (白寿会,
#: 光輝病院介護医療院 …).
RECOGNITION_FLOOR = 0.972


@pytest.fixture(scope="module")
def mhlw_dir(realdata) -> Path:
    return realdata / "mhlw_kaigo"


@pytest.fixture(scope="module")
def loaded(mhlw_dir):
    """All four samples imported into one in-memory store, with their summaries."""
    kg = KnowledgeGraph()
    summaries = {name: import_mhlw(kg, mhlw_dir / name, progress=False) for name in FILES}
    return kg, summaries


def _csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _graph_triples(kg: KnowledgeGraph, source_id: str) -> set[tuple[str, str, str]]:
    return {(str(t.subject), str(t.predicate), str(t.object)) for t in kg.triples(source_graph(source_id))}


def test_rows_and_establishments_per_file(loaded):
    _, summaries = loaded
    for name, rows in FILES.items():
        s = summaries[name]
        assert (s.rows_read, s.rows_loaded, s.rows_rejected, s.establishments) == (rows, rows, 0, rows), name
        assert s.as_dict()["rejected"] == []


def test_every_row_is_an_establishment_in_the_store(loaded, mhlw_dir):
    kg, _ = loaded
    numbers = {row[15] for name in FILES for row in _csv_rows(mhlw_dir / name)[1:]}
    _, rows = kg.select("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a kg:Establishment ; "
                        "kg:establishmentNumber ?no ; kg:providesService ?s ; prov:wasDerivedFrom ?r . "
                        "?r kg:rowNumber ?row ; kg:sourceFile/kg:fileName ?file }")
    assert int(rows[0]["n"]) == len(numbers)
    assert len(numbers) == sum(FILES.values()) - 1  # one establishment offers two of the services
    # an establishment number with a capital letter is kept as is
    assert kg.ask("ASK { ?e kg:establishmentNumber ?n ; kg:providesService svc:550 }",
                  {"e": KGD["est/16B0400026"], "n": Literal("16B0400026")})


def test_invalid_corporate_numbers_are_exactly_the_known_rows(loaded):
    _, summaries = loaded
    reported = {(p.file, p.row, p.value) for s in summaries.values() for p in s.problems
                if p.field == "法人番号" and p.severity == "warning" and "check digit" in p.message}
    assert reported == INVALID_CHECK_DIGITS
    # no other non-empty number was rejected as malformed
    others = {(p.file, p.row) for s in summaries.values() for p in s.problems
              if p.field == "法人番号" and p.value and "check digit" not in p.message}
    assert others == set()


def test_entity_of_an_invalid_number_is_named_by_prefecture_and_name(loaded, mhlw_dir):
    kg, _ = loaded
    row = _csv_rows(mhlw_dir / "jigyosho_120.csv")[779]  # line 780
    assert row[13] == "1020000113616"
    digest = hashlib.sha256(normalize_name(row[14]).encode()).hexdigest()[:16]
    entity = KGD[f"org/name/{row[0][:2]}/{digest}"]
    assert kg.ask("ASK { ?e a kg:Organization ; kg:corporateNumber ?cn ; kg:operates ?est ; "
                  "kg:hasLegalForm lf:KabushikiKaisha . ?est kg:operatedBy ?e "
                  "FILTER NOT EXISTS { ?e a kg:RegisteredOrganization } }",
                  {"e": entity, "cn": Literal("1020000113616"), "est": KGD[f"est/{row[15]}"]})
    # the row is kept and the warning points at it
    assert kg.ask("ASK { ?est prov:wasDerivedFrom ?r . ?r kg:rowNumber 780 ; "
                  "kg:sourceFile/kg:fileName \"jigyosho_120.csv\" }", {"est": KGD[f"est/{row[15]}"]})


def test_a_known_entity_across_two_files(loaded, mhlw_dir):
    """医療法人社団七徳会 (3230005003550): one establishment in 120, one in 550, area 162043."""
    kg, summaries = loaded
    org = KGD["org/cn/3230005003550"]
    _, rows = kg.select("SELECT DISTINCT ?est ?svc ?area ?label WHERE { ?org kg:operates ?est . "
                        "?est kg:providesService ?svc ; kg:locatedIn ?area . ?org skos:prefLabel ?label } "
                        "ORDER BY ?est", {"org": org})
    assert [(str(r["est"]), str(r["svc"])) for r in rows] == [
        (str(KGD["est/1670400702"]), "https://w3id.org/kgtool/service/120"),
        (str(KGD["est/16B0400026"]), "https://w3id.org/kgtool/service/550")]
    assert {str(r["area"]) for r in rows} == {str(KGD["area/162043"])}
    assert {str(r["label"]) for r in rows} == {"医療法人社団七徳会"}
    assert kg.ask("ASK { ?org a kg:RegisteredOrganization ; kg:hasLegalForm lf:IryoHojin ; "
                  "kg:corporateNumber \"3230005003550\" }", {"org": org})
    # the area: a municipality of Niigata prefecture (16000 + check digit 8)
    assert kg.ask("ASK { ?a a kg:Municipality ; kg:localGovernmentCode \"162043\" ; "
                  "kg:withinArea ?p . ?p a kg:Prefecture ; kg:localGovernmentCode \"160008\" }",
                  {"a": KGD["area/162043"], "p": KGD["area/160008"]})
    # 550 was imported after 120, so the entity was merged there
    assert summaries["jigyosho_550.csv"].entities_merged >= 1


def test_name_variants_of_one_number_share_the_recognised_form(loaded):
    """ニチイ学館 (3010001025868): 64 establishments, four spellings, one of them without 株式会社."""
    kg, summaries = loaded
    org = KGD["org/cn/3010001025868"]
    _, rows = kg.select("SELECT (COUNT(DISTINCT ?est) AS ?n) WHERE { ?org kg:operates ?est }", {"org": org})
    assert int(rows[0]["n"]) == 64
    labels = {str(o) for o in kg.rdflib.objects(URIRef(org), SKOS.altLabel)}
    assert labels == {"株式会社\u3000ニチイ学館", "ニチイ学館", "かぶしきがいしゃ\u3000にちいがっかん"}
    assert [str(o) for o in kg.rdflib.objects(URIRef(org), SKOS.prefLabel)] == ["株式会社ニチイ学館"]
    assert {str(o) for o in kg.rdflib.objects(URIRef(org), KG.hasLegalForm)} == {str(LF.KabushikiKaisha)}
    assert "ニチイ学館" not in summaries["jigyosho_120.csv"].legal_forms_unrecognised


def test_recognition_rate_on_all_four_files(loaded):
    kg, summaries = loaded
    _, rows = kg.select("SELECT (COUNT(DISTINCT ?e) AS ?n) (COUNT(DISTINCT ?r) AS ?k) WHERE { "
                        "?e a kg:Organization OPTIONAL { ?e kg:hasLegalForm ?f BIND(?e AS ?r) } }")
    total, recognised = int(rows[0]["n"]), int(rows[0]["k"])
    assert total > 1600
    assert recognised / total >= RECOGNITION_FLOOR
    unrecognised = set().union(*(s.legal_forms_unrecognised for s in summaries.values()))
    assert "白寿会" in unrecognised
    assert total - recognised == len(unrecognised)
    for s in summaries.values():
        assert s.legal_forms_unrecognised == sorted(set(s.legal_forms_unrecognised))
        assert s.legal_forms_recognised + len(s.legal_forms_unrecognised) == s.entities_created + s.entities_merged
    # local governments: corporate number shape and name agree
    assert kg.ask("ASK { ?e kg:hasLegalForm lf:ChihoKokyoDantai ; skos:prefLabel \"別海町\"@ja }",
                  {"e": KGD["org/cn/9000020016918"]})


def test_establishment_name_that_spells_out_the_operator_gives_its_form(loaded):
    """Rows whose operator name lacks a form while the establishment name writes it out before
    the operator's name: 慶仁会 runs 「医療法人　慶仁会　城山病院　介護医療医療院」 (550), 照臨会 runs
    「医）照臨会　佐藤医院」 (230, abbreviated 医）). An establishment name that does not contain the
    operator's name is no evidence: 白寿会 runs 白寿園訪問入浴サービス and stays unrecognised."""
    kg, summaries = loaded
    for number in ("3070005005761", "7320005001822"):
        assert kg.ask("ASK { ?e kg:hasLegalForm lf:IryoHojin }", {"e": KGD[f"org/cn/{number}"]})
    assert "慶仁会" not in summaries["jigyosho_550.csv"].legal_forms_unrecognised
    assert "照臨会" not in summaries["jigyosho_230.csv"].legal_forms_unrecognised
    assert "白寿会" in summaries["jigyosho_120.csv"].legal_forms_unrecognised
    assert not kg.ask("ASK { ?e kg:hasLegalForm ?f }", {"e": KGD["org/cn/9340005003377"]})


def test_capacity_zero_is_kept_and_empty_is_absent(loaded, mhlw_dir):
    kg, _ = loaded
    rows = _csv_rows(mhlw_dir / "jigyosho_120.csv")[1:]
    zero = next(r for r in rows if r[18] == "0")
    empty = next(r for r in rows if r[18] == "")
    assert kg.ask("ASK { ?e kg:capacity 0 }", {"e": KGD[f"est/{zero[15]}"]})
    assert not kg.ask("ASK { ?e kg:capacity ?c }", {"e": KGD[f"est/{empty[15]}"]})


def test_reimport_changes_nothing_and_a_corrected_file_only_what_differs(mhlw_dir, tmp_path):
    kg = KnowledgeGraph()
    path = tmp_path / "jigyosho_710.csv"
    shutil.copy(mhlw_dir / "jigyosho_710.csv", path)
    first = import_mhlw(kg, path, progress=False)
    assert first.triples_added > 5000 and first.triples_removed == 0
    again = import_mhlw(kg, path, progress=False)
    assert (again.triples_added, again.triples_removed) == (0, 0)
    assert (again.entities_created, again.entities_merged) == (first.entities_created, 0)
    rows = _csv_rows(path)
    target = next(i for i, r in enumerate(rows) if i and r[18] not in ("", "0"))
    old = rows[target][18]
    rows[target][18] = str(int(old) + 7)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)
    fixed = import_mhlw(kg, path, progress=False)
    assert (fixed.triples_added, fixed.triples_removed) == (1, 1)
    est = KGD[f"est/{rows[target][15]}"]
    assert kg.ask("ASK { ?e kg:capacity ?c }", {"e": est, "c": Literal(int(old) + 7)})


def test_shift_jis_copy_imports_the_same_triples(mhlw_dir, tmp_path):
    utf8 = tmp_path / "utf8" / "jigyosho_710.csv"
    sjis = tmp_path / "sjis" / "jigyosho_710.csv"
    utf8.parent.mkdir()
    sjis.parent.mkdir()
    # the real file has a few characters Shift_JIS cannot encode (e.g. U+207B); keep the rows it can
    lines = (mhlw_dir / "jigyosho_710.csv").read_bytes().decode("utf-8-sig").splitlines(keepends=True)
    kept = [line for line in lines if _encodable(line)]
    assert len(kept) > 200
    utf8.write_bytes("".join(kept).encode("utf-8-sig"))
    sjis.write_bytes("".join(kept).encode("cp932"))
    assert detect_format(sjis) == "mhlw"
    a, b = KnowledgeGraph(), KnowledgeGraph()
    sa = import_mhlw(a, utf8, progress=False)
    sb = import_file(b, sjis)
    assert sb.rows_loaded == sa.rows_loaded == len(kept) - 1
    assert _graph_triples(a, "mhlw/jigyosho_710") == _graph_triples(b, "mhlw/jigyosho_710")


def test_truncated_last_line_is_rejected_with_its_line_number(mhlw_dir, tmp_path):
    data = (mhlw_dir / "jigyosho_710.csv").read_bytes().rstrip(b"\r\n")
    cut = data[: data.rindex(b"\n") + 60]  # header + 206 rows + the first 60 bytes of row 208
    path = tmp_path / "jigyosho_710.csv"
    path.write_bytes(cut)
    s = import_mhlw(KnowledgeGraph(), path, progress=False)
    assert (s.rows_read, s.rows_loaded, s.rows_rejected) == (207, 206, 1)
    [problem] = [p for p in s.problems if p.severity == "error"]
    assert problem.row == 208 and problem.file == "jigyosho_710.csv" and "cells" in problem.message


def _encodable(text: str) -> bool:
    try:
        text.encode("cp932")
    except UnicodeEncodeError:
        return False
    return True


def _write(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)
    return path


def test_unknown_service_code(mhlw_dir, tmp_path):
    rows = _csv_rows(mhlw_dir / "jigyosho_710.csv")[:4]
    with pytest.raises(InputError, match=r"jigyosho_999\.csv: unknown service code 999"):
        import_mhlw(KnowledgeGraph(), _write(tmp_path / "jigyosho_999.csv", rows))
    rows[2][6] = "999"
    rows[3][6] = "訪問介護"  # a real service, but not the file's
    s = import_mhlw(KnowledgeGraph(), _write(tmp_path / "jigyosho_710.csv", rows), progress=False)
    assert s.rows_loaded == 1
    rejected = {(p.row, p.field, p.value) for p in s.problems if p.severity == "error"}
    assert rejected == {(3, "サービスの種類", "999"), (4, "サービスの種類", "訪問介護")}
    assert any("service 110" in p.message for p in s.problems if p.row == 4)


def test_bad_cells_are_reported_by_row_and_field(mhlw_dir, tmp_path):
    rows = _csv_rows(mhlw_dir / "jigyosho_710.csv")[:7]
    rows[1][18] = "二十"          # capacity: warning, dropped
    rows[2][9] = "北緯35度"        # latitude: warning, dropped
    rows[3][15] = "12345"         # establishment number: rejected
    rows[4] = rows[4][:20]        # too few cells: rejected
    rows[5][0] = "011020"         # wrong check digit of the area code: warning
    rows[6][13], rows[6][14] = "", ""  # no operator at all: warning, kept
    rows[2][19] = "http://example.jp/a%zz"  # not an IRI (bad percent escape): warning, dropped
    rows[6][19] = "http://example.jp/a#b#c"  # two fragments: not an IRI either
    rows[1][19] = "http://example.jp/%E4%BB%8B/護"  # valid: kept as written
    kg = KnowledgeGraph()
    s = import_mhlw(kg, _write(tmp_path / "jigyosho_710.csv", rows), progress=False)
    assert (s.rows_read, s.rows_loaded, s.rows_rejected) == (6, 4, 2)
    got = {(p.row, p.field, p.severity) for p in s.problems}
    assert {(2, "定員", "warning"), (3, "緯度", "warning"), (4, "事業所番号", "error"), (5, None, "error"),
            (6, "都道府県コード又は市町村コード", "warning"), (7, "法人番号", "warning"),
            (3, "URL", "warning"), (7, "URL", "warning")} <= got
    urls = {str(r["u"]) for r in kg.select("SELECT ?u { GRAPH ?g { ?e <http://schema.org/url> ?u } }")[1]}
    assert "http://example.jp/%E4%BB%8B/護" in urls and not any("%zz" in u or "#c" in u for u in urls)
    data = s.as_dict()
    assert {(r["file"], r["row"]) for r in data["rejected"]} == {("jigyosho_710.csv", 4), ("jigyosho_710.csv", 5)}


def test_missing_file_wrong_header_and_wrong_encoding(mhlw_dir, tmp_path):
    with pytest.raises(InputError, match="no such file"):
        import_mhlw(KnowledgeGraph(), tmp_path / "jigyosho_120.csv")
    rows = _csv_rows(mhlw_dir / "jigyosho_710.csv")[:3]
    rows[0][5] = "カナ"
    with pytest.raises(InputError, match=r"jigyosho_710\.csv: not an MHLW .*row 1"):
        import_mhlw(KnowledgeGraph(), _write(tmp_path / "jigyosho_710.csv", rows))
    bad = tmp_path / "bad" / "jigyosho_710.csv"
    bad.parent.mkdir()
    good = (mhlw_dir / "jigyosho_710.csv").read_bytes()
    at = good.index(b"\n") + 1  # start of row 2
    bad.write_bytes(good[:at] + b"\xff\xfe\x80\x80" + good[at:])
    with pytest.raises(InputError, match=rf"jigyosho_710\.csv: neither UTF-8 nor Shift_JIS.*offset {at}$"):
        import_mhlw(KnowledgeGraph(), bad)
    assert list(HEADER) == _csv_rows(mhlw_dir / "jigyosho_710.csv")[0]
    # a bad byte far after the sniffed head: the import stops, naming the offset, and leaves nothing
    big = (mhlw_dir / "jigyosho_120.csv").read_bytes()
    at = big.index(b"\n", 200_000) + 1
    bad.write_bytes(big[:at] + b"\x82\xa0\xff" + big[at:])
    kg = KnowledgeGraph()
    with pytest.raises(InputError, match=rf"not valid UTF-8: undecodable byte at offset {at}$"):
        import_mhlw(kg, bad, progress=False)
    assert len(kg) == 0


def test_entity_known_to_the_store_counts_as_merged_with_its_form(mhlw_dir):
    """A registry (e.g. the NTA file) already gave 我笑 (3360001025338) a legal form."""
    kg = KnowledgeGraph()
    kg.load_data(f"<{KGD['org/cn/3360001025338']}> <{KG.hasLegalForm}> <{LF.KabushikiKaisha}> .\n",
                 format="nt", graph=str(KGD["graph/source/nta/test"]))
    s = import_mhlw(kg, mhlw_dir / "jigyosho_120.csv", progress=False)
    assert s.entities_merged == 1
    assert "我笑" not in s.legal_forms_unrecognised
    alone = import_mhlw(KnowledgeGraph(), mhlw_dir / "jigyosho_120.csv", progress=False)
    assert "我笑" in alone.legal_forms_unrecognised
    assert alone.legal_forms_recognised + 1 == s.legal_forms_recognised


def test_cli_import_json(mhlw_dir, capsys):
    assert main(["import", str(mhlw_dir / "jigyosho_230.csv"), "--json"]) == 0
    [data] = json.loads(capsys.readouterr().out)
    assert data["format"] == "mhlw" and data["rows_read"] == 127 and data["establishments"] == 127
    assert data["entities_created"] + data["entities_merged"] > 100
    assert data["legal_forms_recognised"] > 100 and "御幸会" in data["legal_forms_unrecognised"]
    assert data["rejected"] == [] and 0.9 < data["recognition_rate"] < 1
    assert all({"file", "row", "field", "message", "value"} <= set(w) for w in data["warnings"])
