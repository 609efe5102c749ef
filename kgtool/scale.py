"""The end-to-end pipeline at scale, step by step, each step measured.

``import`` → ``reopen`` → ``reason`` → ``validate`` → ``query``, on a persistent store built from
the files :mod:`kgtool.synth` writes (or any folder laid out the same way: ``nta/*.csv``,
``mhlw/jigyosho_*.csv``, ``groups/*-metadata.json``). Each step can run in its own process
(``python -m kgtool.scale STEP …``) so its peak memory is its own; :func:`run_steps` does that and
collects the figures. The baselines — the same data in a plain rdflib graph, validated by
pyshacl, queried by rdflib's SPARQL engine — run the same way, each under a time limit, so a
benchmark can show both side by side (``bench/bench_national.py``).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["StepResult", "STEPS", "BASELINE_STEPS", "run_step", "run_steps"]

STEPS = ("import", "reopen", "reason", "validate", "query")
BASELINE_STEPS = ("baseline-load", "baseline-validate", "baseline-query")


@dataclass
class StepResult:
    """Wall time, peak memory and throughput of one step."""

    step: str
    seconds: float
    peak_rss_mb: float
    throughput: float | None = None
    unit: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    def line(self) -> str:
        rate = f"{self.throughput:,.0f} {self.unit}" if self.throughput else ""
        status = f"  ERROR: {self.error}" if self.error else ""
        return f"{self.step:<18} {self.seconds:>9.2f} s {self.peak_rss_mb:>9.0f} MB  {rate}{status}"


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _files(data: Path) -> dict[str, list[Path]]:
    return {"nta": sorted((data / "nta").glob("*.csv")),
            "mhlw": sorted((data / "mhlw").glob("jigyosho_*.csv")),
            "csvw": sorted((data / "groups").glob("*-metadata.json"))}


# ---------------------------------------------------------------------------------------
# kgtool steps
# ---------------------------------------------------------------------------------------
def _import(data: Path, store: Path) -> StepResult:
    from .importers.csvw import import_csvw
    from .importers.mhlw import import_mhlw
    from .importers.nta import import_nta
    from .store import KnowledgeGraph

    start = time.perf_counter()
    rows = rejected = 0
    per_source: dict[str, float] = {}
    with KnowledgeGraph(store) as kg:
        kg.load_ontology()
        files = _files(data)
        for kind, importer in (("nta", import_nta), ("mhlw", import_mhlw), ("csvw", import_csvw)):
            began = time.perf_counter()
            for path in files[kind]:
                summary = importer(kg, path) if kind == "csvw" else importer(kg, path, progress=False)
                rows += summary.rows_read
                rejected += summary.rows_rejected
            per_source[kind] = round(time.perf_counter() - began, 2)
        quads = len(kg)
    seconds = time.perf_counter() - start
    return StepResult("import", seconds, _peak_rss_mb(), rows / seconds, "rows/s",
                      {"rows": rows, "rejected": rows and rejected, "quads": quads, "seconds_by_source": per_source})


def _reopen(store: Path) -> StepResult:
    from .store import KnowledgeGraph

    start = time.perf_counter()
    kg = KnowledgeGraph(store, read_only=True)
    ready = kg.ask("ASK { ?s a ?c }")
    seconds = time.perf_counter() - start
    kg.close()
    return StepResult("reopen", seconds, _peak_rss_mb(), details={"answers": ready})


def _reason(store: Path) -> StepResult:
    from .reason import materialize
    from .store import KnowledgeGraph

    with KnowledgeGraph(store) as kg:
        report = materialize(kg)
    return StepResult("reason", report.seconds, _peak_rss_mb(), report.inferred_triples / report.seconds,
                      "triples/s", {"inferred_triples": report.inferred_triples, "consistent": report.consistent,
                                    "organisations_placed": len(report.sectors)})


def _validate(store: Path) -> StepResult:
    from .store import KnowledgeGraph
    from .validate import validate

    with KnowledgeGraph(store, read_only=True) as kg:
        report = validate(kg, engine="fast", describe=False)
    by_shape: dict[str, int] = {}
    for result in report.results:
        shape = str(result.shape).rsplit("#", 1)[-1] if not str(result.shape).startswith("_:") else "shape"
        key = f"{shape} {str(result.component).rsplit('#', 1)[-1]}"
        by_shape[key] = by_shape.get(key, 0) + 1
    return StepResult("validate", report.seconds, _peak_rss_mb(), report.focus_nodes / report.seconds,
                      "focus nodes/s", {"focus_nodes": report.focus_nodes, "results": len(report.results),
                                        "by_shape": by_shape, "fallback_shapes": len(report.fallback_shapes)})


def _sample_organisations(select, n: int, seed: int = 7) -> list[str]:
    _, rows = select("SELECT ?o WHERE { ?o a <https://w3id.org/kgtool/ont#Organization> ; "
                     "<https://w3id.org/kgtool/ont#operates> ?e } LIMIT 20000")
    orgs = sorted({str(r["o"]) for r in rows})
    return random.Random(seed).sample(orgs, min(n, len(orgs)))


def _query(store: Path, repeats: int = 20) -> StepResult:
    from . import queries
    from .store import KnowledgeGraph

    per_query: dict[str, dict[str, Any]] = {}
    start = time.perf_counter()
    with KnowledgeGraph(store, read_only=True) as kg:
        orgs = _sample_organisations(kg.select, max(repeats, 2))
        _, areas = kg.select("SELECT ?a WHERE { ?e <https://w3id.org/kgtool/ont#locatedIn> ?a } LIMIT 1")
        area = str(areas[0]["a"]) if areas else None
        for name, saved in sorted(queries.catalogue().items()):
            began = time.perf_counter()
            result = queries.run(kg, saved, _params_for(saved, orgs, area))
            per_query[name] = {"seconds": round(time.perf_counter() - began, 4), "rows": len(result)}
        partner_params = _partner_param(queries)
        latencies = []
        for org in _sample_organisations(kg.select, repeats):
            began = time.perf_counter()
            queries.run(kg, "partners", {partner_params: org})
            latencies.append(time.perf_counter() - began)
    seconds = time.perf_counter() - start
    median = statistics.median(latencies) if latencies else None
    return StepResult("query", seconds, _peak_rss_mb(), details={
        "per_query": per_query, "slowest_seconds": max(q["seconds"] for q in per_query.values()),
        "partner_median_ms": median and round(median * 1000, 2), "partner_samples": len(latencies)})


def _params_for(saved, orgs: list[str], area: str | None) -> dict[str, str]:
    """Values for a saved query's required parameters on this store: its declared example, with
    example organisations and areas (which name the example region) replaced by ones present
    here. An optional ``area`` is bound too (a coordinator looks at one area; unbound, a query
    such as social-capital lists every organisation of the country); other optional parameters
    stay unbound, which makes a query range over everything."""
    params: dict[str, str] = {}
    picked = iter(orgs)
    about_one_org = any(p.required and (p.example or "").startswith("kgd:org/") for p in saved.params)
    for param in saved.params:
        if not param.required and not (param.name == "area" and area and not about_one_org):
            continue
        value = param.example or param.default or ""
        if value.startswith("kgd:org/") and orgs:
            value = next(picked, orgs[0])
        elif value.startswith("kgd:area/") and area:
            value = area
        params[param.name] = value
    return params


def _partner_param(queries_module) -> str:
    saved = queries_module.load("partners")
    required = [p.name for p in saved.params if p.required]
    return required[0] if required else saved.params[0].name


# ---------------------------------------------------------------------------------------
# baselines: plain rdflib + pyshacl on the same triples
# ---------------------------------------------------------------------------------------
def _baseline_graph(nquads: Path):
    import rdflib

    graph = rdflib.Dataset(default_union=True)
    graph.parse(nquads, format="nquads")
    return graph


def _baseline_load(nquads: Path) -> StepResult:
    start = time.perf_counter()
    graph = _baseline_graph(nquads)
    seconds = time.perf_counter() - start
    n = len(graph)
    return StepResult("baseline-load", seconds, _peak_rss_mb(), n / seconds, "quads/s", {"quads": n})


def _baseline_validate(nquads: Path, sample: int) -> StepResult:
    import rdflib

    from .validate import load_shapes, run_pyshacl

    dataset = _baseline_graph(nquads)
    data = rdflib.Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        data.add((s, p, o))
    shapes = load_shapes()
    focus = _baseline_focus(data, sample)
    start = time.perf_counter()
    results = run_pyshacl(data, shapes, focus=focus)
    seconds = time.perf_counter() - start
    return StepResult("baseline-validate", seconds, _peak_rss_mb(), len(focus) / seconds, "focus nodes/s",
                      {"focus_nodes": len(focus), "results": len(results), "sampled": True})


def _baseline_focus(graph, sample: int) -> list:
    from rdflib.namespace import RDF

    from .namespaces import KG, ORG

    nodes = []
    for cls in (KG.Organization, KG.Establishment, ORG.Post, KG.CoProductionRelation, KG.SurveyIndicator):
        nodes.extend(sorted(graph.subjects(RDF.type, cls)))
    return random.Random(3).sample(nodes, min(sample, len(nodes)))


def _baseline_query(nquads: Path, repeats: int) -> StepResult:
    from . import queries

    graph = _baseline_graph(nquads)

    def select(sparql: str):
        result = graph.query(sparql)
        names = [str(v) for v in result.vars]
        return names, [{n: row[n] if n in row.labels else None for n in names} for row in result]

    class Source:
        def select(self, sparql: str):
            return select(sparql)

    source = Source()
    latencies = []
    start = time.perf_counter()
    for org in _sample_organisations(select, repeats):
        began = time.perf_counter()
        queries.run(source, "partners", {_partner_param(queries): org})
        latencies.append(time.perf_counter() - began)
    seconds = time.perf_counter() - start
    median = statistics.median(latencies) if latencies else None
    return StepResult("baseline-query", seconds, _peak_rss_mb(), details={
        "partner_median_ms": median and round(median * 1000, 2), "partner_samples": len(latencies)})


# ---------------------------------------------------------------------------------------
# running steps
# ---------------------------------------------------------------------------------------
def run_step(step: str, *, data: Path | None = None, store: Path | None = None, nquads: Path | None = None,
             repeats: int = 20, sample: int = 2000) -> StepResult:
    """Run one step in this process."""
    try:
        if step == "import":
            return _import(Path(data), Path(store))
        if step == "reopen":
            return _reopen(Path(store))
        if step == "reason":
            return _reason(Path(store))
        if step == "validate":
            return _validate(Path(store))
        if step == "query":
            return _query(Path(store), repeats)
        if step == "baseline-load":
            return _baseline_load(Path(nquads))
        if step == "baseline-validate":
            return _baseline_validate(Path(nquads), sample)
        if step == "baseline-query":
            return _baseline_query(Path(nquads), repeats)
    except Exception as exc:  # reported in the step's figures, never hidden
        return StepResult(step, 0.0, _peak_rss_mb(), error=f"{type(exc).__name__}: {exc}")
    raise ValueError(f"unknown step {step!r}; known: {', '.join(STEPS + BASELINE_STEPS)}")


def run_steps(steps: list[str], *, data: Path | None = None, store: Path | None = None,
              nquads: Path | None = None, repeats: int = 20, sample: int = 2000,
              timeout: float | None = None, log=print) -> list[StepResult]:
    """Run each step in a fresh Python process (so peak memory is per step); a step that runs
    past ``timeout`` seconds is stopped and reported as such."""
    results = []
    for step in steps:
        command = [sys.executable, "-m", "kgtool.scale", step, "--repeats", str(repeats), "--sample", str(sample)]
        for flag, value in (("--data", data), ("--store", store), ("--nquads", nquads)):
            if value is not None:
                command += [flag, str(value)]
        began = time.perf_counter()
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                  env={**os.environ, "PYTHONUNBUFFERED": "1"})
        except subprocess.TimeoutExpired:
            result = StepResult(step, time.perf_counter() - began, 0.0, error=f"did not finish within {timeout:.0f} s")
        else:
            last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
            if last.startswith("{"):
                result = StepResult(**json.loads(last))
            elif done.returncode != 0 or not last:
                result = StepResult(step, time.perf_counter() - began, 0.0,
                                    error=f"exit {done.returncode}: {done.stderr.strip()[-500:]}")
        log(result.line())
        results.append(result)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kgtool.scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=STEPS + BASELINE_STEPS)
    parser.add_argument("--data", type=Path)
    parser.add_argument("--store", type=Path)
    parser.add_argument("--nquads", type=Path)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--sample", type=int, default=2000)
    args = parser.parse_args(argv)
    result = run_step(args.step, data=args.data, store=args.store, nquads=args.nquads,
                      repeats=args.repeats, sample=args.sample)
    print(json.dumps(asdict(result), ensure_ascii=False, default=str))
    return 0 if result.error is None else 1


if __name__ == "__main__":
    sys.exit(main())
