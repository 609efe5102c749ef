"""The OWL ontology shipped in ``ontology/``: its module files and a summary of each.

The ontology is split into modules a reader can follow (core, sectors, legal forms, services,
governance, co-production, people); ``kgtool.ttl`` imports them all. Code never lists terms
itself: it reads them from these files.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib.namespace import OWL, RDF

from .errors import InputError
from .resources import ontology_dir


def ontology_files(directory: str | Path | None = None) -> list[Path]:
    """The Turtle modules of the ontology, sorted by name."""
    folder = Path(directory) if directory is not None else ontology_dir()
    files = sorted(folder.glob("*.ttl"))
    if not files:
        raise InputError(f"{folder}: no ontology modules (*.ttl) found")
    return files


def ontology_graph(directory: str | Path | None = None) -> rdflib.Graph:
    """All modules merged into one rdflib Graph (owl:imports are resolved locally)."""
    graph = rdflib.Graph()
    for path in ontology_files(directory):
        graph.parse(path, format="turtle")
    return graph


@dataclass(frozen=True)
class ModuleSummary:
    """What one ontology module declares."""

    file: str
    iri: str
    title: str
    classes: int
    object_properties: int
    datatype_properties: int
    annotation_properties: int
    individuals: int


def module_summaries(directory: str | Path | None = None) -> list[ModuleSummary]:
    """Counts of classes, properties and individuals declared in each module."""
    summaries = []
    for path in ontology_files(directory):
        graph = rdflib.Graph().parse(path, format="turtle")
        iri = next(iter(graph.subjects(RDF.type, OWL.Ontology)), None)
        title = ""
        if iri is not None:
            titles = {t.language: str(t) for t in graph.objects(iri, rdflib.DCTERMS.title)}
            title = titles.get("en") or next(iter(titles.values()), "")

        def count(kind: rdflib.URIRef) -> int:
            return sum(1 for s in graph.subjects(RDF.type, kind) if isinstance(s, rdflib.URIRef))

        summaries.append(ModuleSummary(
            file=path.name, iri=str(iri or ""), title=title,
            classes=count(OWL.Class), object_properties=count(OWL.ObjectProperty),
            datatype_properties=count(OWL.DatatypeProperty),
            annotation_properties=count(OWL.AnnotationProperty),
            individuals=count(OWL.NamedIndividual),
        ))
    return summaries
