"""Benchmark: importing MHLW long-term-care open data, kgtool vs plain rdflib.

Generates a synthetic ``jigyosho_110.csv`` in the real MHLW format (24 columns, UTF-8 with BOM,
CRLF), deterministic from ``--seed``: ``--rows`` establishments (default 200,000) in 1,700
municipalities, run by legal entities whose names carry legal forms the way the real data does
(prefix or suffix, full-width spaces, (株)/㈱ abbreviations, a few % with no form), with valid
corporate numbers, some empty and some with a wrong check digit.

Then, each in its own subprocess (so peak RSS is per variant), in the same run:

* ``kgtool (memory)``  — :func:`kgtool.importers.mhlw.import_mhlw` into an in-memory KnowledgeGraph;
* ``kgtool (disk)``    — the same into an on-disk store (a temp directory);
* ``rdflib baseline``  — the usual way: ``csv.reader`` over the rows and ``graph.add()`` per
  triple into a plain in-memory ``rdflib.Graph()``, producing the same triples (same IRIs,
  literals, legal forms and provenance; ``--verify`` checks the two sets are identical on a
  small file).

Prints rows/s, triples/s, seconds and peak RSS of each, and the speed ratio against the rdflib
baseline. The baseline is slow and memory hungry (about 1 kB per triple), so by default it runs
on the first ``--baseline-rows`` rows (50,000) and the ratio compares rates (rows/s); give
``--baseline-rows 0`` to run it on every row. ``--profile`` prints where kgtool's time goes.

    .venv/bin/python bench/bench_import.py                  # 200,000 rows
    .venv/bin/python bench/bench_import.py --rows 20000 --verify --profile
"""
from __future__ import annotations

import argparse
import cProfile
import csv
import hashlib
import io
import json
import pstats
import random
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
import rdflib  # noqa: E402
from rdflib import Literal, URIRef  # noqa: E402
from rdflib.namespace import XSD  # noqa: E402

from kgtool.codes import (  # noqa: E402
    corporate_number_check_digit,
    is_valid_corporate_number,
    is_valid_local_government_code,
    local_government_check_digit,
)
from kgtool.importers.mhlw import HEADER, service_catalogue  # noqa: E402
from kgtool.importers.names import LegalFormRecognizer, normalize_name  # noqa: E402
from kgtool.namespaces import KG, KGD, PROV, RDF, SCHEMA, SKOS, SVC  # noqa: E402

SERVICE_CODE = "110"
MUNICIPALITIES = 1_700

# How legal forms appear in real entity names (weights roughly as in the MHLW samples).
_FORMS = [
    ("株式会社{}", 30), ("{}株式会社", 12), ("株式会社　{}", 5), ("（株）{}", 2), ("{}㈱", 1),
    ("社会福祉法人{}", 10), ("社会福祉法人　{}", 3), ("社会福祉法人{}市社会福祉協議会", 4),
    ("医療法人社団{}", 7), ("医療法人{}", 5), ("社会医療法人{}", 1), ("有限会社{}", 5), ("{}有限会社", 2),
    ("特定非営利活動法人{}", 4), ("ＮＰＯ法人{}", 1), ("合同会社{}", 3), ("一般社団法人{}", 1),
    ("{}生活協同組合", 1), ("{}農業協同組合", 1), ("{}町", 1), ("{}", 3),
]
_STEMS = ["あおぞら", "ひまわり", "さくら", "やすらぎ", "青空", "福寿", "寿光", "みどり", "ケアサポート",
          "ライフ", "ハート", "いきいき", "ふれあい", "長寿", "和光", "慈恵", "松風", "白鳥", "明星", "清流"]


# ------------------------------------------------------------------ data generator ----
def _municipalities(rng: random.Random) -> list[tuple[str, str, str]]:
    """1,700 (code, prefecture name, city name) with valid local-government check digits."""
    out, seen = [], set()
    while len(out) < MUNICIPALITIES:
        pref = rng.randint(1, 47)
        base = f"{pref:02d}{rng.randint(100, 999):03d}"
        if base in seen:
            continue
        seen.add(base)
        code = base + str(local_government_check_digit(base))
        out.append((code, f"第{pref:02d}県", f"{_STEMS[rng.randrange(len(_STEMS))]}{base[2:]}市"))
    return out


def _corporate_number(rng: random.Random) -> str:
    base = f"{rng.randrange(10**12):012d}"
    return f"{corporate_number_check_digit(base)}{base}"


def generate(path: Path, rows: int, seed: int) -> Path:
    """Write a synthetic MHLW file of ``rows`` establishments."""
    rng = random.Random(seed)
    areas = _municipalities(rng)
    forms = [f for f, _ in _FORMS]
    weights = [w for _, w in _FORMS]
    entities = []
    for i in range(max(1, rows // 5)):
        name = rng.choices(forms, weights)[0].format(f"{_STEMS[rng.randrange(len(_STEMS))]}{i}")
        roll = rng.random()
        if roll < 0.03:
            number = ""
        elif roll < 0.05:  # a wrong check digit
            good = _corporate_number(rng)
            number = f"{(int(good[0]) % 9) + 1}{good[1:]}"
        else:
            number = _corporate_number(rng)
        entities.append((number, name))
    label = next(n for n, c in service_catalogue().by_name.items() if c == SERVICE_CODE)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADER)
        for i in range(rows):
            code, pref, city = areas[rng.randrange(len(areas))]
            number, org = entities[rng.randrange(len(entities))]
            est = f"{code[:2]}{i:08d}"
            lat = f"{rng.uniform(24, 45):.15f}"
            lon = f"{rng.uniform(123, 146):.15f}"
            capacity = rng.choice(["", "0", "0", str(rng.randint(5, 120))])
            url = rng.choice(["", "", f"https://care{i}.example.jp/", f"www.care{i}.example.jp"])
            writer.writerow([
                code, est, pref, city, f"{_STEMS[i % len(_STEMS)]}ケアセンター{i}", f"ケアセンター{i}",
                label, f"{pref}{city}本町{i % 99 + 1}-{i % 7 + 1}", rng.choice(["", "", "第二ビル2階"]),
                lat, lon, f"0{rng.randint(10, 99)}-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
                rng.choice(["", f"0{rng.randint(10, 99)}-000-{rng.randint(1000, 9999)}"]),
                number, org, est, "平日,土曜日", "", capacity, url, "", "", "", "",
            ])
    return path


# ------------------------------------------------------------ the rdflib baseline ----
def rdflib_baseline(path: Path, limit: int | None = None) -> rdflib.Graph:
    """The usual way: csv rows -> ``graph.add`` per triple, same triples as the importer."""
    recognizer = LegalFormRecognizer.default()
    services = service_catalogue()
    graph = rdflib.Graph()
    add = graph.add
    base = f"{KGD}source/mhlw/{path.stem}"
    file_node = URIRef(base)
    add((file_node, RDF.type, KG.SourceFile))
    add((file_node, KG.fileName, Literal(path.name)))
    areas: set[str] = set()
    entities: dict[URIRef, dict] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for line, c in enumerate(reader, start=2):
            if limit is not None and line - 1 > limit:
                break
            record = URIRef(f"{base}/row/{line}")
            add((record, RDF.type, KG.SourceRecord))
            add((record, KG.rowNumber, Literal(line)))
            add((record, KG.sourceFile, file_node))
            est = KGD[f"est/{c[15]}"]
            add((est, RDF.type, KG.Establishment))
            add((est, KG.establishmentNumber, Literal(c[15])))
            add((est, KG.providesService, SVC[services.code_of(c[6]) or SERVICE_CODE]))
            add((est, PROV.wasDerivedFrom, record))
            add((est, SKOS.prefLabel, Literal(c[4], lang="ja")))
            add((est, KG.nameKana, Literal(c[5])))
            code = c[0]
            if is_valid_local_government_code(code):
                area = KGD[f"area/{code}"]
                add((est, KG.locatedIn, area))
                if code not in areas:
                    areas.add(code)
                    pref_code = f"{code[:2]}000" + str(local_government_check_digit(f"{code[:2]}000"))
                    add((area, RDF.type, KG.Municipality))
                    add((area, KG.withinArea, KGD[f"area/{pref_code}"]))
                    add((area, KG.localGovernmentCode, Literal(code)))
                    add((area, PROV.wasDerivedFrom, record))
                    add((area, SKOS.prefLabel, Literal(c[2] + c[3], lang="ja")))
                    if pref_code not in areas:
                        areas.add(pref_code)
                        pref = KGD[f"area/{pref_code}"]
                        add((pref, RDF.type, KG.Prefecture))
                        add((pref, KG.localGovernmentCode, Literal(pref_code)))
                        add((pref, PROV.wasDerivedFrom, record))
                        add((pref, SKOS.prefLabel, Literal(c[2], lang="ja")))
            address = c[7] if not c[8] or c[8] in c[7] else f"{c[7]} {c[8]}"
            add((est, SCHEMA.address, Literal(address)))
            add((est, SCHEMA.latitude, Literal(c[9], datatype=XSD.decimal)))
            add((est, SCHEMA.longitude, Literal(c[10], datatype=XSD.decimal)))
            add((est, SCHEMA.telephone, Literal(c[11])))
            if c[12]:
                add((est, SCHEMA.faxNumber, Literal(c[12])))
            if c[19].startswith(("http://", "https://")):
                add((est, SCHEMA.url, URIRef(c[19])))
            if c[18]:
                add((est, KG.capacity, Literal(int(c[18]))))
            number, name = c[13], c[14]
            valid = is_valid_corporate_number(number)
            if valid:
                org = KGD[f"org/cn/{number}"]
            else:
                digest = hashlib.sha256(normalize_name(name).encode()).hexdigest()[:16]
                org = KGD[f"org/name/{code[:2]}/{digest}"]
            add((est, KG.operatedBy, org))
            add((org, KG.operates, est))
            add((org, PROV.wasDerivedFrom, record))
            facts = entities.setdefault(org, {"valid": valid, "names": {}, "numbers": set()})
            facts["names"][name] = facts["names"].get(name, 0) + 1
            if number:
                facts["numbers"].add(number)
    for org, facts in entities.items():
        add((org, RDF.type, KG.Organization))
        if facts["valid"]:
            add((org, RDF.type, KG.RegisteredOrganization))
        for number in facts["numbers"]:
            add((org, KG.corporateNumber, Literal(number)))
        ranked = sorted(facts["names"].items(), key=lambda item: (-item[1], item[0]))
        add((org, SKOS.prefLabel, Literal(ranked[0][0], lang="ja")))
        for name, _ in ranked[1:]:
            add((org, SKOS.altLabel, Literal(name, lang="ja")))
        form = recognizer.recognize(ranked[0][0])
        if form is not None:
            add((org, KG.hasLegalForm, URIRef(form)))
    return graph


# --------------------------------------------------------------------- measuring ----
class _PeakRss:
    """Samples this process's RSS with psutil every 20 ms; ``peak`` in MiB."""

    def __init__(self) -> None:
        self.process = psutil.Process()
        self.peak = self.process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __enter__(self) -> _PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)


def _child(mode: str, path: Path, limit: int | None, profile: bool) -> dict:
    """Run one variant in this (fresh) process and return its figures."""
    from kgtool import KnowledgeGraph
    from kgtool.importers.mhlw import _catalogue, import_mhlw

    _catalogue()  # ontology parsing is a one-off cost, not part of the import
    LegalFormRecognizer.default()
    with _PeakRss() as rss:
        started, cpu_started = time.perf_counter(), time.process_time()
        if mode == "rdflib":
            graph = rdflib_baseline(path, limit)
            rows, triples = (limit or _count_rows(path)), len(graph)
        else:
            tmp = tempfile.TemporaryDirectory() if mode == "disk" else None
            kg = KnowledgeGraph(Path(tmp.name) / "store" if tmp else None)
            profiler = cProfile.Profile() if profile else None
            if profiler:
                profiler.enable()
            summary = import_mhlw(kg, path, progress=False)
            if profiler:
                profiler.disable()
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(14)
                print(out.getvalue(), file=sys.stderr)
            rows, triples = summary.rows_loaded, kg.count(summary.graph)
            kg.close()
            if tmp:
                tmp.cleanup()
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    return {"mode": mode, "rows": rows, "triples": triples, "seconds": seconds, "cpu_seconds": cpu,
            "peak_rss_mib": rss.peak / 2**20}


def _count_rows(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle) - 1


def verify(path: Path) -> None:
    """Check that the importer and the baseline produce exactly the same triples."""
    from kgtool import KnowledgeGraph
    from kgtool.importers.mhlw import import_mhlw
    from kgtool.store import to_rdflib

    kg = KnowledgeGraph()
    summary = import_mhlw(kg, path, progress=False)
    def plain(term):
        # RDF 1.1: a simple literal is an xsd:string (rdflib spells it without datatype); Oxigraph
        # stores decimals in canonical form, so compare decimals by value
        if isinstance(term, Literal) and term.datatype == XSD.string:
            return Literal(str(term))
        if isinstance(term, Literal) and term.datatype == XSD.decimal:
            return ("decimal", Decimal(str(term)))
        return term

    ours = {(to_rdflib(t.subject), to_rdflib(t.predicate), plain(to_rdflib(t.object)))
            for t in kg.triples(summary.graph)}
    theirs = {(s, p, plain(o)) for s, p, o in rdflib_baseline(path)}
    if ours != theirs:
        print(f"verify: DIFFERENT — only kgtool {len(ours - theirs)}, only rdflib {len(theirs - ours)}")
        for triple in list(ours ^ theirs)[:10]:
            print("   ", triple)
        raise SystemExit(1)
    print(f"verify: kgtool and the rdflib baseline produce the same {len(ours)} triples")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--baseline-rows", type=int, default=50_000,
                        help="rows the rdflib baseline loads (0: all); rates are compared per row")
    parser.add_argument("--verify", action="store_true", help="check identical triples on 2,000 rows first")
    parser.add_argument("--profile", action="store_true", help="cProfile the in-memory import")
    parser.add_argument("--child", choices=("memory", "disk", "rdflib"), help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        print(json.dumps(_child(args.child, args.file, args.limit, args.profile)))
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        if args.verify:
            small = Path(tmp) / "small"
            small.mkdir()
            verify(generate(small / "jigyosho_110.csv", 2_000, args.seed))
        started = time.perf_counter()
        path = generate(Path(tmp) / "jigyosho_110.csv", args.rows, args.seed)
        print(f"generated {args.rows:,} rows ({path.stat().st_size / 2**20:.1f} MiB) in "
              f"{time.perf_counter() - started:.1f} s; machine: {psutil.cpu_count()} cores")
        limit = None if args.baseline_rows <= 0 or args.baseline_rows >= args.rows else args.baseline_rows
        results = []
        for mode in ("memory", "disk", "rdflib"):
            cmd = [sys.executable, __file__, "--child", mode, "--file", str(path)]
            if mode == "rdflib" and limit:
                cmd += ["--limit", str(limit)]
            if mode == "memory" and args.profile:
                cmd.append("--profile")
            done = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True)
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    baseline = results[-1]
    base_rate = baseline["rows"] / baseline["seconds"]
    base_cpu_rate = baseline["rows"] / baseline["cpu_seconds"]
    names = {"memory": "kgtool import_mhlw (memory)", "disk": "kgtool import_mhlw (disk)",
             "rdflib": "rdflib Graph().add baseline"}
    print(f"load average {', '.join(f'{x:.1f}' for x in psutil.getloadavg())} "
          "(wall-clock rates suffer on a shared machine; CPU-time rates much less)")
    print(f"\n{'variant':<30} {'rows':>9} {'triples':>10} {'wall s':>7} {'CPU s':>7} {'rows/s':>8} "
          f"{'rows/CPU-s':>10} {'triples/s':>10} {'peak RSS':>9} {'vs rdflib':>9} {'(CPU)':>6}")
    for r in results:
        rate, cpu_rate = r["rows"] / r["seconds"], r["rows"] / r["cpu_seconds"]
        print(f"{names[r['mode']]:<30} {r['rows']:>9,} {r['triples']:>10,} {r['seconds']:>7.2f} "
              f"{r['cpu_seconds']:>7.2f} {rate:>8,.0f} {cpu_rate:>10,.0f} "
              f"{r['triples'] / r['seconds']:>10,.0f} {r['peak_rss_mib']:>7.0f}Mi "
              f"{rate / base_rate:>8.1f}x {cpu_rate / base_cpu_rate:>5.1f}x")
    if limit:
        print(f"(the rdflib baseline loaded the first {limit:,} rows; ratios compare rows/s)")
    print("targets: >= 10x the rdflib baseline, >= 50,000 rows/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
