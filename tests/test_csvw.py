"""Users' own tables through W3C CSVW metadata: conversion, bad cells, provenance, idempotence."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kgtool import InputError, KnowledgeGraph, import_file
from kgtool.importers import detect_format
from kgtool.importers.csvw import import_csvw

DATA = Path(__file__).parent / "data" / "csvw"
ORG = "https://w3id.org/kgtool/data/org/test/"


@pytest.fixture
def table(tmp_path) -> Path:
    for name in ("orgs.csv", "orgs.csv-metadata.json"):
        shutil.copy(DATA / name, tmp_path / name)
    return tmp_path / "orgs.csv-metadata.json"


def test_rows_become_triples_and_bad_rows_are_rejected(table):
    kg = KnowledgeGraph()
    summary = import_csvw(kg, table)
    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (4, 3, 1)
    problem = summary.problems[0]
    assert (problem.file, problem.row, problem.field, problem.value) == ("orgs.csv", 4, "founded", "not-a-date")
    assert "not a valid date" in problem.message
    _, rows = kg.select("SELECT ?o WHERE { ?o a kg:Organization } ORDER BY ?o")
    assert [str(r["o"]) for r in rows] == [ORG + "o1", ORG + "o2", ORG + "o4"]
    o1 = URIRef(ORG + "o1")
    assert kg.ask("ASK { ?o skos:prefLabel ?ja, ?en ; kg:hasLegalForm lf:KabushikiKaisha ; "
                  "schema:numberOfEmployees ?n ; schema:foundingDate ?d }",
                  {"o": o1, "ja": Literal("さくら介護株式会社", lang="ja"), "en": Literal("Sakura Care Co.", lang="en"),
                   "n": Literal(120), "d": Literal("2001-04-01", datatype=XSD.date)})
    _, tags = kg.select("SELECT ?k WHERE { ?o schema:keywords ?k } ORDER BY ?k", {"o": o1})
    assert [str(r["k"]) for r in tags] == ["care", "home"]
    # a plain-string column with "lang": null stays an xsd:string, not a ja-tagged literal
    assert kg.ask("ASK { ?o kg:corporateNumber ?n }", {"o": o1, "n": Literal("7123456789012")})
    # empty cells make no triples
    assert not kg.ask("ASK { ?o schema:foundingDate ?d }", {"o": URIRef(ORG + "o4")})


def test_every_row_subject_points_back_to_its_source_row(table):
    kg = KnowledgeGraph()
    import_csvw(kg, table)
    _, rows = kg.select("""
        SELECT ?row ?file WHERE { ?o prov:wasDerivedFrom ?r . ?r kg:rowNumber ?row ;
                                   kg:sourceFile/kg:fileName ?file }""", {"o": URIRef(ORG + "o2")})
    assert [(int(r["row"]), str(r["file"])) for r in rows] == [(3, "orgs.csv")]


def test_reimport_is_idempotent_and_a_correction_updates_only_what_changed(table):
    kg = KnowledgeGraph()
    first = import_csvw(kg, table)
    size = len(kg.store)
    again = import_csvw(kg, table)
    assert (again.triples_added, again.triples_removed) == (0, 0)
    assert first.triples_added > 0
    csv_path = table.parent / "orgs.csv"
    csv_path.write_text(csv_path.read_text(encoding="utf-8").replace(",120,", ",125,"), encoding="utf-8")
    corrected = import_csvw(kg, table)
    assert (corrected.triples_added, corrected.triples_removed) == (1, 1)
    assert kg.ask("ASK { ?o schema:numberOfEmployees 125 }", {"o": URIRef(ORG + "o1")})
    assert not kg.ask("ASK { ?o schema:numberOfEmployees 120 }", {"o": URIRef(ORG + "o1")})
    # the import log records each import (3), the data graph only the current facts
    assert len(kg.store) > size


def test_detect_and_import_file_pick_csvw(table):
    assert detect_format(table) == "csvw"
    summary = import_file(KnowledgeGraph(), table)
    assert summary.format == "csvw" and summary.rows_loaded == 3


def test_missing_column_and_bad_metadata_are_clear(table, tmp_path):
    csv_path = table.parent / "orgs.csv"
    text = csv_path.read_text(encoding="utf-8").replace("staff,", "people,", 1)
    csv_path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"orgs.csv: columns staff .* missing from the header"):
        import_csvw(KnowledgeGraph(), table)
    bad = tmp_path / "bad.csv-metadata.json"
    bad.write_text("{ not json", encoding="utf-8")
    with pytest.raises(InputError, match="bad.csv-metadata.json: not valid JSON"):
        import_csvw(KnowledgeGraph(), bad)
    with pytest.raises(InputError, match="no such file"):
        import_csvw(KnowledgeGraph(), tmp_path / "nope.json")


def test_wrong_encoding_names_the_file(table):
    csv_path = table.parent / "orgs.csv"
    csv_path.write_bytes(csv_path.read_text(encoding="utf-8").encode("shift_jis"))
    with pytest.raises(InputError, match=r"orgs.csv: not UTF-8"):
        import_csvw(KnowledgeGraph(), table)
