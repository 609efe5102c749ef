"""Benchmark: pushing into a real Oxigraph server, and the query round trip through it.

1. Push throughput: a generated graph (default 1,000,000 triples, organisations with labels,
   numbers, dates, links) is pushed into a fresh ``oxigraph serve`` on 127.0.0.1 with the Graph
   Store Protocol, and again with SPARQL Update ``INSERT DATA``, in batches of ``--batch-size``.
   Baseline, measured in the same run: loading the same triples into the embedded store
   (``KnowledgeGraph.load_data``, pyoxigraph parsing in-process). Printed: triples/s of each and
   the ratio against the baseline.
2. Query round trip: the example region (ontology + data + materialised inferences) is pushed,
   then saved queries run ``--repeat`` times on the embedded store and through the endpoint
   (SPARQLWrapper, JSON results, conversion to rdflib terms). Printed: median latency of each
   and the overhead ratio (endpoint / embedded).

Run: ``.venv/bin/python bench/bench_endpoint.py [--triples N] [--batch-size N] [--repeat N]``
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kgtool import KnowledgeGraph  # noqa: E402
from kgtool import queries as saved  # noqa: E402
from kgtool.endpoint import push  # noqa: E402
from kgtool.importers.csvw import import_csvw  # noqa: E402
from kgtool.reason import materialize  # noqa: E402
from kgtool.resources import example_region_dir  # noqa: E402
from kgtool.serve import OxigraphServer  # noqa: E402

GRAPH = "https://w3id.org/kgtool/data/graph/source/bench"
KG = "https://w3id.org/kgtool/ont#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"


def generated_ntriples(triples: int) -> bytes:
    """N-Triples text of ``triples`` triples, 8 per organisation, of realistic shapes."""
    out = []
    for i in range(triples // 8 + 1):
        s = f"<https://w3id.org/kgtool/data/org/bench/{i}>"
        out.append(
            f"{s} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{KG}Organization> .\n"
            f"{s} <{SKOS}prefLabel> \"社会福祉法人ベンチ会{i}\"@ja .\n"
            f"{s} <{SKOS}prefLabel> \"Bench welfare corporation {i}\"@en .\n"
            f"{s} <{KG}corporateNumber> \"{i:013d}\" .\n"
            f"{s} <{KG}hasLegalForm> <https://w3id.org/kgtool/legal-form/ShakaiFukushiHojin> .\n"
            f"{s} <{KG}locatedIn> <https://w3id.org/kgtool/data/area/{130001 + i % 997}> .\n"
            f"{s} <{KG}assignedOn> \"2015-10-{5 + i % 20:02d}\"^^<{XSD}date> .\n"
            f"{s} <{KG}operates> <https://w3id.org/kgtool/data/est/{i:010d}> .\n")
    return "".join(out[: (triples + 7) // 8]).encode("utf-8")


def bench_push(triples: int, batch_size: int) -> None:
    data = generated_ntriples(triples)
    started = time.perf_counter()
    kg = KnowledgeGraph()
    kg.load_data(data, format="nt", graph=GRAPH)
    embedded = time.perf_counter() - started
    n = len(kg)
    base = n / embedded
    print(f"push: {n:,} triples, batches of {batch_size:,}")
    print(f"  baseline  embedded load_data (in-process)      {embedded:7.2f} s  {base:12,.0f} triples/s")
    ways = [("Graph Store Protocol PUT/POST", "gsp", ""),
            ("GSP, Oxigraph ?no_transaction", "gsp", "?no_transaction"),
            ("SPARQL Update INSERT DATA", "update", "")]
    for name, protocol, store_params in ways:
        with tempfile.TemporaryDirectory() as tmp, \
                OxigraphServer(Path(tmp) / "db", writable=True) as server:
            endpoint = server.endpoint(timeout=1200)
            endpoint.store_url = server.store_url + store_params
            report = push(kg, endpoint, batch_size=batch_size, protocol=protocol, progress=False)
            assert endpoint.count(GRAPH) == n, "the server must hold every triple"
            rate = report.triples_sent / report.seconds
            print(f"  endpoint  {name:<36} {report.seconds:7.2f} s  {rate:12,.0f} triples/s"
                  f"   ratio vs baseline {rate / base:5.2f}x", flush=True)


def bench_queries(repeat: int, names: list[str]) -> None:
    kg = KnowledgeGraph()
    kg.load_ontology()
    import_csvw(kg, example_region_dir() / "region.csv-metadata.json", source_id="example/region")
    materialize(kg)
    catalogue = saved.catalogue()
    names = [n for n in names if n in catalogue] or list(catalogue)[:4]
    with tempfile.TemporaryDirectory() as tmp, \
            OxigraphServer(Path(tmp) / "db", writable=True) as server:
        endpoint = server.endpoint()
        push(kg, endpoint, progress=False)
        print(f"query round trip: example region ({len(kg):,} triples), median of {repeat} runs")
        print(f"  {'query':<22} {'rows':>5} {'embedded ms':>12} {'endpoint ms':>12} {'overhead':>9}")
        ratios = []
        for name in names:
            query = catalogue[name]
            params = {p.name: p.example for p in query.params if p.required}
            timings = {}
            for label, source in (("embedded", kg), ("endpoint", endpoint)):
                saved.run(source, query, params)  # warm up (caches, connections)
                runs = []
                for _ in range(repeat):
                    t = time.perf_counter()
                    result = saved.run(source, query, params)
                    runs.append(time.perf_counter() - t)
                timings[label] = statistics.median(runs)
            ratio = timings["endpoint"] / timings["embedded"]
            ratios.append(ratio)
            print(f"  {name:<22} {len(result):>5} {timings['embedded'] * 1000:>12.2f} "
                  f"{timings['endpoint'] * 1000:>12.2f} {ratio:>8.2f}x")
        print(f"  median overhead ratio (endpoint / embedded): {statistics.median(ratios):.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--queries", nargs="*",
                        default=["welfare-triangle", "partners", "service-providers", "eligible-forms"])
    args = parser.parse_args()
    bench_push(args.triples, args.batch_size)
    bench_queries(args.repeat, args.queries)


if __name__ == "__main__":
    main()
