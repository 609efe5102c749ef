"""A local SPARQL 1.1 endpoint over a kgtool store, for tools that speak the protocol.

kgtool does not implement an HTTP server of its own: it runs the ``oxigraph`` server binary (the
``oxigraph`` package on PyPI, installed with ``pip install 'kgtool[server]'``) on the very same
on-disk store the embedded API writes, since both are Oxigraph 0.5. That server is complete
(SPARQL 1.1 Query, Update, Protocol and Graph Store Protocol, content negotiation, timeouts),
written in Rust and fast, where a Python ``http.server`` would re-implement the protocol slowly
and partially. kgtool adds what it knows: the union of the named graphs as default graph (so the
saved queries answer as they do embedded), read-only by default, 127.0.0.1 by default, startup
checks with clear errors, and the list of saved queries to run against it.

:class:`OxigraphServer` is also what the tests and benchmarks use to start a real server.
"""
from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

from .endpoint import Endpoint
from .errors import EndpointError, StoreError

__all__ = ["OxigraphServer", "oxigraph_binary", "free_port", "is_loopback"]


def oxigraph_binary() -> str:
    """Path of the ``oxigraph`` server binary: next to this Python, or on ``PATH``."""
    beside = Path(sys.executable).parent / ("oxigraph.exe" if sys.platform == "win32" else "oxigraph")
    if beside.is_file():
        return str(beside)
    found = shutil.which("oxigraph")
    if found:
        return found
    raise EndpointError("the oxigraph server is not installed: pip install 'kgtool[server]' "
                        "(it provides the `oxigraph` binary)")


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    return host in ("localhost", "::1") or host.startswith("127.")


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: have the kernel stop the server when the Python process that started it dies."""
    import ctypes
    import signal

    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class OxigraphServer:
    """An ``oxigraph serve`` process on a store directory, started and stopped from Python.

    >>> with OxigraphServer("db", port=7878) as server:
    ...     Endpoint(server.query_url).select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")

    ``location`` None serves an empty in-memory store (writable only). Read-only servers
    (``writable=False``) open the store with ``serve-read-only``: nothing can change it.
    """

    def __init__(self, location: str | Path | None, *, host: str = "127.0.0.1",
                 port: int | None = None, writable: bool = False,
                 union_default_graph: bool = True, timeout_s: int | None = None,
                 log: IO[bytes] | int | None = None) -> None:
        self.location = Path(location) if location is not None else None
        if self.location is None and not writable:
            raise StoreError("a read-only server needs a store on disk (--store PATH)")
        if not writable and not (self.location / "CURRENT").is_file():
            raise StoreError(f"{self.location}: not an Oxigraph store (no such store, or empty); "
                             f"create it with kgtool load/import --store {self.location}")
        self.host = host
        self.port = port or free_port(host if is_loopback(host) else "0.0.0.0")
        self.writable = writable
        self.union_default_graph = union_default_graph
        self.timeout_s = timeout_s
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None

    @property
    def base_url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}"

    @property
    def query_url(self) -> str:
        return f"{self.base_url}/query"

    @property
    def update_url(self) -> str:
        return f"{self.base_url}/update"

    @property
    def store_url(self) -> str:
        return f"{self.base_url}/store"

    def command(self) -> list[str]:
        """The command line of the server."""
        cmd = [oxigraph_binary(), "serve" if self.writable else "serve-read-only"]
        if self.location is not None:
            cmd += ["--location", str(self.location)]
        cmd += ["--bind", f"{self.host}:{self.port}"]
        if self.union_default_graph:
            cmd.append("--union-default-graph")
        if self.timeout_s:
            cmd += ["--timeout-s", str(self.timeout_s)]
        return cmd

    def endpoint(self, **options: object) -> Endpoint:
        """A client for this server (query, update and graph store URLs filled in)."""
        return Endpoint(self.query_url, update_url=self.update_url if self.writable else "",
                        store_url=self.store_url if self.writable else "", **options)  # type: ignore[arg-type]

    def start(self, wait: float = 30.0) -> OxigraphServer:
        """Start the server and return once it answers a query (EndpointError if it does not)."""
        if self.process is not None and self.process.poll() is None:
            return self
        if self.log is None:
            self._stderr = tempfile.TemporaryFile()
        stderr = self._stderr if self.log is None else self.log
        self.process = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL,
                                        stdout=stderr, stderr=stderr,
                                        preexec_fn=_die_with_parent if sys.platform == "linux" else None)
        deadline = time.monotonic() + wait
        probe = f"{self.query_url}?query=ASK%7B%7D"
        while True:
            if self.process.poll() is not None:
                raise EndpointError(f"the oxigraph server for {self.base_url} exited with code "
                                    f"{self.process.returncode}: {self._output()}")
            try:
                with urllib.request.urlopen(probe, timeout=2) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise EndpointError(f"the oxigraph server at {self.base_url} did not answer "
                                    f"within {wait:.0f} s: {self._output()}")
            time.sleep(0.05)

    def _output(self) -> str:
        if self._stderr is None:
            return "(see its output above)"
        self._stderr.seek(0)
        text = self._stderr.read().decode("utf-8", "replace").strip()
        return text[-500:] or "(no output)"

    def kill(self) -> None:
        """Kill the server at once (SIGKILL), as a crash would."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server (terminate, then kill if it does not exit in time)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def __enter__(self) -> OxigraphServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def banner(server: OxigraphServer, store: str, lang: str = "en") -> str:
    """What ``kgtool serve`` prints at start: the URLs, and the saved queries to run there."""
    from .queries import catalogue

    mode = "read-write" if server.writable else "read-only"
    lines = [f"SPARQL endpoint ({mode}) over {store}",
             f"  query         {server.query_url}"]
    if server.writable:
        lines += [f"  update        {server.update_url}",
                  f"  graph store   {server.store_url}"]
    if not is_loopback(server.host):
        lines.append(f"  warning: listening on {server.host}, reachable from other machines")
    saved = catalogue()
    lines.append(f"saved queries ({len(saved)}); run one with: "
                 f"kgtool query NAME --endpoint {server.query_url}")
    for name, query in saved.items():
        params = " ".join(f"{p.name}={p.example or p.type}" for p in query.params if p.required)
        lines.append(f"  {name:<28} {query.title(lang)}" + (f"  [{params}]" if params else ""))
    lines.append("Ctrl-C stops the server.")
    return "\n".join(lines)


def serve(store: str | Path | None = None, *, files: list[Path] | None = None,
          host: str = "127.0.0.1", port: int = 7878, writable: bool = False,
          ontology: bool = False, out: IO[str] | None = None) -> int:
    """Serve ``store`` (or, without one, the given RDF ``files`` loaded into a temporary store)
    until interrupted; the exit code of the server."""
    out = out or sys.stdout
    scratch: tempfile.TemporaryDirectory[str] | None = None
    if store is None:
        from .store import KnowledgeGraph

        scratch = tempfile.TemporaryDirectory(prefix="kgtool-serve-")
        store = Path(scratch.name) / "store"
        with KnowledgeGraph(store) as kg:
            if ontology:
                kg.load_ontology()
            for path in files or []:
                kg.load_file(path)
        label = f"a temporary store of {len(files or [])} file(s)"
    else:
        if files or ontology:
            raise StoreError("give --store PATH or files to serve, not both "
                             "(load files into the store first with kgtool load)")
        label = str(store)
    server = OxigraphServer(store, host=host, port=port, writable=writable, log=sys.stderr.buffer)

    def terminate(signum: int, frame: object) -> None:
        raise SystemExit(0)  # unwinds to the finally below, which stops the server

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        server.start()
        print(banner(server, label), file=out, flush=True)
        assert server.process is not None
        return server.process.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.stop()
        if scratch is not None:
            scratch.cleanup()
