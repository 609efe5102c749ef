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


def cmd_ontology(args: argparse.Namespace) -> int:
    from .ontology import module_summaries

    rows = module_summaries()
    print(f"{'module':<20} {'classes':>7} {'obj.p':>6} {'data.p':>6} {'ann.p':>6} {'indiv.':>6}  title")
    for m in rows:
        print(f"{m.file:<20} {m.classes:>7} {m.object_properties:>6} {m.datatype_properties:>6} "
              f"{m.annotation_properties:>6} {m.individuals:>6}  {m.title}")
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
