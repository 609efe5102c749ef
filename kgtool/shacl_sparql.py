"""The fast validation path: SHACL shapes compiled to SPARQL queries that Oxigraph runs over the
whole store at once.

pyshacl walks focus node by focus node in Python (a few thousand focus nodes per second, and far
fewer for SHACL-SPARQL constraints, whose query text rdflib parses again for every focus node).
Here every (shape, constraint component) pair becomes ONE ``SELECT ?this ?value`` query that
returns all its violations over the union graph, so the work is a handful of joins inside
Oxigraph's Rust engine, independent of Python per-node costs.

Covered (the components the shipped shapes use, and more): targets ``sh:targetClass`` (and
implicit class targets), ``sh:targetNode``, ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``;
any SHACL property path; ``sh:class``, ``sh:datatype`` (for the XSD types whose lexical forms
both engines check alike), ``sh:nodeKind``, ``sh:minCount``, ``sh:maxCount``, ``sh:pattern``,
``sh:minLength``, ``sh:maxLength``, ``sh:minInclusive``/``maxInclusive``/``minExclusive``/
``maxExclusive``, ``sh:in``, ``sh:hasValue``, ``sh:languageIn``, ``sh:uniqueLang``,
``sh:equals``, ``sh:disjoint``, ``sh:lessThan``, ``sh:lessThanOrEquals``, and SHACL-SPARQL
constraints (``sh:sparql``) whose query binds ``$this`` in a triple pattern of its top-level
group (then running it with ``$this`` free and keeping the rows whose ``$this`` is a focus node
gives the pre-binding answers); ``sh:or``, ``sh:and``, ``sh:xone``, ``sh:not`` and ``sh:node``
over shapes made of value-level constraints become boolean SPARQL expressions. A shape using
anything else (``sh:closed``, qualified shapes, custom components …) is listed in
:attr:`CompiledShapes.fallback` and validated by pyshacl: never skipped.

Value-level constraints are evaluated over all subjects first and the few violating rows are then
kept when their ``?this`` is a focus node, instead of joining every focus node with every
constraint. Range comparisons that SPARQL cannot make are decided by pyshacl's own comparison
(:func:`range_holds`), so both engines give the same set of results.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Graph
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD, Namespace
from rdflib.term import BNode, Literal, Node, URIRef

from .sparql_values import strip_noise, term_to_sparql

SH = Namespace("http://www.w3.org/ns/shacl#")

#: Datatypes whose well-formedness Oxigraph's casts check as rdflib does.
CHECKED_DATATYPES = frozenset({XSD.string, XSD.integer, XSD.decimal, XSD.double, XSD.float,
                               XSD.boolean, XSD.date, XSD.dateTime})

_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
#: Parameters that make a shape fall back to pyshacl.
_UNSUPPORTED = (SH.node, SH["not"], SH["and"], SH["or"], SH.xone, SH.closed, SH.qualifiedValueShape,
                SH.target, SH.expression, SH.ignoredProperties)
_NODE_KINDS = {
    SH.IRI: "isIRI(?value)", SH.BlankNode: "isBlank(?value)", SH.Literal: "isLiteral(?value)",
    SH.BlankNodeOrIRI: "(isBlank(?value) || isIRI(?value))",
    SH.BlankNodeOrLiteral: "(isBlank(?value) || isLiteral(?value))",
    SH.IRIOrLiteral: "(isIRI(?value) || isLiteral(?value))",
}
_RANGES = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
_PAIRS = {SH.lessThan: "<", SH.lessThanOrEquals: "<="}
_RANGE_COMPONENTS = {SH.MinInclusiveConstraintComponent, SH.MaxInclusiveConstraintComponent,
                     SH.MinExclusiveConstraintComponent, SH.MaxExclusiveConstraintComponent}
_PREFIX_DECL = re.compile(r"^\s*(PREFIX\s+[^:\s]*:\s*<[^>]*>|BASE\s+<[^>]*>)\s*", re.IGNORECASE)


class Unsupported(Exception):
    """A shape uses something the compiler does not translate (the shape falls back to pyshacl)."""


@dataclass
class CompiledQuery:
    """One SELECT returning ``?this`` (and ``?value``, maybe ``?path``) for every violation of one
    constraint of one shape, restricted to the focus nodes by a ``#FOCUS#`` placeholder."""

    shape: Node                 # the sh:sourceShape of the results
    component: URIRef           # the sh:sourceConstraintComponent
    severity: URIRef
    path: Node | None           # the shape's sh:path node (None for a node shape)
    sparql: str
    constraint: Node | None = None   # sh:sourceConstraint (SPARQL constraints)
    value_is_focus: bool = False     # node shapes: sh:value defaults to the focus node
    messages: list[Literal] = field(default_factory=list)
    recheck: tuple[str, Literal] | None = None   # range constraints: (operator, bound), see below


@dataclass
class CompiledShapes:
    """The compiled queries, and the top-level shapes left to pyshacl."""

    queries: list[CompiledQuery]
    fallback: list[Node]
    fast: list[Node]
    reasons: dict[Node, str] = field(default_factory=dict)   # fallback shape -> why


# ---------------------------------------------------------------------------------------
# paths and terms
# ---------------------------------------------------------------------------------------
def _term(node: Node) -> str:
    if isinstance(node, BNode):
        raise Unsupported("a blank node where the compiler needs a constant")
    return term_to_sparql(node)


def path_sparql(shapes: Graph, path: Node) -> str:
    """A SHACL property path (an IRI or a path structure in ``shapes``) as a SPARQL path."""
    if isinstance(path, URIRef):
        return _term(path)
    if (path, RDF.first, None) in shapes:
        return "(" + "/".join(path_sparql(shapes, p) for p in Collection(shapes, path)) + ")"
    for predicate, template in ((SH.alternativePath, None), (SH.inversePath, "^{}"),
                                (SH.zeroOrMorePath, "{}*"), (SH.oneOrMorePath, "{}+"),
                                (SH.zeroOrOnePath, "{}?")):
        inner = shapes.value(path, predicate)
        if inner is None:
            continue
        if template is None:
            return "(" + "|".join(path_sparql(shapes, p) for p in Collection(shapes, inner)) + ")"
        return template.format("(" + path_sparql(shapes, inner) + ")")
    raise Unsupported(f"not a SHACL path: {path!r}")


def _one_step(shapes: Graph, path: Node) -> bool:
    """True for a path that is one triple pattern away: an IRI, its inverse, or alternatives
    of those (cheap to evaluate with both ends unbound)."""
    if isinstance(path, URIRef):
        return True
    inverse = shapes.value(path, SH.inversePath)
    if inverse is not None:
        return isinstance(inverse, URIRef)
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        return all(_one_step(shapes, p) for p in Collection(shapes, alternatives))
    return False


def path_key(graph: Graph, path: Node | None) -> str | None:
    """A canonical text for a result path, so paths compare equal across graphs and blank nodes."""
    if path is None:
        return None
    try:
        return path_sparql(graph, path)
    except Unsupported:
        return repr(path)


# ---------------------------------------------------------------------------------------
# shapes
# ---------------------------------------------------------------------------------------
def _is_true(graph: Graph, node: Node, predicate: URIRef) -> bool:
    value = graph.value(node, predicate)
    return isinstance(value, Literal) and value.toPython() is True


def top_level_shapes(shapes: Graph) -> list[Node]:
    """Shapes with targets (explicit, or implicit class targets), sorted for stable output."""
    found: set[Node] = set()
    for target in _TARGETS + (SH.target,):
        found.update(shapes.subjects(target, None))
    for kind in (SH.NodeShape, SH.PropertyShape):
        for shape in shapes.subjects(RDF.type, kind):
            if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes:
                found.add(shape)
    return sorted(found, key=lambda n: (isinstance(n, BNode), str(n)))


def _target_parts(shapes: Graph, shape: Node) -> tuple[list[Node], list[Node], list[Node], list[Node]]:
    classes = list(shapes.objects(shape, SH.targetClass))
    if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes:
        classes.append(shape)
    if (shape, SH.target, None) in shapes:
        raise Unsupported("SPARQL-based targets (sh:target)")
    return (classes, list(shapes.objects(shape, SH.targetNode)),
            list(shapes.objects(shape, SH.targetSubjectsOf)), list(shapes.objects(shape, SH.targetObjectsOf)))


def target_sparql(shapes: Graph, shape: Node) -> str:
    """A group binding ``?this`` to each focus node of ``shape`` once (``#FOCUS#`` marks where a
    focus restriction goes)."""
    classes, nodes, subjects_of, objects_of = _target_parts(shapes, shape)
    parts = [f"?this <{RDF.type}>/<{RDFS.subClassOf}>* {_term(c)} ." for c in classes]
    if nodes:
        parts.append("VALUES ?this { " + " ".join(_term(n) for n in nodes) + " }")
    parts += [f"?this {_term(p)} ?_ts ." for p in subjects_of]
    parts += [f"?_to {_term(p)} ?this ." for p in objects_of]
    union = " UNION ".join("{ " + p + " }" for p in parts) or "FILTER (false)"
    return "{ SELECT DISTINCT ?this WHERE { #FOCUS# " + union + " } }"


def target_filter(shapes: Graph, shape: Node) -> str:
    """A FILTER expression true when the bound ``?this`` is a focus node of ``shape``
    (``#FOCUSFILTER#`` marks where a focus restriction goes)."""
    classes, nodes, subjects_of, objects_of = _target_parts(shapes, shape)
    tests = [f"EXISTS {{ ?this <{RDF.type}>/<{RDFS.subClassOf}>* {_term(c)} }}" for c in classes]
    tests += [f"sameTerm(?this, {_term(n)})" for n in nodes]
    tests += [f"EXISTS {{ ?this {_term(p)} ?_ts }}" for p in subjects_of]
    tests += [f"EXISTS {{ ?_to {_term(p)} ?this }}" for p in objects_of]
    return "((" + (" || ".join(tests) or "false") + ") #FOCUSFILTER#)"


def range_holds(value: Node, op: str, bound: Literal) -> bool:
    """Whether ``value op bound`` holds as pyshacl (rdflib) orders literals.

    Oxigraph and rdflib agree wherever SPARQL can compare two literals. Where it cannot (say a
    ``xsd:gYear`` against an ``xsd:integer`` bound) SHACL makes it a violation, and Oxigraph
    does; rdflib instead orders such literals by datatype IRI, so pyshacl may let some pass.
    The compiled range queries therefore return every value Oxigraph cannot place within the
    bound, and this check, pyshacl's own rule, decides those few candidates.
    """
    from pyshacl.rdfutil.compare import compare_literal

    if not isinstance(value, Literal):
        return False
    if isinstance(bound.value, str) != isinstance(value.value, str):
        return False
    try:
        order = compare_literal(value, bound)
    except (TypeError, NotImplementedError):
        return False
    return {">": order > 0, ">=": order >= 0, "<": order < 0, "<=": order <= 0}[op]


def _component(parameter: URIRef) -> URIRef:
    """``sh:minLength`` → ``sh:MinLengthConstraintComponent``."""
    name = parameter.split("#")[1]
    return SH[name[0].upper() + name[1:] + "ConstraintComponent"]


def _severity(shapes: Graph, shape: Node) -> URIRef:
    value = shapes.value(shape, SH.severity)
    return value if isinstance(value, URIRef) else SH.Violation


#: Parameters whose constraint looks at one value node at a time.
_VALUE_LEVEL = {SH["class"], SH.datatype, SH.nodeKind, SH.pattern, SH.flags, SH.minLength, SH.maxLength,
                SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH["in"],
                SH.hasValue, SH.languageIn}
_LOGICAL = {SH["or"]: SH.OrConstraintComponent, SH["and"]: SH.AndConstraintComponent,
            SH.xone: SH.XoneConstraintComponent, SH["not"]: SH.NotConstraintComponent,
            SH.node: SH.NodeConstraintComponent}
#: Shape predicates that are not constraints.
_NON_CONSTRAINTS = {SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group,
                    SH.defaultValue, SH.deactivated}


def value_violations(shapes: Graph, shape: Node, depth: int = 0) -> list[tuple[URIRef, str]]:
    """(component, SPARQL expression true when ``?value`` violates it) for the value-level and
    logical constraints of ``shape``; the expressions never raise errors."""
    g = shapes
    if depth > 8:
        raise Unsupported("shapes nested too deep")
    out: list[tuple[URIRef, str]] = []
    for cls in g.objects(shape, SH["class"]):
        out.append((SH.ClassConstraintComponent,
                    f"NOT EXISTS {{ ?value <{RDF.type}>/<{RDFS.subClassOf}>* {_term(cls)} }}"))
    for datatype in g.objects(shape, SH.datatype):
        if datatype == RDF.langString:
            out.append((SH.DatatypeConstraintComponent, "(!isLiteral(?value) || lang(?value) = \"\")"))
            continue
        if datatype not in CHECKED_DATATYPES:
            raise Unsupported(f"sh:datatype {datatype} (well-formedness not checked alike)")
        dt = _term(datatype)
        out.append((SH.DatatypeConstraintComponent,
                    f"!COALESCE(sameTerm(datatype(?value), {dt}) && lang(?value) = \"\" "
                    f"&& isLiteral({dt}(?value)), false)"))
    for kind in g.objects(shape, SH.nodeKind):
        if kind not in _NODE_KINDS:
            raise Unsupported(f"sh:nodeKind {kind}")
        out.append((SH.NodeKindConstraintComponent, f"!{_NODE_KINDS[kind]}"))
    for pattern in g.objects(shape, SH.pattern):
        flags = g.value(shape, SH.flags)
        args = _term(Literal(str(pattern))) + (f", {_term(Literal(str(flags)))}" if flags else "")
        out.append((SH.PatternConstraintComponent, f"(isBlank(?value) || !REGEX(STR(?value), {args}))"))
    for predicate, op in ((SH.minLength, "<"), (SH.maxLength, ">")):
        for n in g.objects(shape, predicate):
            out.append((_component(predicate), f"(isBlank(?value) || STRLEN(STR(?value)) {op} {int(n)})"))
    for predicate, op in _RANGES.items():
        for bound in g.objects(shape, predicate):
            if depth > 0:
                raise Unsupported("range constraints inside logical constraints")
            out.append((_component(predicate), f"!COALESCE(?value {op} {_term(bound)}, false)"))
    for members in g.objects(shape, SH["in"]):
        allowed = [_term(m) for m in Collection(g, members)]
        out.append((SH.InConstraintComponent,
                    "!(" + (" || ".join(f"sameTerm(?value, {a})" for a in allowed) or "false") + ")"))
    for langs in g.objects(shape, SH.languageIn):
        tests = " || ".join(f"langMatches(lang(?value), {_term(Literal(str(t)))})" for t in Collection(g, langs))
        out.append((SH.LanguageInConstraintComponent, f"(!isLiteral(?value) || !({tests or 'false'}))"))
    for predicate, component in _LOGICAL.items():
        for arg in g.objects(shape, predicate):
            if predicate in (SH["not"], SH.node):
                ok = _conforms(g, arg, depth + 1)
                out.append((component, ok if predicate == SH["not"] else f"!{ok}"))
                continue
            members = [_conforms(g, m, depth + 1) for m in Collection(g, arg)]
            if predicate == SH["or"]:
                expr = "!(" + (" || ".join(members) or "false") + ")"
            elif predicate == SH["and"]:
                expr = "!(" + (" && ".join(members) or "true") + ")"
            else:
                expr = "(" + (" + ".join(f"IF({m}, 1, 0)" for m in members) or "0") + " != 1)"
            out.append((component, expr))
    return out


def _conforms(shapes: Graph, member: Node, depth: int) -> str:
    """A SPARQL expression true when ``?value`` conforms to ``member``, a shape made only of
    value-level and logical constraints (anything else: :class:`Unsupported`)."""
    for p in set(shapes.predicates(member, None)):
        if str(p).startswith(str(SH)) and p not in _VALUE_LEVEL and p not in _LOGICAL \
                and p not in _NON_CONSTRAINTS and p != SH.hasValue:
            raise Unsupported(f"{p} inside a logical constraint")
    if _is_true(shapes, member, SH.deactivated):
        return "true"
    tests = [f"!({expr})" for _, expr in value_violations(shapes, member, depth)]
    for value in shapes.objects(member, SH.hasValue):
        tests.append(f"sameTerm(?value, {_term(value)})")
    return "(" + (" && ".join(tests) or "true") + ")"


class _Compiler:
    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self.prefixes_cache: dict[Node, str] = {}
        custom = set()
        for component in shapes.subjects(RDF.type, SH.ConstraintComponent):
            for parameter in shapes.objects(component, SH.parameter):
                custom.update(shapes.objects(parameter, SH.path))
        self.custom_parameters = custom

    # -- one top-level shape ------------------------------------------------------------
    def compile(self, shape: Node) -> list[CompiledQuery]:
        g = self.shapes
        targets = (target_sparql(g, shape), target_filter(g, shape))
        queries: list[CompiledQuery] = []
        if _is_true(g, shape, SH.deactivated):
            return queries
        path = g.value(shape, SH.path)
        queries += self._constraints(shape, targets, path)
        if path is None:
            for prop in g.objects(shape, SH.property):
                if _is_true(g, prop, SH.deactivated):
                    continue
                prop_path = g.value(prop, SH.path)
                if prop_path is None:
                    raise Unsupported(f"property shape {prop} without sh:path")
                queries += self._constraints(prop, targets, prop_path)
        elif (shape, SH.property, None) in g:
            raise Unsupported("sh:property inside a property shape")
        return queries

    def _constraints(self, shape: Node, targets: tuple[str, str], path: Node | None) -> list[CompiledQuery]:
        g = self.shapes
        target, in_target = targets
        for predicate in _UNSUPPORTED:
            if predicate not in _LOGICAL and (shape, predicate, None) in g:
                raise Unsupported(f"{predicate.n3(g.namespace_manager)} on {shape}")
        for predicate in self.custom_parameters:
            if (shape, predicate, None) in g:
                raise Unsupported(f"custom constraint component parameter {predicate}")
        severity = _severity(g, shape)
        messages = list(g.objects(shape, SH.message))
        node_shape = path is None
        p = None if node_shape else path_sparql(g, path)
        out: list[CompiledQuery] = []

        def add(component: URIRef, where: str, *, select: str = "?this ?value", value_is_focus: bool = False,
                constraint: Node | None = None, msgs: list[Literal] | None = None) -> None:
            sparql = f"SELECT {select} WHERE {{ {where} }}"
            out.append(CompiledQuery(shape, component, severity, path, sparql, constraint,
                                     value_is_focus, msgs if msgs is not None else messages))

        def candidates(body: str, select: str = "?this ?value", modifiers: str = "") -> str:
            """Violations found over all subjects first, then kept when ?this is a focus node."""
            return f"{{ SELECT {select} WHERE {{ {body} }} {modifiers} }} FILTER {in_target}"

        ranges = [(op, bound) for predicate, op in _RANGES.items() for bound in g.objects(shape, predicate)]
        classes = list(g.objects(shape, SH["class"]))  # in value_violations' order
        for component, violated in value_violations(g, shape):
            if component in _RANGE_COMPONENTS:
                before = len(out)
                op, bound = ranges.pop(0)
                if node_shape:
                    add(component, f"{target} BIND (?this AS ?value) FILTER ({violated})")
                else:
                    add(component, candidates(f"?this {p} ?value . FILTER ({violated})"))
                out[before].recheck = (op, bound)
                continue
            if node_shape:
                add(component, f"{target} BIND (?this AS ?value) FILTER ({violated})")
            elif component == SH.ClassConstraintComponent:
                # Each distinct value checked once, then who points to the bad ones. MINUS, not
                # FILTER NOT EXISTS: Oxigraph pushes a filter below the DISTINCT (a path walk per
                # triple), while MINUS walks the class's instances once (15 s -> 0.2 s at 200k).
                cls = _term(classes.pop(0))
                add(component, f"{{ SELECT ?value WHERE {{ {{ SELECT DISTINCT ?value WHERE {{ ?_s {p} ?value }} }} "
                               f"MINUS {{ ?value <{RDF.type}>/<{RDFS.subClassOf}>* {cls} }} }} }} "
                               f"?this {p} ?value . FILTER {in_target}")
                continue
            else:
                add(component, candidates(f"?this {p} ?value . FILTER ({violated})"))
        for value in g.objects(shape, SH.hasValue):
            if node_shape:
                continue  # handled as a value-level constraint above
            add(SH.HasValueConstraintComponent,
                f"{target} FILTER NOT EXISTS {{ ?this {p} ?_hv FILTER (sameTerm(?_hv, {_term(value)})) }}",
                select="?this")
        if not node_shape:
            self._property_only(shape, path, p, target, candidates, add)
        elif any((shape, q, None) in g for q in (SH.minCount, SH.maxCount, SH.uniqueLang, SH.equals,
                                                  SH.disjoint, SH.lessThan, SH.lessThanOrEquals)):
            raise Unsupported("property-pair or cardinality constraints on a node shape")
        for constraint in g.objects(shape, SH.sparql):
            if _is_true(g, constraint, SH.deactivated):
                continue
            query = self._sparql_constraint(constraint, p)
            add(SH.SPARQLConstraintComponent, f"{{ {query} }} FILTER {in_target}", select="*",
                value_is_focus=node_shape, constraint=constraint,
                msgs=list(g.objects(constraint, SH.message)) or messages)
        return out

    def _property_only(self, shape: Node, path: Node, p: str | None, target: str, candidates, add) -> None:
        g = self.shapes
        for n in g.objects(shape, SH.minCount):
            n = int(n)
            if n == 1:
                # A one-step path: MINUS scans its triples once (a hash anti-join) instead of one
                # NOT EXISTS evaluation per focus node; a longer path might be costly unbound.
                check = (f"MINUS {{ ?this {p} ?_v }}" if _one_step(g, path)
                         else f"FILTER NOT EXISTS {{ ?this {p} ?_v }}")
                add(SH.MinCountConstraintComponent, f"{target} {check}", select="?this")
            elif n > 1:
                add(SH.MinCountConstraintComponent,
                    f"{{ SELECT ?this WHERE {{ {target} OPTIONAL {{ ?this {p} ?_v }} }} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?_v) < {n}) }}", select="?this")
        for n in g.objects(shape, SH.maxCount):
            add(SH.MaxCountConstraintComponent,
                candidates(f"?this {p} ?_v .", select="?this",
                           modifiers=f"GROUP BY ?this HAVING (COUNT(DISTINCT ?_v) > {int(n)})"), select="?this")
        if _is_true(g, shape, SH.uniqueLang):
            add(SH.UniqueLangConstraintComponent,
                candidates(f"?this {p} ?_v . FILTER (lang(?_v) != \"\") BIND (LCASE(lang(?_v)) AS ?_lang)",
                           select="?this ?_lang",
                           modifiers="GROUP BY ?this ?_lang HAVING (COUNT(DISTINCT ?_v) > 1)"), select="?this")
        for other in g.objects(shape, SH.equals):
            q = _term(other)
            add(SH.EqualsConstraintComponent,
                candidates(f"{{ ?this {p} ?value FILTER NOT EXISTS {{ ?this {q} ?value }} }} UNION "
                           f"{{ ?this {q} ?value FILTER NOT EXISTS {{ ?this {p} ?value }} }}"))
        for other in g.objects(shape, SH.disjoint):
            add(SH.DisjointConstraintComponent, candidates(f"?this {p} ?value . ?this {_term(other)} ?value ."))
        for predicate, op in _PAIRS.items():
            for other in g.objects(shape, predicate):
                add(_component(predicate), candidates(
                    f"?this {p} ?value . ?this {_term(other)} ?_o . FILTER (!COALESCE(?value {op} ?_o, false))"))

    # -- SHACL-SPARQL ---------------------------------------------------------------------
    def _prefixes(self, constraint: Node) -> str:
        g = self.shapes
        lines = []
        for holder in g.objects(constraint, SH.prefixes):
            for decl in g.objects(holder, SH.declare):
                prefix, ns = g.value(decl, SH.prefix), g.value(decl, SH.namespace)
                if prefix is not None and ns is not None:
                    lines.append(f"PREFIX {prefix}: <{ns}>")
        return "\n".join(lines)

    def _sparql_constraint(self, constraint: Node, path: str | None) -> str:
        g = self.shapes
        text = g.value(constraint, SH.select)
        if text is None:
            raise Unsupported("SPARQL constraint without sh:select (e.g. sh:ask)")
        query = str(text)
        # prefixes may only come from sh:prefixes per the spec, but allow leading declarations
        declared = self._prefixes(constraint)
        while (m := _PREFIX_DECL.match(query)):
            declared += "\n" + m.group(1)
            query = query[m.end():]
        if "$PATH" in query:
            if path is None:
                raise Unsupported("$PATH in a node shape's SPARQL constraint")
            query = query.replace("$PATH", path)
        if re.search(r"\$(?!this\b)[A-Za-z_]", query):
            raise Unsupported("pre-bound variables other than $this ($shapesGraph, $currentShape …)")
        query = query.replace("$this", "?this")
        _check_this_bound(declared + "\n" + query)
        if re.search(r"\?failure\b", query):
            raise Unsupported("?failure in a SPARQL constraint")
        self.prefixes_cache[constraint] = declared
        return query

    def prefixes(self) -> str:
        """All PREFIX declarations the compiled SPARQL constraints need."""
        seen: dict[str, str] = {}
        for block in self.prefixes_cache.values():
            for line in block.splitlines():
                m = re.match(r"\s*PREFIX\s+([^:\s]*):\s*<([^>]*)>", line, re.IGNORECASE)
                if m:
                    if seen.get(m.group(1), m.group(2)) != m.group(2):
                        raise Unsupported(f"prefix {m.group(1)}: declared with two namespaces")
                    seen[m.group(1)] = m.group(2)
        return "\n".join(f"PREFIX {k}: <{v}>" for k, v in sorted(seen.items()))


_PARENS = re.compile(r"\([^()]*\)")


def _check_this_bound(query: str) -> None:
    """Raise :class:`Unsupported` unless the query binds ``?this`` in a triple pattern of its
    top-level group and has no sub-SELECT, VALUES, MINUS or SERVICE: then evaluating it with
    ``?this`` free and keeping the rows whose ``?this`` is a focus node gives the answers of
    SHACL's pre-binding. (A lexical check: when in doubt the shape falls back to pyshacl.)"""
    text = strip_noise(query)
    text = text.replace("$this", "?this")
    if re.search(r"\b(MINUS|VALUES|SERVICE)\b", text, re.IGNORECASE):
        raise Unsupported("MINUS, VALUES or SERVICE in a SPARQL constraint")
    if len(re.findall(r"\bSELECT\b", text, re.IGNORECASE)) != 1:
        raise Unsupported("sub-SELECT in a SPARQL constraint")
    start = text.find("{")
    if start < 0:
        raise Unsupported("no WHERE group")
    depth, top = 0, []
    for ch in text[start:]:
        if ch == "{":
            depth += 1
            continue
        if ch == "}":
            depth -= 1
            if depth == 0:
                break
            continue
        if depth == 1:
            top.append(ch)
    flat = "".join(top)
    while _PARENS.search(flat):
        flat = _PARENS.sub(" ", flat)
    if not re.search(r"\?this\b", flat):
        raise Unsupported("$this is not bound by a triple pattern of the top-level group")


def compile_shapes(shapes: Graph, only: Iterable[Node] | None = None) -> CompiledShapes:
    """Compile the top-level shapes of ``shapes`` (or ``only`` those) to SPARQL queries."""
    compiler = _Compiler(shapes)
    queries: list[CompiledQuery] = []
    fast: list[Node] = []
    fallback: list[Node] = []
    reasons: dict[Node, str] = {}
    for shape in (list(only) if only is not None else top_level_shapes(shapes)):
        try:
            compiled = compiler.compile(shape)
        except Unsupported as exc:
            fallback.append(shape)
            reasons[shape] = str(exc)
            continue
        fast.append(shape)
        queries += compiled
    prefixes = compiler.prefixes()
    if prefixes:
        for q in queries:
            q.sparql = prefixes + "\n" + q.sparql
    return CompiledShapes(queries, fallback, fast, reasons)


def without_targets(shapes: Graph, shapes_to_strip: Iterable[Node]) -> Graph:
    """A copy of ``shapes`` in which the given shapes have no targets (so pyshacl validates only
    the others, while references to the stripped shapes through sh:node etc. still work)."""
    copy = Graph()
    for prefix, ns in shapes.namespaces():
        copy.bind(prefix, ns)
    strip = set(shapes_to_strip)
    for triple in shapes:
        s, p, o = triple
        if s in strip and (p in _TARGETS or (p == RDF.type and o in (RDFS.Class, OWL.Class))):
            continue
        copy.add(triple)
    return copy
