"""A synthetic national graph, written in the real input formats, for benchmarks and scale tests.

Japan has about 1.52 million civil-society organisations (Imamura 2012, Figure-1) besides its
companies. :func:`generate` writes a deterministic, realistic stand-in for them, at any size, as
the files the real import path reads, so a benchmark measures what users run:

* ``nta/houjin.csv`` — the corporate-number registry's full-download layout (30 columns, UTF-8,
  no header) for every registered organisation (non-profit corporations, cooperatives, companies,
  local governments);
* ``mhlw/jigyosho_<code>.csv`` — MHLW long-term-care open data (24 columns, UTF-8 with BOM), one
  row per establishment, its operator named as in real files (``社会福祉法人○○会``, ``○○株式会社``);
* ``groups/`` — CSVW tables (the users'-own-tables path): areas with adjacency, unincorporated
  groups (neighbourhood associations, children's and elderly people's groups, other civic groups),
  persons, posts, network memberships, co-production relations and their participants, and survey
  indicators.

Organisations follow the Figure-1 distribution read from the ontology (``kg:CountObservation``),
scaled to the requested total, plus for-profit providers (``for_profit_share`` of the total).
Planted violations — corporate numbers with a wrong check digit, posts that end before they
start, relations with a single participant, survey shares above 100 % — are counted in
``manifest.json`` so a benchmark can check validation finds exactly them.
"""
from __future__ import annotations

import csv
import json
import random
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rdflib.namespace import RDF

from .codes import corporate_number_check_digit, local_government_check_digit
from .namespaces import KG, LF
from .ontology import ontology_graph

__all__ = ["Manifest", "figure_1_distribution", "generate"]

#: MHLW header, in order (see the real files in ../shared/realdata/mhlw_kaigo/).
MHLW_HEADER = [
    "都道府県コード又は市町村コード", "No", "都道府県名", "市区町村名", "事業所名", "事業所名カナ",
    "サービスの種類", "住所", "方書（ビル名等）", "緯度", "経度", "電話番号", "FAX番号", "法人番号",
    "法人の名称", "事業所番号", "利用可能曜日", "利用可能曜日特記事項", "定員", "URL",
    "高齢者の方と障害者の方が同時一体的に利用できるサービス", "介護保険の通常の指定基準を満たしている",
    "障害福祉の通常の指定基準を満たしている", "備考"]

_STEMS = ("ひかり", "あおば", "さくら", "みどり", "ひまわり", "つばさ", "なごみ", "やまびこ", "かがやき",
          "ふるさと", "あさひ", "せせらぎ", "こもれび", "はるか", "すずらん", "わかば", "ゆうあい", "ほほえみ")
_PREFECTURES = 47
_MUNICIPALITIES_PER_PREFECTURE = 37  # 47 × 37 = 1,739 ≈ Japan's 1,741 municipalities

#: How organisations of each form are named, registered and run establishments.
#: name: format with {s} (stem) and {n} (number); nta: registry kind ("" = not registered);
#: reg: registry-type digits of the corporate number; services: (codes, mean establishments).
_FORMS: dict[str, dict] = {
    "KoekiShadanHojin": {"name": "公益社団法人{s}協会{n}", "nta": "399", "reg": "05", "services": (("430", "110"), 0.2)},
    "KoekiZaidanHojin": {"name": "公益財団法人{s}財団{n}", "nta": "399", "reg": "05", "services": (("520",), 0.05)},
    "IppanShadanHojin": {"name": "一般社団法人{s}ケアネット{n}", "nta": "399", "reg": "05", "services": (("430", "110"), 0.2)},
    "IppanZaidanHojin": {"name": "一般財団法人{s}文化財団{n}", "nta": "399", "reg": "05", "services": ((), 0)},
    "ShakaiFukushiHojin": {"name": "社会福祉法人{s}福祉会{n}", "nta": "399", "reg": "05", "services": (("510", "150", "210", "110", "430"), 3.0)},
    "ShukyoHojin": {"name": "宗教法人{s}寺{n}", "nta": "399", "reg": "05", "services": ((), 0)},
    "GakkoHojin": {"name": "学校法人{s}学園{n}", "nta": "399", "reg": "05", "services": ((), 0)},
    "IryoHojin": {"name": "医療法人社団{s}会{n}", "nta": "399", "reg": "05", "services": (("520", "550", "130", "160"), 1.5)},
    "SeikatsuKyodoKumiai": {"name": "{s}生活協同組合{n}", "nta": "399", "reg": "05", "services": (("110", "150"), 0.5)},
    "NogyoKyodoKumiai": {"name": "{s}農業協同組合{n}", "nta": "399", "reg": "05", "services": (("110", "150"), 0.3)},
    "NpoHojin": {"name": "特定非営利活動法人{s}{n}", "nta": "399", "reg": "05", "services": (("110", "150", "780"), 0.4)},
    "Chonaikai": {"name": "{s}{n}町内会", "nta": "", "services": ((), 0)},
    "Kodomokai": {"name": "{s}{n}子ども会", "nta": "", "services": ((), 0)},
    "Rojinkai": {"name": "{s}{n}老人クラブ", "nta": "", "services": ((), 0)},
    "OtherCivicGroup": {"name": "{s}{n}ボランティアグループ", "nta": "", "services": ((), 0)},
    "KabushikiKaisha": {"name": "株式会社{s}ケア{n}", "nta": "301", "reg": "01", "services": (("110", "150", "320", "331", "170", "430"), 2.5)},
    "YugenKaisha": {"name": "有限会社{s}介護{n}", "nta": "302", "reg": "02", "services": (("110", "150"), 1.2)},
    "GodoKaisha": {"name": "合同会社{s}デイ{n}", "nta": "305", "reg": "05", "services": (("150", "110"), 1.0)},
}
#: Figure-1 types that stand for several forms here: the count is split between them.
_SPLIT = {"KoekiHojin": ("KoekiShadanHojin", "KoekiZaidanHojin", "IppanShadanHojin", "IppanZaidanHojin"),
          "KyodoKumiai": ("SeikatsuKyodoKumiai", "NogyoKyodoKumiai")}
_FOR_PROFIT = {"KabushikiKaisha": 0.6, "YugenKaisha": 0.25, "GodoKaisha": 0.15}
_SERVICE_NAMES = {"110": "訪問介護", "120": "訪問入浴介護", "130": "訪問看護", "150": "通所介護",
                  "160": "通所リハビリテーション", "170": "福祉用具貸与", "210": "短期入所生活介護",
                  "320": "認知症対応型共同生活介護", "331": "特定施設入居者生活介護（有料老人ホーム）",
                  "430": "居宅介護支援", "510": "介護老人福祉施設", "520": "介護老人保健施設",
                  "550": "介護医療院", "780": "地域密着型通所介護"}
_WITH_CAPACITY = {"150", "210", "320", "331", "510", "520", "550", "780"}


@dataclass
class Manifest:
    """What :func:`generate` wrote: counts, files and planted violations."""

    seed: int
    organizations: int
    by_form: dict[str, int]
    registered: int
    groups: int
    establishments: int
    municipalities: int
    persons: int
    posts: int
    relations: int
    files: dict[str, list[str]] = field(default_factory=dict)
    planted: dict[str, int] = field(default_factory=dict)

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2), encoding="utf-8")


def figure_1_distribution() -> dict[str, int]:
    """Figure-1 counts per legal form (local name), read from the ontology's count observations."""
    graph = ontology_graph()
    counts = {}
    for obs in graph.subjects(RDF.type, KG.CountObservation):
        form = graph.value(obs, KG.countOf)
        if form is not None and str(form).startswith(str(LF)) and form != LF.scheme:
            counts[str(form)[len(str(LF)):]] = int(graph.value(obs, KG["count"]))
    return counts


def _allocate(total: int, for_profit_share: float) -> dict[str, int]:
    figure = figure_1_distribution()
    civil = round(total / (1 + for_profit_share))
    scale = civil / sum(figure.values())
    shares: dict[str, float] = {}
    for form, count in figure.items():
        parts = _SPLIT.get(form, (form,))
        for part in parts:
            shares[part] = count * scale / len(parts)
    for form, share in _FOR_PROFIT.items():
        shares[form] = (total - civil) * share
    counts = {form: int(value) for form, value in shares.items()}
    # give the rounding remainder to the largest types, so the total is exact
    for form, _ in sorted(shares.items(), key=lambda kv: kv[1] - int(kv[1]), reverse=True)[: total - sum(counts.values())]:
        counts[form] += 1
    return counts


def _corporate_number(base: str, *, valid: bool = True) -> str:
    check = corporate_number_check_digit(base)
    return str(check if valid else (check + 1) % 10) + base


def _areas() -> list[tuple[str, str, str, str]]:
    """(code, prefecture code, prefecture name, municipality name) for every municipality."""
    areas = []
    for p in range(1, _PREFECTURES + 1):
        for m in range(_MUNICIPALITIES_PER_PREFECTURE):
            first5 = f"{p:02d}{201 + m:03d}"
            code = first5 + str(local_government_check_digit(first5))
            pref = f"{p:02d}000"
            areas.append((code, pref + str(local_government_check_digit(pref)), f"架空{p}県", f"第{m + 1}市"))
    return areas


def generate(out: str | Path, *, organizations: int = 1_524_846, seed: int = 1, violations: int = 100,
             for_profit_share: float = 0.05, persons_per_1000: float = 40.0) -> Manifest:
    """Write a synthetic national graph of about ``organizations`` organisations to ``out``.

    Deterministic from ``seed``. ``violations`` planted problems of each kind (fewer when the
    graph is too small to hold them).
    """
    out = Path(out)
    rng = random.Random(seed)
    for sub in ("nta", "mhlw", "groups"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    counts = _allocate(organizations, for_profit_share)
    areas = _areas()
    planted: Counter[str] = Counter()

    orgs: list[tuple[str, str, str, tuple[str, str, str, str]]] = []  # (iri suffix, form, name, area)
    nta_path = out / "nta" / "houjin.csv"
    groups_rows: list[list[str]] = []
    with nta_path.open("w", encoding="utf-8", newline="") as nta_file:
        nta = csv.writer(nta_file, lineterminator="\n")
        seq = 0
        for area in areas:  # local governments first: kind 201, number check + 000020 + LG code
            seq += 1
            number = _corporate_number("000020" + area[0])
            nta.writerow(_nta_row(seq, number, area[3], "201", area))
        for form, count in sorted(counts.items()):
            spec = _FORMS[form]
            for i in range(count):
                area = areas[rng.randrange(len(areas))]
                name = spec["name"].format(s=_STEMS[i % len(_STEMS)], n=i + 1)
                if spec["nta"]:
                    seq += 1
                    base = f"{int(area[1][:2]):02d}{spec['reg']}{seq:08d}"
                    number = _corporate_number(base)
                    nta.writerow(_nta_row(seq, number, name, spec["nta"], area))
                    orgs.append((f"org/cn/{number}", form, name, area))
                else:
                    gid = f"{form.lower()}-{i + 1}"
                    groups_rows.append([gid, name, form, area[0]])
                    orgs.append((f"org/group/{gid}", form, name, area))

    establishments = _write_mhlw(out / "mhlw", orgs, rng, violations, planted)
    persons, posts, relations = _write_groups(out / "groups", areas, groups_rows, orgs, rng,
                                              violations, planted, persons_per_1000)
    manifest = Manifest(
        seed=seed, organizations=sum(counts.values()), by_form=counts, registered=seq,
        groups=len(groups_rows), establishments=establishments, municipalities=len(areas),
        persons=persons, posts=posts, relations=relations,
        files={"nta": [str(nta_path)], "mhlw": sorted(str(p) for p in (out / "mhlw").glob("*.csv")),
               "csvw": [str(out / "groups" / "groups.csv-metadata.json")]},
        planted=dict(planted))
    manifest.write(out / "manifest.json")
    return manifest


def _nta_row(seq: int, number: str, name: str, kind: str, area: tuple[str, str, str, str]) -> list[str]:
    code, pref, pref_name, city = area
    return [str(seq), number, "01", "1", "2024-03-29", "2015-10-05", name, "", kind, pref_name, city,
            f"{seq % 9 + 1}丁目{seq % 30 + 1}番", "", code[:2], code[2:5], f"{seq % 9000000 + 1000000:07d}",
            "", "", "", "", "", "", "2015-10-05", "1", "", "", "", "", "", "0"]


def _write_mhlw(folder: Path, orgs: list, rng: random.Random, violations: int, planted: Counter) -> int:
    writers: dict[str, tuple] = {}
    rows_written = 0
    bad_numbers_left = violations
    try:
        for iri, form, name, area in orgs:
            codes, mean = _FORMS[form]["services"]
            if not codes:
                continue
            whole, frac = divmod(mean, 1)
            n = int(whole) + (1 if rng.random() < frac else 0)
            number = iri.rsplit("/", 1)[-1] if iri.startswith("org/cn/") else ""
            for _ in range(n):
                code = codes[rng.randrange(len(codes))]
                if code not in writers:
                    handle = (folder / f"jigyosho_{code}.csv").open("w", encoding="utf-8-sig", newline="")
                    writer = csv.writer(handle, lineterminator="\r\n")
                    writer.writerow(MHLW_HEADER)
                    writers[code] = (handle, writer)
                rows_written += 1
                est_no = f"{area[0][:2]}{rows_written:08d}"
                reported = number
                if bad_numbers_left > 0 and number and rows_written % 97 == 0:
                    reported = str((int(number[0]) + 1) % 10) + number[1:]  # a wrong check digit
                    bad_numbers_left -= 1
                    planted["invalid_corporate_number_check_digit"] += 1
                capacity = str(rng.randrange(10, 120)) if code in _WITH_CAPACITY else "0"
                lat = 30 + rng.random() * 14
                lon = 130 + rng.random() * 15
                writers[code][1].writerow([
                    area[0], est_no, area[2], area[3], f"{name} {_SERVICE_NAMES[code]}{rows_written}",
                    "", _SERVICE_NAMES[code], f"{area[2]}{area[3]}{rows_written % 50 + 1}番地", "",
                    f"{lat:.15f}", f"{lon:.15f}", "03-0000-0000", "", reported, name, est_no,
                    "平日", "", capacity, "", "", "", "", ""])
    finally:
        for handle, _ in writers.values():
            handle.close()
    return rows_written


def _write_groups(folder: Path, areas: list, groups_rows: list, orgs: list, rng: random.Random,
                  violations: int, planted: Counter, persons_per_1000: float) -> tuple[int, int, int]:
    def table(name: str, header: list[str], rows) -> None:
        with (folder / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)

    by_pref: dict[str, list[str]] = {}
    for code, *_ in areas:
        by_pref.setdefault(code[:2], []).append(code)
    area_rows = []
    for code, pref, pref_name, city in areas:
        siblings = by_pref[code[:2]]
        i = siblings.index(code)
        adjacent = ";".join(siblings[j] for j in (i - 1, i + 1) if 0 <= j < len(siblings))
        area_rows.append([code, f"{pref_name}{city}", "Municipality", pref, adjacent])
    for pref in sorted({a[1] for a in areas}):
        area_rows.append([pref, f"架空{int(pref[:2])}県", "Prefecture", "", ""])
    table("areas.csv", ["code", "name_ja", "type", "within", "adjacent"], area_rows)
    table("groups.csv", ["id", "name_ja", "legal_form", "area"], groups_rows)

    n_persons = max(2, int(len(orgs) * persons_per_1000 / 1000))
    table("persons.csv", ["id", "name_ja"], ([f"p{i}", f"人物{i}"] for i in range(n_persons)))
    posts = []
    bad_posts = violations
    for i in range(n_persons):
        for k in range(rng.choice((1, 1, 2, 3))):
            org = orgs[rng.randrange(len(orgs))][0]
            start, end = 1990 + rng.randrange(30), ""
            if k == 0 and bad_posts > 0 and i % 50 == 0:
                end, bad_posts = f"{start - 1}-03-31", bad_posts - 1
                planted["post_ends_before_it_starts"] += 1
            elif rng.random() < 0.4:
                end = f"{start + rng.randrange(1, 10)}-03-31"
            posts.append([f"{i}-{k}", f"p{i}", org, f"{start}-04-01", end])
    table("posts.csv", ["id", "person", "organization", "start", "end"], posts)

    relations, participations = [], []
    bad_relations = violations
    n_relations = max(1, len(orgs) // 100)
    services = sorted(_SERVICE_NAMES)
    for r in range(n_relations):
        area = areas[rng.randrange(len(areas))][0]
        relations.append([f"r{r}", rng.choice(("CoGovernance", "CoManagement", "CoProduction")),
                          rng.choice(("Commissioning", "Subsidy", "PartnershipAgreement")),
                          rng.choice(services), area, f"{2000 + r % 20}-04-01"])
        size = 1 if (bad_relations > 0 and r % 20 == 0) else rng.choice((2, 2, 3, 4))
        if size == 1:
            bad_relations -= 1
            planted["relation_with_one_participant"] += 1
        chosen = rng.sample(range(len(orgs)), size)
        for n, index in enumerate(chosen, start=1):
            participations.append([f"r{r}", str(n), orgs[index][0], "RegularProducer" if n > 1 else "Commissioner"])
    table("relations.csv", ["id", "pestoff_type", "instrument", "service", "area", "start"], relations)
    table("participations.csv", ["relation", "n", "participant", "role"], participations)

    indicators = []
    for i in range(max(1, len(orgs) // 1000)):
        share = rng.randrange(300, 1000) / 10
        if i < violations and i % 3 == 0:
            share = 100 + rng.randrange(1, 500) / 10
            planted["share_above_100"] += 1
        indicators.append([f"i{i}", orgs[rng.randrange(len(orgs))][0], f"{share:.1f}", str(2000 + i % 24)])
    table("indicators.csv", ["id", "organization", "share", "year"], indicators)
    (folder / "groups.csv-metadata.json").write_text(json.dumps(_csvw_metadata(), ensure_ascii=False, indent=1),
                                                    encoding="utf-8")
    return n_persons, len(posts), n_relations


def _csvw_metadata() -> dict:
    d, k = "https://w3id.org/kgtool/data/", "https://w3id.org/kgtool/ont#"

    def col(name: str, prop: str | None = None, **kw) -> dict:
        return {"name": name, "titles": name, **({"propertyUrl": prop} if prop else {}), **kw}

    def virtual(name: str, prop: str, value: str, about: str | None = None) -> dict:
        return {"name": name, "virtual": True, "propertyUrl": prop, "valueUrl": value,
                **({"aboutUrl": about} if about else {})}

    return {"@context": ["http://www.w3.org/ns/csvw", {"@language": "ja"}],
            "dc:title": "Synthetic national graph (kgtool.synth)", "tables": [
        {"url": "areas.csv", "tableSchema": {"aboutUrl": d + "area/{code}", "columns": [
            col("code", k + "localGovernmentCode", lang="und", required=True),
            col("name_ja", "skos:prefLabel", lang="ja"), col("type", "rdf:type", valueUrl=k + "{type}"),
            col("within", k + "withinArea", valueUrl=d + "area/{within}"),
            col("adjacent", k + "adjacentTo", valueUrl=d + "area/{adjacent}", separator=";"),
            virtual("area", "rdf:type", k + "Area")]}},
        {"url": "groups.csv", "tableSchema": {"aboutUrl": d + "org/group/{id}", "columns": [
            col("id", suppressOutput=True), col("name_ja", "skos:prefLabel", lang="ja"),
            col("legal_form", k + "hasLegalForm", valueUrl="https://w3id.org/kgtool/legal-form/{legal_form}"),
            col("area", k + "locatedIn", valueUrl=d + "area/{area}"),
            virtual("type", "rdf:type", k + "Organization")]}},
        {"url": "persons.csv", "tableSchema": {"aboutUrl": d + "person/{id}", "columns": [
            col("id", suppressOutput=True), col("name_ja", "skos:prefLabel", lang="ja"),
            virtual("type", "rdf:type", k + "Person")]}},
        {"url": "posts.csv", "tableSchema": {"aboutUrl": d + "post/{id}", "columns": [
            col("id", suppressOutput=True), col("person", "org:heldBy", valueUrl=d + "person/{person}"),
            col("organization", "org:postIn", valueUrl=d + "{+organization}"),
            col("start", k + "startDate", datatype="date"), col("end", k + "endDate", datatype="date"),
            virtual("type", "rdf:type", "org:Post"),
            virtual("holds", "org:holds", d + "post/{id}", about=d + "person/{person}")]}},
        {"url": "relations.csv", "tableSchema": {"aboutUrl": d + "coprod/{id}", "columns": [
            col("id", suppressOutput=True), col("pestoff_type", k + "pestoffType", valueUrl=k + "{pestoff_type}"),
            col("instrument", k + "instrument", valueUrl=k + "{instrument}"),
            col("service", k + "concernsService", valueUrl="https://w3id.org/kgtool/service/{service}"),
            col("area", k + "inArea", valueUrl=d + "area/{area}"),
            col("start", k + "startDate", datatype="date"),
            virtual("type", "rdf:type", k + "CoProductionRelation")]}},
        {"url": "participations.csv", "tableSchema": {"aboutUrl": d + "coprod/{relation}/participation/{n}", "columns": [
            col("relation", suppressOutput=True), col("n", suppressOutput=True),
            col("participant", k + "participant", valueUrl=d + "{+participant}"),
            col("role", k + "participantRole", valueUrl=k + "{role}"),
            virtual("type", "rdf:type", k + "Participation"),
            virtual("link", k + "hasParticipation", d + "coprod/{relation}/participation/{n}", about=d + "coprod/{relation}"),
            virtual("shortcut", k + "participant", d + "{+participant}", about=d + "coprod/{relation}")]}},
        {"url": "indicators.csv", "tableSchema": {"aboutUrl": d + "indicator/{id}", "columns": [
            col("id", suppressOutput=True),
            col("organization", k + "indicatorOf", valueUrl=d + "{+organization}"),
            col("share", k + "shareValue", datatype="decimal"), col("year", k + "surveyYear", datatype="integer"),
            virtual("measure", k + "measure", k + "PerceivedDemocraticManagement"),
            virtual("source", "dcterms:source", d + "source/synthetic"),
            virtual("type", "rdf:type", k + "SurveyIndicator")]}},
    ]}
