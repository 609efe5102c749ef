"""The saved SPARQL queries of ``queries/``: catalogue, parameters, running them.

Each saved query is one ``.rq`` file: standard SPARQL 1.1 with full ``PREFIX`` declarations (so
it can be pasted into any endpoint), preceded by a header of ``# key: value`` comment lines that
say what it answers, which parameters it takes and which columns it returns
(``queries/README.md`` documents the format)::

    # title: Partners for an organisation
    # title@ja: 連携候補の組織
    # description: Organisations that could co-produce with the given one …
    #   a line starting with "#" and two or more spaces continues the previous value
    # description@ja: …
    # question: Which organisations could partner with this one, and why?
    # param: org | iri | required | example=kgd:org/hikarino/tasukeai | The organisation
    # param: service | iri | optional | example=svc:110 | Only partners for this service
    # column: score | The rank score (see the description)

``title``, ``description`` and ``question`` may carry a language tag (``@ja``); ``param`` is
``name | type | required|optional [| default=…] [| example=…] [| description]`` with a type of
:data:`PARAM_TYPES`; ``column`` is ``name | description``. Any other key is kept in
:attr:`SavedQuery.meta`. :func:`catalogue` returns them all; its :class:`SavedQuery` objects
(``as_dict()``) are what ``kgtool queries`` prints and the documentation renders.

A parameter is a query variable of the same name. Its value, given as a string (from the
command line) or as an RDF term (from Python), is parsed by its declared type, checked, made an
RDF term and bound with a ``VALUES`` block (:func:`bind_params`) at the start of the query's
WHERE group and of every sub-``SELECT``'s WHERE group, so a sub-query that aggregates sees the
parameter too. It never becomes query text as typed: the term is written by
:func:`kgtool.sparql_values.term_to_sparql`, so a hostile value (quotes, braces, ``} UNION {``)
is rejected (an IRI) or stays one harmless literal (a string). An optional parameter left out
stays an unbound variable: the query then ranges over every value.

:func:`run` works on anything with a ``select(sparql)`` method returning ``(names, rows)`` (see
:class:`SparqlSource`): the embedded :class:`~kgtool.store.KnowledgeGraph`, or a remote endpoint
(:class:`kgtool.endpoint.Endpoint`). The saved queries read the union default graph and need no
reasoner beyond :func:`kgtool.reason.materialize` (or HermiT), so any endpoint holding the same
quads gives the same rows.
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from rdflib import Graph
from rdflib.namespace import XSD
from rdflib.term import BNode, Literal, Node, URIRef

from .errors import QueryError
from .namespaces import PREFIXES
from .resources import queries_dir
from .sparql_values import bind_values, strip_noise as _strip_noise, term_to_sparql

__all__ = [
    "PARAM_TYPES", "Param", "SavedQuery", "QueryResult", "SparqlSource", "catalogue", "names",
    "load", "parse_value", "parse_params", "prepare", "bind_params", "run", "run_sparql",
    "results_json", "is_update", "query_form", "dumps_json",
]

#: The parameter types a header may declare.
PARAM_TYPES = ("iri", "string", "langString", "integer", "decimal", "date", "boolean")

#: Header keys that may carry a language tag (``title@ja``).
_TEXT_KEYS = ("title", "description", "question")
_HEADER_LINE = re.compile(r"#\s*([A-Za-z][A-Za-z0-9_-]*)(?:@([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*))?\s*:\s?(.*)")
_NAME = re.compile(r"[a-z][a-z0-9-]*")
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):(.*)", re.DOTALL)
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f]')
_LANG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
#: Schemes taken as absolute IRIs without ``//`` (anything else with ``//`` is too).
_OPAQUE_SCHEMES = {"urn", "mailto", "tag", "info", "did", "tel", "data", "geo"}


# ---------------------------------------------------------------------------------------
# The catalogue
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Param:
    """One declared parameter of a saved query."""

    name: str
    type: str
    required: bool
    description: str = ""
    default: str | None = None
    example: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "required": self.required,
                "description": self.description, "default": self.default, "example": self.example}


@dataclass(frozen=True)
class SavedQuery:
    """A saved query: its name (the file stem), header metadata and SPARQL text."""

    name: str
    path: Path
    sparql: str
    titles: dict[str, str] = field(default_factory=dict)        # language ('' = en) -> text
    descriptions: dict[str, str] = field(default_factory=dict)
    questions: dict[str, str] = field(default_factory=dict)
    params: tuple[Param, ...] = ()
    columns: tuple[tuple[str, str], ...] = ()                    # (name, description) pairs
    meta: dict[str, str] = field(default_factory=dict)           # any other header keys

    @property
    def form(self) -> str:
        """``SELECT``, ``CONSTRUCT``, ``ASK`` or ``DESCRIBE``."""
        return query_form(self.sparql)

    def title(self, lang: str = "en") -> str:
        return _pick(self.titles, lang) or self.name

    def description(self, lang: str = "en") -> str:
        return _pick(self.descriptions, lang)

    def question(self, lang: str = "en") -> str:
        return _pick(self.questions, lang)

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.params) or "none"
        raise QueryError(f"query {self.name!r} has no parameter {name!r}; its parameters: {known}")

    def as_dict(self, lang: str = "en") -> dict[str, Any]:
        """The metadata as plain data (for ``kgtool queries --json`` and the docs)."""
        return {"name": self.name, "form": self.form, "title": self.title(lang),
                "description": self.description(lang), "question": self.question(lang),
                "titles": dict(self.titles), "descriptions": dict(self.descriptions),
                "questions": dict(self.questions),
                "params": [p.as_dict() for p in self.params],
                "columns": [{"name": n, "description": d} for n, d in self.columns],
                "file": str(self.path)}


def _pick(texts: Mapping[str, str], lang: str) -> str:
    if lang in texts:
        return texts[lang]
    if lang == "en" and "" in texts:
        return texts[""]
    return texts.get("", texts.get("en", ""))


def _parse_param(spec: str, where: str) -> Param:
    """``name | type | required|optional [| default=… | example=…] [| description]``."""
    fields = [f.strip() for f in spec.split("|")]
    if len(fields) < 3:
        raise QueryError(f"{where}: a param line needs at least 'name | type | required|optional'")
    name, type_, need = fields[:3]
    if not _VARIABLE.fullmatch(name):
        raise QueryError(f"{where}: parameter name {name!r} is not a SPARQL variable name")
    if type_ not in PARAM_TYPES:
        raise QueryError(f"{where}: parameter {name!r} has unknown type {type_!r}; "
                         f"known: {', '.join(PARAM_TYPES)}")
    if need not in ("required", "optional"):
        raise QueryError(f"{where}: parameter {name!r} must be 'required' or 'optional', not {need!r}")
    options: dict[str, str] = {}
    description = ""
    for extra in fields[3:]:
        m = re.fullmatch(r"(default|example)=(.*)", extra)
        if m:
            options[m.group(1)] = m.group(2).strip()
        elif extra:
            description = extra
    return Param(name, type_, need == "required", description, options.get("default"),
                 options.get("example"))


def parse_header(text: str, where: str = "<query>"
                 ) -> tuple[dict[str, dict[str, str]], list[Param], list[tuple[str, str]]]:
    """The header of a saved query: text keys by language, the parameters and the columns.

    The header is the run of comment lines at the top of the file; it ends at the first line
    that is not a comment. ``# key: value`` starts a value; a line of ``#`` followed by two or
    more spaces continues the previous one (so the text may itself contain colons).
    """
    texts: dict[str, dict[str, str]] = {}
    params: list[Param] = []
    columns: list[tuple[str, str]] = []
    last: tuple[str, str] | None = None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped:
            last = None
            continue
        if not stripped.startswith("#"):
            break
        body = stripped[1:]
        if body.startswith("  ") and body.strip():
            if last is not None:
                key, lang = last
                texts[key][lang] += " " + body.strip()
            continue
        m = _HEADER_LINE.fullmatch(stripped)
        if m is None:
            last = None
            continue
        key, lang, value = m.group(1), m.group(2) or "", m.group(3).strip()
        if key == "param":
            params.append(_parse_param(value, f"{where} line {number}"))
            last = None
        elif key == "column":
            name, _, description = (part.strip() for part in value.partition("|"))
            if not _VARIABLE.fullmatch(name):
                raise QueryError(f"{where} line {number}: column {name!r} is not a variable name")
            columns.append((name, description))
            last = None
        else:
            texts.setdefault(key, {})[lang] = value
            last = (key, lang)
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise QueryError(f"{where}: a parameter is declared twice: {names}")
    return texts, params, columns


def load_file(path: str | Path) -> SavedQuery:
    """Read one saved query file (``.rq``)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise QueryError(f"{path}: cannot read: {exc}") from exc
    texts, params, columns = parse_header(text, str(path))
    meta = {k: v.get("", next(iter(v.values()))) for k, v in texts.items() if k not in _TEXT_KEYS}
    return SavedQuery(name=path.stem, path=path, sparql=text, titles=texts.get("title", {}),
                      descriptions=texts.get("description", {}), questions=texts.get("question", {}),
                      params=tuple(params), columns=tuple(columns), meta=meta)


def catalogue(directory: str | Path | None = None) -> dict[str, SavedQuery]:
    """Every saved query of ``directory`` (default: the shipped ``queries/``), by name."""
    folder = Path(directory) if directory is not None else queries_dir()
    return {path.stem: load_file(path) for path in sorted(folder.glob("*.rq"))}


def names(directory: str | Path | None = None) -> list[str]:
    """The names of the saved queries, sorted."""
    folder = Path(directory) if directory is not None else queries_dir()
    return sorted(path.stem for path in folder.glob("*.rq"))


def load(name: str, directory: str | Path | None = None) -> SavedQuery:
    """One saved query by name; QueryError listing the catalogue when there is none."""
    folder = Path(directory) if directory is not None else queries_dir()
    if _NAME.fullmatch(name or "") and (folder / f"{name}.rq").is_file():
        return load_file(folder / f"{name}.rq")
    known = ", ".join(names(folder)) or "none"
    raise QueryError(f"no saved query {name!r}; the catalogue has: {known}")


# ---------------------------------------------------------------------------------------
# Parameter values
# ---------------------------------------------------------------------------------------
def parse_iri(value: str) -> URIRef:
    """An absolute IRI from ``<iri>``, ``iri`` or a prefixed name of the kgtool prefixes."""
    text = value.strip()
    if text.startswith("<") and text.endswith(">") and len(text) > 2:
        text = text[1:-1]
    m = _SCHEME.fullmatch(text)
    if m is None:
        raise QueryError(f"not an IRI: {value!r} (give an absolute IRI, or a prefixed name with "
                         f"one of the prefixes {', '.join(PREFIXES)})")
    prefix, rest = m.group(1), m.group(2)
    if prefix in PREFIXES and not rest.startswith("//"):
        text = PREFIXES[prefix] + rest
    elif not (rest.startswith("//") or prefix.lower() in _OPAQUE_SCHEMES):
        raise QueryError(f"not an IRI: {value!r}: unknown prefix {prefix!r}; known prefixes: "
                         f"{', '.join(PREFIXES)}")
    if _IRI_FORBIDDEN.search(text):
        raise QueryError(f"not a valid IRI: {value!r} (spaces, quotes, <>, {{}}, |, ^, ` and \\ "
                         f"are not allowed in an IRI)")
    return URIRef(text)


def parse_value(param: Param, value: Any) -> Node:
    """The RDF term for ``value`` (a string, a Python value or an rdflib term) of ``param``."""
    kind = param.type
    where = f"parameter {param.name!r} ({kind})"
    if isinstance(value, BNode):
        raise QueryError(f"{where}: a blank node cannot be a parameter value")
    if kind == "iri":
        if isinstance(value, Literal):
            raise QueryError(f"{where}: expected an IRI, got the literal {value!r}")
        return parse_iri(str(value))
    if isinstance(value, URIRef):
        raise QueryError(f"{where}: expected a {kind} value, got the IRI <{value}>")
    if isinstance(value, Literal):
        value = value.toPython() if kind != "langString" else value
    try:
        if kind == "string":
            return Literal(str(value))
        if kind == "langString":
            if isinstance(value, Literal) and value.language:
                return Literal(str(value), lang=value.language)
            text, sep, lang = str(value).rpartition("@")
            if not sep or not _LANG.fullmatch(lang):
                raise ValueError("write it as text@lang, e.g. 介護@ja")
            return Literal(text, lang=lang)
        if kind == "integer":
            if isinstance(value, bool):
                raise ValueError("not an integer")
            number = value if isinstance(value, int) else int(str(value).strip())
            return Literal(number, datatype=XSD.integer)
        if kind == "decimal":
            if isinstance(value, bool):
                raise ValueError("not a decimal")
            number = Decimal(str(value).strip())
            if not number.is_finite():
                raise ValueError("not a finite number")
            return Literal(number, datatype=XSD.decimal)
        if kind == "date":
            day = value if isinstance(value, _dt.date) else _dt.date.fromisoformat(str(value).strip())
            return Literal(day, datatype=XSD.date)
        if kind == "boolean":
            if isinstance(value, bool):
                return Literal(value)
            lowered = str(value).strip().lower()
            if lowered in ("true", "1", "yes"):
                return Literal(True)
            if lowered in ("false", "0", "no"):
                return Literal(False)
            raise ValueError("use true or false")
    except (ValueError, InvalidOperation, TypeError) as exc:
        raise QueryError(f"{where}: cannot read {str(value)!r}: {exc}") from None
    raise QueryError(f"{where}: unknown parameter type")  # pragma: no cover (checked on load)


def parse_params(query: SavedQuery, params: Mapping[str, Any] | None) -> dict[str, Node]:
    """Check ``params`` against the query's declarations; the terms to bind, defaults included."""
    params = dict(params or {})
    declared = {p.name: p for p in query.params}
    unknown = [k for k in params if k not in declared]
    if unknown:
        known = ", ".join(declared) or "none"
        raise QueryError(f"query {query.name!r} has no parameter {unknown[0]!r}; "
                         f"its parameters: {known}")
    bindings: dict[str, Node] = {}
    for p in query.params:
        value = params.get(p.name)
        if value is None or (isinstance(value, str) and value == "" and p.type != "string"):
            if p.default is not None:
                value = p.default
            elif p.required:
                example = f" (e.g. {p.name}={p.example})" if p.example else ""
                raise QueryError(f"query {query.name!r} needs the parameter {p.name!r}: "
                                 f"{p.description or p.type}{example}")
            else:
                continue
        term = parse_value(p, value)
        term_to_sparql(term)  # the same check bind_values applies, raised early
        bindings[p.name] = term
    return bindings


# ---------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------
@runtime_checkable
class SparqlSource(Protocol):
    """What :func:`run` needs: a SELECT runner returning variable names and rows of rdflib terms.

    :class:`kgtool.store.KnowledgeGraph` satisfies it, and so will a remote SPARQL endpoint
    client. A source that also has ``construct(sparql) -> rdflib.Graph`` and
    ``ask(sparql) -> bool`` runs CONSTRUCT and ASK queries too.
    """

    def select(self, sparql: str) -> tuple[list[str], list[dict[str, Node | None]]]: ...


@dataclass
class QueryResult:
    """The answer to a query: SELECT rows (dicts of rdflib terms), a graph, or a boolean."""

    name: str
    form: str
    columns: list[str] = field(default_factory=list)
    rows: list[dict[str, Node | None]] = field(default_factory=list)
    graph: Graph | None = None
    boolean: bool | None = None
    sparql: str = ""

    def __len__(self) -> int:
        if self.graph is not None:
            return len(self.graph)
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def column(self, name: str) -> list[Node | None]:
        """The values of one column, in row order."""
        if name not in self.columns:
            raise QueryError(f"no column {name!r}; the columns are: {', '.join(self.columns)}")
        return [row.get(name) for row in self.rows]

    def values(self) -> list[dict[str, Any]]:
        """The rows with Python values (str, int, Decimal, date …) instead of rdflib terms."""
        return [{k: _python(v) for k, v in row.items()} for row in self.rows]

    def to_dataframe(self):
        """The rows as a pandas DataFrame of Python values (needs ``pip install kgtool[pandas]``)."""
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - pandas is in the test extra
            raise QueryError("to_dataframe() needs pandas: pip install 'kgtool[pandas]'") from None
        return pd.DataFrame(self.values(), columns=self.columns)

    def to_json(self) -> dict[str, Any]:
        """SPARQL 1.1 Query Results JSON (SELECT or ASK)."""
        if self.form == "ASK":
            return {"head": {}, "boolean": bool(self.boolean)}
        if self.graph is not None:
            raise QueryError(f"{self.name}: a {self.form} query returns a graph, not results; "
                             f"use the turtle format")
        return results_json(self.columns, self.rows)

    def to_csv(self) -> str:
        """SPARQL 1.1 Query Results CSV: a header row, then plain values."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow(["" if row.get(c) is None else str(row[c]) for c in self.columns])
        return out.getvalue()

    def to_turtle(self) -> str:
        """The graph of a CONSTRUCT or DESCRIBE query, in Turtle."""
        if self.graph is None:
            raise QueryError(f"{self.name} is a {self.form} query: its results are a table, not "
                             f"a graph; use --format table, csv or json (turtle is for CONSTRUCT)")
        return self.graph.serialize(format="turtle")

    def to_table(self, *, max_width: int = 60) -> str:
        """A plain-text table, IRIs shortened with the kgtool prefixes."""
        if self.form == "ASK":
            return "true" if self.boolean else "false"
        if self.graph is not None:
            return self.to_turtle()
        cells = [[_short(row.get(c), max_width) for c in self.columns] for row in self.rows]
        widths = [max([len(c)] + [_width(r[i]) for r in cells]) for i, c in enumerate(self.columns)]
        lines = ["  ".join(_pad(c, w) for c, w in zip(self.columns, widths)).rstrip(),
                 "  ".join("-" * w for w in widths)]
        lines += ["  ".join(_pad(v, w) for v, w in zip(r, widths)).rstrip() for r in cells]
        lines.append(f"({len(self.rows)} row{'s' if len(self.rows) != 1 else ''})")
        return "\n".join(lines)


def _python(term: Node | None) -> Any:
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return value if not isinstance(value, Literal) else str(value)
    return str(term)


def _short(term: Node | None, max_width: int) -> str:
    if term is None:
        return ""
    text = str(term)
    if isinstance(term, URIRef):
        for prefix, iri in PREFIXES.items():
            if text.startswith(iri) and len(text) > len(iri):
                text = f"{prefix}:{text[len(iri):]}"
                break
        else:
            text = f"<{text}>"
    elif isinstance(term, Literal) and term.language:
        text = f"{text}@{term.language}"
    text = text.replace("\n", " ")
    return text if _width(text) <= max_width else text[: max_width - 1] + "…"


def _width(text: str) -> int:
    """Display width: East Asian wide characters take two columns."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _term_json(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None and term.datatype != XSD.string:
        out["datatype"] = str(term.datatype)
    return out


def results_json(columns: list[str], rows: list[dict[str, Node | None]]) -> dict[str, Any]:
    """SPARQL 1.1 Query Results JSON for SELECT rows."""
    bindings = [{c: _term_json(row[c]) for c in columns if row.get(c) is not None} for row in rows]
    return {"head": {"vars": list(columns)}, "results": {"bindings": bindings}}




# A keyword is a word of its own: not part of a variable (?x $x), of a prefixed name
# (ex:load-drop, ex:a.clear) or of a longer word. Each pattern opens with a look-ahead for its
# first letters: without one, Python's re tries the look-behind at every position of the text
# (2 ms on the 12 kB partner query, 0.4 ms with it; these checks run on every query).
_NOT_IN_A_NAME = r"(?<![\w:?$.-])"
_WHERE_BRACE = re.compile(rf"(?=[wW]){_NOT_IN_A_NAME}WHERE\s*\{{", re.IGNORECASE)


def bind_params(sparql: str, bindings: Mapping[str, Node]) -> str:
    """``sparql`` with one ``VALUES`` row binding ``bindings`` opening each WHERE group.

    The outermost group and every sub-``SELECT … WHERE { … }`` get the same block, so a
    parameter means the same value everywhere in the query (a sub-query that groups or limits
    is restricted before it aggregates). Terms are written by
    :func:`~kgtool.sparql_values.term_to_sparql`; a query without the WHERE keyword is bound by
    :func:`~kgtool.sparql_values.bind_values` (outermost group only).
    """
    if not bindings:
        return sparql
    names = list(bindings)
    for name in names:
        if not _VARIABLE.fullmatch(name):
            raise QueryError(f"not a valid variable name: {name!r}")
    positions = [m.end() for m in _WHERE_BRACE.finditer(_strip_noise(sparql))]
    if not positions:
        return bind_values(sparql, bindings)
    row = " ".join(term_to_sparql(bindings[name]) for name in names)
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({row}) }} "
    for at in reversed(positions):
        sparql = sparql[:at] + block + sparql[at:]
    return sparql


_UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY")
_UPDATE_KEYWORDS = re.compile(
    rf"(?=[idlcamIDLCAM]){_NOT_IN_A_NAME}({'|'.join(_UPDATE_WORDS)})(?![\w:-])", re.IGNORECASE)
_FORM = re.compile(rf"(?=[scadSCAD]){_NOT_IN_A_NAME}(SELECT|CONSTRUCT|ASK|DESCRIBE)(?![\w:-])",
                   re.IGNORECASE)


def _update_keyword(stripped: str) -> str | None:
    # most queries contain none of the words at all, which str.upper and `in` tell in µs
    upper = stripped.upper()
    if not any(word in upper for word in _UPDATE_WORDS):
        return None
    m = _UPDATE_KEYWORDS.search(stripped)
    return m.group(1).upper() if m else None


def _form(stripped: str) -> str:
    m = _FORM.search(stripped)
    if m is None:
        raise QueryError("not a SPARQL query: no SELECT, CONSTRUCT, ASK or DESCRIBE")
    return m.group(1).upper()


def is_update(sparql: str) -> str | None:
    """The first SPARQL Update keyword of ``sparql`` (INSERT, DELETE, LOAD …), or None."""
    return _update_keyword(_strip_noise(sparql))


def query_form(sparql: str) -> str:
    """``SELECT``, ``CONSTRUCT``, ``ASK`` or ``DESCRIBE``: the form of a SPARQL query."""
    return _form(_strip_noise(sparql))


def run_sparql(source: SparqlSource, sparql: str, *, name: str = "sparql") -> QueryResult:
    """Run a SPARQL query text (no parameters) on ``source``; never an update."""
    stripped = _strip_noise(sparql)
    keyword = _update_keyword(stripped)
    if keyword is not None:
        raise QueryError(f"{name}: {keyword} is a SPARQL Update, and queries are read-only")
    form = _form(stripped)
    if form == "SELECT":
        columns, rows = source.select(sparql)
        return QueryResult(name, form, list(columns), list(rows), sparql=sparql)
    if form in ("CONSTRUCT", "DESCRIBE"):
        construct = getattr(source, "construct", None)
        if construct is None:
            raise QueryError(f"{name}: this source runs SELECT queries only")
        return QueryResult(name, form, graph=construct(sparql), sparql=sparql)
    ask = getattr(source, "ask", None)
    if ask is None:
        raise QueryError(f"{name}: this source runs SELECT queries only")
    return QueryResult(name, form, boolean=bool(ask(sparql)), sparql=sparql)


def prepare(name_or_query: str | SavedQuery, params: Mapping[str, Any] | None = None,
            directory: str | Path | None = None) -> tuple[SavedQuery, str]:
    """The saved query and its SPARQL text with the parameters bound (as VALUES)."""
    query = name_or_query if isinstance(name_or_query, SavedQuery) else load(name_or_query, directory)
    bindings = parse_params(query, params)
    return query, bind_params(query.sparql, bindings)


def run(source: SparqlSource, name: str | SavedQuery, params: Mapping[str, Any] | None = None,
        *, directory: str | Path | None = None) -> QueryResult:
    """Run a saved query on a store or endpoint with ``params`` (strings or rdflib terms).

    >>> result = run(kg, "partners", {"org": "kgd:org/cn/1234567890123"})
    >>> result.columns, result.rows[0]["score"]
    """
    query, sparql = prepare(name, params, directory)
    result = run_sparql(source, sparql, name=query.name)
    return result


def dumps_json(result: QueryResult) -> str:
    """The SPARQL 1.1 Query Results JSON text of ``result``."""
    return json.dumps(result.to_json(), ensure_ascii=False, indent=2)
