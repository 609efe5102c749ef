"""Benchmark: the saved partner query, embedded store (Oxigraph) vs plain rdflib, same run.

Generates a national-scale graph deterministically from ``--seed`` and writes it as N-Triples:
``--organizations`` organisations (default 200,000) of 17 legal forms in 1,739 municipalities
(47 prefectures x 37, each adjacent to its neighbours on a 6-wide grid, stated one way only),
their establishments (about 1.1 per organisation, services drawn from what each form runs),
persons holding 1-3 posts, one network (council) per municipality with a third of its
organisations as members, and co-production relations, some ended, some organisations closed.

Then, in the same run and on the same quads:

* ``kgtool``: the ontology and the file loaded into an in-memory :class:`KnowledgeGraph`,
  :func:`kgtool.reason.materialize` run (sectors, classes, eligibility: what the queries rely
  on), and ``kgtool.queries.run(kg, "partners", {"org": …})`` timed for ``--runs`` random
  organisations (the whole call: parameter checking, binding, Oxigraph, rdflib terms out), in
  wall-clock time (the target) and in CPU time (what the call costs when the shared machine's
  other tenants make it wait);
* ``kgtool, fresh process``: the same store dumped as N-Quads and loaded by child processes,
  which time the same organisations, alternately with the C library's default allocator and
  with ``GLIBC_TUNABLES=glibc.malloc.hugetlb=1`` (glibc >= 2.35: malloc asks the kernel for
  transparent huge pages, so the store's random index lookups miss the TLB less; Linux only,
  and only where ``/sys/kernel/mm/transparent_hugepage/enabled`` is not ``never``), ``--rounds``
  times each (default 2; 0 skips them), the order of the two settings reversed every other
  round. This is a script that loads a stored graph into memory and queries it, and it shows
  what the allocator setting is worth, side by side;
* ``rdflib``: the store's union graph dumped as N-Triples and parsed into a plain in-memory
  ``rdflib.Graph()`` (in a child process), and the same saved query run with ``Graph.query``
  and ``initBindings={"org": …}`` (rdflib's own way to bind; faster for rdflib than the VALUES
  text) for the first ``--rdflib-runs`` of those organisations (default 3; 0: no baseline).
  rdflib needs 1-2 s for this query on the 42-organisation example region and ~2 s at 3,000
  organisations, and does not finish in minutes at 200,000, so each query gets
  ``--rdflib-timeout`` seconds (default 600); when it runs out, the child is stopped and the
  ratio printed is a lower bound (the timeout counts as that query's time).

Both must return the same rows (partner and score) for every organisation rdflib ran; the
script fails otherwise. Prints the median and p90 latency of each, the ratio, and whether the
targets (median < 50 ms, >= 20x faster than rdflib) are met.

    .venv/bin/python bench/bench_query.py                       # 200,000 organisations
    .venv/bin/python bench/bench_query.py --organizations 20000 --runs 20 --rdflib-runs 3
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kgtool.codes import local_government_check_digit  # noqa: E402
from kgtool.namespaces import KG, KGD, LF, ORG, SKOS, SVC  # noqa: E402

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

#: legal form -> (weight, services its organisations run, mean establishments per organisation)
FORMS: dict[str, tuple[int, tuple[str, ...], float]] = {
    "KabushikiKaisha": (22, ("110", "150", "170", "320", "331", "430"), 2.0),
    "YugenKaisha": (6, ("110", "150", "430"), 1.2),
    "GodoKaisha": (4, ("110", "150", "780"), 1.0),
    "ShakaiFukushiHojin": (8, ("510", "150", "110", "210", "430"), 2.5),
    "ShakaiFukushiKyogikai": (1, ("110", "150", "living-support"), 2.0),
    "IryoHojin": (7, ("520", "130", "140", "550", "430"), 1.8),
    "NpoHojin": (12, ("110", "150", "living-support", "meal-delivery", "child-rearing-support"), 1.0),
    "SeikatsuKyodoKumiai": (2, ("110", "150", "meal-delivery"), 1.2),
    "NogyoKyodoKumiai": (2, ("150", "110"), 1.0),
    "WorkersCollective": (2, ("meal-delivery", "living-support"), 0.8),
    "IppanShadanHojin": (4, ("430", "110"), 0.5),
    "KoekiZaidanHojin": (1, ("520",), 0.3),
    "ShukyoHojin": (6, ("child-rearing-support",), 0.1),
    "ChihoKokyoDantai": (1, ("510", "430"), 1.0),
    "Chonaikai": (14, ("living-support", "community-development"), 0.3),
    "Rojinkai": (5, ("meal-delivery", "living-support"), 0.2),
    "OtherCivicGroup": (3, ("living-support", "disaster-recovery"), 0.3),
}
PREFECTURES, PER_PREFECTURE, GRID = 47, 37, 6


def _iri(value: str) -> str:
    return f"<{value}>"


def generate(path: Path, organizations: int, seed: int) -> list[str]:
    """Write the graph to ``path`` (N-Triples); return the organisation IRIs in order."""
    rng = random.Random(seed)
    a, label, located = _iri(RDF_TYPE), _iri(SKOS.prefLabel), _iri(KG.locatedIn)
    operated, operates, provides = _iri(KG.operatedBy), _iri(KG.operates), _iri(KG.providesService)
    held, post_in, member_of = _iri(ORG.heldBy), _iri(ORG.postIn), _iri(ORG.memberOf)
    participant = _iri(KG.participant)
    areas: list[list[str]] = []
    lines: list[str] = []
    out = path.open("w", encoding="utf-8")

    def flush() -> None:
        out.write("".join(lines))
        lines.clear()

    for pref in range(1, PREFECTURES + 1):
        row = []
        for i in range(PER_PREFECTURE):
            code5 = f"{pref:02d}{200 + i:03d}"
            row.append(_iri(f"{KGD}area/{code5}{local_government_check_digit(code5)}"))
        for i, area in enumerate(row):
            lines.append(f"{area} {a} {_iri(KG.Municipality)} .\n{area} {a} {_iri(KG.Area)} .\n")
            for j in (i + 1, i + GRID):
                if j < len(row) and (j != i + 1 or j % GRID):
                    lines.append(f"{area} {_iri(KG.adjacentTo)} {row[j]} .\n")
        areas.append(row)
    flat_areas = [area for row in areas for area in row]
    neighbours = {area: [row[j] for j in (i - 1, i + 1, i - GRID, i + GRID) if 0 <= j < len(row)]
                  for row in areas for i, area in enumerate(row)}

    forms = list(FORMS)
    weights = [FORMS[f][0] for f in forms]
    orgs: list[str] = []
    by_area: dict[str, list[str]] = {area: [] for area in flat_areas}
    establishment = 0
    for n in range(organizations):
        form = rng.choices(forms, weights)[0]
        _, services, mean_sites = FORMS[form]
        org = _iri(f"{KGD}org/bench/{n}")
        area = rng.choice(flat_areas)
        orgs.append(org)
        by_area[area].append(org)
        lines.append(f"{org} {a} {_iri(KG.Organization)} .\n{org} {_iri(KG.hasLegalForm)} "
                     f"{_iri(LF[form])} .\n{org} {located} {area} .\n"
                     f'{org} {label} "組織{n}"@ja .\n')
        if rng.random() < 0.01:
            lines.append(f"{org} {_iri(KG.status)} {_iri(KG.Closed)} .\n")
        sites = int(mean_sites) + (rng.random() < mean_sites - int(mean_sites))
        for _ in range(sites):
            establishment += 1
            site = _iri(f"{KGD}est/B{establishment:09d}")
            where = area if rng.random() < 0.9 else rng.choice(neighbours[area] or [area])
            lines.append(f"{site} {a} {_iri(KG.Establishment)} .\n{site} {operated} {org} .\n"
                         f"{org} {operates} {site} .\n{site} {provides} {_iri(SVC[rng.choice(services)])} .\n"
                         f"{site} {located} {where} .\n")
        if len(lines) > 50_000:
            flush()
    for area, members in by_area.items():  # one council per municipality
        network = _iri(f"{KGD}org/bench/council-{area[-7:-1]}")
        lines.append(f"{network} {a} {_iri(KG.Network)} .\n{network} {a} {_iri(KG.Organization)} .\n"
                     f"{network} {_iri(KG.hasLegalForm)} {_iri(LF.OtherCivicGroup)} .\n"
                     f"{network} {located} {area} .\n")
        for org in members:
            if rng.random() < 0.33:
                lines.append(f"{org} {member_of} {network} .\n")
    flush()
    post = 0
    for person_n in range(organizations // 3):  # persons with 1-3 posts, mostly in one area
        person = _iri(f"{KGD}person/bench/{person_n}")
        lines.append(f"{person} {a} {_iri(KG.Person)} .\n")
        home = rng.choice(flat_areas)
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            pool = by_area[home] if rng.random() < 0.8 else by_area[rng.choice(flat_areas)]
            if not pool:
                continue
            post += 1
            node = _iri(f"{KGD}post/bench/{post}")
            lines.append(f"{node} {a} {_iri(ORG.Post)} .\n{node} {held} {person} .\n"
                         f"{node} {post_in} {rng.choice(pool)} .\n")
        if len(lines) > 50_000:
            flush()
    for rel_n in range(organizations // 10):  # co-production relations inside one area
        pool = by_area[rng.choice(flat_areas)]
        if len(pool) < 2:
            continue
        relation = _iri(f"{KGD}coprod/bench/{rel_n}")
        lines.append(f"{relation} {a} {_iri(KG.CoProductionRelation)} .\n")
        for org in rng.sample(pool, min(len(pool), rng.choice((2, 2, 3)))):
            lines.append(f"{relation} {participant} {org} .\n")
        if rng.random() < 0.3:
            lines.append(f'{relation} {_iri(KG.endDate)} "2020-03-31"^^'
                         f"<http://www.w3.org/2001/XMLSchema#date> .\n")
    flush()
    out.close()
    return [org[1:-1] for org in orgs]


def _median_p90(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]


def _time_partner_queries(kg, sample: list[str]) -> tuple[list[float], list[float], dict[str, list]]:
    """Wall-clock and CPU seconds of ``run(kg, "partners", …)`` per organisation, after one
    warm-up, and each answer's (partner, score) rows for the comparison with rdflib."""
    from kgtool.queries import run

    run(kg, "partners", {"org": sample[0]})  # warm-up
    times, cpu, rows = [], [], {}
    for org in sample:
        t0, c0 = time.perf_counter(), time.process_time()
        result = run(kg, "partners", {"org": org})
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        rows[org] = sorted((str(r["partner"]), int(r["score"])) for r in result.rows)
    return times, cpu, rows


def _anon_huge_pages_kb() -> int | None:
    """This process's memory in transparent huge pages (Linux), None where unknown."""
    try:
        text = Path("/proc/self/smaps_rollup").read_text()
    except OSError:
        return None
    return next((int(line.split()[1]) for line in text.splitlines()
                 if line.startswith("AnonHugePages:")), None)


def _child(quads: str, orgs_file: str) -> int:
    """In a fresh process: load the dumped store, time the partner query, print JSON."""
    from kgtool import KnowledgeGraph

    kg = KnowledgeGraph()
    kg.load_file(quads, format="nquads")
    sample = Path(orgs_file).read_text(encoding="utf-8").split()
    times, cpu, rows = _time_partner_queries(kg, sample)
    print(json.dumps({"times": times, "cpu": cpu, "rows": rows, "huge_kb": _anon_huge_pages_kb()}))
    return 0


#: the allocator settings the fresh-process timings compare: GLIBC_TUNABLES entries
ALLOCATORS = {"default malloc": None, "malloc with huge pages": "glibc.malloc.hugetlb=1"}


class FreshTimings(NamedTuple):
    """What the children of one allocator setting measured, pooled over the rounds."""

    times: list[float]
    cpu: list[float]
    answers: list[dict]  # per child: organisation -> its (partner, score) rows, as JSON lists
    huge_kb: list[int | None]


def _child_env(tunable: str | None) -> dict[str, str]:
    """This environment, with the huge-page tunable set or unset (other tunables kept)."""
    env = dict(os.environ)
    kept = [t for t in env.pop("GLIBC_TUNABLES", "").split(":")
            if t and not t.startswith("glibc.malloc.hugetlb=")]
    if tunable:
        kept.append(tunable)
    if kept:
        env["GLIBC_TUNABLES"] = ":".join(kept)
    return env


def _fresh_processes(quads: Path, sample: list[str], rounds: int, tmp: str) -> dict[str, FreshTimings]:
    """Time the sample in child processes, ``rounds`` per allocator setting, the order of the
    settings reversed every other round (the host's speed drifts within minutes)."""
    orgs_file = Path(tmp) / "orgs.txt"
    orgs_file.write_text("\n".join(sample), encoding="utf-8")
    out = {name: FreshTimings([], [], [], []) for name in ALLOCATORS}
    for round_ in range(rounds):
        order = list(ALLOCATORS.items())
        for name, tunable in order[::-1] if round_ % 2 else order:
            try:
                child = subprocess.run([sys.executable, __file__, "--child-store", str(quads),
                                        "--child-orgs", str(orgs_file)], env=_child_env(tunable),
                                       capture_output=True, text=True, check=False, timeout=3600)
            except subprocess.TimeoutExpired as exc:
                raise RuntimeError(f"the {name} child did not finish in 3600 s") from exc
            if child.returncode:
                raise RuntimeError(f"the {name} child failed: {child.stderr[-2000:]}")
            result = json.loads(child.stdout.strip().splitlines()[-1])
            timings = out[name]
            timings.times.extend(result["times"])
            timings.cpu.extend(result["cpu"])
            timings.answers.append(result["rows"])
            timings.huge_kb.append(result["huge_kb"])
            median = statistics.median(result["times"])
            print(f"kgtool, fresh process, {name} (round {round_ + 1}): median "
                  f"{median * 1000:.1f} ms, {result['huge_kb'] or 0:,} kB in huge pages", flush=True)
    return out


def _rdflib_worker(union: str, sparql: str, orgs: list[str], queue) -> None:
    """In a child process: parse the union graph into a plain rdflib Graph, run the query."""
    import rdflib

    graph = rdflib.Graph()
    t0 = time.perf_counter()
    graph.parse(union, format="nt")
    queue.put(("parsed", len(graph), time.perf_counter() - t0))
    for org in orgs:
        t0 = time.perf_counter()
        rows = list(graph.query(sparql, initBindings={"org": rdflib.URIRef(org)}))
        seconds = time.perf_counter() - t0
        queue.put(("query", org, seconds, sorted((str(r.partner), int(r.score)) for r in rows)))
    queue.put(("done",))


def _run_rdflib(union: Path, orgs: list[str], kg_rows: dict[str, list], timeout: float
                ) -> tuple[list[float], bool] | None:
    """Run the rdflib baseline in a child process: the seconds of each query that finished,
    and whether one ran out of ``timeout``; None (after printing why) when its rows differ."""
    import multiprocessing
    import queue as queue_module

    from kgtool.queries import load

    context = multiprocessing.get_context("spawn")
    messages = context.Queue()
    worker = context.Process(target=_rdflib_worker, daemon=True,
                             args=(str(union), load("partners").sparql, orgs, messages))
    worker.start()
    seconds_each: list[float] = []
    try:
        _, triples, parse_s = messages.get(timeout=3600)
        print(f"rdflib: parsed {triples:,} triples (the store's union graph) in {parse_s:.1f} s",
              flush=True)
        while True:
            message = messages.get(timeout=timeout)
            if message[0] == "done":
                return seconds_each, False
            _, org, seconds, rows = message
            seconds_each.append(seconds)
            if rows != kg_rows[org]:
                print(f"MISMATCH for {org}: kgtool {len(kg_rows[org])} rows, rdflib {len(rows)}")
                return None
            print(f"rdflib: {org} in {seconds:.1f} s, same {len(rows)} rows", flush=True)
    except queue_module.Empty:
        return seconds_each, True
    finally:
        worker.terminate()
        worker.join()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organizations", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=50, help="organisations queried on kgtool")
    parser.add_argument("--rdflib-runs", type=int, default=3,
                        help="of those, how many are also run on rdflib (slow)")
    parser.add_argument("--rdflib-timeout", type=float, default=600.0,
                        help="seconds allowed per rdflib query; beyond it the ratio is a lower bound")
    parser.add_argument("--rounds", type=int, default=2,
                        help="fresh-process timings per allocator setting (0: none)")
    parser.add_argument("--child-store", help=argparse.SUPPRESS)
    parser.add_argument("--child-orgs", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_store:
        return _child(args.child_store, args.child_orgs)

    from kgtool import KnowledgeGraph
    from kgtool.reason import materialize

    with tempfile.TemporaryDirectory(prefix="kgtool-bench-query-") as tmp:
        data = Path(tmp) / "graph.nt"
        t0 = time.perf_counter()
        orgs = generate(data, args.organizations, args.seed)
        print(f"generated {len(orgs):,} organisations -> {data.stat().st_size / 1e6:.0f} MB "
              f"N-Triples in {time.perf_counter() - t0:.1f} s", flush=True)

        kg = KnowledgeGraph()
        t0 = time.perf_counter()
        kg.load_ontology()
        kg.load_file(data, graph=f"{KGD}graph/source/bench")
        load_s = time.perf_counter() - t0
        report = materialize(kg)
        print(f"kgtool: loaded in {load_s:.1f} s, materialised {report.inferred_triples:,} triples "
              f"in {report.seconds:.1f} s; {len(kg):,} quads", flush=True)

        rng = random.Random(args.seed + 1)
        sample = rng.sample(orgs, args.runs)
        kg_times, kg_cpu, kg_rows = _time_partner_queries(kg, sample)
        kg_median, kg_p90 = _median_p90(kg_times)
        mean_rows = statistics.mean(len(v) for v in kg_rows.values())
        cpu_median, cpu_p90 = _median_p90(kg_cpu)
        print(f"kgtool: {len(kg_times)} partner queries, median {kg_median * 1000:.1f} ms "
              f"(CPU {cpu_median * 1000:.1f} ms)", flush=True)

        union = Path(tmp) / "union.nt"
        if args.rdflib_runs > 0:  # the baseline's input, written before the store is let go
            kg.serialize(union, format="nt")
        fresh = {}
        if args.rounds > 0:
            quads = Path(tmp) / "store.nq"
            kg.serialize(quads, format="nquads")
            del kg
            fresh = _fresh_processes(quads, sample, args.rounds, tmp)
            expected = {org: [list(row) for row in rows] for org, rows in kg_rows.items()}  # as JSON
            for name, timings in fresh.items():
                for answer in timings.answers:
                    differing = [org for org in sample if answer.get(org) != expected[org]]
                    if differing:
                        print(f"MISMATCH: a {name} child answered differently for {differing[0]} "
                              f"({len(differing)} organisations differ)")
                        return 1
            quads.unlink()
        else:
            del kg
        rdflib_times: list[float] = []
        timed_out = False
        if args.rdflib_runs > 0:
            outcome = _run_rdflib(union, sample[: args.rdflib_runs], kg_rows, args.rdflib_timeout)
            if outcome is None:
                return 1
            rdflib_times, timed_out = outcome

        print()
        print(f"partner query, {args.organizations:,} organisations, {mean_rows:.0f} partner rows "
              f"on average")
        print(f"  kgtool (embedded Oxigraph)  median {kg_median * 1000:9.1f} ms   p90 "
              f"{kg_p90 * 1000:9.1f} ms   ({len(kg_times)} organisations)")
        print(f"  kgtool CPU time (one thread) median {cpu_median * 1000:9.1f} ms   p90 "
              f"{cpu_p90 * 1000:9.1f} ms   (wall minus waiting for a shared CPU)")
        for name, timings in fresh.items():
            f_median, f_p90 = _median_p90(timings.times)
            print(f"  kgtool, fresh process, {name + ':':24s} median {f_median * 1000:6.1f} ms   "
                  f"p90 {f_p90 * 1000:6.1f} ms   CPU median {statistics.median(timings.cpu) * 1000:6.1f} ms"
                  f"   ({len(timings.times)} queries, {args.rounds} processes, "
                  f"{max(h or 0 for h in timings.huge_kb) / 1024:,.0f} MB in huge pages)")
        rd_median = None  # stays None when rdflib was not run (--rdflib-runs 0)
        if rdflib_times:
            rd_median, rd_p90 = _median_p90(rdflib_times)
            print(f"  rdflib Graph (baseline)     median {rd_median * 1000:9.1f} ms   p90 "
                  f"{rd_p90 * 1000:9.1f} ms   ({len(rdflib_times)} organisations, same rows checked)")
        if timed_out:
            bound = max([args.rdflib_timeout, *rdflib_times])
            print(f"  rdflib did not answer within {args.rdflib_timeout:.0f} s "
                  f"({len(rdflib_times)} of {args.rdflib_runs} queries finished)")
            rd_median = statistics.median(rdflib_times + [bound]) if rdflib_times else bound
        if args.rdflib_runs <= 0:
            print("  rdflib: not run (--rdflib-runs 0), no ratio")
        at_least = ">= " if timed_out else ""
        ratio = rd_median / kg_median if rd_median else None
        if ratio is not None:
            print(f"  ratio rdflib / kgtool: {at_least}{ratio:,.0f}x")
        print(f"  target median < 50 ms: {'met' if kg_median < 0.05 else 'NOT met'}; target >= 20x: "
              f"{'not measured' if ratio is None else 'met' if ratio >= 20 else 'NOT met'}")
        for name, timings in fresh.items():
            f_median = statistics.median(timings.times)
            versus = f", ratio rdflib / kgtool {at_least}{rd_median / f_median:,.0f}x" if rd_median else ""
            print(f"  fresh process, {name}: < 50 ms {'met' if f_median < 0.05 else 'NOT met'}{versus}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
