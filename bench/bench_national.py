"""End-to-end benchmark at national scale, and the same steps against plain rdflib + pyshacl.

    .venv/bin/python bench/bench_national.py                       # 1.52 million organisations
    .venv/bin/python bench/bench_national.py --organizations 200000 --baselines

Generates the synthetic national graph (kgtool.synth: NTA corporate-number CSV, MHLW CSVs, CSVW
tables) unless --data points at one, then runs kgtool.scale's steps — import into a store on
disk, reopen, reason (materialise), validate (fast path), every saved query and the partner
query's median latency — each in its own process, printing wall time, peak RSS and throughput.
With --baselines it exports the store as N-Quads and runs the same work with plain rdflib (load,
partner query) and pyshacl (a sample of focus nodes, extrapolated), each under --timeout, and
prints the ratios. Targets (issue 8): import < 10 min with peak < 8 GB, reopen < 5 s,
validation < 5 min, every saved query < 1 s, partner query median < 100 ms.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from kgtool.scale import BASELINE_STEPS, STEPS, run_steps
from kgtool.store import KnowledgeGraph
from kgtool.synth import generate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organizations", type=int, default=1_524_846)
    parser.add_argument("--data", type=Path, help="existing generated data (skip generation)")
    parser.add_argument("--work", type=Path, help="folder for data and store (default: a temp dir)")
    parser.add_argument("--baselines", action="store_true", help="also run plain rdflib + pyshacl")
    parser.add_argument("--repeats", type=int, default=20, help="partner-query samples")
    parser.add_argument("--sample", type=int, default=2000, help="pyshacl focus-node sample")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per step")
    args = parser.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="kgtool-national-"))
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f}; work dir {work}")
    data = args.data
    if data is None:
        data = work / "data"
        began = time.perf_counter()
        manifest = generate(data, organizations=args.organizations)
        print(f"generated {manifest.organizations:,} organisations ({manifest.registered:,} registered, "
              f"{manifest.groups:,} groups), {manifest.establishments:,} establishments, "
              f"{manifest.persons:,} persons in {time.perf_counter() - began:.0f} s; planted {manifest.planted}")
    store = work / "store"
    print(f"{'step':<18} {'wall':>11} {'peak RSS':>12}  throughput")
    results = {r.step: r for r in run_steps(list(STEPS), data=data, store=store, repeats=args.repeats,
                                            timeout=args.timeout)}
    q = results["query"].details
    if q:
        for name, figures in sorted(q["per_query"].items()):
            print(f"  query {name:<22} {figures['seconds']:>8.3f} s  {figures['rows']} rows")
        print(f"  partner query median {q['partner_median_ms']} ms over {q['partner_samples']} organisations")
    if results["validate"].details:
        print(f"  validation results by constraint: {results['validate'].details['by_shape']}")
    if not args.baselines:
        return 0

    nquads = work / "store.nq"
    with KnowledgeGraph(store, read_only=True) as kg:
        kg.serialize(nquads, format="nquads")
    base = {r.step: r for r in run_steps(list(BASELINE_STEPS), nquads=nquads, repeats=min(args.repeats, 3),
                                         sample=args.sample, timeout=args.timeout)}
    print("ratios (plain rdflib / pyshacl time ÷ kgtool time, same data, same run):")
    if base["baseline-load"].error is None:
        print(f"  load: rdflib {base['baseline-load'].seconds:.0f} s vs kgtool import {results['import'].seconds:.0f} s "
              f"(kgtool also parses CSV); peak RSS {base['baseline-load'].peak_rss_mb:.0f} MB vs "
              f"{results['import'].peak_rss_mb:.0f} MB")
    else:
        print(f"  load: rdflib {base['baseline-load'].error}")
    bv, kv = base["baseline-validate"], results["validate"]
    if bv.error is None and bv.throughput and kv.throughput:
        print(f"  validation: {kv.throughput / bv.throughput:.0f}x (fast path {kv.throughput:,.0f} vs pyshacl "
              f"{bv.throughput:,.0f} focus nodes/s on a {bv.details['focus_nodes']}-node sample)")
    bq = base["baseline-query"]
    if bq.error is None and q.get("partner_median_ms"):
        print(f"  partner query: {bq.details['partner_median_ms'] / q['partner_median_ms']:.0f}x")
    else:
        print(f"  partner query: rdflib {bq.error or 'no figure'} (ratio is a lower bound: "
              f"> {args.timeout:.0f} s vs {q.get('partner_median_ms')} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
