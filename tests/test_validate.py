"""Validation: the fast path (shapes compiled to SPARQL, run by Oxigraph) gives exactly pyshacl's
results; readable and standard reports; incremental validation; the real MHLW samples; the CLI."""
from __future__ import annotations

import csv
import json
import logging
from pathlib import Path

import pytest
import rdflib
from rdflib import Graph, URIRef

from kgtool import KnowledgeGraph
from kgtool.cli import main
from kgtool.codes import is_valid_corporate_number
from kgtool.errors import InputError
from kgtool.importers.csvw import import_csvw
from kgtool.importers.mhlw import import_mhlw
from kgtool.namespaces import KGSH
from kgtool.reason import materialize
from kgtool.resources import example_region_dir
from kgtool.shacl_sparql import SH, compile_shapes
from kgtool.shacl_synthetic import generate
from kgtool.validate import load_shapes, validate, validate_files, validate_sources

logging.getLogger("rdflib").setLevel(logging.CRITICAL)   # ill-typed planted literals are expected

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def shapes():
    return load_shapes()


def _agree(kg, shapes, **kwargs):
    fast = validate(kg, shapes, engine="fast", **kwargs)
    reference = validate(kg, shapes, engine="pyshacl", **kwargs)
    assert fast.keys() == reference.keys(), (
        f"only fast: {sorted(fast.keys() - reference.keys(), key=str)[:5]}\n"
        f"only pyshacl: {sorted(reference.keys() - fast.keys(), key=str)[:5]}")
    assert fast.conforms == reference.conforms
    return fast, reference


# ---------------------------------------------------------------------------------------
# agreement with pyshacl
# ---------------------------------------------------------------------------------------
@pytest.mark.slow
def test_fast_path_agrees_with_pyshacl_on_generated_graph(shapes):
    kg = KnowledgeGraph()
    kg.load_ontology()
    generate(kg, 120, every=2)
    fast, _ = _agree(kg, shapes)
    constraints = {(q.shape, q.component) for q in compile_shapes(shapes).queries}
    # every constraint of the shipped shapes is violated, so the agreement covers them all
    assert {(r.shape, r.component) for r in fast.results} == constraints
    assert not fast.fallback_shapes


def test_fast_path_agrees_with_pyshacl_on_example_region_with_planted_errors(shapes):
    kg = KnowledgeGraph()
    kg.load_ontology()
    import_csvw(kg, example_region_dir() / "region.csv-metadata.json", source_id="example/region")
    materialize(kg)
    kg.update("""
        PREFIX schema: <http://schema.org/>
        INSERT DATA { GRAPH <urn:planted> {
          kgd:org\\/hikarino\\/egao kg:corporateNumber "1234567890123" ; kg:sector kg:ThirdSector .
          kgd:area\\/992011 kg:localGovernmentCode "992012" .
          kgd:est\\/9970100011 kg:capacity -3 ; schema:latitude 139.5 ; kg:providesService svc:999 .
          kgd:post\\/hikarino\\/p01 kg:endDate "1990-01-01"^^xsd:date .
          kgd:membership\\/hikarino\\/m01 org:member <urn:nobody> .
        } }""")
    fast, _ = _agree(kg, shapes)
    shapes_hit = {str(r.shape).split("#")[1] for r in fast.results}
    assert {"Organization-corporateNumberCheckDigit", "Organization-sectorAgreesWithLegalForm",
            "Area-codeCheckDigit", "Establishment-areaCodeCheckDigit", "Establishment-capacity",
            "Establishment-latitude", "Establishment-service", "Post-start",
            "Membership-member"} <= shapes_hit


CUSTOM_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ex:PersonShape a sh:NodeShape ; sh:targetClass ex:Person ;
  sh:property [ sh:path ex:name ; sh:minLength 2 ; sh:maxLength 10 ; sh:languageIn ( "en" "ja" ) ;
                sh:uniqueLang true ; sh:minCount 1 ] ;
  sh:property [ sh:path ex:nick ; sh:disjoint ex:name ; sh:pattern "^[a-z]+$" ; sh:flags "i" ] ;
  sh:property [ sh:path ex:email ; sh:equals ex:mail ; sh:nodeKind sh:Literal ] ;
  sh:property [ sh:path ex:born ; sh:lessThan ex:died ; sh:datatype xsd:date ] ;
  sh:property [ sh:path ex:age ; sh:minExclusive 0 ; sh:maxExclusive 150 ; sh:datatype xsd:integer ] ;
  sh:property [ sh:path ex:role ; sh:hasValue ex:Member ; sh:in ( ex:Member ex:Chair ) ] ;
  sh:property [ sh:path ( ex:knows ex:name ) ; sh:minCount 1 ] ;
  sh:property [ sh:path [ sh:inversePath ex:knows ] ; sh:maxCount 2 ] ;
  sh:property [ sh:path [ sh:oneOrMorePath ex:knows ] ; sh:class ex:Person ] ;
  sh:property [ sh:path ex:pet ; sh:xone ( [ sh:class ex:Cat ] [ sh:class ex:Dog ] ) ;
                sh:not [ sh:hasValue ex:Godzilla ] ; sh:and ( [ sh:nodeKind sh:IRI ] [ sh:node ex:Named ] ) ] ;
  sh:property [ sh:path ex:score ; sh:datatype xsd:decimal ; sh:minInclusive 0.5 ; sh:maxCount 1 ;
                sh:minCount 2 ; sh:severity sh:Warning ] .

ex:Named a sh:NodeShape ; sh:nodeKind sh:IRI ; sh:pattern "/pet/" .

ex:RootShape a sh:NodeShape ; sh:targetNode ex:alice , ex:nobody ; sh:class ex:Person ;
  sh:sparql [ sh:message "{$this} has a name longer than 5: {?value}" ;
              sh:select "SELECT $this ?value WHERE { $this <http://example.org/name> ?value . FILTER (STRLEN(STR(?value)) > 5) }" ] .

ex:SubjectsShape a sh:NodeShape ; sh:targetSubjectsOf ex:email ; sh:nodeKind sh:IRI ;
  sh:in ( ex:alice ex:bob ) .
ex:ObjectsShape a sh:NodeShape ; sh:targetObjectsOf ex:knows ; sh:datatype xsd:string ; sh:severity sh:Info .
ex:ClosedShape a sh:NodeShape ; sh:targetClass ex:Cat ; sh:closed true ; sh:ignoredProperties ( <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ) .
ex:QualifiedShape a sh:NodeShape ; sh:targetClass ex:Person ;
  sh:property [ sh:path ex:pet ; sh:qualifiedValueShape [ sh:class ex:Cat ] ; sh:qualifiedMaxCount 1 ] .
ex:Deactivated a sh:NodeShape ; sh:targetClass ex:Person ; sh:deactivated true ; sh:property [ sh:path ex:x ; sh:minCount 1 ] .
"""

CUSTOM_DATA = """
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:Student rdfs:subClassOf ex:Person .
ex:alice a ex:Person ; ex:name "Alice"@en , "アリス"@ja , "Alicia"@en ; ex:nick "alice" , "Alice"@en ;
  ex:email "a@x" ; ex:mail "a@x" , "b@x" ; ex:born "1990-01-01"^^xsd:date ; ex:died "1980-01-01"^^xsd:date ;
  ex:age 0 ; ex:role ex:Chair , ex:Boss ; ex:knows ex:bob , "carol" ; ex:pet ex:pet1 , ex:Godzilla , ex:pet3 ;
  ex:score 0.2 .
ex:bob a ex:Student ; ex:name "B"@en , "Bob"@de ; ex:nick "b_b" ; ex:email ex:mailbox ; ex:age "x"^^xsd:integer ;
  ex:role ex:Member ; ex:knows ex:alice ; ex:born "2000-01-01"^^xsd:date ; ex:died "2001-01-01"^^xsd:date ;
  ex:pet [ a ex:Dog ] ; ex:score 1.5 , 2.5 .
ex:dan a ex:Person ; ex:name "Daniel the Great"@en ; ex:knows ex:bob ; ex:role ex:Member ; ex:score 1.0 , 3.0 .
ex:erin a ex:Student ; ex:knows ex:bob ; ex:age 151 .
ex:pet1 a ex:Cat , ex:Dog ; ex:colour "grey" .
ex:pet3 a ex:Cat .
ex:Godzilla a ex:Dog .
"""


def test_fast_path_agrees_with_pyshacl_on_every_supported_component(tmp_path):
    shapes = Graph().parse(data=CUSTOM_SHAPES, format="turtle")
    kg = KnowledgeGraph()
    kg.load_data(CUSTOM_DATA, format="turtle", graph="urn:data")
    compiled = compile_shapes(shapes)
    # sh:closed and qualified shapes are not compiled: they go to pyshacl, never to silence
    assert set(compiled.fallback) == {URIRef("http://example.org/ClosedShape"),
                                      URIRef("http://example.org/QualifiedShape")}
    fast, reference = _agree(kg, shapes)
    components = {r.component for r in fast.results}
    for name in ("MinLength", "MaxLength", "LanguageIn", "UniqueLang", "MinCount", "Disjoint", "Pattern",
                 "Equals", "NodeKind", "LessThan", "Datatype", "MinExclusive", "MaxExclusive", "HasValue",
                 "In", "MaxCount", "Class", "Xone", "Not", "And", "MinInclusive", "SPARQL", "Closed",
                 "QualifiedMaxCount"):
        assert SH[name + "ConstraintComponent"] in components, name
    assert {r.severity for r in fast.results} == {SH.Violation, SH.Warning, SH.Info}
    sparql = [r for r in fast.results if r.component == SH.SPARQLConstraintComponent]
    assert [m.value for r in sparql for m in r.messages] == ["http://example.org/alice has a name longer "
                                                             "than 5: Alicia"]


def test_fast_path_runs_where_pyshacl_would_be_needed_only_for_fallback(shapes):
    compiled = compile_shapes(shapes)
    assert compiled.fallback == [] and len(compiled.queries) > 80


# ---------------------------------------------------------------------------------------
# reports
# ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def planted_region():
    kg = KnowledgeGraph()
    kg.load_ontology()
    import_csvw(kg, example_region_dir() / "region.csv-metadata.json", source_id="example/region")
    kg.update("""INSERT DATA { GRAPH <urn:planted> {
        kgd:org\\/hikarino\\/egao kg:corporateNumber "1234567890123" .
        kgd:est\\/9970100045 kg:capacity -30 . } }""")
    return kg


def test_standard_report_is_a_shacl_validation_report(planted_region, shapes):
    report = validate(planted_region, shapes)
    g = Graph().parse(data=report.turtle(), format="turtle")
    (root,) = list(g.subjects(rdflib.RDF.type, SH.ValidationReport))
    assert g.value(root, SH.conforms).toPython() is False
    results = list(g.objects(root, SH.result))
    assert len(results) == len(report.results) == 4   # two numbers (max count, check digit), capacity ×2
    for node in results:
        for p in (SH.focusNode, SH.sourceShape, SH.sourceConstraintComponent, SH.resultSeverity,
                  SH.resultMessage):
            assert g.value(node, p) is not None, p


def test_readable_report_names_label_value_message_file_and_row(planted_region, shapes):
    report = validate(planted_region, shapes)
    text = report.text()
    assert "DOES NOT CONFORM" in text
    assert "[Violation] kgsh:Organization-corporateNumberCheckDigit" in text
    assert "えがおデイ" in text or "Egao Day" in text
    assert 'value "1234567890123"' in text
    assert "organizations.csv row 39" in text           # egao is row 39 (header = row 1)
    assert "establishments.csv row 5" in text and 'value "-30"' in text
    ja = report.text("ja")
    assert "定員は0以上の整数一つでなければならない。" in ja
    data = report.as_dict("ja")
    check = [r for r in data["results"] if r["shape"].endswith("Organization-corporateNumberCheckDigit")]
    assert check[0]["sources"] == [{"file": "organizations.csv", "row": 39}]
    assert check[0]["messages"]["en"].startswith("The corporate number 1234567890123")


# ---------------------------------------------------------------------------------------
# incremental validation
# ---------------------------------------------------------------------------------------
def test_incremental_validation_checks_only_what_an_import_touched(shapes, realdata):
    kg = KnowledgeGraph()
    kg.load_ontology()
    import_csvw(kg, example_region_dir() / "region.csv-metadata.json", source_id="example/region")
    kg.update("""INSERT DATA { GRAPH <urn:old> { kgd:org\\/hikarino\\/egao kg:corporateNumber "1234567890123" . } }""")
    summary = import_mhlw(kg, realdata / "mhlw_kaigo" / "jigyosho_710.csv")
    full = validate(kg, shapes)
    assert summary.graph.endswith("/mhlw/jigyosho_710")
    touched = validate_sources(kg, ["mhlw/jigyosho_710"], shapes)
    subjects = {URIRef(r["s"].value) for r in kg.store.query(
        "SELECT DISTINCT ?s WHERE { GRAPH <https://w3id.org/kgtool/data/graph/source/mhlw/jigyosho_710> "
        "{ ?s ?p ?o } FILTER isIRI(?s) }")}
    assert 0 < touched.focus_nodes < full.focus_nodes
    assert touched.keys() == {k for k in full.keys() if k[0] in subjects}
    assert all(r.focus != URIRef("https://w3id.org/kgtool/data/org/hikarino/egao") for r in touched.results)
    reference = validate_sources(kg, ["mhlw/jigyosho_710"], shapes, engine="pyshacl")
    assert reference.keys() == touched.keys()
    with pytest.raises(InputError, match="no such source"):
        validate_sources(kg, ["mhlw/nothing"], shapes)


# ---------------------------------------------------------------------------------------
# real data
# ---------------------------------------------------------------------------------------
def _invalid_corporate_numbers(path: Path) -> set[tuple[str, int, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("法人番号")
    return {(path.name, n, row[column].strip()) for n, row in enumerate(rows[1:], start=2)
            if row[column].strip() and not is_valid_corporate_number(row[column].strip())}


def test_real_mhlw_samples_report_every_invalid_corporate_number_with_file_and_row(shapes, realdata):
    kg = KnowledgeGraph()
    kg.load_ontology()
    files = sorted((realdata / "mhlw_kaigo").glob("jigyosho_*.csv"))
    expected: set[tuple[str, int, str]] = set()
    for path in files:
        import_mhlw(kg, path)
        expected |= _invalid_corporate_numbers(path)
    materialize(kg)
    report = validate(kg, shapes)
    assert expected, "the samples are known to hold invalid corporate numbers"
    reported = set()
    for r in report.results:
        if str(r.shape) in (str(KGSH["Organization-corporateNumberCheckDigit"]),
                            str(KGSH["Organization-corporateNumber"])) and r.value is not None:
            for file, row in report.sources.get(r.focus, []):
                reported.add((file, row, str(r.value)))
    assert expected <= reported
    text = report.text(limit=None)
    for file, row, number in expected:
        assert number in text and f"{file} row {row}" in text
    # the valid rest of the samples is there and checked
    assert report.focus_nodes > 5000


@pytest.mark.slow
def test_real_mhlw_sample_fast_path_agrees_with_pyshacl(shapes, realdata):
    kg = KnowledgeGraph()
    kg.load_ontology()
    import_mhlw(kg, realdata / "mhlw_kaigo" / "jigyosho_230.csv")
    materialize(kg)
    _agree(kg, shapes)


# ---------------------------------------------------------------------------------------
# files and the command line
# ---------------------------------------------------------------------------------------
def test_any_data_against_any_shapes(tmp_path):
    shapes_file = tmp_path / "shapes.ttl"
    shapes_file.write_text(CUSTOM_SHAPES, encoding="utf-8")
    data_file = tmp_path / "data.ttl"
    data_file.write_text(CUSTOM_DATA, encoding="utf-8")
    report = validate_files([data_file], [shapes_file])
    assert not report.conforms and len(report.results) > 20
    with pytest.raises(InputError, match="no such shapes file"):
        validate_files([data_file], [tmp_path / "missing.ttl"])
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle <", encoding="utf-8")
    with pytest.raises(InputError, match="bad.ttl"):
        validate_files([data_file], [bad])


def test_cli_exit_codes_and_formats(tmp_path, capsys):
    store = tmp_path / "db"
    assert main(["import", str(example_region_dir() / "region.csv-metadata.json"), "--store", str(store)]) == 0
    assert main(["validate", "--store", str(store)]) == 1       # no ontology: services etc. unknown
    assert "holds no ontology" in capsys.readouterr().err
    assert main(["reason", "--engine", "rules", "--ontology", "--store", str(store)]) == 0
    capsys.readouterr()
    assert main(["validate", "--store", str(store)]) == 0
    assert "CONFORMS" in capsys.readouterr().out

    data = tmp_path / "bad.ttl"
    data.write_text('<https://w3id.org/kgtool/data/org/x> a <https://w3id.org/kgtool/ont#Organization> ; '
                    '<https://w3id.org/kgtool/ont#corporateNumber> "1234567890123" .\n', encoding="utf-8")
    assert main(["validate", "--data", str(data), "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["conforms"] is False
    assert {r["shape"].split("#")[1] for r in out["results"]} >= {
        "Organization-corporateNumberCheckDigit", "Organization-legalForm", "Organization-name"}

    shapes_file = tmp_path / "shapes.ttl"
    shapes_file.write_text(CUSTOM_SHAPES, encoding="utf-8")
    good = tmp_path / "good.ttl"
    good.write_text("<http://example.org/x> <http://example.org/p> 1 .\n", encoding="utf-8")
    assert main(["validate", "--data", str(good), "--shapes", str(shapes_file), "--format", "turtle"]) == 1
    report = Graph().parse(data=capsys.readouterr().out, format="turtle")
    assert (None, SH.conforms, None) in report     # ex:RootShape targets ex:alice, ex:nobody (no class)

    assert main(["validate"]) == 2
    assert "nothing to validate" in capsys.readouterr().err
    assert main(["validate", "--data", str(tmp_path / "missing.ttl")]) == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["validate", "--format", "xml"])
    assert exit_info.value.code == 2
