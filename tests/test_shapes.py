"""The shipped SHACL shapes: documented in English and Japanese, check digits in SPARQL agreeing
with ``kgtool/codes.py``, the example region conforming, and every constraint of every shape
both passing and failing somewhere."""
from __future__ import annotations

import logging
import random

import pytest
from rdflib import URIRef
from rdflib.namespace import RDFS

from kgtool import KnowledgeGraph
from kgtool.codes import (corporate_number_check_digit, is_valid_corporate_number,
                          is_valid_local_government_code, local_government_check_digit)
from kgtool.importers.csvw import import_csvw
from kgtool.namespaces import KG, KGSH
from kgtool.reason import materialize
from kgtool.resources import example_region_dir
from kgtool.shacl_sparql import SH, compile_shapes, top_level_shapes
from kgtool.shacl_synthetic import PLANTS, generate
from kgtool.validate import load_shapes, validate

logging.getLogger("rdflib").setLevel(logging.CRITICAL)   # ill-typed planted literals are expected


@pytest.fixture(scope="module")
def shapes():
    return load_shapes()


@pytest.fixture(scope="module")
def synthetic():
    """A generated graph where every kind of planted violation occurs several times."""
    kg = KnowledgeGraph()
    kg.load_ontology()
    generate(kg, 300, every=3)
    return kg


def _langs(shapes, node, predicate):
    return {getattr(o, "language", None) for o in shapes.objects(node, predicate)}


def test_every_shape_is_documented_in_english_and_japanese(shapes):
    node_shapes = top_level_shapes(shapes)
    assert len(node_shapes) >= 9
    for shape in node_shapes:
        assert {"en", "ja"} <= _langs(shapes, shape, RDFS.label), shape
        assert {"en", "ja"} <= _langs(shapes, shape, SH.description), shape
        for prop in shapes.objects(shape, SH.property):
            assert {"en", "ja"} <= _langs(shapes, prop, RDFS.label), prop
            messages = _langs(shapes, prop, SH.message)
            for constraint in shapes.objects(prop, SH.sparql):
                messages |= _langs(shapes, constraint, SH.message)
            assert {"en", "ja"} <= messages, f"{prop} needs sh:message @en and @ja"
            assert isinstance(prop, URIRef) and str(prop).startswith(str(KGSH)), prop


def test_kgsh_namespace_is_the_shapes_namespace(shapes):
    assert str(KGSH) == "https://w3id.org/kgtool/shapes#"
    assert all(str(s).startswith(str(KGSH)) for s in top_level_shapes(shapes))


def _check_digit_failures(kg: KnowledgeGraph, shapes, shape_iri: str) -> set[str]:
    report = validate(kg, shapes, describe=False)
    return {str(r.value) for r in report.results if str(r.shape) == shape_iri}


def test_corporate_number_check_digit_in_sparql_agrees_with_codes(shapes):
    rng = random.Random(2024)
    numbers = {"7123456789012", "0000000000000", "9999999999999", "1234567890123"}
    while len(numbers) < 600:
        base = "".join(rng.choice("0123456789") for _ in range(12))
        check = corporate_number_check_digit(base) if rng.random() < 0.5 else rng.randrange(10)
        numbers.add(f"{check}{base}")
    kg = KnowledgeGraph()
    kg.load_ontology()
    lines = []
    for i, number in enumerate(sorted(numbers)):
        org = f"<https://w3id.org/kgtool/data/org/test/{i}>"
        lines.append(f'{org} a <{KG.Organization}> ; <{KG.corporateNumber}> "{number}" .')
    kg.load_data("\n".join(lines), format="turtle", graph="urn:test")
    failing = _check_digit_failures(kg, shapes, str(KGSH["Organization-corporateNumberCheckDigit"]))
    expected = {n for n in numbers if not is_valid_corporate_number(n)}
    assert 100 < len(expected) < 500
    assert failing == expected


def test_local_government_check_digit_in_sparql_agrees_with_codes(shapes):
    codes = {f"{first:05d}{d}" for first in range(0, 100000, 997) for d in (0, 3, 7)}
    codes |= {f"{first:05d}{local_government_check_digit(f'{first:05d}')}" for first in range(0, 100000, 331)}
    codes |= {"131016", "011002", "992011"}
    kg = KnowledgeGraph()
    kg.load_ontology()
    lines = [f'<https://w3id.org/kgtool/data/area/t{i}> a <{KG.Area}> ; <{KG.localGovernmentCode}> "{c}" .'
             for i, c in enumerate(sorted(codes))]
    kg.load_data("\n".join(lines), format="turtle", graph="urn:test")
    failing = _check_digit_failures(kg, shapes, str(KGSH["Area-codeCheckDigit"]))
    expected = {c for c in codes if not is_valid_local_government_code(c)}
    assert len(expected) > 100 and len(codes) - len(expected) > 100
    assert failing == expected


def test_example_region_conforms_after_materialize(shapes):
    kg = KnowledgeGraph()
    kg.load_ontology()
    summary = import_csvw(kg, example_region_dir() / "region.csv-metadata.json", source_id="example/region")
    assert summary.rows_rejected == 0
    materialize(kg)
    report = validate(kg, shapes)
    assert report.conforms, report.text()
    assert report.focus_nodes > 150          # organisations, establishments, posts, … were checked


def test_every_constraint_fails_and_passes_somewhere(shapes, synthetic):
    """Each (shape, constraint component) of the shipped shapes is violated in the synthetic
    graph, and has focus nodes that satisfy it."""
    compiled = compile_shapes(shapes)
    assert not compiled.fallback, compiled.reasons
    constraints = {(q.shape, q.component) for q in compiled.queries}
    report = validate(synthetic, shapes, describe=False)
    failing: dict[tuple, set] = {}
    for r in report.results:
        failing.setdefault((r.shape, r.component), set()).add(r.focus)
    assert constraints - set(failing) == set(), "constraints never violated"
    assert set(failing) <= constraints
    for (shape, component), focus in failing.items():
        node_shape = next(s for s in top_level_shapes(shapes)
                          if s == shape or (s, SH.property, shape) in shapes)
        cls = shapes.value(node_shape, SH.targetClass)
        _, rows = synthetic.select("SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a/rdfs:subClassOf* ?c }",
                                   {"c": cls})
        assert int(rows[0]["n"]) > len(focus), f"{shape} {component}: no passing focus node"


def test_planted_kinds_cover_every_entity_type():
    assert set(PLANTS) == {"org", "est", "post", "relation", "indicator", "membership", "person", "area"}
    assert sum(len(v) for v in PLANTS.values()) >= 60


def test_sector_must_agree_with_legal_form(shapes):
    kg = KnowledgeGraph()
    kg.load_ontology()
    kg.load_data(f"""
        <urn:org:a> a <{KG.Organization}> ; <http://www.w3.org/2004/02/skos/core#prefLabel> "A"@en ;
            <{KG.hasLegalForm}> <https://w3id.org/kgtool/legal-form/KabushikiKaisha> ; <{KG.sector}> <{KG.ThirdSector}> .
        <urn:org:b> a <{KG.Organization}> ; <http://www.w3.org/2004/02/skos/core#prefLabel> "B"@en ;
            <{KG.hasLegalForm}> <https://w3id.org/kgtool/legal-form/NpoHojin> ; <{KG.sector}> <{KG.ThirdSector}> .
        """, format="turtle", graph="urn:test")
    report = validate(kg, shapes)
    hits = [r for r in report.results if r.shape == KGSH["Organization-sectorAgreesWithLegalForm"]]
    assert [(str(r.focus), r.value) for r in hits] == [("urn:org:a", KG.ThirdSector)]
    assert "kg:Market" in hits[0].message("en") or str(KG.Market) in hits[0].message("en")
    assert hits[0].message("ja").startswith("セクター")
