"""The embedded store: loading, named graphs, SPARQL with bound terms, serialisation, persistence."""
from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
import rdflib
import rdflib.compare
from rdflib import XSD, Literal, URIRef

from kgtool import InputError, KnowledgeGraph
from kgtool.namespaces import KG, ONTOLOGY_GRAPH

TTL = """
@prefix kg: <https://w3id.org/kgtool/ont#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/kgtool/data/org/a> a kg:Organization ; skos:prefLabel "甲"@ja, "A"@en .
<https://w3id.org/kgtool/data/org/b> a kg:Organization ; skos:prefLabel "乙"@ja ; kg:capacity 12 .
"""


def test_load_query_and_graphs(tmp_path):
    path = tmp_path / "small.ttl"
    path.write_text(TTL, encoding="utf-8")
    kg = KnowledgeGraph()
    assert kg.load_file(path) == 6
    assert kg.graphs() == [f"file://{path.resolve().as_posix()}"]
    names, rows = kg.select("SELECT ?o WHERE { ?o a kg:Organization } ORDER BY ?o")
    assert names == ["o"]
    assert [str(r["o"]) for r in rows] == ["https://w3id.org/kgtool/data/org/a",
                                           "https://w3id.org/kgtool/data/org/b"]


def test_bindings_are_terms_not_text():
    kg = KnowledgeGraph()
    kg.load_data(TTL, format="turtle", graph="urn:g")
    query = "SELECT ?o WHERE { ?o skos:prefLabel ?name }"
    _, rows = kg.select(query, {"name": Literal("甲", lang="ja")})
    assert [str(r["o"]) for r in rows] == ["https://w3id.org/kgtool/data/org/a"]
    hostile = Literal('甲"@ja } UNION { ?o ?p ?x } #', lang="ja")
    _, rows = kg.select(query, {"name": hostile})
    assert rows == []


def test_replace_graph_keeps_other_graphs():
    kg = KnowledgeGraph()
    kg.load_data(TTL, format="turtle", graph="urn:one")
    kg.load_data(TTL, format="turtle", graph="urn:two")
    kg.load_data("<urn:x> <urn:p> <urn:y> .", format="nt", graph="urn:one", replace=True)
    assert kg.count("urn:one") == 1
    assert kg.count("urn:two") == 6


@pytest.mark.parametrize("fmt,parse_as", [("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"),
                                          ("xml", "xml")])
def test_round_trip_serialisation(fmt, parse_as):
    kg = KnowledgeGraph()
    kg.load_data(TTL, format="turtle", graph="urn:g")
    data = kg.serialize(format=fmt)
    original = rdflib.Graph().parse(data=TTL, format="turtle")
    again = rdflib.Graph().parse(data=data, format=parse_as)
    assert rdflib.compare.isomorphic(original, again)
    if fmt == "jsonld":
        assert isinstance(json.loads(data), (list, dict))


def test_round_trip_dataset_keeps_named_graphs():
    kg = KnowledgeGraph()
    kg.load_data(TTL, format="turtle", graph="urn:one")
    kg.load_data("<urn:x> <urn:p> <urn:y> .", format="nt", graph="urn:two")
    copy = KnowledgeGraph()
    copy.load_data(kg.serialize(format="nquads"), format="nquads")
    assert copy.graphs() == ["urn:one", "urn:two"]
    assert copy.count("urn:one") == 6 and copy.count("urn:two") == 1
    trig = KnowledgeGraph()
    trig.load_data(kg.serialize(format="trig"), format="trig")
    assert len(trig) == len(kg)


def test_persistent_store_reopens_intact(tmp_path):
    path = tmp_path / "store"
    with KnowledgeGraph(path) as kg:
        kg.load_ontology()
        kg.load_data(TTL, format="turtle", graph="urn:data")
        size, graphs = len(kg), kg.graphs()
    with KnowledgeGraph(path) as again:
        assert len(again) == size
        assert again.graphs() == graphs
        assert again.count(ONTOLOGY_GRAPH) > 1000
        assert again.ask("ASK { <https://w3id.org/kgtool/data/org/b> kg:capacity 12 }")
    with KnowledgeGraph(path, read_only=True) as reader:
        assert len(reader) == size


def test_rdflib_view_is_the_same_store():
    kg = KnowledgeGraph()
    kg.load_data(TTL, format="turtle", graph="urn:g")
    dataset = kg.rdflib
    org = URIRef("https://w3id.org/kgtool/data/org/a")
    assert (org, rdflib.RDF.type, KG.Organization) in dataset
    labels = {str(o) for o in dataset.objects(org, rdflib.SKOS.prefLabel)}
    assert labels == {"甲", "A"}
    dataset.graph(URIRef("urn:added")).add((org, KG.capacity, Literal(3)))
    assert kg.ask("ASK { <https://w3id.org/kgtool/data/org/a> kg:capacity 3 }")
    assert isinstance(kg.store, ox.Store)


def test_bad_input_names_the_file(tmp_path):
    kg = KnowledgeGraph()
    with pytest.raises(InputError, match="no such file"):
        kg.load_file(tmp_path / "missing.ttl")
    broken = tmp_path / "broken.ttl"
    broken.write_text("<urn:a> <urn:b> .", encoding="utf-8")
    with pytest.raises(InputError, match="broken.ttl"):
        kg.load_file(broken)
    with pytest.raises(InputError, match="unknown RDF format"):
        kg.serialize(format="yaml")
    with pytest.raises(InputError, match="SPARQL syntax error"):
        kg.select("SELECT WHERE {")


def test_select_converts_every_term_faithfully():
    """Rows repeat terms (sectors, counts): each distinct term is converted once, and a
    repeated, typed, language-tagged or unbound value comes out as itself."""
    kg = KnowledgeGraph()
    _, rows = kg.select('SELECT ?v WHERE { VALUES ?v { 1 "1" "1"@ja "1"@en 1 <urn:a> UNDEF "1"@ja '
                        '"2020-03-31"^^xsd:date } }')
    assert [r["v"] for r in rows] == [
        Literal(1), Literal("1"), Literal("1", lang="ja"), Literal("1", lang="en"), Literal(1),
        URIRef("urn:a"), None, Literal("1", lang="ja"),
        Literal("2020-03-31", datatype=XSD.date)]
    assert [type(r["v"]) for r in rows][5] is URIRef
