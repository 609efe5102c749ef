"""The namespaces of the kgtool vocabulary and the standards it aligns to.

The IRIs here are the contract described in ``docs/vocabulary.md``; everything else
(ontology, importers, shapes, queries) uses these and no other spelling.
"""
from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

KG = Namespace("https://w3id.org/kgtool/ont#")
KGO = Namespace("https://w3id.org/kgtool/ont/")
LF = Namespace("https://w3id.org/kgtool/legal-form/")
SVC = Namespace("https://w3id.org/kgtool/service/")
SKILL = Namespace("https://w3id.org/kgtool/skill/")
KGD = Namespace("https://w3id.org/kgtool/data/")
ORG = Namespace("http://www.w3.org/ns/org#")
ROV = Namespace("http://www.w3.org/ns/regorg#")
SCHEMA = Namespace("http://schema.org/")
KGSH = Namespace("https://w3id.org/kgtool/shapes#")

#: Prefixes offered to SPARQL queries and used when serialising Turtle.
PREFIXES: dict[str, str] = {
    "kg": str(KG),
    "lf": str(LF),
    "svc": str(SVC),
    "skill": str(SKILL),
    "kgd": str(KGD),
    "org": str(ORG),
    "rov": str(ROV),
    "schema": str(SCHEMA),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
}

#: Named graphs that keep the ontology, each data source and inferred triples apart.
ONTOLOGY_GRAPH = KGD["graph/ontology"]
INFERRED_GRAPH = KGD["graph/inferred"]
IMPORT_LOG_GRAPH = KGD["graph/import-log"]


def source_graph(source_id: str) -> str:
    """IRI of the named graph holding the triples imported from one source (a file)."""
    return f"{KGD}graph/source/{source_id}"


__all__ = [
    "KG", "KGO", "LF", "SVC", "SKILL", "KGD", "ORG", "ROV", "SCHEMA", "KGSH",
    "SKOS", "PROV", "DCTERMS", "FOAF", "OWL", "RDF", "RDFS", "XSD",
    "PREFIXES", "ONTOLOGY_GRAPH", "INFERRED_GRAPH", "IMPORT_LOG_GRAPH", "source_graph",
]
