"""Benchmark: SHACL validation with the fast path (shapes compiled to SPARQL, run by Oxigraph)
against pyshacl, on generated graphs with planted violations of every constraint of the
shipped shapes.

1. A national-scale graph (default 200,000 organisations + 200,000 establishments + areas,
   persons, posts, memberships, co-production relations, indicators) is validated with the fast
   path: focus nodes per second.
2. pyshacl needs hours at that size, so it runs on a sample graph made by the same generator with
   the same violation rates (default 1,000 organisations); the fast path runs on that same sample
   too, and the two result sets are compared (identical or the script says so and exits 1).
3. Ratios: fast path (national graph) / pyshacl (sample), and fast / pyshacl on the same sample.

pyshacl gets every advantage: ``inference='none'``, an in-memory rdflib copy (copy time reported
apart, not counted), and parsed SPARQL cached across focus nodes (without that cache, rdflib
re-parses each SHACL-SPARQL query per focus node and pyshacl is several times slower still).

    .venv/bin/python bench/bench_validate.py [--orgs 200000] [--sample 1000] [--every 100]
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import time

from kgtool import KnowledgeGraph
from kgtool.shacl_synthetic import generate
from kgtool.validate import load_shapes, run_pyshacl, union_graph, validate


def _graph(n: int, every: int) -> tuple[KnowledgeGraph, dict, float]:
    kg = KnowledgeGraph()
    kg.load_ontology()
    started = time.perf_counter()
    counts = generate(kg, n, every=every)
    return kg, counts, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orgs", type=int, default=200_000, help="organisations in the national graph")
    parser.add_argument("--sample", type=int, default=1_000, help="organisations in the pyshacl sample graph")
    parser.add_argument("--every", type=int, default=100, help="one entity in EVERY carries a planted violation")
    args = parser.parse_args()
    logging.getLogger("rdflib").setLevel(logging.CRITICAL)   # planted ill-typed literals
    shapes = load_shapes()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f}")

    # -- 1. national graph, fast path -------------------------------------------------------
    kg, counts, gen_s = _graph(args.orgs, args.every)
    print(f"national graph: {counts['organizations']:,} organisations, {counts['establishments']:,} "
          f"establishments, {len(kg):,} quads, {counts['planted']:,} planted violations "
          f"(generated in {gen_s:.1f} s)")
    started = time.perf_counter()
    big = validate(kg, shapes, engine="fast")
    fast_big_s = time.perf_counter() - started
    fast_big_rate = big.focus_nodes / fast_big_s
    print(f"  fast path : {big.focus_nodes:,} focus nodes in {fast_big_s:.2f} s = "
          f"{fast_big_rate:,.0f} focus nodes/s, {len(big.results):,} results, "
          f"fallback shapes: {len(big.fallback_shapes)}")
    del kg

    # -- 2. sample graph, both engines ------------------------------------------------------
    sample, counts, _ = _graph(args.sample, args.every)
    print(f"sample graph: {counts['organizations']:,} organisations, {len(sample):,} quads, "
          f"{counts['planted']:,} planted violations")
    started = time.perf_counter()
    fast = validate(sample, shapes, engine="fast")
    fast_s = time.perf_counter() - started
    started = time.perf_counter()
    data = union_graph(sample)
    copy_s = time.perf_counter() - started
    started = time.perf_counter()
    reference = run_pyshacl(data, shapes)
    py_s = time.perf_counter() - started
    fast_rate, py_rate = fast.focus_nodes / fast_s, fast.focus_nodes / py_s
    print(f"  fast path : {fast.focus_nodes:,} focus nodes in {fast_s:.2f} s = {fast_rate:,.0f} focus nodes/s")
    print(f"  pyshacl   : {fast.focus_nodes:,} focus nodes in {py_s:.2f} s = {py_rate:,.0f} focus nodes/s "
          f"(+ {copy_s:.2f} s to copy the store into rdflib, not counted)")
    identical = fast.keys() == {r.key() for r in reference}
    print(f"  results   : fast {len(fast.keys()):,}, pyshacl {len({r.key() for r in reference}):,}, "
          f"identical: {identical}")

    # -- 3. ratios --------------------------------------------------------------------------
    print(f"ratio fast (national graph) / pyshacl (sample): {fast_big_rate / py_rate:,.1f}x  (target >= 20x)")
    print(f"ratio fast / pyshacl on the same sample graph : {fast_rate / py_rate:,.1f}x")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
