"""Synthetic graphs with planted SHACL violations, for the validation benchmark and the tests
that hold the fast path to pyshacl.

:func:`generate` writes ``n`` organisations and ``n`` establishments (plus areas, persons, posts,
memberships, co-production relations and survey indicators in proportion) into a source graph
of a store whose ontology is loaded. Every ``every``-th entity of a kind carries one planted
violation, cycling through the kinds listed in :data:`PLANTS`, so every constraint of the shipped
shapes fails somewhere and passes elsewhere. Values are deterministic for a given ``seed``.
"""
from __future__ import annotations

import random

from .codes import corporate_number_check_digit, local_government_check_digit
from .importers.ntriples import iri, literal, typed
from .namespaces import KG, KGD, LF, ORG, RDF, SCHEMA, SKOS, SVC, source_graph
from .store import KnowledgeGraph

__all__ = ["generate", "PLANTS", "corporate_number", "lg_code"]

_DCT_SOURCE = "<http://purl.org/dc/terms/source>"
_XSD = "http://www.w3.org/2001/XMLSchema#"

#: Planted violations per kind of entity (the names say what is wrong).
PLANTS: dict[str, tuple[str, ...]] = {
    "org": ("no-legal-form", "two-legal-forms", "unknown-legal-form", "no-name", "two-ja-names",
            "cn-12-digits", "cn-check-digit", "two-cns", "cn-integer", "sector-conflict",
            "sector-unknown", "status-unknown", "closed-on-ill-typed", "registered-without-cn",
            "blank-node-org", "two-closed-on", "two-statuses", "two-sectors"),
    "est": ("no-number", "number-lowercase", "number-integer", "two-numbers", "no-operator",
            "operator-not-org", "unknown-service", "no-service", "area-literal", "two-areas",
            "area-bad-check-digit", "area-5-digits", "latitude-out-of-range", "longitude-ill-typed",
            "latitude-string", "two-latitudes", "capacity-negative", "capacity-decimal",
            "two-capacities", "operator-by-inverse-only", "two-longitudes"),
    "post": ("start-after-end", "no-holder", "in-not-org", "role-unknown", "end-string", "two-starts",
             "two-ends", "holder-not-person", "two-holders", "two-orgs", "no-org", "two-roles", "start-string"),
    "relation": ("one-participant", "participant-literal", "no-pestoff-type", "pestoff-unknown",
                 "no-service", "instrument-unknown", "start-after-end", "participants-via-participation",
                 "area-unknown", "end-string", "two-ends", "two-pestoff-types", "service-not-service",
                 "start-string", "two-starts"),
    "indicator": ("share-over-100", "share-negative", "share-string", "no-source", "year-gyear",
                  "year-1800", "no-measure", "two-shares", "measure-not-measure", "two-measures",
                  "no-indicator-of", "indicator-of-literal", "no-share", "two-years", "no-year", "year-2200"),
    "membership": ("member-literal", "start-after-end", "no-organization", "end-string", "two-ends",
                   "two-members", "no-member", "organization-not-org", "two-organizations",
                   "start-string", "two-starts"),
    "person": ("no-name", "skill-unknown"),
    "area": ("no-code", "code-check-digit", "two-codes", "code-integer"),
}

_LEGAL_FORMS = ("KabushikiKaisha", "NpoHojin", "ShakaiFukushiHojin", "IryoHojin", "GodoKaisha",
                "YugenKaisha", "SeikatsuKyodoKumiai", "IppanShadanHojin", "ChihoKokyoDantai",
                "WorkersCollective", "Chonaikai", "KoekiZaidanHojin")
_SERVICES = ("110", "120", "150", "430", "510", "550", "710", "living-support", "childcare")
_SECTORS = {"KabushikiKaisha": "Market", "GodoKaisha": "Market", "YugenKaisha": "Market",
            "NpoHojin": "ThirdSector", "ShakaiFukushiHojin": "ThirdSector", "IryoHojin": "ThirdSector",
            "SeikatsuKyodoKumiai": "ThirdSector", "IppanShadanHojin": "ThirdSector",
            "WorkersCollective": "ThirdSector", "KoekiZaidanHojin": "ThirdSector",
            "ChihoKokyoDantai": "State", "Chonaikai": "Community"}


def corporate_number(i: int) -> str:
    """A valid corporate number derived from ``i``."""
    base = f"{i:012d}"
    return f"{corporate_number_check_digit(base)}{base}"


def lg_code(i: int) -> str:
    """A valid local-government code derived from ``i`` (first five digits 10000 + i)."""
    first = f"{10000 + i:05d}"
    return f"{first}{local_government_check_digit(first)}"


def _wrong_check(code: str, first_is_check: bool) -> str:
    pos = 0 if first_is_check else len(code) - 1
    digit = (int(code[pos]) + 1) % 10
    return code[:pos] + str(digit) + code[pos + 1:]


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def t(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o} .\n")


def _plant(kind: str, i: int, every: int) -> str | None:
    if every <= 0 or i % every != every - 1:
        return None
    plants = PLANTS[kind]
    return plants[(i // every) % len(plants)]


def _period(w: _Writer, subject: str, p: str | None, years: tuple[int, int], *, with_end: bool) -> None:
    """Start and end dates, with the planted date violations."""
    start, end = (years[1] + 2, years[1]) if p == "start-after-end" else years
    date = _XSD + "date"
    w.t(subject, f"<{KG.startDate}>", literal(f"{start}-04-01", None if p == "start-string" else date))
    if p == "two-starts":
        w.t(subject, f"<{KG.startDate}>", literal(f"{start}-05-01", date))
    if with_end or p in ("start-after-end", "end-string", "two-ends"):
        w.t(subject, f"<{KG.endDate}>", literal(f"{end}-03-31", None if p == "end-string" else date))
    if p == "two-ends":
        w.t(subject, f"<{KG.endDate}>", literal(f"{end}-02-28", date))


def generate(kg: KnowledgeGraph, n: int, *, every: int = 50, seed: int = 7,
             source_id: str = "synthetic/graph") -> dict[str, int]:
    """Write ``n`` organisations, ``n`` establishments and smaller numbers of the other kinds
    into ``source_graph(source_id)``; one entity in ``every`` carries a planted violation.

    Returns how many entities of each kind were written and how many violations were planted.
    """
    rng = random.Random(seed)
    w = _Writer()
    a, label = f"<{RDF.type}>", f"<{SKOS.prefLabel}>"
    counts = {"planted": 0}

    def plant(kind: str, i: int) -> str | None:
        p = _plant(kind, i, every)
        counts["planted"] += p is not None
        return p

    n_areas = max(20, n // 1000)
    for i in range(n_areas):
        area = iri(f"{KGD}area/{lg_code(i)}")
        p = plant("area", i)
        w.t(area, a, f"<{KG.Area}>")
        w.t(area, a, f"<{KG.Municipality}>")
        code = lg_code(i)
        if p == "no-code":
            continue
        if p == "code-check-digit":
            code = _wrong_check(code, first_is_check=False)
        w.t(area, f"<{KG.localGovernmentCode}>", literal(code))
        if p == "code-integer":
            w.t(area, f"<{KG.localGovernmentCode}>", typed(code, "integer"))
            continue
        if p == "two-codes":
            w.t(area, f"<{KG.localGovernmentCode}>", literal(lg_code(i + 5000)))
    bad_area = iri(f"{KGD}area/bad-check")
    w.t(bad_area, a, f"<{KG.Area}>")
    w.t(bad_area, f"<{KG.localGovernmentCode}>", literal(_wrong_check(lg_code(1), False)))
    short_area = iri(f"{KGD}area/short")
    w.t(short_area, a, f"<{KG.Area}>")
    w.t(short_area, f"<{KG.localGovernmentCode}>", literal("12345"))

    orgs = []
    for i in range(n):
        p = plant("org", i)
        org = "_:org" + str(i) if p == "blank-node-org" else iri(f"{KGD}org/synthetic/{i}")
        orgs.append(org)
        form = _LEGAL_FORMS[rng.randrange(len(_LEGAL_FORMS))]
        w.t(org, a, f"<{KG.Organization}>")
        if p != "no-name":
            w.t(org, label, literal(f"組織{i}", lang="ja"))
            w.t(org, label, literal(f"Organisation {i}", lang="en"))
        if p == "two-ja-names":
            w.t(org, label, literal(f"別名{i}", lang="ja"))
        if p == "unknown-legal-form":
            w.t(org, f"<{KG.hasLegalForm}>", f"<{LF}Nonexistent>")
        elif p != "no-legal-form":
            w.t(org, f"<{KG.hasLegalForm}>", f"<{LF}{form}>")
        if p == "two-legal-forms":
            w.t(org, f"<{KG.hasLegalForm}>", f"<{LF}NpoHojin>")
        cn = corporate_number(i + 1)
        if p == "cn-12-digits":
            cn = cn[:12]
        elif p == "cn-check-digit":
            cn = _wrong_check(cn, first_is_check=True)
        if p == "cn-integer":
            w.t(org, f"<{KG.corporateNumber}>", typed(cn, "integer"))
        elif p != "registered-without-cn":
            w.t(org, f"<{KG.corporateNumber}>", literal(cn))
        if p == "two-cns":
            w.t(org, f"<{KG.corporateNumber}>", literal(corporate_number(i + 10_000_000)))
        if p == "registered-without-cn" or i % 4 == 0:
            w.t(org, a, f"<{KG.RegisteredOrganization}>")
        sector = {"sector-conflict": "Community" if _SECTORS[form] != "Community" else "Market",
                  "sector-unknown": "Nowhere"}.get(p or "", _SECTORS[form])
        w.t(org, f"<{KG.sector}>", f"<{KG}{sector}>")
        if p == "two-sectors":
            w.t(org, f"<{KG.sector}>", f"<{KG}{'State' if sector != 'State' else 'Market'}>")
        status = "Dormant" if p == "status-unknown" else ("Active" if i % 9 else "Closed")
        w.t(org, f"<{KG.status}>", f"<{KG}{status}>")
        if p == "two-statuses":
            w.t(org, f"<{KG.status}>", f"<{KG}Closed>")
        if status == "Closed" or p in ("closed-on-ill-typed", "two-closed-on"):
            date = "2020-13-45" if p == "closed-on-ill-typed" else f"20{i % 20:02d}-03-31"
            w.t(org, f"<{KG.closedOn}>", literal(date, _XSD + "date"))
        if p == "two-closed-on":
            w.t(org, f"<{KG.closedOn}>", literal("2001-01-01", _XSD + "date"))

    for i in range(n):
        p = plant("est", i)
        est = iri(f"{KGD}est/synthetic/{i}")
        w.t(est, a, f"<{KG.Establishment}>")
        w.t(est, label, literal(f"事業所{i}", lang="ja"))
        number = f"{i:010d}"
        if p == "number-lowercase":
            number = f"{i:09d}b"
        if p == "number-integer":
            w.t(est, f"<{KG.establishmentNumber}>", typed(number, "integer"))
        elif p != "no-number":
            w.t(est, f"<{KG.establishmentNumber}>", literal(number))
        if p == "two-numbers":
            w.t(est, f"<{KG.establishmentNumber}>", literal(f"9{i:09d}"))
        operator = orgs[rng.randrange(n)]
        if p == "operator-not-org":
            w.t(est, f"<{KG.operatedBy}>", iri(f"{KGD}person/synthetic/0"))
        elif p == "operator-by-inverse-only":
            w.t(operator, f"<{KG.operates}>", est)
        elif p != "no-operator":
            w.t(est, f"<{KG.operatedBy}>", operator)
        service = "999" if p == "unknown-service" else _SERVICES[rng.randrange(len(_SERVICES))]
        if p != "no-service":
            w.t(est, f"<{KG.providesService}>", f"<{SVC}{service}>")
        area = iri(f"{KGD}area/{lg_code(rng.randrange(n_areas))}")
        if p == "area-literal":
            w.t(est, f"<{KG.locatedIn}>", literal("ひかり野市"))
        elif p == "area-bad-check-digit":
            w.t(est, f"<{KG.locatedIn}>", bad_area)
        elif p == "area-5-digits":
            w.t(est, f"<{KG.locatedIn}>", short_area)
        else:
            w.t(est, f"<{KG.locatedIn}>", area)
        if p == "two-areas":
            w.t(est, f"<{KG.locatedIn}>", iri(f"{KGD}area/{lg_code(0)}x"))
        lat = f"{35 + rng.random():.6f}"
        lon = f"{139 + rng.random():.6f}"
        if p == "latitude-out-of-range":
            lat = "139.500000"
        if p == "latitude-string":
            w.t(est, f"<{SCHEMA.latitude}>", literal(lat))
        else:
            w.t(est, f"<{SCHEMA.latitude}>", typed(lat, "decimal"))
        if p == "two-latitudes":
            w.t(est, f"<{SCHEMA.latitude}>", typed("36.000000", "decimal"))
        w.t(est, f"<{SCHEMA.longitude}>", typed("abc" if p == "longitude-ill-typed" else lon, "decimal"))
        if p == "two-longitudes":
            w.t(est, f"<{SCHEMA.longitude}>", typed("140.000000", "decimal"))
        if i % 3 == 0 or p in ("capacity-negative", "capacity-decimal", "two-capacities"):
            capacity = {"capacity-negative": "-1"}.get(p or "", str(i % 120))
            if p == "capacity-decimal":
                w.t(est, f"<{KG.capacity}>", typed("3.5", "decimal"))
            else:
                w.t(est, f"<{KG.capacity}>", typed(capacity, "integer"))
            if p == "two-capacities":
                w.t(est, f"<{KG.capacity}>", typed("7", "integer"))

    n_people = max(60, n // 20)
    for i in range(n_people):
        p = plant("person", i)
        person = iri(f"{KGD}person/synthetic/{i}")
        w.t(person, a, f"<{KG.Person}>")
        if p != "no-name":
            w.t(person, label, literal(f"人物{i}", lang="ja"))
        skill = "Juggling" if p == "skill-unknown" else "MapMaking"
        w.t(person, f"<{KG.hasSkill}>", f"<https://w3id.org/kgtool/skill/{skill}>")
        p = plant("post", i)
        post = iri(f"{KGD}post/synthetic/{i}")
        w.t(post, a, f"<{ORG.Post}>")
        holder = orgs[i % n] if p == "holder-not-person" else person
        if p != "no-holder":
            w.t(post, f"<{ORG.heldBy}>", holder)
        if p == "two-holders":
            w.t(post, f"<{ORG.heldBy}>", iri(f"{KGD}person/synthetic/{(i + 1) % n_people}"))
        if p != "no-org":
            w.t(post, f"<{ORG.postIn}>", person if p == "in-not-org" else orgs[(i * 7) % n])
        if p == "two-orgs":
            w.t(post, f"<{ORG.postIn}>", orgs[(i * 7 + 1) % n])
        w.t(post, f"<{ORG.role}>", f"<{KG}role-{'Wizard' if p == 'role-unknown' else 'Director'}>")
        if p == "two-roles":
            w.t(post, f"<{ORG.role}>", f"<{KG}role-Chair>")
        _period(w, post, p, (2000 + i % 10, 2012 + i % 10), with_end=bool(i % 2))
        p = plant("membership", i)
        membership = iri(f"{KGD}membership/synthetic/{i}")
        w.t(membership, a, f"<{ORG.Membership}>")
        if p != "no-member":
            w.t(membership, f"<{ORG.member}>", literal("someone") if p == "member-literal" else person)
        if p == "two-members":
            w.t(membership, f"<{ORG.member}>", orgs[i % n])
        if p != "no-organization":
            w.t(membership, f"<{ORG.organization}>", person if p == "organization-not-org" else orgs[(i * 11) % n])
        if p == "two-organizations":
            w.t(membership, f"<{ORG.organization}>", orgs[(i * 11 + 1) % n])
        _period(w, membership, p, (2010, 2021), with_end=True)

    for i in range(n_people):
        p = plant("relation", i)
        rel = iri(f"{KGD}coprod/synthetic/{i}")
        w.t(rel, a, f"<{KG.CoProductionRelation}>")
        parts = [orgs[(i * 3) % n]] if p == "one-participant" else [orgs[(i * 3) % n], orgs[(i * 5 + 1) % n]]
        if p == "participants-via-participation":
            for k, who in enumerate(parts):
                node = iri(f"{KGD}coprod/synthetic/{i}/participation/{k}")
                w.t(rel, f"<{KG.hasParticipation}>", node)
                w.t(node, f"<{KG.participant}>", who)
        else:
            for who in parts:
                w.t(rel, f"<{KG.participant}>", who)
        if p == "participant-literal":
            w.t(rel, f"<{KG.participant}>", literal("the neighbours"))
        if p != "no-pestoff-type":
            w.t(rel, f"<{KG.pestoffType}>", f"<{KG}{'CoFunding' if p == 'pestoff-unknown' else 'CoProduction'}>")
        if p == "two-pestoff-types":
            w.t(rel, f"<{KG.pestoffType}>", f"<{KG}CoGovernance>")
        if p != "no-service":
            service = f"<{KG}Subsidy>" if p == "service-not-service" else f"<{SVC}living-support>"
            w.t(rel, f"<{KG.concernsService}>", service)
        w.t(rel, f"<{KG.instrument}>", f"<{KG}{'Bribery' if p == 'instrument-unknown' else 'Subsidy'}>")
        w.t(rel, f"<{KG.inArea}>", iri(f"{KGD}area/{'nowhere' if p == 'area-unknown' else lg_code(0)}"))
        _period(w, rel, p, (2018, 2024), with_end=True)

    for i in range(max(60, n // 100)):
        p = plant("indicator", i)
        ind = iri(f"{KGD}indicator/synthetic/{i}")
        w.t(ind, a, f"<{KG.SurveyIndicator}>")
        target = orgs[i % n] if not orgs[i % n].startswith("_:") else f"<{LF}NpoHojin>"
        if p == "indicator-of-literal":
            target = literal("NPOs")
        if p != "no-indicator-of":
            w.t(ind, f"<{KG.indicatorOf}>", target)
        measure = f"<{KG}Subsidy>" if p == "measure-not-measure" else f"<{KG.PerceivedDemocraticManagement}>"
        if p != "no-measure":
            w.t(ind, f"<{KG.measure}>", measure)
        if p == "two-measures":
            w.t(ind, f"<{KG.measure}>", f"<{KG}OtherMeasure>")
        share = {"share-over-100": "120.5", "share-negative": "-1.0"}.get(p or "", f"{50 + i % 50}.5")
        if p != "no-share":
            w.t(ind, f"<{KG.shareValue}>", literal(share) if p == "share-string" else typed(share, "decimal"))
        if p == "two-shares":
            w.t(ind, f"<{KG.shareValue}>", typed("12.0", "decimal"))
        if p == "year-gyear":
            w.t(ind, f"<{KG.surveyYear}>", literal("2005", _XSD + "gYear"))
        elif p != "no-year":
            w.t(ind, f"<{KG.surveyYear}>", typed({"year-1800": "1800", "year-2200": "2200"}.get(p or "", str(2000 + i % 20)), "integer"))
        if p == "two-years":
            w.t(ind, f"<{KG.surveyYear}>", typed("1999", "integer"))
        if p != "no-source":
            w.t(ind, _DCT_SOURCE, literal("Synthetic survey", lang="en"))

    graph = source_graph(source_id)
    kg.drop_graph(graph)
    kg.load_data("".join(w.lines).encode("utf-8"), format="nt", graph=graph)
    counts.update(organizations=n, establishments=n, areas=n_areas, persons=n_people, posts=n_people,
                  memberships=n_people, relations=n_people, indicators=max(60, n // 100))
    return counts
