"""Against a real SPARQL server: query through it, push into it, serve a store.

A real Oxigraph server (``oxigraph serve`` from the ``oxigraph`` package, a test dependency) is
started on a free 127.0.0.1 port. The example region (ontology + data + materialised inferences)
and a real MHLW sample are pushed into it, and every saved query must give the same rows through
the endpoint as on the embedded store. A tiny ``http.server`` plays the misbehaving server
(HTTP errors, malformed JSON, auth headers).
"""
from __future__ import annotations

import base64
import json
import logging
import re
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psutil
import pytest
from rdflib.compare import isomorphic
from rdflib import namespace as ns
from rdflib.term import BNode, Literal, URIRef

from kgtool import KnowledgeGraph, cli
from kgtool import queries as saved_queries
from kgtool.endpoint import BatchInfo, Endpoint, display_url, push
from kgtool.errors import EndpointError, InputError
from kgtool.importers.csvw import import_csvw
from kgtool.reason import materialize
from kgtool.resources import example_region_dir
from kgtool.serve import OxigraphServer, free_port

MHLW_SAMPLE = "mhlw_kaigo/jigyosho_710.csv"
QUERY_NAMES = sorted(saved_queries.catalogue())


def _import_mhlw(kg: KnowledgeGraph, path: Path) -> None:
    from kgtool.importers.mhlw import import_mhlw

    summary = import_mhlw(kg, path, progress=False)
    assert summary.rows_loaded > 100, summary


# ---------------------------------------------------------------------------------------
# A real Oxigraph server, with the example region and a real MHLW sample pushed into it
# ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    location = tmp_path_factory.mktemp("oxigraph") / "db"
    srv = OxigraphServer(location, writable=True).start()
    yield srv
    srv.stop()
    assert not srv.running()


@pytest.fixture(scope="module")
def source_kg(realdata: Path) -> KnowledgeGraph:
    kg = KnowledgeGraph()
    kg.load_ontology()
    summary = import_csvw(kg, example_region_dir() / "region.csv-metadata.json",
                          source_id="example/region")
    assert summary.rows_rejected == 0, summary.problems
    materialize(kg)
    _import_mhlw(kg, realdata / MHLW_SAMPLE)
    return kg


@pytest.fixture(scope="module")
def pushed(server: OxigraphServer, source_kg: KnowledgeGraph, tmp_path_factory) -> Endpoint:
    endpoint = server.endpoint()
    checkpoint = tmp_path_factory.mktemp("push") / "push.json"
    report = push(source_kg, endpoint, batch_size=2_000, checkpoint=checkpoint)
    assert report.triples == len(source_kg)
    assert not checkpoint.exists(), "a finished push leaves no checkpoint behind"
    return endpoint


def _concat_columns(sparql: str) -> dict[str, str]:
    """Variables bound to a GROUP_CONCAT, with its separator: SPARQL leaves the order of the
    concatenated values to the implementation, so only the set of values is compared."""
    out = {}
    for m in re.finditer(r"GROUP_CONCAT", sparql, re.IGNORECASE):
        alias = re.compile(r"\bAS\s+\?(\w+)", re.IGNORECASE).search(sparql, m.end())
        if alias:
            sep = re.search(r'SEPARATOR\s*=\s*"([^"]*)"', sparql[m.end():alias.start()], re.IGNORECASE)
            out[alias.group(1)] = sep.group(1) if sep else " "
    return out


def _canon(rows: list[dict], unordered: dict[str, str] | None = None) -> list[tuple]:
    """Rows as tuples, blank nodes (labels are local to each store) replaced by one marker,
    GROUP_CONCAT values as sorted lists."""
    out = []
    for row in rows:
        items = []
        for k, v in row.items():
            if isinstance(v, BNode):
                v = "_:b"
            elif unordered and k in unordered and isinstance(v, Literal):
                v = (v.datatype, tuple(sorted(str(v).split(unordered[k] or None))))
            items.append((k, v))
        out.append(tuple(sorted(items, key=repr)))
    return out


@pytest.mark.slow
def test_push_keeps_each_source_in_its_own_graph(pushed: Endpoint, source_kg: KnowledgeGraph):
    assert pushed.graphs() == source_kg.graphs()
    assert any("/source/mhlw/" in g for g in source_kg.graphs())
    for graph in source_kg.graphs():
        assert pushed.count(graph) == source_kg.count(graph), graph
    assert pushed.count() == len(source_kg)


@pytest.mark.slow
@pytest.mark.parametrize("name", QUERY_NAMES)
def test_every_saved_query_gives_the_same_rows(name: str, pushed: Endpoint,
                                               source_kg: KnowledgeGraph):
    query = saved_queries.load(name)
    required = {p.name: p.example for p in query.params if p.required}
    assert all(required.values()), f"{name}: a required parameter has no example"
    every = {p.name: p.example for p in query.params if p.example}
    for params in (required, every):
        embedded = saved_queries.run(source_kg, query, params)
        remote = saved_queries.run(pushed, query, params)
        assert remote.form == embedded.form
        if embedded.graph is not None:
            assert isomorphic(remote.graph, embedded.graph), name
        elif embedded.boolean is not None:
            assert remote.boolean == embedded.boolean
        else:
            assert remote.columns == embedded.columns
            unordered = _concat_columns(query.sparql)
            mine, theirs = _canon(remote.rows, unordered), _canon(embedded.rows, unordered)
            if "ORDER BY" in query.sparql.upper():
                assert mine == theirs, name
            else:
                assert Counter(mine) == Counter(theirs), name
            assert len(remote.rows) == len(embedded.rows)


@pytest.mark.slow
def test_terms_come_back_typed_as_in_the_embedded_store(pushed: Endpoint,
                                                        source_kg: KnowledgeGraph):
    sparql = """SELECT ?s ?p ?o WHERE { ?s ?p ?o
                FILTER(isBlank(?s) || isLiteral(?o)) } ORDER BY ?s ?p ?o"""
    names, embedded = source_kg.select(sparql)
    remote_names, remote = pushed.select(sparql)
    assert remote_names == names
    assert Counter(_canon(remote)) == Counter(_canon(embedded))
    kinds = {(type(r["o"]).__name__, getattr(r["o"], "datatype", None), bool(getattr(r["o"], "language", None)))
             for r in remote}
    # strings, language-tagged text, numbers, dates all survive the round trip with their type
    assert ("Literal", None, False) in kinds  # a simple literal: no datatype, as rdflib parses it
    assert ("Literal", None, True) in kinds
    assert any(k[1] in (ns.XSD.integer, ns.XSD.decimal) for k in kinds)
    assert any(isinstance(r["s"], BNode) for r in remote)  # OWL restrictions of the ontology
    # an OPTIONAL left unbound is None, as embedded
    sparql = "SELECT ?o ?x WHERE { ?o a kg:Organization OPTIONAL { ?o kg:noSuchProperty ?x } } LIMIT 3"
    assert [r["x"] for r in pushed.select(sparql)[1]] == [None, None, None]


@pytest.mark.slow
def test_ask_construct_and_bindings(pushed: Endpoint, source_kg: KnowledgeGraph):
    assert pushed.ask("ASK { ?o a kg:Organization }") is True
    assert pushed.ask("ASK { ?o a kg:NoSuchClass }") is False
    sparql = "CONSTRUCT { ?c ?p ?o } WHERE { ?c a owl:Class ; ?p ?o } "
    assert isomorphic(pushed.construct(sparql), source_kg.construct(sparql))
    # bindings become a VALUES block: a hostile value stays one literal that matches nothing
    sparql = "SELECT ?o WHERE { ?o skos:prefLabel ?name }"
    _, rows = source_kg.select("SELECT ?name WHERE { ?o a kg:Organization ; skos:prefLabel ?name } LIMIT 1")
    name = rows[0]["name"]
    assert _canon(pushed.select(sparql, {"name": name})[1]) == _canon(source_kg.select(sparql, {"name": name})[1])
    assert pushed.select(sparql, {"name": Literal('x" } UNION { ?o ?p ?name')})[1] == []


# ---------------------------------------------------------------------------------------
# A server killed in the middle of a push, and the resume
# ---------------------------------------------------------------------------------------
def _generated_kg(triples: int) -> KnowledgeGraph:
    kg = KnowledgeGraph()
    kg.load_ontology()  # blank nodes too: they travel in each graph's first batch
    lines = [f"<https://w3id.org/kgtool/data/org/gen/{i // 5}> <https://w3id.org/kgtool/ont#p{i % 5}> "
             f"\"v{i}\" .\n" for i in range(triples)]
    kg.load_data("".join(lines), format="nt", graph="https://w3id.org/kgtool/data/graph/source/gen")
    return kg


@pytest.mark.slow
def test_killed_server_mid_push_then_resume(tmp_path: Path):
    kg = _generated_kg(30_000)
    location, port = tmp_path / "db", free_port()
    srv = OxigraphServer(location, port=port, writable=True).start()
    endpoint = srv.endpoint(retries=1, backoff=0.01, timeout=10)
    checkpoint = tmp_path / "push.json"
    seen: list[BatchInfo] = []

    def kill_after_five(batch: BatchInfo) -> None:  # 2 batches of ontology, 3 of the rest
        seen.append(batch)
        if sum(b.sent for b in seen) == 5:
            srv.kill()

    try:
        with pytest.raises(EndpointError) as caught:
            push(kg, endpoint, batch_size=2_000, checkpoint=checkpoint, on_batch=kill_after_five)
        message = str(caught.value)
        assert f"127.0.0.1:{port}" in message and "connection refused" in message
        assert "graph/source/gen> failed at batch 3" in message and str(checkpoint) in message
        state = json.loads(checkpoint.read_text())
        assert sum(len(g["hashes"]) for g in state["graphs"].values()) == 5

        srv.start()  # the same store on disk, on the same port
        report = push(kg, endpoint, batch_size=2_000, checkpoint=checkpoint)
        assert sum(g.batches_skipped for g in report.graphs) == 5
        assert report.triples_sent == len(kg) - sum(b.triples for b in seen if b.sent)
        # nothing lost, nothing duplicated (the blank nodes of the ontology included)
        assert endpoint.count() == len(kg)
        for graph in kg.graphs():
            assert endpoint.count(graph) == kg.count(graph)
        assert not checkpoint.exists()
    finally:
        srv.stop()


@pytest.mark.slow
def test_batches_sent_again_do_not_duplicate(server: OxigraphServer, tmp_path: Path):
    """A batch that reached the server but not the checkpoint (a crash in between) is sent
    again on resume; blank nodes included, the server still holds each triple once."""
    kg = _generated_kg(5_000)
    endpoint = server.endpoint()
    checkpoint, snapshot = tmp_path / "push.json", tmp_path / "early.json"

    def keep_first(batch: BatchInfo) -> None:
        if batch.index == 0 and not snapshot.exists():  # the ontology's PUT, with blank nodes
            snapshot.write_bytes(checkpoint.read_bytes())

    push(kg, endpoint, batch_size=1_000, checkpoint=checkpoint, on_batch=keep_first)
    expected = {g: kg.count(g) for g in kg.graphs()}
    assert {g: endpoint.count(g) for g in kg.graphs()} == expected
    snapshot.rename(checkpoint)  # as if the crash came right after the first batch
    report = push(kg, endpoint, batch_size=1_000, checkpoint=checkpoint)
    assert sum(g.batches_skipped for g in report.graphs) == 1
    assert {g: endpoint.count(g) for g in kg.graphs()} == expected
    push(kg, endpoint, batch_size=1_000)  # no checkpoint: everything again, PUT replaces
    assert {g: endpoint.count(g) for g in kg.graphs()} == expected


@pytest.mark.slow
def test_resume_after_the_store_changed_sends_that_graph_again(tmp_path: Path):
    kg = _generated_kg(6_000)
    graph = "https://w3id.org/kgtool/data/graph/source/gen"
    with OxigraphServer(tmp_path / "db", writable=True) as srv:
        endpoint = srv.endpoint(retries=0)
        checkpoint = tmp_path / "push.json"
        calls = []

        def fail_second(batch: BatchInfo) -> None:
            calls.append(batch)
            if len(calls) == 2:
                srv.kill()

        with pytest.raises(EndpointError):
            push(kg, endpoint, graph=graph, batch_size=1_000, checkpoint=checkpoint,
                 on_batch=fail_second)
        kg.drop_graph(graph)
        kg.load_data("<https://w3id.org/kgtool/data/x> <https://w3id.org/kgtool/ont#p> \"new\" .",
                     format="nt", graph=graph)
        srv.start()
        report = push(kg, endpoint, graph=graph, batch_size=1_000, checkpoint=checkpoint)
        assert report.graphs[0].batches_skipped == 0
        assert endpoint.count(graph) == 1  # the stale batches were replaced, not kept


def test_push_rejects_unknown_graph_and_bad_batch_size():
    kg = KnowledgeGraph()
    endpoint = Endpoint("http://127.0.0.1:9/query")
    with pytest.raises(InputError, match="no named graph"):
        push(kg, endpoint, graph="https://example.org/none")
    with pytest.raises(InputError, match="batch size"):
        push(kg, endpoint, batch_size=0)


@pytest.mark.slow
def test_push_with_sparql_update_where_no_graph_store(server: OxigraphServer, tmp_path: Path):
    kg = _generated_kg(3_000)
    graph = "https://w3id.org/kgtool/data/graph/source/gen-update"
    kg.load_data("<https://w3id.org/kgtool/data/y> <https://w3id.org/kgtool/ont#q> \"caf\\u00e9\\n\\\"x\\\"\"@fr .",
                 format="nt", graph=graph)
    endpoint = Endpoint(server.query_url, update_url=server.update_url, store_url="")
    report = push(kg, endpoint, graph=graph, batch_size=500)
    assert report.protocol == "update"
    assert endpoint.count(graph) == 1
    _, rows = endpoint.select("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": URIRef(graph)})
    assert rows[0]["o"] == Literal('café\n"x"', lang="fr")
    push(kg, endpoint, graph=graph, batch_size=500)  # pushing again replaces: still one triple
    assert endpoint.count(graph) == 1


# ---------------------------------------------------------------------------------------
# Errors: unreachable, HTTP errors, malformed responses, authentication
# ---------------------------------------------------------------------------------------
class _Recorder(BaseHTTPRequestHandler):
    """Answers by path: /ok results, /bad malformed JSON, /status/N that status, /flaky 503 twice."""

    headers_seen: list[dict[str, str]] = []
    flaky_left = 0

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        _Recorder.headers_seen.append(dict(self.headers))
        path = self.path.split("?")[0]
        if path.startswith("/status/"):
            # echo the Authorization header back, as a careless server might
            self._send(int(path.rsplit("/", 1)[1]), f"failed for {self.headers.get('Authorization')}")
        elif path == "/bad":
            self._send(200, '{"head": {"vars": ["x"]}, "results": ', "application/sparql-results+json")
        elif path == "/slow":
            time.sleep(1.5)
            self._send(200, '{"head": {}, "boolean": true}', "application/sparql-results+json")
        elif path == "/hangup":  # read the request, then close without answering
            self.close_connection = True
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        elif path == "/flaky" and _Recorder.flaky_left > 0:
            _Recorder.flaky_left -= 1
            self._send(503, "busy")
        else:
            body = {"head": {"vars": ["x", "y"]}, "results": {"bindings": [
                {"x": {"type": "literal", "value": "42", "datatype": str(ns.XSD.integer)},
                 "y": {"type": "literal", "value": "plain"}},
                {"x": {"type": "literal", "value": "猫", "xml:lang": "ja"}}]}}
            self._send(200, json.dumps(body), "application/sparql-results+json")

    def _send(self, status: int, text: str, ctype: str = "text/plain") -> None:
        data = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _answer


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that timed out or a hang-up on purpose: expected here


@pytest.fixture(scope="module")
def fake() -> str:
    httpd = _QuietServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def _no_env_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KGTOOL_ENDPOINT_USER", "KGTOOL_ENDPOINT_PASSWORD", "KGTOOL_ENDPOINT_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def test_unreachable_server_is_an_endpoint_error_naming_the_url():
    url = f"http://127.0.0.1:{free_port()}/query"
    started = time.perf_counter()
    with pytest.raises(EndpointError) as caught:
        Endpoint(url, retries=2, backoff=0.01).select("SELECT * WHERE { ?s ?p ?o }")
    assert url in str(caught.value)
    assert "connection refused" in str(caught.value) and "after 3 attempts" in str(caught.value)
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize("status", [404, 500, 401, 400])
def test_http_error_names_the_status(fake: str, status: int):
    with pytest.raises(EndpointError) as caught:
        Endpoint(f"{fake}/status/{status}", retries=2, backoff=0.01).select("SELECT * {}")
    assert f"HTTP {status}" in str(caught.value)
    assert f"{fake}/status/{status}" in str(caught.value)
    assert "after" not in str(caught.value), "a permanent error is not retried"


def test_malformed_response(fake: str):
    with pytest.raises(EndpointError, match="malformed response"):
        Endpoint(f"{fake}/bad").select("SELECT * {}")


def test_typed_results_and_retry_with_backoff(fake: str, caplog: pytest.LogCaptureFixture):
    _Recorder.flaky_left = 2
    with caplog.at_level(logging.WARNING, logger="kgtool.endpoint"):
        names, rows = Endpoint(f"{fake}/flaky", retries=3, backoff=0.01).select("SELECT * {}")
    assert names == ["x", "y"]
    assert rows == [{"x": Literal("42", datatype=ns.XSD.integer), "y": Literal("plain")},
                    {"x": Literal("猫", lang="ja"), "y": None}]
    assert sum("HTTP 503" in r.getMessage() for r in caplog.records) == 2


def test_timeout(fake: str):
    started = time.perf_counter()
    with pytest.raises(EndpointError, match="timed out"):
        Endpoint(f"{fake}/slow", timeout=0.3, retries=0).ask("ASK {}")
    assert time.perf_counter() - started < 1.0


def test_lost_connection_retries_only_idempotent_updates(fake: str):
    endpoint = Endpoint(f"{fake}/query", update_url=f"{fake}/hangup", retries=2, backoff=0.01)
    _Recorder.headers_seen.clear()
    with pytest.raises(EndpointError, match="connection lost") as caught:
        endpoint.update("INSERT { ?s kg:n 1 } WHERE { ?s a kg:Organization }")
    assert "after" not in str(caught.value) and len(_Recorder.headers_seen) == 1
    with pytest.raises(EndpointError, match="after 3 attempts"):
        endpoint.update("INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }", idempotent=True)
    assert len(_Recorder.headers_seen) == 4


def test_bearer_token_from_environment_is_sent_never_shown(
        fake: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture):
    token = "s3cret-Token-value"
    monkeypatch.setenv("KGTOOL_ENDPOINT_TOKEN", token)
    _Recorder.headers_seen.clear()
    Endpoint(f"{fake}/ok").select("SELECT * {}")
    assert _Recorder.headers_seen[-1]["Authorization"] == f"Bearer {token}"
    with caplog.at_level(logging.DEBUG):
        _Recorder.flaky_left = 1
        Endpoint(f"{fake}/flaky", backoff=0.01).select("SELECT * {}")
        with pytest.raises(EndpointError) as caught:
            Endpoint(f"{fake}/status/500").select("SELECT * {}")
    assert "HTTP 500" in str(caught.value)
    assert token not in str(caught.value) and token not in repr(caught.value)
    assert token not in caplog.text


def test_basic_auth_from_environment_or_url(fake: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KGTOOL_ENDPOINT_USER", "alice")
    monkeypatch.setenv("KGTOOL_ENDPOINT_PASSWORD", "pa55word")
    _Recorder.headers_seen.clear()
    Endpoint(f"{fake}/ok").select("SELECT * {}")
    expected = "Basic " + base64.b64encode(b"alice:pa55word").decode()
    assert _Recorder.headers_seen[-1]["Authorization"] == expected
    monkeypatch.delenv("KGTOOL_ENDPOINT_USER")
    monkeypatch.delenv("KGTOOL_ENDPOINT_PASSWORD")
    url = fake.replace("http://", "http://bob:hunter2@") + "/status/500"
    with pytest.raises(EndpointError) as caught:
        Endpoint(url).select("SELECT * {}")
    assert "hunter2" not in str(caught.value) and "bob" not in str(caught.value)
    assert _Recorder.headers_seen[-1]["Authorization"] == \
        "Basic " + base64.b64encode(b"bob:hunter2").decode()
    assert display_url("http://u:p@h:1/q?token=abc&x=1") == "http://h:1/q?token=%2A%2A%2A&x=1"


# ---------------------------------------------------------------------------------------
# The command line: push a store on disk, then serve it read-only
# ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def disk_store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("store") / "db"
    with KnowledgeGraph(path) as kg:
        kg.load_ontology()
        import_csvw(kg, example_region_dir() / "region.csv-metadata.json", source_id="example/region")
    return path


@pytest.mark.slow
def test_cli_push(disk_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture):
    with OxigraphServer(tmp_path / "target", writable=True) as srv:
        code = cli.main(["push", "--store", str(disk_store), "--endpoint", srv.query_url,
                         "--batch-size", "1000"])
        out, err = capsys.readouterr()
        assert code == 0, err
        with KnowledgeGraph(disk_store, read_only=True) as kg:
            expected = len(kg)
        assert f"pushed {expected} triples" in out
        assert "batch 0" in err  # progress, one line per batch when not on a terminal
        assert srv.endpoint().count() == expected
    code = cli.main(["push", "--store", str(disk_store), "--endpoint",
                     f"http://127.0.0.1:{free_port()}/query", "--retries", "0"])
    assert code == 2
    assert "connection refused" in capsys.readouterr().err


@pytest.mark.slow
def test_cli_serve_read_only_with_saved_queries_listed(disk_store: Path):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "kgtool.cli", "serve", "--store", str(disk_store),
                             "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        first = proc.stdout.readline()
        assert "read-only" in first, proc.stderr.read() if proc.poll() is not None else first
        lines = [first]
        while not lines[-1].startswith("Ctrl-C"):
            lines.append(proc.stdout.readline())
        banner = "".join(lines)
        assert f"http://127.0.0.1:{port}/query" in banner
        for name in QUERY_NAMES:
            assert name in banner
        endpoint = Endpoint(f"http://127.0.0.1:{port}/query", retries=0)
        with KnowledgeGraph(disk_store, read_only=True) as kg:
            sparql = "SELECT ?o ?n WHERE { ?o a kg:Organization ; skos:prefLabel ?n }"
            assert Counter(_canon(endpoint.select(sparql)[1])) == Counter(_canon(kg.select(sparql)[1]))
        with pytest.raises(EndpointError, match="HTTP 403"):  # read-only by default
            endpoint.update("INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }")
        children = psutil.Process(proc.pid).children()
        assert [c.name() for c in children] == ["oxigraph"]
    finally:
        proc.terminate()  # SIGTERM, as a service manager would: the server goes too
        proc.wait(10)
    gone, alive = psutil.wait_procs(children, timeout=10)
    assert not alive, "the oxigraph server outlived kgtool serve"
