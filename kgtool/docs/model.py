"""What the documentation shows about the ontology, read from the merged OWL graph.

This module turns RDF into plain view objects the templates render: every term (class,
property, individual) with its labels, definitions, axioms rendered readably, and where it is
used; the ontology's metadata; the legal-form table and the SKOS scheme trees. It never writes
markup: values are lists of :class:`Token` (a link to a term, an external IRI, a literal, a
keyword) and the templates, with autoescaping on, decide how each is shown.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import BNode, Literal, Node, URIRef

from ..namespaces import KG, KGD, KGO, LF, PREFIXES, SKILL, SVC
from ..ontology import ontology_files

#: Which page documents the terms of each kgtool namespace (the anchor is the local name).
PAGES: dict[str, str] = {
    str(KG): "ontology.html",
    str(LF): "legal-forms.html",
    str(SVC): "services.html",
    str(SKILL): "skills.html",
    str(KGO): "index.html",
}
#: The page for terms declared in the ontology under any other namespace.
FALLBACK_PAGE = "ontology.html"

#: The kinds of term, in the order pages list them.
KINDS = ("class", "object-property", "datatype-property", "annotation-property", "individual",
         "other")
_KIND_OF_TYPE = {
    OWL.Class: "class", RDFS.Class: "class",
    OWL.ObjectProperty: "object-property", OWL.DatatypeProperty: "datatype-property",
    OWL.AnnotationProperty: "annotation-property", RDF.Property: "object-property",
    OWL.NamedIndividual: "individual",
}
#: Element ids the page layout uses itself; a term with such a local name gets a suffix.
_RESERVED_IDS = {"search", "search-count", "none-yet", "about", "cite", "modules", "triangle",
                 "class-diagram", "downloads", "triangle-title", "classes-title", "inherit", "arrow"}
_LABEL_PROPS = (SKOS.prefLabel, RDFS.label)
_DEFINITION_PROPS = (SKOS.definition, RDFS.comment, DCTERMS.description)
#: Predicates shown in their own rows, not among "other statements".
_HANDLED = {
    RDF.type, RDFS.label, SKOS.prefLabel, SKOS.definition, RDFS.comment, DCTERMS.description,
    DCTERMS.source, RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith, RDFS.domain,
    RDFS.range, RDFS.subPropertyOf, OWL.inverseOf, SKOS.inScheme, SKOS.broader, SKOS.narrower,
    SKOS.topConceptOf, SKOS.hasTopConcept, SKOS.altLabel,
}
_CHARACTERISTICS = (OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.TransitiveProperty,
                    OWL.SymmetricProperty, OWL.AsymmetricProperty, OWL.ReflexiveProperty,
                    OWL.IrreflexiveProperty)
_RESTRICTIONS = (
    (OWL.someValuesFrom, "some"), (OWL.allValuesFrom, "only"), (OWL.hasValue, "value"),
    (OWL.minCardinality, "min"), (OWL.maxCardinality, "max"), (OWL.cardinality, "exactly"),
    (OWL.minQualifiedCardinality, "min"), (OWL.maxQualifiedCardinality, "max"),
    (OWL.qualifiedCardinality, "exactly"),
)


# ---------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Label:
    """A display name in English and Japanese (either may be missing)."""

    en: str | None = None
    ja: str | None = None
    kana: str | None = None
    romaji: str | None = None

    @property
    def text(self) -> str:
        """One string for search indexes and tooltips."""
        return " ".join(x for x in (self.en, self.ja, self.kana, self.romaji) if x)


@dataclass(frozen=True)
class Token:
    """One piece of a rendered value.

    ``kind`` is ``term`` (a documented term: ``href`` and ``label``), ``ext`` (an IRI outside
    the documentation: ``href`` is the IRI), ``lit`` (a literal: ``text``, ``lang``,
    ``datatype``), ``kw`` (a keyword of the rendering such as ``some``) or ``text``.
    """

    kind: str
    text: str
    href: str | None = None
    label: Label | None = None
    lang: str | None = None
    datatype: str | None = None


@dataclass
class Row:
    """A row of a term's table: a key naming the relation, or a predicate token, and values."""

    key: str
    values: list[list[Token]]
    predicate: Token | None = None


@dataclass
class Term:
    """One documented term."""

    iri: str
    curie: str
    local: str
    page: str
    kind: str
    label: Label
    module: str = ""
    definitions: dict[str, str] = field(default_factory=dict)
    alt_labels: list[Token] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    used_by: list[Row] = field(default_factory=list)
    shapes: list[Token] = field(default_factory=list)
    queries: list[Token] = field(default_factory=list)

    @property
    def href(self) -> str:
        return f"{self.page}#{self.local}"

    @property
    def search_text(self) -> str:
        return f"{self.curie} {self.local} {self.label.text}"


def curie(iri: str) -> str:
    """``kg:Organization`` for a known namespace, else the IRI itself."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            best = prefix
    if best and len(iri) > len(PREFIXES[best]):
        return f"{best}:{iri[len(PREFIXES[best]):]}"
    if iri.startswith(str(KGO)):
        return f"kgo:{iri[len(str(KGO)):]}"
    return iri


def local_name(iri: str) -> str:
    """The part of an IRI after its last ``#`` or ``/``."""
    for sep in ("#", "/"):
        if sep in iri:
            tail = iri.rsplit(sep, 1)[1]
            if tail:
                return tail
    return iri


def labels_of(graph: rdflib.Graph, node: Node) -> Label:
    """The English, Japanese, kana and romaji labels of ``node`` (prefLabel before rdfs:label)."""
    found: dict[str, str] = {}
    for prop in _LABEL_PROPS:
        for value in graph.objects(node, prop):
            if isinstance(value, Literal):
                lang = (value.language or "").lower()
                found.setdefault(lang, str(value))
    return Label(en=found.get("en") or found.get(""), ja=found.get("ja"),
                 kana=found.get("ja-hrkt"), romaji=found.get("ja-latn"))


def texts_by_lang(graph: rdflib.Graph, node: Node, props: Iterable[URIRef]) -> dict[str, str]:
    """First literal per language (``en``, ``ja``; untagged counts as ``en``) of ``props``."""
    found: dict[str, str] = {}
    for prop in props:
        for value in graph.objects(node, prop):
            if isinstance(value, Literal):
                lang = (value.language or "en").lower()
                if lang in ("en", "ja"):
                    found.setdefault(lang, str(value))
    return found


# ---------------------------------------------------------------------------------------
# The ontology model
# ---------------------------------------------------------------------------------------
@dataclass
class Module:
    """One ontology module (file) and its metadata."""

    file: str
    iri: str
    local: str
    title: Label
    description: dict[str, str]
    version: str
    version_iri: str
    imports: list[Token]
    counts: dict[str, int]


@dataclass
class OntologyMeta:
    """Metadata of the ontology as a whole (the umbrella module)."""

    iri: str
    title: Label
    description: dict[str, str]
    version: str
    version_iri: str
    licenses: list[list[Token]]
    creators: list[list[Token]]
    sources: list[list[Token]]
    citation: str


class OntologyModel:
    """The merged ontology graph, its terms, and how to link to each of them."""

    def __init__(self, directory: str | Path | None = None) -> None:
        self.graph = rdflib.Graph()
        self.module_graphs: dict[str, rdflib.Graph] = {}
        for path in ontology_files(directory):
            module = rdflib.Graph().parse(path, format="turtle")
            self.module_graphs[path.name] = module
            self.graph += module
        for prefix, iri in PREFIXES.items():
            self.graph.bind(prefix, iri, override=True)
        self.graph.bind("kgo", str(KGO), override=True)
        self.terms: dict[str, Term] = {}
        self._anchors: dict[tuple[str, str], str] = {}
        self._collect_terms()
        for term in self.terms.values():
            self._describe(term)
        self._add_used_by()

    # -- links ---------------------------------------------------------------------------
    def href(self, iri: str) -> str | None:
        """The documentation link of a term, or None if the term is not documented."""
        term = self.terms.get(iri)
        return term.href if term is not None else None

    def token(self, node: Node) -> Token:
        """The token of one RDF node (documented term, external IRI, literal)."""
        if isinstance(node, URIRef):
            iri = str(node)
            term = self.terms.get(iri)
            if term is not None:
                return Token("term", term.curie, term.href, term.label)
            module = self._module_token(iri)
            if module is not None:
                return module
            # only web addresses become links: an IRI such as javascript:… stays text
            # and data instances (kgd:) are named, not linked: they are not published pages
            safe = iri.split(":", 1)[0].lower() in ("http", "https") and not iri.startswith(str(KGD))
            return Token("ext", curie(iri), iri if safe else None)
        if isinstance(node, Literal):
            datatype = curie(str(node.datatype)) if node.datatype is not None else None
            return Token("lit", str(node), lang=node.language, datatype=datatype)
        return Token("text", "[anonymous]")

    def _module_token(self, iri: str) -> Token | None:
        for module in self.modules():
            if module.iri and module.iri == iri:
                return Token("term", curie(iri), f"index.html#{module.local}", module.title)
        return None

    # -- terms ---------------------------------------------------------------------------
    def _page_for(self, iri: str) -> str:
        for ns, page in PAGES.items():
            if iri.startswith(ns) and len(iri) > len(ns):
                return page
        return FALLBACK_PAGE

    def _collect_terms(self) -> None:
        g = self.graph
        module_of: dict[str, str] = {}
        for name, module in self.module_graphs.items():
            for subject in module.subjects(RDF.type, None):
                module_of.setdefault(str(subject), _module_anchor(name, module))
        for subject in sorted({s for s in g.subjects(RDF.type, None) if isinstance(s, URIRef)}):
            iri = str(subject)
            if (subject, RDF.type, OWL.Ontology) in g:
                continue
            page = self._page_for(iri)
            if page == FALLBACK_PAGE and not any(iri.startswith(ns) for ns in PAGES):
                # a foreign term the ontology only mentions in a typing (e.g. org:Role) stays
                # external unless one of our modules declares it with a label
                if not any(True for _ in g.objects(subject, RDFS.label)):
                    continue
            types = set(g.objects(subject, RDF.type))
            kind = "other"
            for t, k in _KIND_OF_TYPE.items():
                if t in types and KINDS.index(k) < KINDS.index(kind):
                    kind = k
            local = self._anchor(page, local_name(iri))
            self.terms[iri] = Term(iri=iri, curie=curie(iri), local=local, page=page, kind=kind,
                                   label=labels_of(g, subject), module=module_of.get(iri, ""))

    def _anchor(self, page: str, local: str) -> str:
        anchor, n = local, 1
        while (page, anchor) in self._anchors or anchor in _RESERVED_IDS \
                or anchor.startswith(("sec-", "tree-")):
            n += 1
            anchor = f"{local}-{n}"
        self._anchors[(page, anchor)] = local
        return anchor

    def by_page(self, page: str) -> dict[str, list[Term]]:
        """The terms documented on ``page``, grouped by kind (in :data:`KINDS` order)."""
        groups: dict[str, list[Term]] = {k: [] for k in KINDS}
        for term in self.terms.values():
            if term.page == page:
                groups[term.kind].append(term)
        for terms in groups.values():
            terms.sort(key=lambda t: t.local.lower())
        return {k: v for k, v in groups.items() if v}

    # -- class expressions ---------------------------------------------------------------
    def expression(self, node: Node, nested: bool = False) -> list[Token]:
        """A class expression (named class, restriction, intersection …) in Manchester syntax."""
        g = self.graph
        if not isinstance(node, BNode):
            return [self.token(node)]
        out: list[Token] = []
        prop = g.value(node, OWL.onProperty)
        if prop is not None:
            out += self.expression(prop, True)
            for pred, keyword in _RESTRICTIONS:
                value = g.value(node, pred)
                if value is None:
                    continue
                out.append(Token("kw", keyword))
                if keyword in ("min", "max", "exactly"):
                    out.append(Token("lit", str(value)))
                    filler = g.value(node, OWL.onClass) or g.value(node, OWL.onDataRange)
                    if filler is not None:
                        out += self.expression(filler, True)
                else:
                    out += self.expression(value, True)
            if g.value(node, OWL.hasSelf) is not None:
                out.append(Token("kw", "Self"))
            return self._wrap(out, nested)
        for pred, keyword in ((OWL.intersectionOf, "and"), (OWL.unionOf, "or")):
            members = g.value(node, pred)
            if members is not None:
                for i, member in enumerate(Collection(g, members)):
                    if i:
                        out.append(Token("kw", keyword))
                    out += self.expression(member, True)
                return self._wrap(out, nested)
        complement = g.value(node, OWL.complementOf)
        if complement is not None:
            return self._wrap([Token("kw", "not")] + self.expression(complement, True), nested)
        one_of = g.value(node, OWL.oneOf)
        if one_of is not None:
            out.append(Token("text", "{"))
            for i, member in enumerate(Collection(g, one_of)):
                if i:
                    out.append(Token("text", ","))
                out.append(self.token(member))
            out.append(Token("text", "}"))
            return out
        inverse = g.value(node, OWL.inverseOf)
        if inverse is not None:
            return [Token("kw", "inverse")] + self.expression(inverse, True)
        # an anonymous node of another shape: list its statements
        out.append(Token("text", "["))
        for i, (p, o) in enumerate(sorted(g.predicate_objects(node))):
            if i:
                out.append(Token("text", ";"))
            out += [self.token(p)] + self.expression(o, True)
        out.append(Token("text", "]"))
        return out

    @staticmethod
    def _wrap(tokens: list[Token], nested: bool) -> list[Token]:
        return [Token("text", "(")] + tokens + [Token("text", ")")] if nested else tokens

    # -- describing one term -------------------------------------------------------------
    def _values(self, subject: Node, pred: URIRef, expr: bool = False) -> list[list[Token]]:
        values = sorted(self.graph.objects(subject, pred), key=_sort_key)
        return [self.expression(v) if expr else [self.token(v)] for v in values]

    def _describe(self, term: Term) -> None:
        g = self.graph
        node = URIRef(term.iri)
        term.definitions = texts_by_lang(g, node, _DEFINITION_PROPS)
        term.alt_labels = [self.token(v) for v in sorted(g.objects(node, SKOS.altLabel), key=_sort_key)]
        rows: list[Row] = []

        def add(key: str, values: list[list[Token]]) -> None:
            if values:
                rows.append(Row(key, values))

        types = [t for t in g.objects(node, RDF.type)
                 if t not in (OWL.NamedIndividual,) and t not in _CHARACTERISTICS]
        add("type", [[self.token(t)] for t in sorted(types, key=_sort_key)])
        add("characteristics", [[self.token(t)] for t in _CHARACTERISTICS if (node, RDF.type, t) in g])
        add("subClassOf", self._values(node, RDFS.subClassOf, expr=True))
        add("subclasses", [[self.token(s)] for s in sorted(g.subjects(RDFS.subClassOf, node), key=_sort_key)
                           if isinstance(s, URIRef)])
        add("equivalentClass", self._values(node, OWL.equivalentClass, expr=True))
        add("disjointWith", self._values(node, OWL.disjointWith) +
            [[self.token(s)] for s in g.subjects(OWL.disjointWith, node)])
        add("impliedBy", [self.expression(s) for s in sorted(g.subjects(RDFS.subClassOf, node), key=_sort_key)
                          if isinstance(s, BNode)])
        add("subPropertyOf", self._values(node, RDFS.subPropertyOf))
        add("subproperties", [[self.token(s)] for s in sorted(g.subjects(RDFS.subPropertyOf, node), key=_sort_key)])
        add("inverseOf", self._values(node, OWL.inverseOf) +
            [[self.token(s)] for s in g.subjects(OWL.inverseOf, node)])
        add("domain", self._values(node, RDFS.domain, expr=True))
        add("range", self._values(node, RDFS.range, expr=True))
        add("inScheme", self._values(node, SKOS.inScheme))
        add("broader", self._values(node, SKOS.broader))
        add("narrower", self._values(node, SKOS.narrower) +
            [[self.token(s)] for s in sorted(g.subjects(SKOS.broader, node), key=_sort_key)])
        add("topConcepts", self._values(node, SKOS.hasTopConcept) +
            [[self.token(s)] for s in sorted(g.subjects(SKOS.topConceptOf, node), key=_sort_key)
             if (node, SKOS.hasTopConcept, s) not in g])
        others: dict[URIRef, list[list[Token]]] = defaultdict(list)
        for pred, obj in sorted(g.predicate_objects(node), key=lambda po: (_sort_key(po[0]), _sort_key(po[1]))):
            if pred not in _HANDLED:
                others[pred].append(self.expression(obj))
        for pred, values in others.items():
            rows.append(Row("statement", values, predicate=self.token(pred)))
        add("source", self._values(node, DCTERMS.source))
        term.rows = rows

    def _owner(self, node: Node, seen: set[Node] | None = None) -> URIRef | None:
        """The named subject whose axiom contains the blank node ``node``."""
        if isinstance(node, URIRef):
            return node
        seen = seen or set()
        if node in seen:
            return None
        seen.add(node)
        for parent in self.graph.subjects(None, node):
            owner = self._owner(parent, seen)
            if owner is not None:
                return owner
        # a general class inclusion: the blank node is a subject; name its superclass
        for sup in self.graph.objects(node, RDFS.subClassOf):
            if isinstance(sup, URIRef):
                return sup
        return None

    def _add_used_by(self) -> None:
        g = self.graph
        for term in self.terms.values():
            node = URIRef(term.iri)
            groups: dict[URIRef, dict[str, Token]] = defaultdict(dict)
            for subject, pred in g.subject_predicates(node):
                if pred in (SKOS.broader, SKOS.narrower, SKOS.hasTopConcept, SKOS.topConceptOf,
                            RDFS.subClassOf, RDFS.subPropertyOf, OWL.inverseOf, OWL.disjointWith) \
                        and isinstance(subject, URIRef):
                    continue  # already shown as subclasses, narrower, inverse …
                owner = self._owner(subject)
                if owner is None or owner == node:
                    continue
                groups[pred][str(owner)] = self.token(owner)
            term.used_by = [Row("usedBy", [[t] for _, t in sorted(tokens.items())], predicate=self.token(p))
                            for p, tokens in sorted(groups.items(), key=lambda kv: curie(str(kv[0])))]

    # -- metadata ------------------------------------------------------------------------
    def modules(self) -> list[Module]:
        """Every module file with its metadata and declaration counts."""
        cached = getattr(self, "_modules", None)
        if cached is not None:
            return cached
        out = []
        for name, module in self.module_graphs.items():
            iri = next((s for s in module.subjects(RDF.type, OWL.Ontology) if isinstance(s, URIRef)), None)

            def count(kind: URIRef, m: rdflib.Graph = module) -> int:
                return sum(1 for s in m.subjects(RDF.type, kind) if isinstance(s, URIRef))

            out.append(Module(
                file=name, iri=str(iri or ""), local=_module_anchor(name, module),
                title=_title(module, iri) if iri is not None else Label(en=name),
                description=texts_by_lang(module, iri, (DCTERMS.description,)) if iri is not None else {},
                version=str(module.value(iri, OWL.versionInfo) or "") if iri is not None else "",
                version_iri=str(module.value(iri, OWL.versionIRI) or "") if iri is not None else "",
                imports=[], counts={
                    "classes": count(OWL.Class), "object-properties": count(OWL.ObjectProperty),
                    "datatype-properties": count(OWL.DatatypeProperty),
                    "annotation-properties": count(OWL.AnnotationProperty),
                    "individuals": count(OWL.NamedIndividual)}))
        self._modules = out
        for m in out:
            if m.iri:
                m.imports = [self.token(i) for i in sorted(self.graph.objects(URIRef(m.iri), OWL.imports))]
        return out

    def meta(self) -> OntologyMeta:
        """Metadata of the umbrella ontology (the module importing the most others)."""
        g = self.graph
        ontologies = [s for s in g.subjects(RDF.type, OWL.Ontology) if isinstance(s, URIRef)]
        if not ontologies:
            return OntologyMeta("", Label(en="(no owl:Ontology declared)"), {}, "", "", [], [], [], "")
        top = max(sorted(ontologies), key=lambda o: len(list(g.objects(o, OWL.imports))))
        citation = texts_by_lang(g, top, (DCTERMS.bibliographicCitation,))
        return OntologyMeta(
            iri=str(top), title=_title(g, top),
            description=texts_by_lang(g, top, (DCTERMS.description,)),
            version=str(g.value(top, OWL.versionInfo) or ""),
            version_iri=str(g.value(top, OWL.versionIRI) or ""),
            licenses=self._values(top, DCTERMS.license), creators=self._values(top, DCTERMS.creator),
            sources=self._values(top, DCTERMS.source),
            citation=citation.get("en") or citation.get("ja") or "")

    # -- legal forms and schemes -----------------------------------------------------------
    def legal_forms(self) -> list[dict]:
        """The legal forms in scheme order (parents before children), with codes, counts and
        their place on the welfare triangle."""
        g = self.graph
        forms = {s for s in g.subjects(RDF.type, KG.LegalForm) if isinstance(s, URIRef)}
        counts: dict[Node, tuple[Node, Node | None, Node]] = {}
        for obs in g.subjects(RDF.type, KG.CountObservation):
            target = g.value(obs, KG.countOf)
            if target is not None:
                counts[target] = (g.value(obs, KG["count"]), g.value(obs, KG.countQualifier), obs)
        dimension_classes = [c for c in g.subjects(RDFS.subClassOf, KG.LegalForm) if isinstance(c, URIRef)]
        rows = []
        for form, depth in _tree_order(g, forms):
            count = counts.get(form)
            rows.append({
                "term": self.terms.get(str(form)),
                "token": self.token(form),
                "depth": depth,
                "label": labels_of(g, form),
                "notation": [str(v) for v in g.objects(form, SKOS.notation)],
                "corporate": g.value(form, KG.isCorporateForm),
                "count": int(count[0]) if count and count[0] is not None else None,
                "qualifier": self.token(count[1]) if count and count[1] is not None else None,
                "observation": self.token(count[2]) if count else None,
                "sector": self.token(g.value(form, KG.defaultSector)) if g.value(form, KG.defaultSector) else None,
                "sector_iri": str(g.value(form, KG.defaultSector) or ""),
                "dimensions": [self.token(c) for c in sorted(dimension_classes) if (form, RDF.type, c) in g],
                "governance": self.token(g.value(form, KG.defaultGovernanceModel))
                if g.value(form, KG.defaultGovernanceModel) else None,
            })
        total = counts.get(LF.scheme)
        self._total = (int(total[0]), self.token(total[1]) if total[1] is not None else None,
                       self.token(total[2])) if total and total[0] is not None else None
        return rows

    def legal_form_total(self) -> tuple[int, Token | None, Token] | None:
        """The Figure-1 total (count, qualifier, observation), after :meth:`legal_forms`."""
        if not hasattr(self, "_total"):
            self.legal_forms()
        return self._total

    def scheme_trees(self, page: str) -> list[dict]:
        """The SKOS concept schemes documented on ``page``, each as a tree of concepts."""
        g = self.graph
        out = []
        for scheme in sorted(s for s in g.subjects(RDF.type, SKOS.ConceptScheme) if isinstance(s, URIRef)):
            term = self.terms.get(str(scheme))
            if term is None or term.page != page:
                continue
            members = set(g.subjects(SKOS.inScheme, scheme)) | set(g.subjects(SKOS.topConceptOf, scheme)) \
                | set(g.objects(scheme, SKOS.hasTopConcept))
            members = {m for m in members if isinstance(m, URIRef)}
            out.append({"scheme": term, "nodes": self._tree(members, None, set()), "size": len(members)})
        return out

    def _tree(self, members: set[URIRef], parent: URIRef | None, seen: set[URIRef]) -> list[dict]:
        g = self.graph
        if parent is None:
            level = [m for m in members if not (set(_broader(g, m)) & members)]
        else:
            level = [m for m in members if parent in set(_broader(g, m))]
        nodes = []
        for concept in sorted(level, key=_concept_order(g)):
            if concept in seen:
                continue
            children = self._tree(members, concept, seen | {concept})
            nodes.append({"token": self.token(concept),
                          "notation": ", ".join(sorted(str(n) for n in g.objects(concept, SKOS.notation))),
                          "children": children})
        return nodes


def _broader(g: rdflib.Graph, concept: Node) -> list[Node]:
    return list(g.objects(concept, SKOS.broader)) + list(g.subjects(SKOS.narrower, concept))


def _concept_order(g: rdflib.Graph):
    def key(concept: Node) -> tuple:
        notation = str(g.value(concept, SKOS.notation) or "")
        return (notation == "", notation, str(concept).lower())
    return key


def _tree_order(g: rdflib.Graph, items: set[URIRef]) -> list[tuple[URIRef, int]]:
    """``items`` depth-first along skos:broader, siblings by local name."""
    order: list[tuple[URIRef, int]] = []
    seen: set[URIRef] = set()

    def visit(item: URIRef, depth: int) -> None:
        if item in seen:
            return
        seen.add(item)
        order.append((item, depth))
        for child in sorted((c for c in items if item in _broader(g, c)), key=lambda c: str(c).lower()):
            visit(child, depth + 1)

    for root in sorted((i for i in items if not set(_broader(g, i)) & items), key=lambda c: str(c).lower()):
        visit(root, 0)
    for rest in sorted(items - seen):
        visit(rest, 0)
    return order


def _module_anchor(file_name: str, module: rdflib.Graph) -> str:
    """The anchor of a module on the overview page: its IRI's local name, else the file stem."""
    iri = next((s for s in module.subjects(RDF.type, OWL.Ontology) if isinstance(s, URIRef)), None)
    return local_name(str(iri)) if iri is not None else file_name.removesuffix(".ttl")


def _title(graph: rdflib.Graph, node: Node) -> Label:
    titles = texts_by_lang(graph, node, (DCTERMS.title, RDFS.label))
    return Label(en=titles.get("en"), ja=titles.get("ja"))


def _sort_key(node: Node) -> tuple[int, str]:
    return (0 if isinstance(node, URIRef) else 1 if isinstance(node, Literal) else 2, str(node))
