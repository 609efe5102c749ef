"""Binding query variables to RDF terms safely, in standard SPARQL that any endpoint runs.

A value from a user never becomes query text as typed: it is first made an RDF term (an IRI
checked against the IRI grammar, or a literal escaped by the N-Triples rules), and the term is
added as an inline ``VALUES`` block at the start of the query's WHERE group. Whatever the value
contains (quotes, braces, ``UNION``), it can only ever be that one term.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from rdflib.term import BNode, Literal, Node, URIRef

from .errors import QueryError

_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LANG = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def term_to_sparql(term: Node | None) -> str:
    """The SPARQL syntax of one RDF term (``UNDEF`` for None), escaped and checked."""
    if term is None:
        return "UNDEF"
    if isinstance(term, URIRef):
        value = str(term)
        if _IRI_FORBIDDEN.search(value) or ":" not in value:
            raise QueryError(f"not a valid absolute IRI: {value!r}")
        return f"<{value}>"
    if isinstance(term, Literal):
        text = f'"{str(term).translate(_ESCAPES)}"'
        if term.language:
            if not _LANG.fullmatch(term.language):
                raise QueryError(f"not a valid language tag: {term.language!r}")
            return f"{text}@{term.language}"
        if term.datatype is not None:
            return f"{text}^^{term_to_sparql(URIRef(str(term.datatype)))}"
        return text
    if isinstance(term, BNode):
        raise QueryError("a blank node cannot be bound as a query parameter")
    raise QueryError(f"cannot bind {term!r}: not an RDF term")


#: what :func:`strip_noise` blanks, leftmost first: a comment, a string (long or short; an
#: unterminated one runs to the end), an IRI reference (a ``<`` that starts none is kept)
_NOISE = re.compile(
    r"#[^\n]*"
    r'|"""(?:[^"\\]|\\.|\\|"(?!""))*(?:"""|\Z)'
    r"|'''(?:[^'\\]|\\.|\\|'(?!''))*(?:'''|\Z)"
    r'|"(?:[^"\\]|\\.|\\)*(?:"|\Z)'
    r"|'(?:[^'\\]|\\.|\\)*(?:'|\Z)"
    r"|<[^\s<>\"{}|^`\\]*>",
    re.DOTALL)


def strip_noise(sparql: str) -> str:
    """The query with comments, strings and IRIs blanked by spaces (same length, so an index
    into the result is an index into the query; used for keyword checks and binding)."""
    return _NOISE.sub(lambda m: " " * (m.end() - m.start()), sparql)


def _where_brace(query: str) -> int:
    """Index of the ``{`` opening the outermost WHERE group (skipping strings, IRIs, comments,
    and a CONSTRUCT template)."""
    text = strip_noise(query)
    depth, groups_seen = 0, 0
    construct = re.search(r"\bCONSTRUCT\s*\{", text, re.IGNORECASE) is not None
    for i, c in enumerate(text):
        if c == "{":
            if depth == 0:
                groups_seen += 1
                if not construct or groups_seen == 2:
                    return i
            depth += 1
        elif c == "}":
            depth -= 1
    raise QueryError("cannot find the WHERE group of the query to bind parameters in")


def bind_values(query: str, bindings: Mapping[str, Node | None]) -> str:
    """``query`` with ``VALUES (?a ?b) { (term term) }`` opening its WHERE group."""
    names = list(bindings)
    for name in names:
        if not _VARIABLE.fullmatch(name):
            raise QueryError(f"not a valid variable name: {name!r}")
    row = " ".join(term_to_sparql(bindings[name]) for name in names)
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({row}) }} "
    at = _where_brace(query) + 1
    return query[:at] + block + query[at:]
