"""Working against a SPARQL 1.1 server: query through it, and push the store into it.

:class:`Endpoint` is the client. Queries go through SPARQLWrapper (SPARQL 1.1 Protocol, JSON
results) and come back as the same rows :meth:`kgtool.store.KnowledgeGraph.select` returns:
dicts of rdflib terms with the same datatypes (a simple literal, ``xsd:string``, has no
datatype, as rdflib's parsers give it and as in the embedded store), language tags, and blank
nodes as ``BNode``. So every saved query runs on either
(``kgtool.queries.run(Endpoint(url), "name", params)``).

Pushing (:func:`push`) sends each named graph of a store with the SPARQL 1.1 Graph Store HTTP
Protocol (or SPARQL Update ``INSERT DATA`` where the server has no graph store), in N-Triples
batches, writing a JSON checkpoint after every batch so a failed push resumes where it stopped:

* the first batch of a graph is a ``PUT`` (it replaces the graph), the others are ``POST``
  (append). A batch sent twice cannot duplicate triples: RDF graphs are sets, and adding a
  triple that is already there changes nothing;
* blank nodes are the exception (each request makes fresh ones), so every triple with a blank
  node travels in the first batch, the ``PUT``: re-sending it replaces, never duplicates;
* on resume, each completed batch is rebuilt and its hash compared with the checkpoint; if the
  store changed since, that graph starts again from its ``PUT``.

The ontology, every data source and the inferred triples are separate named graphs in the store
and stay separate on the server, so one can be replaced (pushed again with ``graph=``) without
touching the others.

Servers: queries see the *union* of the named graphs in the embedded store; configure the
server alike (Oxigraph ``--union-default-graph``, as ``kgtool serve`` does; Fuseki
``tdb2:unionDefaultGraph true``). Credentials come from the environment —
``KGTOOL_ENDPOINT_USER`` / ``KGTOOL_ENDPOINT_PASSWORD`` (HTTP basic) or ``KGTOOL_ENDPOINT_TOKEN``
(bearer) — or from the URL's ``user:password@``; they are sent, never logged or put in errors.
"""
from __future__ import annotations

import ast
import base64
import hashlib
import http.client
import json
import logging
import os
import re
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox
import rdflib
from rdflib.term import BNode, Node, URIRef

from .errors import EndpointError, InputError
from .namespaces import PREFIXES
from .sparql_values import bind_values, term_to_sparql
from .store import rdf_literal

__all__ = ["Endpoint", "PushReport", "GraphPush", "BatchInfo", "push", "display_url",
           "DEFAULT_BATCH_SIZE"]

log = logging.getLogger("kgtool.endpoint")

#: Triples per request when pushing: large enough to keep the server busy, small enough that
#: one request stays well under a minute and a failure loses little.
DEFAULT_BATCH_SIZE = 100_000

#: HTTP statuses worth trying again: the server is overloaded, restarting or behind a proxy
#: that could not reach it. Anything else (400 bad query, 401, 404, 500 …) will not improve.
_TRANSIENT_STATUS = {408, 425, 429, 502, 503, 504}
_USER_AGENT = "kgtool (https://w3id.org/kgtool)"
_DEFAULT_GRAPH = ""  # checkpoint / report key of the default graph
_PREFIX_DECL = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:", re.IGNORECASE)
_SECRET_PARAMS = re.compile(r"(token|key|password|passwd|secret|auth)", re.IGNORECASE)

T = TypeVar("T")


def display_url(url: str) -> str:
    """``url`` safe to show: user and password removed, secret-looking query values masked."""
    parts = urllib.parse.urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    query = urllib.parse.urlencode(
        [(k, "***" if _SECRET_PARAMS.search(k) else v)
         for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)], safe=":/")
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def _sibling(url: str, name: str) -> str:
    """The URL next to ``…/query`` named ``name`` (``…/update``, ``…/store``)."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path.rsplit("/", 1)[0] + "/" + name
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


class _HttpFailure(Exception):
    """One failed attempt: what happened, its HTTP status if any, and whether to retry."""

    def __init__(self, what: str, status: int | None = None, transient: bool = False,
                 unsent: bool = False) -> None:
        super().__init__(what)
        self.what, self.status, self.transient = what, status, transient
        self.unsent = unsent  # the request never reached the server: always safe to repeat


def _body_excerpt(body: bytes | str | None, limit: int = 300) -> str:
    if not body:
        return ""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    text = " ".join(text.split())
    return ": " + (text if len(text) <= limit else text[:limit] + "…")


def _wrapped_body(exc: BaseException) -> bytes:
    """The response body a SPARQLWrapper exception carries (only inside its message)."""
    _, sep, body = str(exc).partition("\n\nResponse:\n")
    if not sep:
        return b""
    try:
        value = ast.literal_eval(body)
    except (ValueError, SyntaxError):
        return body.encode("utf-8", "replace")
    return value if isinstance(value, bytes) else str(value).encode("utf-8", "replace")


def _classify(exc: BaseException) -> _HttpFailure:
    """Turn an exception of urllib / SPARQLWrapper / sockets into a described failure."""
    from SPARQLWrapper import SPARQLExceptions as sx

    by_class = {sx.QueryBadFormed: 400, sx.Unauthorized: 401, sx.EndPointNotFound: 404,
                sx.URITooLong: 414, sx.EndPointInternalError: 500}
    for cls, status in by_class.items():
        if isinstance(exc, cls):
            reason = http.client.responses.get(status, "")
            return _HttpFailure(f"HTTP {status} {reason}{_body_excerpt(_wrapped_body(exc))}", status)
    if isinstance(exc, urllib.error.HTTPError):
        try:
            body = exc.read()
        except OSError:
            body = b""
        transient = exc.code in _TRANSIENT_STATUS
        return _HttpFailure(f"HTTP {exc.code} {exc.reason}{_body_excerpt(body)}", exc.code, transient)
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        if isinstance(reason, ConnectionRefusedError):
            return _HttpFailure("connection refused (is the server running?)", transient=True,
                                unsent=True)
        if isinstance(reason, (TimeoutError, socket.timeout)):
            return _HttpFailure("timed out", transient=True)
        if isinstance(reason, socket.gaierror):
            return _HttpFailure(f"unknown host ({reason})", transient=False)
        return _HttpFailure(f"cannot connect ({reason})", transient=True, unsent=True)
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return _HttpFailure("timed out", transient=True)
    if isinstance(exc, (ConnectionError, http.client.HTTPException, OSError)):
        return _HttpFailure(f"connection lost ({type(exc).__name__}: {exc})", transient=True)
    raise exc


class Endpoint:
    """A SPARQL 1.1 server: query it like the embedded store, update it, load graphs into it.

    >>> ep = Endpoint("http://127.0.0.1:7878/query")   # Oxigraph: /update and /store derived
    >>> names, rows = ep.select("SELECT ?o WHERE { ?o a kg:Organization }")

    ``update_url`` and ``store_url`` (Graph Store Protocol) default to the ``update`` and
    ``store`` siblings of a query URL ending in ``/query`` (Oxigraph's layout); give them for
    other servers (Fuseki: ``…/ds/update`` and ``…/ds/data``), or ``""`` for none.
    ``retries`` extra attempts follow a transient failure (connection refused or lost, timeout,
    HTTP 408/429/502/503/504), waiting ``backoff``, then twice as long each time.
    """

    def __init__(self, query_url: str, *, update_url: str | None = None,
                 store_url: str | None = None, timeout: float = 30.0, retries: int = 3,
                 backoff: float = 0.5, user: str | None = None, password: str | None = None,
                 token: str | None = None) -> None:
        parts = urllib.parse.urlsplit(query_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InputError(f"not an http(s) URL of a SPARQL endpoint: {display_url(query_url)!r}")
        if parts.username is not None:  # credentials in the URL: use them, keep them out of it
            user = user or urllib.parse.unquote(parts.username)
            password = password or urllib.parse.unquote(parts.password or "")
        self.query_url = _strip_userinfo(query_url)
        derived = parts.path.endswith("/query")
        if update_url is None:
            update_url = _sibling(self.query_url, "update") if derived else ""
        if store_url is None:
            store_url = _sibling(self.query_url, "store") if derived else ""
        self.update_url = _strip_userinfo(update_url) if update_url else None
        self.store_url = _strip_userinfo(store_url) if store_url else None
        self.timeout = timeout
        self.retries = max(0, int(retries))
        self.backoff = backoff
        user = user if user is not None else os.environ.get("KGTOOL_ENDPOINT_USER")
        password = password if password is not None else os.environ.get("KGTOOL_ENDPOINT_PASSWORD")
        token = token if token is not None else os.environ.get("KGTOOL_ENDPOINT_TOKEN")
        self._secrets = [s for s in (password, token) if s]
        self._auth: str | None = None
        if token:
            self._auth = f"Bearer {token}"
        elif user:
            raw = f"{user}:{password or ''}".encode()
            self._auth = "Basic " + base64.b64encode(raw).decode("ascii")
        if self._auth:
            self._secrets.append(self._auth)

    @property
    def url(self) -> str:
        """The query URL as it may be shown (no credentials)."""
        return display_url(self.query_url)

    def __repr__(self) -> str:
        return f"Endpoint({self.url!r})"

    # -- plumbing ------------------------------------------------------------------------
    def _redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def _attempt(self, what: str, url: str, call: Callable[[], T], *, idempotent: bool = True) -> T:
        """Run ``call``, retrying transient failures with back-off; EndpointError when it fails.

        A request that is not ``idempotent`` is repeated only when it never reached the server.
        """
        shown = display_url(url)
        for attempt in range(self.retries + 1):
            try:
                return call()
            except Exception as exc:  # noqa: BLE001 - classified below, unknown ones re-raised
                failure = _classify(exc)
            message = self._redact(failure.what)
            repeatable = failure.transient and (idempotent or failure.unsent)
            if not repeatable or attempt == self.retries:
                tries = f" (after {attempt + 1} attempts)" if attempt else ""
                error = EndpointError(f"{what} at {shown} failed: {message}{tries}")
                error.url, error.status = shown, failure.status  # type: ignore[attr-defined]
                raise error
            delay = self.backoff * (2 ** attempt)
            log.warning("%s at %s: %s; retrying in %.1f s (%d of %d)", what, shown, message,
                        delay, attempt + 1, self.retries)
            time.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _request(self, method: str, url: str, body: bytes | None, content_type: str | None,
                 accept: str | None = None) -> tuple[int, bytes]:
        """One plain HTTP request (Graph Store Protocol, SPARQL Update); status and body."""
        request = urllib.request.Request(url, data=body, method=method)
        request.add_header("User-Agent", _USER_AGENT)
        if content_type:
            request.add_header("Content-Type", content_type)
        if accept:
            request.add_header("Accept", accept)
        if self._auth:
            request.add_header("Authorization", self._auth)
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            return response.status, response.read()

    def _wrapper(self, sparql: str, fmt: str, form: str):
        from SPARQLWrapper import BASIC, POST, SPARQLWrapper

        wrapper = SPARQLWrapper(self.query_url, agent=_USER_AGENT)
        with warnings.catch_warnings():  # it warns about queries it cannot classify: the
            warnings.simplefilter("ignore", RuntimeWarning)  # server's error says more
            wrapper.setQuery(sparql)
        # SPARQLWrapper guesses the form with a keyword regex that a word such as LOAD or ADD in
        # a string or IRI fools into sending the query as an update; the caller knows the form
        wrapper.queryType = form
        wrapper.setMethod(POST)  # no URL length limit; the protocol allows POST for queries
        wrapper.setReturnFormat(fmt)
        wrapper.timeout = self.timeout  # setTimeout() would round to whole seconds
        wrapper.setOnlyConneg(True)  # standard content negotiation, no ?format= parameter
        if self._auth:
            if self._auth.startswith("Basic "):
                user, _, password = base64.b64decode(self._auth[6:]).decode().partition(":")
                wrapper.setHTTPAuth(BASIC)
                wrapper.setCredentials(user, password)
            else:
                wrapper.addCustomHttpHeader("Authorization", self._auth)
        return wrapper

    def _query(self, sparql: str, form: str, fmt: str,
               bindings: Mapping[str, Node] | None) -> tuple[bytes, str]:
        """Send a query of ``form`` (SELECT, ASK, CONSTRUCT) asking for ``fmt``; body and type."""
        what = f"{form} query"
        if bindings:
            sparql = bind_values(sparql, bindings)
        sparql = with_prefixes(sparql)
        wrapper = self._wrapper(sparql, fmt, form)

        def call() -> tuple[bytes, str]:
            result = wrapper.query()
            try:
                body = result.response.read()
                ctype = result.response.headers.get("Content-Type", "") or ""
            finally:
                result.response.close()
            return body, ctype

        return self._attempt(what, self.query_url, call)

    def _json(self, body: bytes, what: str) -> dict[str, Any]:
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise EndpointError(f"{what} at {self.url}: malformed response, not SPARQL JSON "
                                f"results ({exc}){_body_excerpt(body, 120)}") from None
        if not isinstance(data, dict):
            raise EndpointError(f"{what} at {self.url}: malformed response: a JSON "
                                f"{type(data).__name__}, not a SPARQL results object")
        return data

    # -- queries -------------------------------------------------------------------------
    def select(self, sparql: str, bindings: Mapping[str, Node] | None = None
               ) -> tuple[list[str], list[dict[str, Node | None]]]:
        """Run a SELECT query; the variable names and rows of rdflib terms (as the store does).

        ``bindings`` binds variables to RDF terms with a ``VALUES`` block (never pasted text).
        """
        from SPARQLWrapper import JSON

        body, _ = self._query(sparql, "SELECT", JSON, bindings)
        data = self._json(body, "SELECT query")
        try:
            names = [str(v) for v in data["head"]["vars"]]
            bindings_json = data["results"]["bindings"]
            rows = [{n: _term(b[n]) if n in b else None for n in names} for b in bindings_json]
        except (KeyError, TypeError, ValueError) as exc:
            raise EndpointError(f"SELECT query at {self.url}: malformed response: SPARQL JSON "
                                f"results without {exc}") from None
        return names, rows

    def ask(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> bool:
        """Run an ASK query."""
        from SPARQLWrapper import JSON

        body, _ = self._query(sparql, "ASK", JSON, bindings)
        data = self._json(body, "ASK query")
        if not isinstance(data.get("boolean"), bool):
            raise EndpointError(f"ASK query at {self.url}: malformed response: no boolean")
        return data["boolean"]

    def construct(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> rdflib.Graph:
        """Run a CONSTRUCT or DESCRIBE query; the result as an rdflib Graph."""
        from SPARQLWrapper import TURTLE

        body, ctype = self._query(sparql, "CONSTRUCT", TURTLE, bindings)
        fmt = "xml" if "rdf+xml" in ctype else "json-ld" if "json" in ctype else "turtle"
        graph = rdflib.Graph()
        for prefix, iri in PREFIXES.items():
            graph.bind(prefix, iri)
        try:
            graph.parse(data=body, format=fmt)
        except Exception as exc:  # noqa: BLE001 - rdflib parsers raise many kinds
            raise EndpointError(f"CONSTRUCT query at {self.url}: malformed {fmt} response: "
                                f"{exc}") from None
        return graph

    def count(self, graph: str | None = None) -> int:
        """Triples in one named graph, or quads in all named graphs together."""
        if graph is None:
            _, rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        else:
            _, rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                                  {"g": URIRef(graph)})
        return int(rows[0]["n"]) if rows and rows[0]["n"] is not None else 0

    def graphs(self) -> list[str]:
        """IRIs of the server's named graphs, sorted."""
        _, rows = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(str(r["g"]) for r in rows if isinstance(r["g"], URIRef))

    # -- writing -------------------------------------------------------------------------
    def update(self, sparql: str, *, prefixes: bool = True, idempotent: bool = False) -> None:
        """Run a SPARQL 1.1 Update (``application/sparql-update`` POST to the update URL).

        With ``prefixes`` the kgtool prefixes the update uses and does not declare are declared
        for it. An update is retried after a lost connection or a timeout only if it is
        ``idempotent`` (running it twice is the same as once, like ``INSERT DATA`` without
        blank nodes); one that never reached the server is always retried.
        """
        if not self.update_url:
            raise EndpointError(f"{self.url}: no update URL known; give update_url")
        body = (with_prefixes(sparql) if prefixes else sparql).encode("utf-8")
        self._attempt("SPARQL update", self.update_url, lambda: self._request(
            "POST", self.update_url, body, "application/sparql-update; charset=utf-8"),
            idempotent=idempotent)

    def put_graph(self, graph: str | None, ntriples: bytes) -> None:
        """Replace ``graph`` (None: the default graph) by N-Triples data (Graph Store ``PUT``)."""
        self._gsp("PUT", graph, ntriples)

    def post_graph(self, graph: str | None, ntriples: bytes) -> None:
        """Add N-Triples data to ``graph`` (None: the default graph) (Graph Store ``POST``).

        Retried after a lost connection: send blank nodes with :meth:`put_graph` instead, as a
        repeated POST would make them twice.
        """
        self._gsp("POST", graph, ntriples)

    def _gsp(self, method: str, graph: str | None, ntriples: bytes) -> None:
        # retried freely: kgtool PUTs (replace) every batch holding blank nodes and POSTs only
        # ground triples, which a second time add nothing
        if not self.store_url:
            raise EndpointError(f"{self.url}: no Graph Store Protocol URL known; give store_url")
        query = "default" if not graph else urllib.parse.urlencode({"graph": graph})
        sep = "&" if "?" in self.store_url else "?"
        url = f"{self.store_url}{sep}{query}"
        self._attempt(f"Graph Store {method}", url, lambda: self._request(
            method, url, ntriples, "application/n-triples"))


def _strip_userinfo(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def with_prefixes(sparql: str) -> str:
    """``sparql`` with ``PREFIX`` declarations for the kgtool prefixes it does not declare.

    The embedded store offers these prefixes to every query; a server does not, so the client
    adds them, and ad-hoc queries run the same on both.
    """
    declared = {m.group(1) or "" for m in _PREFIX_DECL.finditer(sparql)}
    missing = [f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items()
               if p not in declared and re.search(rf"(?<![\w?$-]){p}:", sparql)]
    # on the query's first line, so a server's "error at line N" still points at line N
    return " ".join(missing + [sparql]) if missing else sparql


def _term(value: Mapping[str, str]) -> Node:
    """An rdflib term from one SPARQL JSON results binding, typed as the embedded store types it."""
    kind = value["type"]
    text = value["value"]
    if kind == "uri":
        return URIRef(text)
    if kind == "bnode":
        return BNode(text)
    if kind in ("literal", "typed-literal"):
        return rdf_literal(text, value.get("xml:lang"), value.get("datatype"))
    raise ValueError(f"a binding of unknown type {kind!r}")


# ---------------------------------------------------------------------------------------
# Pushing a store into a server
# ---------------------------------------------------------------------------------------
@dataclass
class BatchInfo:
    """One batch of a push, as reported to a progress callback."""

    graph: str
    index: int
    triples: int
    sent: bool  # False: skipped, already on the server according to the checkpoint


@dataclass
class GraphPush:
    """What a push did for one graph."""

    graph: str
    triples: int = 0
    batches_sent: int = 0
    batches_skipped: int = 0
    triples_sent: int = 0


@dataclass
class PushReport:
    """The result of :func:`push`: per graph, totals and throughput."""

    endpoint: str
    protocol: str
    graphs: list[GraphPush] = field(default_factory=list)
    seconds: float = 0.0
    triples_sent: int = 0

    @property
    def triples(self) -> int:
        return sum(g.triples for g in self.graphs)

    @property
    def triples_per_second(self) -> float:
        return self.triples_sent / self.seconds if self.seconds > 0 else 0.0

    def __str__(self) -> str:
        lines = [f"pushed {self.triples} triples in {len(self.graphs)} graphs to {self.endpoint} "
                 f"({self.protocol}) in {self.seconds:.1f} s"
                 f" ({self.triples_per_second:,.0f} triples/s sent)"]
        for g in self.graphs:
            skipped = f", {g.batches_skipped} already there (resumed)" if g.batches_skipped else ""
            lines.append(f"  {g.graph or '(default graph)'}: {g.triples} triples, "
                         f"{g.batches_sent} batches sent{skipped}")
        return "\n".join(lines)


class _Checkpoint:
    """The JSON file recording which batches of which graphs reached the server."""

    def __init__(self, path: Path | None, target: str, batch_size: int, resume: bool) -> None:
        self.path = path
        self.data: dict[str, Any] = {"version": 1, "target": target, "batch_size": batch_size,
                                     "graphs": {}}
        if path is not None and resume and path.is_file():
            try:
                old = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise InputError(f"{path}: unreadable push checkpoint ({exc}); delete it or "
                                 f"push with --restart") from None
            if old.get("target") == target and old.get("batch_size") == batch_size:
                self.data["graphs"] = old.get("graphs", {})
            else:
                log.warning("%s is for another target or batch size; starting afresh", path)

    def graph(self, iri: str) -> dict[str, Any]:
        return self.data["graphs"].setdefault(iri, {"hashes": [], "triples": 0, "done": False})

    def reset(self, iri: str) -> dict[str, Any]:
        self.data["graphs"].pop(iri, None)
        return self.graph(iri)

    def save(self) -> None:
        if self.path is None:
            return
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(self.data, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)  # atomic: a crash leaves the old or the new file, whole

    def remove(self) -> None:
        if self.path is not None and self.path.exists():
            self.path.unlink()


def _graph_node(graph: str) -> ox.NamedNode | ox.DefaultGraph:
    return ox.DefaultGraph() if graph == _DEFAULT_GRAPH else ox.NamedNode(graph)


def _has_bnode(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


def _batches(store: ox.Store, graph: str, size: int) -> Iterator[tuple[bytes, int]]:
    """N-Triples batches of one graph, in a stable order; every blank-node triple in the first."""
    node = _graph_node(graph)
    first = [q.triple for q in store.quads_for_pattern(None, None, None, node) if _has_bnode(q.triple)]
    batch = first
    for quad in store.quads_for_pattern(None, None, None, node):
        triple = quad.triple
        if _has_bnode(triple):
            continue
        batch.append(triple)
        if len(batch) >= size:
            yield ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES), len(batch)
            batch = []
    if batch or first is batch:  # the last batch; an empty graph still gets its PUT
        yield ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES), len(batch)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def push(kg: Any, endpoint: Endpoint, *, graph: str | None = None,
         batch_size: int = DEFAULT_BATCH_SIZE, checkpoint: str | Path | None = None,
         resume: bool = True, protocol: str = "auto",
         on_batch: Callable[[BatchInfo], None] | None = None,
         progress: bool | None = None) -> PushReport:
    """Send the named graphs of ``kg`` (or only ``graph``) to ``endpoint`` in batches.

    ``protocol``: ``"gsp"`` (Graph Store HTTP Protocol), ``"update"`` (SPARQL Update
    ``INSERT DATA``) or ``"auto"`` (the graph store when the endpoint has one, else update).
    After every batch the ``checkpoint`` JSON file (if given) records it; when a batch fails the
    EndpointError says which, and calling ``push`` again with the same checkpoint resumes from it
    (``resume=False`` starts over). The checkpoint is deleted once everything is sent.
    ``on_batch`` is called after each batch; ``progress`` shows a tqdm bar (default: on a tty).
    """
    if batch_size < 1:
        raise InputError(f"batch size must be at least 1, got {batch_size}")
    if protocol == "auto":
        protocol = "gsp" if endpoint.store_url else "update"
    if protocol not in ("gsp", "update"):
        raise InputError(f"unknown push protocol {protocol!r}: use gsp, update or auto")
    if protocol == "gsp" and not endpoint.store_url:
        raise EndpointError(f"{endpoint.url}: no Graph Store Protocol URL; give one, or use update")
    if protocol == "update" and not endpoint.update_url:
        raise EndpointError(f"{endpoint.url}: no SPARQL Update URL; give one")
    store: ox.Store = kg.store
    if graph is not None:
        if graph not in kg.graphs():
            known = ", ".join(kg.graphs()) or "none"
            raise InputError(f"the store has no named graph <{graph}>; its graphs: {known}")
        graphs = [graph]
    else:
        graphs = kg.graphs()
        if next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None):
            graphs = [_DEFAULT_GRAPH, *graphs]
    target = display_url(endpoint.store_url if protocol == "gsp" else endpoint.update_url or "")
    cp = _Checkpoint(Path(checkpoint) if checkpoint else None, target, batch_size, resume)
    report = PushReport(endpoint=target, protocol=protocol)
    total = len(store) if graph is None else kg.count(graph)
    bar = _progress_bar(total, progress)
    started = time.perf_counter()
    try:
        for iri in graphs:
            result = _push_graph(store, endpoint, iri, batch_size, cp, protocol, on_batch, bar)
            report.graphs.append(result)
            report.triples_sent += result.triples_sent
    finally:
        report.seconds = time.perf_counter() - started
        if bar is not None:
            bar.close()
    cp.remove()
    return report


def _progress_bar(total: int, progress: bool | None):
    if progress is None:
        progress = sys.stderr.isatty()
    if not progress:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc="push", unit="triple", unit_scale=True, file=sys.stderr,
                leave=False)


def _push_graph(store: ox.Store, endpoint: Endpoint, iri: str, batch_size: int,
                cp: _Checkpoint, protocol: str, on_batch: Callable[[BatchInfo], None] | None,
                bar: Any) -> GraphPush:
    state = cp.graph(iri)
    done: list[str] = state["hashes"]
    result = GraphPush(iri)
    for index, (data, count) in enumerate(_batches(store, iri, batch_size)):
        digest = _digest(data)
        if index < len(done):
            if done[index] == digest:
                result.batches_skipped += 1
                result.triples += count
                if bar is not None:
                    bar.update(count)
                if on_batch:
                    on_batch(BatchInfo(iri, index, count, sent=False))
                continue
            return _restart(store, endpoint, iri, batch_size, cp, protocol, on_batch, bar,
                            result, f"batch {index} differs")
        try:
            _send(endpoint, protocol, iri, data, replace=index == 0)
        except EndpointError as exc:
            first = state["triples"]
            saved = (f"; the checkpoint {cp.path} records what reached the server (here "
                     f"{index} batches of this graph), so the same push run again resumes there"
                     if cp.path else "")
            error = EndpointError(f"push of graph <{iri or 'default'}> failed at batch {index} "
                                  f"(triples from #{first}): {exc}{saved}")
            error.url = getattr(exc, "url", endpoint.url)  # type: ignore[attr-defined]
            error.graph, error.batch = iri, index  # type: ignore[attr-defined]
            raise error from exc
        done.append(digest)
        state["triples"] += count
        cp.save()
        result.batches_sent += 1
        result.triples += count
        result.triples_sent += count
        if bar is not None:
            bar.update(count)
        if on_batch:
            on_batch(BatchInfo(iri, index, count, sent=True))
    if len(done) > result.batches_sent + result.batches_skipped:
        return _restart(store, endpoint, iri, batch_size, cp, protocol, on_batch, bar, result,
                        "it has fewer batches now")
    state["done"] = True
    cp.save()
    return result


def _restart(store: ox.Store, endpoint: Endpoint, iri: str, batch_size: int, cp: _Checkpoint,
             protocol: str, on_batch: Callable[[BatchInfo], None] | None, bar: Any,
             partial: GraphPush, why: str) -> GraphPush:
    """The graph changed since the checkpoint: forget it, and send it again from its PUT."""
    log.warning("graph <%s> changed since the checkpoint (%s); sending it again from the start",
                iri, why)
    cp.reset(iri)
    if bar is not None:
        bar.update(-partial.triples)
    return _push_graph(store, endpoint, iri, batch_size, cp, protocol, on_batch, bar)


def _send(endpoint: Endpoint, protocol: str, graph: str, data: bytes, *, replace: bool) -> None:
    """One batch: Graph Store PUT/POST, or SPARQL Update (DROP +) INSERT DATA."""
    if protocol == "gsp":
        if replace:
            endpoint.put_graph(graph or None, data)
        else:
            endpoint.post_graph(graph or None, data)
        return
    target = "DEFAULT" if not graph else f"GRAPH {term_to_sparql(URIRef(graph))}"
    parts = []
    if replace:
        parts.append(f"DROP SILENT {target} ;\n" if graph else "CLEAR SILENT DEFAULT ;\n")
    if data:
        body = data.decode("utf-8")
        parts.append(f"INSERT DATA {{ GRAPH {term_to_sparql(URIRef(graph))} {{\n{body}}} }}"
                     if graph else f"INSERT DATA {{\n{body}}}")
    if parts:
        # idempotent: batch 0 (with any blank nodes) drops the graph first, the others hold
        # no blank nodes, and inserting a triple that is already there changes nothing
        endpoint.update("".join(parts).rstrip().rstrip(";"), prefixes=False, idempotent=True)
