"""The ``kgtool`` command: a thin shell over the Python API.

Each sub-command parses its arguments, calls one API function and prints the result. Errors
are printed to stderr as one line a user can act on; exit codes: 0 success, 1 the data failed a
check (inconsistent, not conforming), 2 usage or input error.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .errors import KgtoolError

EPILOG = """\
examples:
  kgtool demo --out out/                       build the example region, reason, write it out
  kgtool import jigyosho_120.csv --store db/   import MHLW open data into a store on disk
  kgtool reason --store db/ --engine rules     materialise sectors and eligibility at scale
  kgtool export --store db/ -f jsonld -o graph.jsonld
  kgtool info --store db/                      what the store holds
  kgtool query partners -p org=kgd:org/hikarino/tasukeai --store db/
                                               ranked partners, the reasons as columns

The store is in memory unless --store PATH is given; a store on disk is created on first use
and reopened afterwards. Documentation: README.md and docs/vocabulary.md.
"""


def _store_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", metavar="PATH", type=Path,
                        help="persistent store directory (default: a fresh in-memory store)")


def _open(args: argparse.Namespace, *, read_only: bool = False):
    from .store import KnowledgeGraph

    return KnowledgeGraph(args.store, read_only=read_only and args.store is not None)


def cmd_demo(args: argparse.Namespace) -> int:
    from .pipeline import run_demo

    return run_demo(args.out, store=args.store, reasoner=args.reasoner)


def cmd_load(args: argparse.Namespace) -> int:
    with _open(args) as kg:
        if args.ontology:
            print(f"ontology: {kg.load_ontology()} triples", file=sys.stderr)
        for path in args.files:
            added = kg.load_file(path, format=args.format, graph=args.graph, replace=args.replace)
            print(f"{path}: {added} quads added", file=sys.stderr)
        print(f"store holds {len(kg)} quads")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from .importers import import_file

    summaries = []
    with _open(args) as kg:
        for path in args.sources:
            summary = import_file(kg, path, format=args.format)
            summaries.append(summary)
            if not args.json:
                print(summary)
    if args.json:
        json.dump([s.as_dict() for s in summaries], sys.stdout, ensure_ascii=False, indent=2)
        print()
    return 0


def cmd_reason(args: argparse.Namespace) -> int:
    from .reason import clashes, materialize, reason_hermit

    with _open(args) as kg:
        if args.ontology or not kg.graphs():
            kg.load_ontology()
        report = reason_hermit(kg) if args.engine == "hermit" else materialize(kg)
        print(f"{report.engine}: {'consistent' if report.consistent else 'INCONSISTENT'}, "
              f"{report.inferred_triples} triples inferred, {len(report.sectors)} organisations "
              f"placed on the welfare triangle, {report.seconds:.2f} s")
        if not report.consistent:
            for clash in clashes(kg):
                print(f"  <{clash['individual']}>: {clash['reason']}", file=sys.stderr)
            return 1
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    with _open(args, read_only=True) as kg:
        data = kg.serialize(args.output, format=args.format, graph=args.graph)
        if data is not None:
            sys.stdout.buffer.write(data)
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from .summary import summarize

    with _open(args, read_only=True) as kg:
        overview = summarize(kg)
        if args.json:
            from dataclasses import asdict

            json.dump(asdict(overview), sys.stdout, ensure_ascii=False, indent=2)
            print()
        else:
            print(overview)
            for graph in overview.graphs:
                print(f"  graph {graph}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from .errors import InputError
    from .validate import load_shapes, validate, validate_files, validate_sources

    if args.data:
        if args.store is not None or args.source:
            raise InputError("give --data FILE… or --store PATH (with --source), not both")
        report = validate_files(args.data, args.shapes, engine=args.engine)
    else:
        if args.store is None:
            raise InputError("nothing to validate: give --store PATH or --data FILE…")
        shapes = load_shapes(args.shapes) if args.shapes else None
        with _open(args, read_only=True) as kg:
            from .namespaces import ONTOLOGY_GRAPH

            if shapes is None and str(ONTOLOGY_GRAPH) not in kg.graphs():
                print("kgtool: warning: the store holds no ontology (kgtool load --ontology); "
                      "class constraints will fail without it", file=sys.stderr)
            if args.source:
                report = validate_sources(kg, args.source, shapes, engine=args.engine)
            else:
                report = validate(kg, shapes, engine=args.engine)
    if args.format == "turtle":
        sys.stdout.write(report.turtle())
    elif args.format == "json":
        json.dump(report.as_dict(args.lang), sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print(report.text(args.lang, limit=args.limit))
    return 0 if report.conforms else 1


def cmd_ontology(args: argparse.Namespace) -> int:
    from .ontology import module_summaries

    rows = module_summaries()
    print(f"{'module':<20} {'classes':>7} {'obj.p':>6} {'data.p':>6} {'ann.p':>6} {'indiv.':>6}  title")
    for m in rows:
        print(f"{m.file:<20} {m.classes:>7} {m.object_properties:>6} {m.datatype_properties:>6} "
              f"{m.annotation_properties:>6} {m.individuals:>6}  {m.title}")
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    import time

    from .docs import build_docs

    started = time.perf_counter()
    index = build_docs(args.out, shapes_dir=args.shapes, queries_dir=args.queries,
                       examples=not args.no_examples)
    print(f"documentation written to {index} ({time.perf_counter() - started:.2f} s); "
          f"open it in a browser, no server needed")
    return 0


def cmd_push(args: argparse.Namespace) -> int:
    from .endpoint import BatchInfo, Endpoint, push

    endpoint = Endpoint(args.endpoint, update_url=args.update_url, store_url=args.store_url,
                        timeout=args.timeout, retries=args.retries)
    if args.files and args.store is not None:
        print("kgtool: error: give --store PATH or files to push, not both", file=sys.stderr)
        return 2
    checkpoint = args.checkpoint
    if checkpoint is None:
        checkpoint = (Path(str(args.store).rstrip("/") + ".push.json") if args.store is not None
                      else Path("kgtool-push.json"))
    interactive = sys.stderr.isatty()

    def report(batch: BatchInfo) -> None:
        if not interactive:
            state = "sent" if batch.sent else "already there"
            print(f"push: <{batch.graph or 'default'}> batch {batch.index}: {batch.triples} "
                  f"triples {state}", file=sys.stderr)

    with _open(args, read_only=True) as kg:
        if args.files:
            from .importers import import_file

            for path in args.files:
                if args.graph:
                    kg.load_file(path, graph=args.graph)
                else:
                    print(import_file(kg, path), file=sys.stderr)
        result = push(kg, endpoint, graph=args.graph, batch_size=args.batch_size,
                      checkpoint=checkpoint, resume=not args.restart, protocol=args.protocol,
                      on_batch=report, progress=interactive)
    print(result)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    return serve(args.store, files=args.files, host=args.host, port=args.port,
                 writable=args.writable, ontology=args.ontology)


def _query_source(args: argparse.Namespace, *, writable: bool = False):
    """The store (``--store``, read-only unless ``writable``) or the ``--endpoint`` to query."""
    import contextlib

    if getattr(args, "endpoint", None):
        if args.store is not None:
            raise KgtoolError("give --store PATH or --endpoint URL, not both")
        try:
            from .endpoint import Endpoint
        except ImportError as exc:  # pragma: no cover - the endpoint module ships with kgtool
            raise KgtoolError(f"--endpoint needs kgtool.endpoint, which cannot be imported: {exc}") from exc
        return contextlib.nullcontext(Endpoint(args.endpoint))
    return _open(args, read_only=not writable)


def _print_result(result, fmt: str) -> None:
    from .queries import dumps_json

    if fmt == "csv":
        sys.stdout.write(result.to_csv())
    elif fmt == "json":
        print(dumps_json(result))
    elif fmt == "turtle":
        sys.stdout.write(result.to_turtle())
    else:
        print(result.to_table())


def _params(pairs: list[str] | None) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise KgtoolError(f"--param {pair!r}: write it as name=value")
        params[key.strip()] = value
    return params


def cmd_queries(args: argparse.Namespace) -> int:
    from .queries import catalogue

    saved = catalogue()
    if args.json:
        json.dump([q.as_dict(args.lang) for q in saved.values()], sys.stdout, ensure_ascii=False,
                  indent=2)
        print()
        return 0
    for query in saved.values():
        print(f"{query.name:<20} {query.title(args.lang)}")
        if args.verbose:
            print(f"    {query.question(args.lang)}")
            for p in query.params:
                need = "required" if p.required else "optional"
                extra = "".join(f", {k} {v}" for k, v in (("default", p.default),
                                                           ("e.g.", p.example)) if v)
                print(f"    --param {p.name}=…  ({p.type}, {need}{extra}) {p.description}")
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    from .queries import run

    params = _params(args.param)
    with _query_source(args) as source:
        result = run(source, args.name, params)
        _print_result(result, args.format)
    return 0


def cmd_sparql(args: argparse.Namespace) -> int:
    from .queries import is_update, run_sparql

    text = args.query
    if text == "-":
        text = sys.stdin.read()
    elif "\n" not in text and len(text) < 4096 and Path(text).is_file():
        try:
            text = Path(text).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise KgtoolError(f"{args.query}: cannot read: {exc}") from exc
    if is_update(text):
        if not args.update:
            raise KgtoolError(f"this is a SPARQL Update ({is_update(text)}); queries are read-only "
                              f"unless you pass --update")
        with _query_source(args, writable=True) as source:
            source.update(text)
        print("update done", file=sys.stderr)
        return 0
    with _query_source(args) as source:
        _print_result(run_sparql(source, text), args.format)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, sub-command by sub-command."""
    parser = argparse.ArgumentParser(
        prog="kgtool", formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EPILOG,
        description="Knowledge graph of Japan's social economy: who provides personal social "
                    "services, and who can partner with whom.")
    parser.add_argument("--version", action="version", version=f"kgtool {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, func: Callable[[argparse.Namespace], int], help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(func=func)
        return p

    p = add("demo", cmd_demo, "the main job: ontology + example region, reasoned, written to --out")
    p.add_argument("--out", type=Path, default=Path("out"), help="output folder (default: out/)")
    p.add_argument("--reasoner", choices=("hermit", "rules"), default="hermit",
                   help="HermiT (complete OWL 2 DL, needs Java) or the SPARQL rules (default: hermit)")
    _store_arg(p)

    p = add("load", cmd_load, "load RDF files (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML)")
    p.add_argument("files", nargs="*", type=Path)
    p.add_argument("--format", help="RDF format when the extension does not tell")
    p.add_argument("--graph", help="named graph IRI for triple formats (default: one per file)")
    p.add_argument("--replace", action="store_true", help="empty the named graph first")
    p.add_argument("--ontology", action="store_true", help="also (re)load the shipped ontology")
    _store_arg(p)

    p = add("import", cmd_import, "import sources: MHLW open data, corporate-number files, CSVW tables")
    p.add_argument("sources", nargs="+", type=Path)
    p.add_argument("--format", choices=("csvw", "mhlw", "nta", "rdf"),
                   help="importer to use (default: detected from each file)")
    p.add_argument("--json", action="store_true", help="print the import summaries as JSON")
    _store_arg(p)

    p = add("reason", cmd_reason, "check consistency and materialise inferred sectors and classes")
    p.add_argument("--engine", choices=("hermit", "rules"), default="hermit",
                   help="HermiT via owlready2 (complete, regional scale) or SPARQL rules (national scale)")
    p.add_argument("--ontology", action="store_true", help="(re)load the shipped ontology first")
    _store_arg(p)

    p = add("export", cmd_export, "serialise the store (union of graphs, or one graph)")
    p.add_argument("-f", "--format", default="turtle",
                   help="turtle, nt, jsonld, xml (triples) or nquads, trig (with graphs); default turtle")
    p.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    p.add_argument("--graph", help="only this named graph")
    _store_arg(p)

    p = add("info", cmd_info, "what the store holds: counts, sectors, named graphs")
    p.add_argument("--json", action="store_true")
    _store_arg(p)

    add("ontology", cmd_ontology, "the ontology modules and what each declares")

    p = add("validate", cmd_validate, "check the store (or RDF files) against SHACL shapes; "
                                      "exit 0 conforms, 1 does not, 2 usage or input error")
    p.add_argument("--format", choices=("text", "turtle", "json"), default="text",
                   help="text (grouped by shape, with source file and row), turtle (the standard "
                        "SHACL validation report) or json; default text")
    p.add_argument("--data", nargs="+", type=Path, metavar="FILE",
                   help="validate these RDF files instead of a store")
    p.add_argument("--shapes", nargs="+", type=Path, metavar="FILE",
                   help="SHACL shapes files (default: the shipped shapes/*.ttl)")
    p.add_argument("--source", nargs="+", metavar="ID",
                   help="only the subjects of these imported sources (e.g. mhlw/jigyosho_120): "
                        "incremental validation after an import")
    p.add_argument("--engine", choices=("fast", "pyshacl"), default="fast",
                   help="fast: shapes compiled to SPARQL run by Oxigraph (pyshacl for what it does "
                        "not cover); pyshacl: pyshacl only. Same results; default fast")
    p.add_argument("--lang", choices=("en", "ja"), default="en", help="language of the messages")
    p.add_argument("--limit", type=int, default=20, help="results shown per shape in text (default 20)")
    _store_arg(p)

    p = add("docs", cmd_docs, "HTML documentation of the ontology, shapes and saved queries (static site)")
    p.add_argument("--out", type=Path, default=Path("site"), help="output folder (default: site/)")
    p.add_argument("--shapes", type=Path, help="SHACL shapes folder (default: the shipped shapes/)")
    p.add_argument("--queries", type=Path, help="saved queries folder (default: the shipped queries/)")
    p.add_argument("--no-examples", action="store_true",
                   help="do not run each query on the example region for an example result")

    p = add("queries", cmd_queries, "the catalogue of saved SPARQL queries (queries/*.rq)")
    p.add_argument("-v", "--verbose", action="store_true", help="also the question and parameters")
    p.add_argument("--lang", default="en", help="language of titles and descriptions (en, ja)")
    p.add_argument("--json", action="store_true", help="the full metadata as JSON")

    def query_target(p: argparse.ArgumentParser) -> None:
        _store_arg(p)
        p.add_argument("--endpoint", metavar="URL",
                       help="query a SPARQL endpoint instead of a store, e.g. http://127.0.0.1:7878/query")
        p.add_argument("-f", "--format", choices=("table", "csv", "json", "turtle"), default="table",
                       help="output: table (default), SPARQL CSV or JSON results, turtle (CONSTRUCT)")

    p = add("query", cmd_query, "run a saved query: kgtool query partners --param org=kgd:org/… --store db/")
    p.add_argument("name", help="the saved query (see kgtool queries)")
    p.add_argument("-p", "--param", action="append", metavar="NAME=VALUE",
                   help="a parameter value: an IRI (<…>, http…, or kg:/kgd:/svc:/lf:… prefixed), "
                        "a string, number, date or true/false as the query declares; repeatable")
    query_target(p)

    p = add("sparql", cmd_sparql, "run an ad-hoc SPARQL query (text, file or - for stdin)")
    p.add_argument("query", help="the SPARQL text, a .rq file, or - to read stdin")
    p.add_argument("--update", action="store_true", help="allow a SPARQL Update (writes the store)")
    query_target(p)

    p = add("push", cmd_push, "send the store (or files) to a SPARQL server, graph by graph, "
                              "in resumable batches")
    p.add_argument("files", nargs="*", type=Path,
                   help="files to import and push (default: push the --store)")
    p.add_argument("--endpoint", required=True, metavar="URL",
                   help="the server's SPARQL query URL, e.g. http://127.0.0.1:7878/query "
                        "(…/update and …/store are derived from a URL ending in /query)")
    p.add_argument("--graph", metavar="IRI",
                   help="push only this named graph (with files: load the files into it)")
    p.add_argument("--update-url", metavar="URL", help="SPARQL Update URL, if not derived")
    p.add_argument("--store-url", metavar="URL",
                   help="Graph Store Protocol URL, if not derived (Oxigraph: …/store?no_transaction "
                        "loads each batch faster, non-atomically: safe, a resumed push re-sends it)")
    p.add_argument("--protocol", choices=("auto", "gsp", "update"), default="auto",
                   help="Graph Store Protocol, SPARQL Update, or auto (GSP when known)")
    p.add_argument("--batch-size", type=int, default=100_000, metavar="N",
                   help="triples per request (default 100000)")
    p.add_argument("--checkpoint", type=Path, metavar="PATH",
                   help="resume file (default: STORE.push.json, or ./kgtool-push.json)")
    p.add_argument("--restart", action="store_true",
                   help="ignore the checkpoint of an interrupted push and send everything")
    p.add_argument("--timeout", type=float, default=300.0, help="seconds per request (default 300)")
    p.add_argument("--retries", type=int, default=3,
                   help="retries of a request after a transient failure (default 3)")
    _store_arg(p)

    p = add("serve", cmd_serve, "serve the store as a local SPARQL endpoint (read-only, 127.0.0.1)")
    p.add_argument("files", nargs="*", type=Path,
                   help="RDF files to serve from a temporary store (instead of --store)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=7878, help="port (default 7878)")
    p.add_argument("--writable", action="store_true",
                   help="accept SPARQL Update and Graph Store writes (default: read-only)")
    p.add_argument("--ontology", action="store_true", help="with files: also serve the ontology")
    _store_arg(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``kgtool`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except KgtoolError as exc:
        print(f"kgtool: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("kgtool: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
