"""Benchmark: building the HTML documentation of the shipped ontology, shapes and queries.

The target (issue: "the generated site for the shipped ontology builds in under 5 seconds") is
a budget of 5 s for :func:`kgtool.docs.build_docs` with everything on, including building the
example region and running every saved query on it for its example result.

Measured in the same run, on the same machine:

* ``build_docs``: the whole build into a fresh temporary folder, ``--runs`` times (default 3);
  wall-clock and CPU time (CPU time shows what the build costs when other processes compete
  for the cores);
* baseline ``rdflib floor``: what any generator must at least do, also ``--runs`` times: parse
  the ontology modules with rdflib and serialise the merged graph to Turtle, JSON-LD and
  RDF/XML (the three downloads).

Prints the median of each, the ratio build / floor, the ratio build / 5 s budget, the pages
written with their sizes, and whether the target is met (exit status 1 when it is not).

    .venv/bin/python bench/bench_docs.py
    .venv/bin/python bench/bench_docs.py --runs 5 --no-examples
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BUDGET_SECONDS = 5.0


def timed(func) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    func()
    return time.perf_counter() - wall, time.process_time() - cpu


def rdflib_floor() -> None:
    """Parse the shipped ontology with rdflib and serialise it in the three download formats."""
    import rdflib

    from kgtool.ontology import ontology_files

    graph = rdflib.Graph()
    for path in ontology_files():
        graph.parse(path, format="turtle")
    for fmt in ("turtle", "json-ld", "xml"):
        graph.serialize(format=fmt)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="repetitions of each (default 3)")
    parser.add_argument("--no-examples", action="store_true",
                        help="skip the example results of the saved queries")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    from kgtool.docs import PAGES, build_docs  # noqa: F401  (import cost shown separately)
    import_seconds = time.perf_counter() - started
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    print(f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"import kgtool.docs: {import_seconds:.2f} s")

    builds, floors = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            out = Path(tmp) / f"site-{run}"
            builds.append(timed(lambda: build_docs(out, examples=not args.no_examples)))
            floors.append(timed(rdflib_floor))
        site = Path(tmp) / "site-0"
        pages = sorted(site.glob("*.html"))
        print("pages:", ", ".join(f"{p.name} {p.stat().st_size // 1024} KiB" for p in pages))
        downloads = sorted((site / "downloads").iterdir())
        print("downloads:", ", ".join(f"{p.name} {p.stat().st_size // 1024} KiB" for p in downloads))

    build_wall = statistics.median(w for w, _ in builds)
    build_cpu = statistics.median(c for _, c in builds)
    floor_wall = statistics.median(w for w, _ in floors)
    floor_cpu = statistics.median(c for _, c in floors)
    print(f"build_docs   : median wall {build_wall:.2f} s, CPU {build_cpu:.2f} s "
          f"(runs: {', '.join(f'{w:.2f}' for w, _ in builds)})")
    print(f"rdflib floor : median wall {floor_wall:.2f} s, CPU {floor_cpu:.2f} s")
    print(f"ratio build / rdflib floor: {build_wall / floor_wall:.1f}x wall, {build_cpu / floor_cpu:.1f}x CPU")
    print(f"ratio build / {BUDGET_SECONDS:.0f} s budget: {build_wall / BUDGET_SECONDS:.2f} wall, "
          f"{build_cpu / BUDGET_SECONDS:.2f} CPU")
    met = build_wall < BUDGET_SECONDS
    print(f"target (< {BUDGET_SECONDS:.0f} s wall): {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
