"""Reasoning: check consistency and materialise what queries need.

Two engines give the same answers on the kgtool ontology:

* :func:`reason_hermit` hands the ontology plus data to HermiT (through owlready2), the complete
  OWL 2 DL reasoner. It proves consistency, names the individuals behind a contradiction, and
  infers each organisation's place on the welfare triangle. It needs Java and suits regional
  graphs (thousands of individuals).
* :func:`materialize` runs the SPARQL rules in ``ontology/rules/`` inside Oxigraph. The
  rules are the OWL RL reading of the same axioms (restrictions on legal forms, intersections,
  hasValue, subclass closure) plus data-level rules such as eligibility, and scale to national
  graphs.

Both write into the ``kgd:graph/inferred`` named graph, replacing what was there, so plain SPARQL
on any endpoint sees the inferred sectors and classes.
"""
from __future__ import annotations

import io
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import InconsistentGraphError, ReasoningError
from .namespaces import IMPORT_LOG_GRAPH, INFERRED_GRAPH, KG, ONTOLOGY_GRAPH
from .resources import ontology_dir
from .store import KnowledgeGraph

_OWL_IMPORTS = "http://www.w3.org/2002/07/owl#imports"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_SKIPPED_GRAPHS = {str(INFERRED_GRAPH), str(IMPORT_LOG_GRAPH)}
_RDFS_RANGE = "http://www.w3.org/2000/01/rdf-schema#range"
_XSD = "http://www.w3.org/2001/XMLSchema#"
#: Datatypes outside the OWL 2 datatype map, which HermiT refuses. Dates and years (posts,
#: closures, surveys) play no part in placing organisations on the triangle, so such values and
#: range axioms are withheld from HermiT; SHACL checks them instead (see ``shapes/``).
_NON_OWL2_DATATYPES = frozenset(_XSD + name for name in (
    "date", "time", "gYear", "gYearMonth", "gMonth", "gMonthDay", "gDay", "duration",
    "yearMonthDuration", "dayTimeDuration"))


def _owl2_datatypes_only(triple: ox.Triple) -> bool:
    """False for a triple HermiT would reject for its datatype (see ``_NON_OWL2_DATATYPES``)."""
    obj = triple.object
    if isinstance(obj, ox.Literal):
        return obj.datatype.value not in _NON_OWL2_DATATYPES
    if triple.predicate.value == _RDFS_RANGE and isinstance(obj, ox.NamedNode):
        return obj.value not in _NON_OWL2_DATATYPES
    return True


@dataclass
class ReasoningReport:
    """What a reasoning run did."""

    engine: str
    consistent: bool
    seconds: float
    individuals: int = 0
    inferred_triples: int = 0
    sectors: dict[str, str] = field(default_factory=dict)  # organisation IRI -> sector IRI


# ---------------------------------------------------------------------------------------
# HermiT through owlready2
# ---------------------------------------------------------------------------------------
def _split_quads(kg: KnowledgeGraph) -> tuple[list[ox.Triple], dict[str, list[ox.Triple]]]:
    """Ontology triples, and data triples grouped by subject (the individuals)."""
    ontology: list[ox.Triple] = []
    data: dict[str, list[ox.Triple]] = defaultdict(list)
    for quad in kg.store:
        graph = quad.graph_name
        if quad.predicate.value == _OWL_IMPORTS:
            continue
        if isinstance(graph, ox.NamedNode) and graph.value == str(ONTOLOGY_GRAPH):
            ontology.append(quad.triple)
        elif not (isinstance(graph, ox.NamedNode) and graph.value in _SKIPPED_GRAPHS):
            data[_key(quad.subject)].append(quad.triple)
    return ontology, data


def _key(subject: ox.NamedNode | ox.BlankNode) -> str:
    """An individual's IRI (or blank-node label), as owlready2 and messages name it."""
    return subject.value if isinstance(subject, ox.NamedNode) else str(subject)


def _java() -> str:
    java = shutil.which("java")
    if java is None:
        raise ReasoningError("HermiT needs Java, and no `java` is on PATH: install a JRE "
                             "(Debian: apt-get install default-jre-headless)")
    return java


def _run_hermit(triples: Iterable[ox.Triple], infer_property_values: bool = False):
    """Load ``triples`` into a fresh owlready2 World and run HermiT on it.

    Returns the world after reasoning; raises owlready2's inconsistency error unchanged.
    """
    import owlready2

    owlready2.JAVA_EXE = _java()
    buffer = io.BytesIO()
    ox.serialize(filter(_owl2_datatypes_only, triples), buffer, format=ox.RdfFormat.N_TRIPLES)
    buffer.seek(0)
    world = owlready2.World()
    world.get_ontology("https://w3id.org/kgtool/ont/merged").load(fileobj=buffer, format="ntriples")
    try:
        owlready2.sync_reasoner_hermit(world, infer_property_values=infer_property_values, debug=0)
    except owlready2.OwlReadyJavaError as exc:
        raise ReasoningError(f"HermiT failed: {exc}") from exc
    return world


def _is_consistent(ontology: list[ox.Triple], data: dict[str, list[ox.Triple]],
                   subjects: Iterable[str]) -> bool:
    import owlready2

    triples = list(ontology)
    for subject in subjects:
        triples.extend(data[subject])
    try:
        _run_hermit(triples)
    except owlready2.OwlReadyInconsistentOntologyError:
        return False
    return True


def _culprits(ontology: list[ox.Triple], data: dict[str, list[ox.Triple]],
              subjects: list[str], context: list[str]) -> list[str]:
    """A minimal set of individuals that, with ``context``, makes the graph inconsistent.

    Divide and conquer in the manner of QuickXplain: a half that is inconsistent on its own
    holds a culprit; when neither half is, one culprit lies on each side.
    """
    if len(subjects) <= 1:
        return subjects
    half = len(subjects) // 2
    left, right = subjects[:half], subjects[half:]
    if not _is_consistent(ontology, data, context + left):
        return _culprits(ontology, data, left, context)
    if not _is_consistent(ontology, data, context + right):
        return _culprits(ontology, data, right, context)
    found_left = _culprits(ontology, data, left, context + right)
    found_right = _culprits(ontology, data, right, context + found_left)
    return found_left + found_right


def reason_hermit(kg: KnowledgeGraph, *, write: bool = True, rules: bool = True) -> ReasoningReport:
    """Check the ontology plus all data with HermiT and store what it infers.

    Inferred: every named kgtool class each individual belongs to (sector and dimension classes
    included, superclasses too, so SPARQL needs no reasoning) and its ``kg:sector``.
    With ``rules`` the data-level materialisation rules (eligibility …) run afterwards, so the
    inferred graph serves the saved queries. Raises :class:`InconsistentGraphError` naming the
    individuals behind a contradiction.
    """
    import owlready2

    start = time.perf_counter()
    ontology, data = _split_quads(kg)
    if not ontology:
        raise ReasoningError("the store holds no ontology: load it first (KnowledgeGraph.load_ontology)")
    all_triples = list(ontology) + [t for triples in data.values() for t in triples]
    try:
        world = _run_hermit(all_triples, infer_property_values=True)
    except owlready2.OwlReadyInconsistentOntologyError:
        individuals = _culprits(ontology, data, sorted(data), [])
        names = ", ".join(f"<{i}>" for i in individuals)
        raise InconsistentGraphError(
            f"the graph is inconsistent (HermiT); the contradiction involves {names}",
            individuals) from None

    asserted = {(t.subject.value, t.object.value) for t in all_triples
                if t.predicate.value == _RDF_TYPE and isinstance(t.subject, ox.NamedNode)}
    inferred: list[ox.Quad] = []
    sectors: dict[str, str] = {}
    graph = ox.NamedNode(str(INFERRED_GRAPH))
    sector_prop = ox.NamedNode(str(KG.sector))
    for subject in data:
        entity = world[subject]
        if entity is None or not isinstance(entity, owlready2.Thing):
            continue
        for cls in entity.INDIRECT_is_a:
            iri = getattr(cls, "iri", "")
            if iri.startswith(str(KG)) and (subject, iri) not in asserted:
                inferred.append(ox.Quad(ox.NamedNode(subject), ox.NamedNode(_RDF_TYPE), ox.NamedNode(iri), graph))
        for value in world.sparql(f"SELECT ?v {{ <{subject}> <{KG.sector}> ?v }}"):
            sector = value[0].iri
            sectors[subject] = sector
            inferred.append(ox.Quad(ox.NamedNode(subject), sector_prop, ox.NamedNode(sector), graph))
    if write:
        kg.drop_graph(INFERRED_GRAPH)
        kg.add_quads(inferred)
        if rules:
            _apply_rules(kg, None)
    return ReasoningReport("hermit", True, time.perf_counter() - start, individuals=len(data),
                           inferred_triples=kg.count(INFERRED_GRAPH) if write else len(set(inferred)),
                           sectors=sectors)


# ---------------------------------------------------------------------------------------
# SPARQL rules inside Oxigraph
# ---------------------------------------------------------------------------------------
def rule_files(directory: str | Path | None = None) -> list[Path]:
    """The materialisation rules (SPARQL ``CONSTRUCT`` queries, ``*.rq``), in the order they run."""
    folder = Path(directory) if directory is not None else ontology_dir() / "rules"
    return sorted(folder.glob("*.rq"))


def materialize(kg: KnowledgeGraph, *, rules_dir: str | Path | None = None,
                max_rounds: int = 10, progress: bool = False) -> ReasoningReport:
    """Run the SPARQL materialisation rules until nothing new is inferred.

    Each rule inserts into ``kgd:graph/inferred``; the graph is emptied first so a re-run
    reflects the current data. ``consistent`` is False when the rules see a clash
    (see :func:`clashes`).
    """
    start = time.perf_counter()
    kg.drop_graph(INFERRED_GRAPH)
    _apply_rules(kg, rules_dir, max_rounds, progress)
    return ReasoningReport("rules", not kg.ask(_CLASH), time.perf_counter() - start,
                           inferred_triples=kg.count(INFERRED_GRAPH), sectors=_sectors(kg))


def _apply_rules(kg: KnowledgeGraph, rules_dir: str | Path | None, max_rounds: int = 10,
                 progress: bool = False) -> None:
    rules = rule_files(rules_dir)
    if not rules:
        raise ReasoningError(f"no materialisation rules (*.rq) in {rules_dir or ontology_dir() / 'rules'}")
    texts = [(path.name, path.read_text(encoding="utf-8")) for path in rules]
    graph = ox.NamedNode(str(INFERRED_GRAPH))
    previous = -1
    for round_number in range(1, max_rounds + 1):
        for name, text in texts:
            if progress:
                print(f"round {round_number}: {name}", file=sys.stderr)
            # Stream what a rule derives through a temporary N-Triples file, then bulk-load it:
            # memory stays flat on national graphs, and the store is not written while read.
            with tempfile.NamedTemporaryFile(suffix=".nt") as spool:
                ox.serialize(kg.store.query(text, use_default_graph_as_union=True), spool,
                             format=ox.RdfFormat.N_TRIPLES)
                spool.flush()
                if spool.tell():
                    # lenient: Oxigraph wrote these terms itself, so re-validating them is waste
                    kg.store.bulk_load(path=spool.name, format=ox.RdfFormat.N_TRIPLES, to_graph=graph,
                                       lenient=True)
        size = kg.count(INFERRED_GRAPH)
        if size == previous:
            break
        previous = size


def _sectors(kg: KnowledgeGraph) -> dict[str, str]:
    _, rows = kg.select("SELECT ?o ?s WHERE { ?o kg:sector ?s } ORDER BY ?o ?s")
    return {str(r["o"]): str(r["s"]) for r in rows}


#: The OWL RL clashes the rules can see: an individual in two disjoint classes, or two values
#: of a functional property (two sectors for one organisation, say).
_CLASH = """
ASK {
  { ?x a ?c1, ?c2 . ?c1 owl:disjointWith ?c2 }
  UNION
  { ?p a owl:FunctionalProperty . ?x ?p ?a, ?b . FILTER(?a != ?b) }
}"""


def clashes(kg: KnowledgeGraph) -> list[dict[str, str]]:
    """Individuals the rules find in a contradiction (after :func:`materialize`)."""
    _, rows = kg.select("""
SELECT DISTINCT ?x ?why WHERE {
  { ?x a ?c1, ?c2 . ?c1 owl:disjointWith ?c2 .
    BIND(CONCAT("member of disjoint classes <", STR(?c1), "> and <", STR(?c2), ">") AS ?why) }
  UNION
  { ?p a owl:FunctionalProperty . ?x ?p ?a, ?b . FILTER(STR(?a) < STR(?b))
    BIND(CONCAT("two values of functional <", STR(?p), ">: ", STR(?a), " and ", STR(?b)) AS ?why) }
} ORDER BY ?x ?why""")
    return [{"individual": str(r["x"]), "reason": str(r["why"])} for r in rows]
