"""SHACL validation of the store: the standard report (RDF) and a readable one.

:func:`validate` checks a :class:`~kgtool.store.KnowledgeGraph` against the shipped shapes
(``shapes/*.ttl``) or any SHACL shapes. Two engines give the same set of results:

* ``"fast"`` (default): the shapes compiled to SPARQL (:mod:`kgtool.shacl_sparql`) and run by
  Oxigraph over the whole store; shapes the compiler does not cover go to pyshacl.
* ``"pyshacl"``: pyshacl over an rdflib copy of the union of all graphs (``inference='none'``).

:func:`validate_sources` validates only the subjects of given sources (what an import touched).
The :class:`ValidationReport` gives the standard ``sh:ValidationReport`` graph and a text/JSON
report grouped by shape and severity, naming each focus node by its label, the value, the message
(English or Japanese) and the source file and row the node was imported from.
"""
from __future__ import annotations

import logging
import os
import re
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rdflib
from rdflib import Graph
from rdflib.namespace import RDF, RDFS
from rdflib.plugins.sparql import prepareQuery
from rdflib.term import BNode, Literal, Node, URIRef

from .errors import InputError
from .namespaces import PREFIXES, source_graph
from .resources import shapes_dir
from .shacl_sparql import (SH, CompiledQuery, CompiledShapes, compile_shapes, path_key, range_holds,
                           top_level_shapes, without_targets)
from .sparql_values import term_to_sparql
from .store import KnowledgeGraph, add_triples

__all__ = ["ValidationResult", "ValidationReport", "load_shapes", "validate", "validate_sources",
           "validate_files", "union_graph", "run_pyshacl", "SH"]

ENGINES = ("fast", "pyshacl")
_SEVERITY_ORDER = {SH.Violation: 0, SH.Warning: 1, SH.Info: 2}
_BATCH = 500


@dataclass
class ValidationResult:
    """One ``sh:ValidationResult``."""

    focus: Node
    path: Node | None          # the path node (in ``path_graph``)
    value: Node | None
    shape: Node
    component: URIRef
    severity: URIRef
    messages: list[Literal] = field(default_factory=list)
    constraint: Node | None = None
    path_text: str | None = None   # canonical SPARQL form of the path, for comparisons

    def key(self) -> tuple[Node, str | None, Node | None, Node, URIRef, URIRef]:
        """(focusNode, resultPath, value, sourceShape, sourceConstraintComponent, severity)."""
        return (self.focus, self.path_text, self.value, self.shape, self.component, self.severity)

    def message(self, lang: str = "en") -> str:
        """The message in ``lang`` (else English, else any), or a default naming the component."""
        for wanted in (lang, "en", None):
            for m in self.messages:
                if wanted is None or (m.language or "").lower().startswith(wanted):
                    return str(m)
        name = str(self.component).rsplit("#", 1)[-1].replace("ConstraintComponent", "")
        return f"{name} constraint not satisfied"


@dataclass
class ValidationReport:
    """The outcome of a validation run."""

    conforms: bool
    results: list[ValidationResult]
    shapes: Graph
    engine: str
    seconds: float = 0.0
    focus_nodes: int = 0
    fallback_shapes: list[Node] = field(default_factory=list)
    labels: dict[Node, str] = field(default_factory=dict)
    sources: dict[Node, list[tuple[str, int]]] = field(default_factory=dict)

    def keys(self) -> set[tuple]:
        """The set of result tuples (what two engines must agree on)."""
        return {r.key() for r in self.results}

    # -- standard report ---------------------------------------------------------------------
    def graph(self) -> Graph:
        """The standard SHACL validation report as an rdflib Graph."""
        g = Graph()
        g.bind("sh", str(SH))
        for prefix, iri in PREFIXES.items():
            g.bind(prefix, iri)
        g.bind("kgsh", "https://w3id.org/kgtool/shapes#")
        report = BNode()
        g.add((report, RDF.type, SH.ValidationReport))
        g.add((report, SH.conforms, Literal(self.conforms)))
        for r in self.results:
            node = BNode()
            g.add((report, SH.result, node))
            g.add((node, RDF.type, SH.ValidationResult))
            g.add((node, SH.focusNode, r.focus))
            g.add((node, SH.sourceShape, r.shape))
            g.add((node, SH.sourceConstraintComponent, r.component))
            g.add((node, SH.resultSeverity, r.severity))
            if r.path is not None:
                g.add((node, SH.resultPath, _copy_path(self.shapes, r.path, g)))
            if r.value is not None:
                g.add((node, SH.value, r.value))
            if r.constraint is not None:
                g.add((node, SH.sourceConstraint, r.constraint))
            for m in r.messages:
                g.add((node, SH.resultMessage, m))
        return g

    def turtle(self) -> str:
        """The standard report in Turtle."""
        return self.graph().serialize(format="turtle")

    # -- readable report -----------------------------------------------------------------------
    def _label(self, node: Node | None) -> str:
        if node is None:
            return ""
        if node in self.labels:
            return self.labels[node]
        if isinstance(node, URIRef):
            try:
                return self.shapes.namespace_manager.normalizeUri(node)
            except Exception:
                return f"<{node}>"
        return node.n3() if isinstance(node, Literal) else str(node)

    def _shape_label(self, shape: Node, lang: str) -> str:
        labels = list(self.shapes.objects(shape, RDFS.label))
        for m in labels:
            if (m.language or "") == lang:
                return str(m)
        return str(labels[0]) if labels else ""

    def groups(self) -> list[tuple[Node, URIRef, list[ValidationResult]]]:
        """Results grouped by (shape, severity), most severe first."""
        grouped: dict[tuple[Node, URIRef], list[ValidationResult]] = defaultdict(list)
        for r in self.results:
            grouped[(r.shape, r.severity)].append(r)
        order = sorted(grouped, key=lambda k: (_SEVERITY_ORDER.get(k[1], 9), str(k[0])))
        return [(shape, sev, sorted(grouped[(shape, sev)], key=lambda r: (str(r.focus), str(r.value))))
                for shape, sev in order]

    def text(self, lang: str = "en", limit: int | None = None) -> str:
        """A report for people: grouped by shape and severity, each result with the focus node's
        label, the value, the message and the source file and row."""
        counts = defaultdict(int)
        for r in self.results:
            counts[_local(r.severity)] += 1
        summary = ", ".join(f"{n} {k.lower()}{'s' if n != 1 else ''}" for k, n in sorted(counts.items()))
        lines = [f"{'CONFORMS' if self.conforms else 'DOES NOT CONFORM'}: {len(self.results)} results"
                 + (f" ({summary})" if summary else "")
                 + f" over {self.focus_nodes} focus nodes; {self.engine} engine, {self.seconds:.2f} s"]
        if self.fallback_shapes:
            lines.append("  validated by pyshacl (not covered by the fast path): "
                         + ", ".join(self._label(s) for s in self.fallback_shapes))
        for shape, severity, results in self.groups():
            title = self._shape_label(shape, lang)
            lines.append("")
            lines.append(f"[{_local(severity)}] {self._label(shape)}"
                         + (f" — {title}" if title else "") + f" ({len(results)})")
            for r in results[:limit]:
                focus = self._label(r.focus)
                if isinstance(r.focus, URIRef) and focus != f"<{r.focus}>":
                    focus += f" <{r.focus}>"
                parts = [f"  - {focus}"]
                if r.value is not None and r.value != r.focus:
                    parts.append(f"value {_show(r.value)}")
                where = self.sources.get(r.focus, [])
                if where:
                    parts.append("from " + "; ".join(f"{f} row {n}" for f, n in where[:5])
                                 + (f" (+{len(where) - 5} more)" if len(where) > 5 else ""))
                lines.append(", ".join(parts))
                lines.append(f"      {r.message(lang)}")
            if limit is not None and len(results) > limit:
                lines.append(f"  … {len(results) - limit} more")
        return "\n".join(lines)

    def as_dict(self, lang: str = "en") -> dict[str, Any]:
        """The readable report as JSON-ready data."""
        return {
            "conforms": self.conforms,
            "engine": self.engine,
            "seconds": round(self.seconds, 3),
            "focusNodes": self.focus_nodes,
            "fallbackShapes": [str(s) for s in self.fallback_shapes],
            "results": [{
                "severity": _local(r.severity),
                "shape": str(r.shape),
                "shapeLabel": self._shape_label(r.shape, lang),
                "component": _local(r.component),
                "focusNode": str(r.focus),
                "focusLabel": self.labels.get(r.focus),
                "path": r.path_text,
                "value": None if r.value is None else str(r.value),
                "message": r.message(lang),
                "messages": {m.language or "": str(m) for m in r.messages},
                "sources": [{"file": f, "row": n} for f, n in self.sources.get(r.focus, [])],
            } for _, _, results in self.groups() for r in results],
        }


def _local(iri: Node) -> str:
    return str(iri).rsplit("#", 1)[-1]


def _show(value: Node) -> str:
    if isinstance(value, Literal):
        return f'"{value}"'
    return f"<{value}>" if isinstance(value, URIRef) else str(value)


def _copy_path(source: Graph, path: Node, target: Graph) -> Node:
    """Copy a (possibly blank-node) path structure from the shapes graph into the report."""
    if isinstance(path, URIRef):
        return path
    stack, seen = [path], set()
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in source.predicate_objects(node):
            target.add((node, p, o))
            if isinstance(o, BNode):
                stack.append(o)
    return path


# ---------------------------------------------------------------------------------------
# shapes and data
# ---------------------------------------------------------------------------------------
def load_shapes(paths: Iterable[str | Path] | None = None) -> Graph:
    """The shipped shapes (every ``shapes/*.ttl``), or the SHACL shapes in ``paths``."""
    files = sorted(shapes_dir().glob("*.ttl")) if paths is None else [Path(p) for p in paths]
    graph = Graph()
    graph.bind("sh", str(SH))
    for path in files:
        if not path.is_file():
            raise InputError(f"{path}: no such shapes file")
        try:
            graph.parse(path, format=rdflib.util.guess_format(str(path)) or "turtle")
        except Exception as exc:
            raise InputError(f"{path}: not valid RDF: {exc}") from exc
    if not top_level_shapes(graph):
        raise InputError("no SHACL shapes with targets in " + ", ".join(str(f) for f in files))
    return graph


class _CachedQueryGraph(Graph):
    """An rdflib Graph that parses each distinct SPARQL text once.

    pyshacl sends the same SHACL-SPARQL query once per focus node; rdflib would parse it every
    time (≈0.1 s for a check-digit query). Caching the parsed query changes no answer.
    """

    _prepared: dict[tuple[str, tuple], Any]

    def query(self, query_object, processor="sparql", result="sparql", initNs=None,  # noqa: N803
              initBindings=None, use_store_provided=True, **kwargs):  # noqa: N803
        if isinstance(query_object, str):
            cache = self.__dict__.setdefault("_prepared", {})
            namespaces = dict(self.namespaces()) if initNs is None else dict(initNs)
            key = (query_object, tuple(sorted(namespaces.items())))
            if key not in cache:
                cache[key] = prepareQuery(query_object, initNs=namespaces)
            query_object = cache[key]
        return super().query(query_object, processor, result, initNs, initBindings,
                             use_store_provided, **kwargs)


def union_graph(kg: KnowledgeGraph) -> Graph:
    """An in-memory rdflib Graph of the union of all the store's graphs (what pyshacl sees)."""
    graph = _CachedQueryGraph()
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri)
    # rdflib logs a traceback for every ill-typed literal (which SHACL reports as such): mute it
    term_logger = logging.getLogger("rdflib.term")
    level = term_logger.level
    term_logger.setLevel(logging.CRITICAL)
    try:
        add_triples(graph, kg.triples())
    finally:
        term_logger.setLevel(level)
    return graph


def run_pyshacl(data: Graph, shapes: Graph, *, focus: Sequence[URIRef] | None = None
                ) -> list[ValidationResult]:
    """Validate ``data`` with pyshacl (``inference='none'``); the results as objects."""
    from pyshacl import validate as pyshacl_validate

    if focus is not None and not focus:
        return []
    _, report, _ = pyshacl_validate(data, shacl_graph=shapes, inference="none",
                                    focus_nodes=list(focus) if focus is not None else None)
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(node, SH.resultPath)
        results.append(ValidationResult(
            focus=report.value(node, SH.focusNode), path=path, value=report.value(node, SH.value),
            shape=report.value(node, SH.sourceShape),
            component=report.value(node, SH.sourceConstraintComponent),
            severity=report.value(node, SH.resultSeverity),
            messages=sorted(report.objects(node, SH.resultMessage)),
            constraint=report.value(node, SH.sourceConstraint),
            path_text=path_key(report, path)))
    return results


# ---------------------------------------------------------------------------------------
# the fast path
# ---------------------------------------------------------------------------------------
def _focus_clause(focus: Sequence[Node] | None, graphs: Sequence[str] | None) -> tuple[str, str]:
    """The focus restriction as a group (inside target subqueries) and as a filter condition."""
    if focus is not None:
        nodes = " ".join(term_to_sparql(n) for n in focus if isinstance(n, URIRef))
        group = f"VALUES ?this {{ {nodes} }}"
        return group, f"&& EXISTS {{ {group} }}"
    if graphs is not None:
        names = " ".join(term_to_sparql(URIRef(g)) for g in graphs)
        group = f"VALUES ?_fg {{ {names} }} GRAPH ?_fg {{ ?this ?_fp ?_fo }}"
        return group + " FILTER (isIRI(?this))", f"&& isIRI(?this) && EXISTS {{ {group} }}"
    return "", ""


def _restrict(sparql: str, clause: tuple[str, str]) -> str:
    return sparql.replace("#FOCUS#", clause[0]).replace("#FOCUSFILTER#", clause[1])


_TEMPLATE = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")


def _fill(message: Literal, row: dict[str, Node | None]) -> Literal:
    """Substitute ``{?var}`` / ``{$var}`` in a SPARQL constraint's message, as pyshacl does."""
    def repl(m: re.Match) -> str:
        value = row.get(m.group(1))
        return str(value) if value is not None else m.group(0)
    return Literal(_TEMPLATE.sub(repl, str(message)), lang=message.language, datatype=message.datatype)


def run_fast(kg: KnowledgeGraph, shapes: Graph, compiled: CompiledShapes | None = None, *,
             focus: Sequence[Node] | None = None, graphs: Sequence[str] | None = None,
             workers: int | None = None) -> list[ValidationResult]:
    """Run the compiled queries over the union graph in Oxigraph, ``workers`` at a time
    (default: one per core, at most 8)."""
    compiled = compiled or compile_shapes(shapes)
    clause = _focus_clause(focus, graphs)
    results: list[ValidationResult] = []
    paths: dict[Node, str | None] = {}
    # Oxigraph evaluates without holding the GIL: the queries run side by side on every core;
    # results are gathered in the compiled order, so reports do not depend on timing.
    with ThreadPoolExecutor(max_workers=max(1, min(workers or os.cpu_count() or 1, 8))) as pool:
        pending = [pool.submit(_solutions, kg, q, _restrict(q.sparql, clause)) for q in compiled.queries]
        for q, future in zip(compiled.queries, pending):
            _collect(q, future.result(), shapes, paths, results)
    return results


def _solutions(kg: KnowledgeGraph, q: CompiledQuery, sparql: str) -> list[dict[str, Node | None]]:
    try:
        return kg.select(sparql)[1]
    except InputError as exc:
        raise InputError(f"shape {q.shape}: compiled query rejected: {exc}\n{sparql}") from exc


def _collect(q: CompiledQuery, rows: list[dict[str, Node | None]], shapes: Graph,
             paths: dict[Node, str | None], results: list[ValidationResult]) -> None:
    """The validation results of one compiled query's rows."""
    if q.path not in paths:
        paths[q.path] = path_key(shapes, q.path)
    seen: set[tuple] = set()
    for row in rows:
        this = row.get("this")
        value = row.get("value")
        if value is None and q.value_is_focus:
            value = this
        if q.recheck is not None and range_holds(value, *q.recheck):
            continue
        path, path_text = q.path, paths[q.path]
        if row.get("path") is not None:
            path, path_text = row["path"], path_key(shapes, row["path"])
        key = (this, path_text, value)
        if q.constraint is None and key in seen:
            continue
        seen.add(key)
        messages = [_fill(m, row) for m in q.messages] if q.constraint is not None else list(q.messages)
        results.append(ValidationResult(this, path, value, q.shape, q.component, q.severity,
                                        messages, q.constraint, path_text))


def count_focus_nodes(kg: KnowledgeGraph, shapes: Graph, *, focus: Sequence[Node] | None = None,
                      graphs: Sequence[str] | None = None) -> int:
    """How many (shape, focus node) pairs the shapes' targets select (the work to do)."""
    from .shacl_sparql import Unsupported, target_sparql

    clause = _focus_clause(focus, graphs)
    total = 0
    for shape in top_level_shapes(shapes):
        try:
            target = _restrict(target_sparql(shapes, shape), clause)
        except Unsupported:
            continue
        solutions = kg.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {target} }}",
                                   use_default_graph_as_union=True)
        total += int(next(iter(solutions))["n"].value)
    return total


# ---------------------------------------------------------------------------------------
# the API
# ---------------------------------------------------------------------------------------
def validate(kg: KnowledgeGraph, shapes: Graph | None = None, *, engine: str = "fast",
             focus: Iterable[Node] | None = None, graphs: Iterable[str] | None = None,
             describe: bool = True) -> ValidationReport:
    """Validate the store against ``shapes`` (default: the shipped shapes).

    ``focus`` restricts validation to those nodes, ``graphs`` to the subjects of those named
    graphs (see :func:`validate_sources`). ``describe`` looks up labels and source rows of the
    focus nodes with results, for the readable report.
    """
    if engine not in ENGINES:
        raise InputError(f"unknown validation engine {engine!r}; known: {', '.join(ENGINES)}")
    shapes = load_shapes() if shapes is None else shapes
    focus_list = list(focus) if focus is not None else None
    graph_list = list(graphs) if graphs is not None else None
    if focus_list is not None and graph_list is not None:
        raise InputError("give focus nodes or source graphs, not both")
    started = time.perf_counter()
    fallback: list[Node] = []
    if engine == "fast":
        compiled = compile_shapes(shapes)
        results = run_fast(kg, shapes, compiled, focus=focus_list, graphs=graph_list)
        fallback = compiled.fallback
        if fallback and _has_focus_nodes(kg, shapes, fallback, focus_list, graph_list):
            stripped = without_targets(shapes, compiled.fast)
            subset = focus_list if graph_list is None else _subjects_of(kg, graph_list)
            results += run_pyshacl(union_graph(kg), stripped, focus=subset)
    else:
        subset = focus_list if graph_list is None else _subjects_of(kg, graph_list)
        results = run_pyshacl(union_graph(kg), shapes, focus=subset)
    seconds = time.perf_counter() - started
    report = ValidationReport(conforms=not results, results=results, shapes=shapes, engine=engine,
                              seconds=seconds, fallback_shapes=fallback,
                              focus_nodes=count_focus_nodes(kg, shapes, focus=focus_list, graphs=graph_list))
    if describe:
        _describe(kg, report)
    return report


def validate_sources(kg: KnowledgeGraph, source_ids: Iterable[str], shapes: Graph | None = None, *,
                     engine: str = "fast") -> ValidationReport:
    """Validate only the subjects of the named graphs of the given sources (e.g. after
    ``import_file(kg, path)`` with source id ``mhlw/jigyosho_120``): what the import touched."""
    graphs = [source_graph(s) for s in source_ids]
    missing = [g for g in graphs if g not in set(kg.graphs())]
    if missing:
        raise InputError("no such source in the store: " + ", ".join(missing))
    return validate(kg, shapes, engine=engine, graphs=graphs)


def validate_files(data: Iterable[str | Path], shapes: Iterable[str | Path] | None = None, *,
                   engine: str = "fast", with_ontology: bool | None = None) -> ValidationReport:
    """Validate RDF data files against SHACL shape files (default: the shipped shapes, with the
    kgtool ontology loaded beside the data so class hierarchies resolve)."""
    kg = KnowledgeGraph()
    if with_ontology if with_ontology is not None else shapes is None:
        kg.load_ontology()
    for path in data:
        kg.load_file(path)
    shapes_graph = load_shapes(shapes) if shapes is not None else load_shapes()
    return validate(kg, shapes_graph, engine=engine)


def _has_focus_nodes(kg: KnowledgeGraph, shapes: Graph, selected: Sequence[Node],
                     focus: Sequence[Node] | None, graphs: Sequence[str] | None) -> bool:
    """Whether any of the ``selected`` shapes targets a node (True when it cannot tell)."""
    from .shacl_sparql import Unsupported, target_sparql

    clause = _focus_clause(focus, graphs)
    for shape in selected:
        try:
            target = _restrict(target_sparql(shapes, shape), clause)
        except Unsupported:
            return True
        if kg.store.query(f"ASK {{ {target} }}", use_default_graph_as_union=True):
            return True
    return False


def _subjects_of(kg: KnowledgeGraph, graphs: Sequence[str]) -> list[URIRef]:
    names = " ".join(term_to_sparql(URIRef(g)) for g in graphs)
    solutions = kg.store.query(
        f"SELECT DISTINCT ?s WHERE {{ VALUES ?g {{ {names} }} GRAPH ?g {{ ?s ?p ?o }} FILTER (isIRI(?s)) }}")
    return [URIRef(s["s"].value) for s in solutions]


def _describe(kg: KnowledgeGraph, report: ValidationReport) -> None:
    """Fill the labels and source rows of the focus nodes (and IRI values) with results."""
    nodes = sorted({r.focus for r in report.results if isinstance(r.focus, URIRef)}, key=str)
    for i in range(0, len(nodes), _BATCH):
        batch = " ".join(term_to_sparql(n) for n in nodes[i:i + _BATCH])
        _, rows = kg.select(f"""
            SELECT ?s ?label WHERE {{ VALUES ?s {{ {batch} }}
              {{ ?s skos:prefLabel ?label }} UNION {{ ?s rdfs:label ?label }} }}""")
        best: dict[Node, tuple[int, str]] = {}
        for row in rows:
            label = row["label"]
            rank = {"ja": 0, "en": 1}.get(getattr(label, "language", None) or "", 2)
            if row["s"] not in best or rank < best[row["s"]][0]:
                best[row["s"]] = (rank, str(label))
        report.labels.update({s: v for s, (_, v) in best.items()})
        _, rows = kg.select(f"""
            SELECT DISTINCT ?s ?name ?row WHERE {{ VALUES ?s {{ {batch} }}
              ?s prov:wasDerivedFrom ?record . ?record kg:rowNumber ?row ; kg:sourceFile ?file .
              ?file kg:fileName ?name }} ORDER BY ?s ?name ?row""")
        for row in rows:
            report.sources.setdefault(row["s"], []).append((str(row["name"]), int(row["row"])))
    for shape in {r.shape for r in report.results}:
        if isinstance(shape, URIRef):
            report.labels.setdefault(shape, report.shapes.namespace_manager.normalizeUri(shape))

