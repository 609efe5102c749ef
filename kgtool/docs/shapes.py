"""The SHACL shapes of ``shapes/`` as the documentation shows them.

Each node shape becomes a :class:`ShapeView`: what it targets, each constraint it states (its
own and those of its property shapes), its messages and severity, and its Turtle text. The
templates put the constraints into plain words; this module only reads the RDF.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import BNode, Literal, Node, URIRef

from ..errors import InputError
from ..namespaces import PREFIXES
from .model import Label, OntologyModel, Token, curie, local_name, texts_by_lang

SHAPES_NS = "https://w3id.org/kgtool/shapes#"

_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
#: Constraint parameters, in the order the templates state them; a list-valued one is a list.
_PARAMETERS = (
    SH["class"], SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH.minInclusive,
    SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.minLength, SH.maxLength, SH.pattern,
    SH.flags, SH.languageIn, SH.uniqueLang, SH["in"], SH.hasValue, SH.node, SH.equals, SH.disjoint,
    SH.lessThan, SH.lessThanOrEquals, SH["not"], SH["and"], SH["or"], SH.xone, SH.closed,
    SH.ignoredProperties, SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount,
)
_LISTS = {SH.languageIn, SH["in"], SH["and"], SH["or"], SH.xone, SH.ignoredProperties}
_SHAPE_VALUED = {SH.node, SH["not"], SH["and"], SH["or"], SH.xone, SH.qualifiedValueShape}


@dataclass
class Constraint:
    """One constraint parameter (``minCount`` …) with its values as token lists."""

    name: str
    values: list[list[Token]]


@dataclass
class PropertyView:
    """A property shape: the path and its constraints."""

    path: list[Token]
    name: Label = field(default_factory=Label)
    description: dict[str, str] = field(default_factory=dict)
    constraints: list[Constraint] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    severity: Token | None = None
    sparql: list[dict] = field(default_factory=list)


@dataclass
class ShapeView:
    """A node shape as documented."""

    iri: str
    curie: str
    anchor: str
    file: str
    targets: list[tuple[str, Token]] = field(default_factory=list)
    constraints: list[Constraint] = field(default_factory=list)
    properties: list[PropertyView] = field(default_factory=list)
    sparql: list[dict] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    severity: Token | None = None
    label: Label = field(default_factory=Label)
    description: dict[str, str] = field(default_factory=dict)
    turtle: str = ""
    deactivated: bool = False
    segments: list = field(default_factory=list)

    @property
    def search_text(self) -> str:
        return f"{self.curie} {self.label.text} " + " ".join(t.text for _, t in self.targets)


def shape_files(directory: Path) -> list[Path]:
    """The Turtle files of a shapes folder (none is fine: the docs say so)."""
    return sorted(directory.glob("*.ttl")) if directory.is_dir() else []


class ShapeReader:
    """Reads a folder of SHACL shapes and describes its node shapes."""

    def __init__(self, directory: Path, model: OntologyModel) -> None:
        self.model = model
        self.graph = rdflib.Graph()
        self.file_of: dict[Node, str] = {}
        for path in shape_files(directory):
            part = rdflib.Graph()
            try:
                part.parse(path, format="turtle")
            except Exception as exc:  # rdflib raises many types for bad Turtle
                raise InputError(f"{path}: not valid Turtle: {exc}") from exc
            for s in part.subjects():
                self.file_of.setdefault(s, path.name)
            self.graph += part
        for prefix, iri in PREFIXES.items():
            self.graph.bind(prefix, iri, override=True)
        self.graph.bind("sh", str(SH), override=True)
        self.graph.bind("kgsh", SHAPES_NS, override=True)

    def token(self, node: Node) -> Token:
        """Links to a shape when the node is a shape of this folder, else to the ontology."""
        if isinstance(node, URIRef) and self._is_node_shape(node):
            return Token("term", curie(str(node)) if not str(node).startswith(SHAPES_NS)
                         else "kgsh:" + str(node)[len(SHAPES_NS):], f"shapes.html#{_anchor(node)}")
        return self.model.token(node)

    def _is_node_shape(self, node: Node) -> bool:
        g = self.graph
        return (node, RDF.type, SH.NodeShape) in g \
            or any(True for t in _TARGETS for _ in g.objects(node, t)) \
            or ((node, RDF.type, RDFS.Class) in g and any(True for _ in g.objects(node, SH.property)))

    def shapes(self) -> list[ShapeView]:
        """Every named node shape, sorted by its anchor."""
        g = self.graph
        nodes = {s for s in g.subjects(RDF.type, SH.NodeShape)} | {
            s for t in _TARGETS for s in g.subjects(t, None)}
        nodes |= {s for s in g.subjects(SH.property, None)
                  if isinstance(s, URIRef) and (s, RDF.type, SH.PropertyShape) not in g}
        views = []
        for node in sorted(n for n in nodes if isinstance(n, URIRef)):
            views.append(self._view(node))
        return sorted(views, key=lambda v: v.anchor.lower())

    def _view(self, node: URIRef) -> ShapeView:
        g = self.graph
        view = ShapeView(iri=str(node), curie=self.token(node).text, anchor=_anchor(node),
                         file=self.file_of.get(node, ""))
        for target in _TARGETS:
            for value in sorted(g.objects(node, target)):
                view.targets.append((local_name(str(target)), self.model.token(value)))
        if (node, RDF.type, RDFS.Class) in g:
            view.targets.append(("implicitClass", self.model.token(node)))
        view.constraints = self._constraints(node)
        for prop in g.objects(node, SH.property):
            path = g.value(prop, SH.path)
            view.properties.append(PropertyView(
                path=self._path(path) if path is not None else [Token("text", "?")],
                name=_label(g, prop), description=texts_by_lang(g, prop, (SH.description, RDFS.comment)),
                constraints=self._constraints(prop),
                messages=[str(m) for m in g.objects(prop, SH.message)],
                severity=self.model.token(g.value(prop, SH.severity)) if g.value(prop, SH.severity) else None,
                sparql=self._sparql(prop)))
        view.properties.sort(key=lambda p: "".join(t.text for t in p.path))
        view.sparql = self._sparql(node)
        view.messages = [str(m) for m in g.objects(node, SH.message)]
        if g.value(node, SH.severity) is not None:
            view.severity = self.model.token(g.value(node, SH.severity))
        view.label = _label(g, node)
        view.description = texts_by_lang(g, node, (SH.description, RDFS.comment))
        view.deactivated = str(g.value(node, SH.deactivated) or "").lower() == "true"
        view.turtle = self._turtle(node)
        return view

    def _sparql(self, node: Node) -> list[dict]:
        """The SPARQL-based constraints of a shape: query text and messages."""
        g = self.graph
        return [{"select": str(g.value(c, SH.select) or g.value(c, SH.ask) or ""),
                 "messages": [str(m) for m in g.objects(c, SH.message)]}
                for c in g.objects(node, SH.sparql)]

    def _constraints(self, node: Node) -> list[Constraint]:
        g = self.graph
        out = []
        for param in _PARAMETERS:
            values: list[list[Token]] = []
            for value in g.objects(node, param):
                members = list(Collection(g, value)) if param in _LISTS else [value]
                for member in members:
                    if param in _SHAPE_VALUED and isinstance(member, BNode):
                        values.append(self._anonymous_shape(member))
                    else:
                        values.append([self.token(member)])
            if values:
                out.append(Constraint(local_name(str(param)), values))
        return out

    def _anonymous_shape(self, node: BNode) -> list[Token]:
        """An inline shape in a logical constraint, rendered compactly: ``[path: constraints]``."""
        tokens = [Token("text", "[")]
        path = self.graph.value(node, SH.path)
        if path is not None:
            tokens += self._path(path) + [Token("text", ":")]
        for c in self._constraints(node):
            tokens.append(Token("kw", "sh:" + c.name))
            for v in c.values:
                tokens += v
        tokens.append(Token("text", "]"))
        return tokens

    def _path(self, path: Node) -> list[Token]:
        """A SHACL property path in SPARQL path syntax."""
        g = self.graph
        if isinstance(path, URIRef):
            return [self.model.token(path)]
        if (path, RDF.first, None) in g:
            tokens: list[Token] = []
            for i, step in enumerate(Collection(g, path)):
                if i:
                    tokens.append(Token("kw", "/"))
                tokens += self._path(step)
            return tokens
        for pred, before, after in ((SH.inversePath, "^", ""), (SH.zeroOrMorePath, "", "*"),
                                    (SH.oneOrMorePath, "", "+"), (SH.zeroOrOnePath, "", "?")):
            inner = g.value(path, pred)
            if inner is not None:
                return ([Token("kw", before)] if before else []) + self._path(inner) + \
                    ([Token("kw", after)] if after else [])
        alternatives = g.value(path, SH.alternativePath)
        if alternatives is not None:
            tokens = [Token("text", "(")]
            for i, step in enumerate(Collection(g, alternatives)):
                if i:
                    tokens.append(Token("kw", "|"))
                tokens += self._path(step)
            return tokens + [Token("text", ")")]
        return [Token("text", "[path]")]

    def _turtle(self, node: URIRef) -> str:
        """The shape and every blank node under it, in Turtle, without unused prefixes."""
        sub = rdflib.Graph()
        for prefix, ns in self.graph.namespaces():
            sub.bind(prefix, ns, override=True)
        todo, seen = [node], set()
        while todo:
            subject = todo.pop()
            if subject in seen:
                continue
            seen.add(subject)
            for p, o in self.graph.predicate_objects(subject):
                sub.add((subject, p, o))
                if isinstance(o, BNode) or (p == SH.property and isinstance(o, URIRef)):
                    todo.append(o)
        try:
            text = sub.serialize(format="turtle")
        except Exception as exc:  # pragma: no cover - rdflib serialises any parsed graph
            print(f"kgtool docs: cannot serialise shape {node}: {exc}", file=sys.stderr)
            return ""
        lines = text.splitlines()
        body = "\n".join(line for line in lines if not line.startswith("@prefix"))
        used = [line for line in lines if line.startswith("@prefix")
                and f"{line.split()[1]}" in body.replace("\n", " ")]
        return ("\n".join(used) + "\n\n" + body.strip() + "\n").lstrip()


def _anchor(node: Node) -> str:
    return local_name(str(node)) if isinstance(node, URIRef) else f"shape-{node}"


def _label(g: rdflib.Graph, node: Node) -> Label:
    texts = texts_by_lang(g, node, (RDFS.label, SH.name))
    return Label(en=texts.get("en"), ja=texts.get("ja"))
