"""What every importer shares: the summary it returns, the problems it reports, provenance,
and a writer that streams N-Triples into a staging graph and swaps it in atomically.

Identity and idempotence: each source file has a stable id (e.g. ``mhlw/jigyosho_120``) and its
own named graph. An import writes into a staging graph, compares it with what the source's graph
held before (so the summary says how many triples were added and removed), then replaces the
source's graph in one SPARQL ``MOVE``. When the source's graph does not exist yet (a first
import) there is nothing to compare or replace: the triples go straight into it (``staging`` is
then the source's graph itself), which saves copying them a second time. Re-importing the same
file therefore changes nothing; importing a corrected file changes only what differs.
Timestamps live in the import log graph, never in the data, so they do not break this.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import sys
import tempfile
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from ..namespaces import IMPORT_LOG_GRAPH, KG, KGD, PROV, RDF, XSD, source_graph
from ..store import KnowledgeGraph
from .ntriples import iri, literal, segment, typed

# Characters of N-Triples per batch handed to the loader thread (~100k triples, ~5k MHLW rows):
# small enough that loading overlaps the row loop, large enough to keep bulk_load efficient.
_BATCH_CHARS = 16 << 20
_NT = ox.RdfFormat.N_TRIPLES


@dataclass
class Problem:
    """One thing wrong with the input, located precisely enough to fix it."""

    file: str
    row: int | None
    field: str | None
    message: str
    value: str | None = None
    severity: str = "error"  # "error": the row was rejected; "warning": kept, with a caveat

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field {self.field}"
        value = f" (value {self.value!r})" if self.value not in (None, "") else ""
        return f"{where}: {self.severity}: {self.message}{value}"


@dataclass
class ImportSummary:
    """Counts of one import, for people (``str``) and scripts (``as_dict`` / ``--json``)."""

    source: str
    format: str
    graph: str = ""
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    entities_created: int = 0
    entities_merged: int = 0
    establishments: int = 0
    legal_forms_recognised: int = 0
    legal_forms_unrecognised: list[str] = field(default_factory=list)
    triples_added: int = 0
    triples_removed: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)

    @property
    def recognition_rate(self) -> float | None:
        """Share of entities whose legal form was recognised (None if there were none)."""
        total = self.legal_forms_recognised + len(self.legal_forms_unrecognised)
        return self.legal_forms_recognised / total if total else None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["recognition_rate"] = self.recognition_rate
        data["rejected"] = [asdict(p) for p in self.problems if p.severity == "error"]
        data["warnings"] = [asdict(p) for p in self.problems if p.severity == "warning"]
        del data["problems"]
        return data

    def __str__(self) -> str:
        lines = [
            f"{self.source} ({self.format}) -> {self.graph}",
            f"  rows read {self.rows_read}, loaded {self.rows_loaded}, rejected {self.rows_rejected}",
            f"  entities created {self.entities_created}, merged {self.entities_merged}, "
            f"establishments {self.establishments}",
            f"  triples added {self.triples_added}, removed {self.triples_removed}, "
            f"in {self.seconds:.2f} s",
        ]
        if self.recognition_rate is not None:
            lines.append(f"  legal form recognised for {self.legal_forms_recognised} of "
                         f"{self.legal_forms_recognised + len(self.legal_forms_unrecognised)} "
                         f"entities ({self.recognition_rate:.1%})")
            for name in self.legal_forms_unrecognised:
                lines.append(f"    not recognised: {name}")
        for problem in self.problems:
            lines.append(f"  {problem}")
        return "\n".join(lines)


def file_digest(path: Path) -> str:
    """SHA-256 of a file, recorded in the import log so a user can tell versions apart."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class SourceWriter:
    """Streams N-Triples lines for one source into the store, then swaps them in.

    Use as a context manager; call :meth:`add` with ready N-Triples lines (see
    :mod:`.ntriples`), :meth:`record` to get the provenance record of a row, then
    :meth:`commit` to replace the source's graph and fill the summary's triple counts.
    """

    def __init__(self, kg: KnowledgeGraph, source_id: str, path: Path, summary: ImportSummary,
                 *, lenient: bool = False) -> None:
        self.kg = kg
        # lenient: Oxigraph skips IRI validation (~30% faster loads). Only for importers whose
        # every IRI is built by kgtool (fixed namespaces, percent-encoded segments, URLs checked
        # against a strict pattern); a users' mapping (CSVW) can produce bad IRIs, so it stays strict.
        self.lenient = lenient
        self.source_id = source_id
        self.path = path
        self.summary = summary
        self.graph = source_graph(source_id)
        # First import of this source: write straight into its graph (see the module docstring).
        self._direct = not kg.store.contains_named_graph(_named(self.graph))
        self.staging = self.graph if self._direct else self.graph + "/staging"
        self.file_iri = iri(f"{KGD}source/{source_id}")
        self._record_base = f"{KGD}source/{source_id}"
        self._record_tail = (f"> <{RDF.type}> <{KG.SourceRecord}> .\n", f"> <{KG.rowNumber}> \"",
                             f"\"^^<{XSD.integer}> .\n", f"> <{KG.sourceFile}> ")
        self._lines: list[str] = []
        self._size = 0
        self._loader: ThreadPoolExecutor | None = None
        self._pending: Future[None] | None = None
        self._spool: IO[bytes] | None = None
        self._files: set[str] = set()
        self._started = time.perf_counter()
        summary.graph = self.graph
        kg.drop_graph(self.staging)
        self.add(f"{self.file_iri} <{RDF.type}> <{KG.SourceFile}> .\n"
                 f"{self.file_iri} <{KG.fileName}> {literal(path.name)} .\n")

    def record(self, row: int, file: str | None = None) -> str:
        """Emit the provenance record of ``row`` (of ``file``, for sources made of several
        files) and return its IRI, for ``prov:wasDerivedFrom``."""
        base = self._record_base + (f"/{segment(file)}" if file else "")
        file_iri = self.file_iri if file is None else self._file_node(base, file)
        node = f"<{base}/row/{row}"
        a, b, c, d = self._record_tail  # the hot path of every importer: one string per record
        record = f"{node}{a}{node}{b}{row}{c}{node}{d}{file_iri} .\n"
        self._lines.append(record)
        self._size += len(record)
        return node + ">"

    def _file_node(self, base: str, file: str) -> str:
        node = f"<{base}>"
        if node not in self._files:
            self._files.add(node)
            self._lines.append(f"{node} <{RDF.type}> <{KG.SourceFile}> .\n"
                               f"{node} <{KG.fileName}> {literal(file)} .\n")
        return node

    def add(self, lines: str) -> None:
        """Queue N-Triples text (one or more complete lines)."""
        self._lines.append(lines)
        self._size += len(lines)
        if self._size >= _BATCH_CHARS:
            self.submit()

    def flush(self) -> None:
        """Write everything queued so far; when it returns, the store holds it."""
        self.submit()
        self._wait()
        spool, self._spool = self._spool, None
        if spool is not None:
            with spool:
                spool.flush()
                self.kg.store.bulk_load(path=spool.name, format=_NT, to_graph=_named(self.staging),
                                        lenient=self.lenient)

    def submit(self) -> None:
        """Pass the queued text on, by the fastest route for the store (measured, bench_import):

        * in memory: to a loader thread. Oxigraph parses and indexes without holding the GIL, so
          the importer builds the next batch meanwhile. One batch at most waits (bounded memory).
        * on disk: to a temporary N-Triples file beside the store, loaded by one ``bulk_load`` at
          :meth:`flush`. RocksDB ingests one large load on two threads about twice as fast as
          many batches, each of which it must merge into what the store already holds.
        """
        if not self._lines:
            return
        data = "".join(self._lines).encode("utf-8")
        self._lines.clear()
        self._size = 0
        if self.kg.path is not None:
            if self._spool is None:
                # next to the store, not in TMPDIR: /tmp is RAM on many systems, and a national
                # source spools ~2 GB
                self._spool = tempfile.NamedTemporaryFile(prefix="kgtool-import-", suffix=".nt",
                                                          dir=self.kg.path.parent)
            self._spool.write(data)
            return
        self._wait()
        if self._loader is None:
            self._loader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kgtool-load")
        self._pending = self._loader.submit(self._load, data)

    def _load(self, data: bytes) -> None:
        # bulk_load skips per-batch transactions (2-3x faster, far more on disk); a failed
        # import drops the staging graph (abort), so its lack of atomicity loses nothing.
        self.kg.store.bulk_load(data, format=_NT, to_graph=_named(self.staging), lenient=self.lenient)

    def _wait(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()  # re-raises a load error in the importer's thread

    def _close_loader(self) -> None:
        if self._loader is not None:
            self._loader.shutdown(wait=True)
            self._loader = None

    def commit(self) -> None:
        """Replace the source's graph by the staged triples and log the import."""
        self.flush()
        self._close_loader()
        target, staging = f"<{self.graph}>", f"<{self.staging}>"
        if self._direct:
            added = self.kg.count(self.graph)
            self.summary.triples_added, self.summary.triples_removed = added, 0
            self.summary.seconds = time.perf_counter() - self._started
            self._log()
            return
        added = _count(self.kg, f"SELECT (COUNT(*) AS ?n) {{ GRAPH {staging} {{ ?s ?p ?o }} "
                                f"FILTER NOT EXISTS {{ GRAPH {target} {{ ?s ?p ?o }} }} }}")
        removed = _count(self.kg, f"SELECT (COUNT(*) AS ?n) {{ GRAPH {target} {{ ?s ?p ?o }} "
                                  f"FILTER NOT EXISTS {{ GRAPH {staging} {{ ?s ?p ?o }} }} }}")
        self.kg.update(f"MOVE SILENT GRAPH {staging} TO GRAPH {target}")
        self.summary.triples_added, self.summary.triples_removed = added, removed
        self.summary.seconds = time.perf_counter() - self._started
        self._log()

    def abort(self) -> None:
        self._lines.clear()
        self._size = 0
        if self._spool is not None:
            self._spool.close()
            self._spool = None
        try:
            self._wait()
        except Exception:  # noqa: BLE001 - the import already failed; its staging graph goes
            pass
        self._close_loader()
        self.kg.drop_graph(self.staging)

    def _log(self) -> None:
        now = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
        activity = f"<{KGD}import/{self.source_id}/{uuid.uuid4().hex}>"
        s = self.summary
        lines = (
            f"{activity} <{RDF.type}> <{PROV.Activity}> .\n"
            f"{activity} <{RDF.type}> <{KG.ImportActivity}> .\n"
            f"{activity} <{PROV.used}> {self.file_iri} .\n"
            f"{activity} <{PROV.generated}> <{self.graph}> .\n"
            f"{activity} <{PROV.endedAtTime}> {literal(now, str(XSD.dateTime))} .\n"
            f"{activity} <{KG.sourcePath}> {literal(str(self.path))} .\n"
            f"{activity} <{KG.sha256}> {literal(file_digest(self.path))} .\n"
            f"{activity} <{KG.rowsRead}> {typed(s.rows_read, 'integer')} .\n"
            f"{activity} <{KG.rowsRejected}> {typed(s.rows_rejected, 'integer')} .\n"
        )
        self.kg.store.load(lines.encode("utf-8"), format=_NT, to_graph=_named(str(IMPORT_LOG_GRAPH)))

    def __enter__(self) -> SourceWriter:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is not None:
            self.abort()


def _count(kg: KnowledgeGraph, sparql: str) -> int:
    _, rows = kg.select(sparql)
    return int(rows[0]["n"]) if rows else 0


def progress(iterable: Any, *, total: int | None, desc: str) -> Any:
    """A tqdm progress bar on a terminal (stderr), nothing when output is not a terminal."""
    if not sys.stderr.isatty():
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, total=total, desc=desc, unit="row", file=sys.stderr, leave=False)


def _named(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)
