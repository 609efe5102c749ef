"""The saved queries (queries/*.rq) and running them: kgtool.queries and the query CLI.

Every expectation on the example region is worked out by hand from examples/region/*.csv; the
comment next to each says why the row is (or is not) there. The MHLW expectations are counted
from the real CSV files with the csv module.
"""
from __future__ import annotations

import csv
import json
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from kgtool import KnowledgeGraph
from kgtool.cli import main
from kgtool.codes import is_valid_corporate_number, is_valid_local_government_code
from kgtool.errors import QueryError
from kgtool.importers.csvw import import_csvw
from kgtool.namespaces import KG, KGD, LF, SVC
from kgtool.queries import (bind_params, catalogue, is_update, load, parse_header, prepare, query_form,
                            run, run_sparql)
from kgtool.reason import materialize
from kgtool.resources import example_region_dir
from kgtool.sparql_values import strip_noise

H = "https://w3id.org/kgtool/data/org/hikarino/"
P = "https://w3id.org/kgtool/data/person/"
FIELD = "https://w3id.org/kgtool/service/field-"


def org(name: str) -> URIRef:
    return URIRef(H + name)


def _build(kg: KnowledgeGraph) -> KnowledgeGraph:
    kg.load_ontology()
    summary = import_csvw(kg, example_region_dir() / "region.csv-metadata.json", source_id="example/region")
    assert summary.rows_rejected == 0
    materialize(kg)
    return kg


@pytest.fixture(scope="module")
def region() -> KnowledgeGraph:
    """Ontology + example region, materialised (sectors, classes, eligibility, inverses)."""
    return _build(KnowledgeGraph())


def by(result, column: str) -> dict:
    return {row[column]: row for row in result.rows}


def words(term) -> set[str]:
    return set(str(term).split()) if term is not None else set()


# ---------------------------------------------------------------------------------------
# The catalogue
# ---------------------------------------------------------------------------------------
REQUIRED = {"partners", "partner-pairs", "eligible-forms", "service-providers", "bridging-persons",
            "welfare-triangle", "figure1-counts", "coverage-gaps", "concentration",
            "social-capital", "find-organization"}


def test_catalogue_has_every_query_with_bilingual_metadata():
    saved = catalogue()
    assert REQUIRED <= set(saved)
    for query in saved.values():
        assert query.title("en") != query.name and query.title("ja") != query.title("en"), query.name
        assert query.description("en") and query.description("ja"), query.name
        assert query.question("en") and query.question("ja"), query.name
        assert query.form == "SELECT"
        assert query.columns, f"{query.name} documents no columns"
        for p in query.params:
            assert p.description, (query.name, p.name)
            assert p.required or p.default is not None or p.example, (query.name, p.name)
        as_dict = query.as_dict("ja")
        assert as_dict["title"] == query.title("ja") and as_dict["params"] == [p.as_dict() for p in query.params]


def test_every_query_runs_on_the_region_and_returns_its_documented_columns(region):
    for query in catalogue().values():
        params = {p.name: p.example for p in query.params if p.required}
        result = run(region, query.name, params)
        assert result.columns == [name for name, _ in query.columns], query.name
        assert result.rows, f"{query.name} returned nothing on the example region"


def test_header_continuation_lines_and_unknown_type(tmp_path):
    texts, params, columns = parse_header(
        "# title: A\n#   continued: with a colon\n# param: x | iri | optional | example=kg:A | the x\n"
        "# column: y | the y\nSELECT * WHERE { ?s ?p ?o }\n")
    assert texts["title"][""] == "A continued: with a colon"
    assert params[0].name == "x" and params[0].example == "kg:A"
    assert columns == [("y", "the y")]
    with pytest.raises(QueryError, match="unknown type 'uri'"):
        parse_header("# param: x | uri | required\n")


def test_unknown_query_and_parameter_list_what_exists(region):
    with pytest.raises(QueryError) as exc:
        run(region, "partner", {})
    assert "partners" in str(exc.value) and "social-capital" in str(exc.value)
    with pytest.raises(QueryError) as exc:
        run(region, "partners", {"org": "kgd:org/hikarino/tasukeai", "sevice": "svc:110"})
    assert "'sevice'" in str(exc.value) and "org, service, area" in str(exc.value)
    with pytest.raises(QueryError, match="needs the parameter 'org'.*kgd:org/hikarino/tasukeai"):
        run(region, "partners", {})
    with pytest.raises(QueryError, match="boolean"):
        run(region, "coverage-gaps", {"area": "kgd:area/992011", "all": "maybe"})


# ---------------------------------------------------------------------------------------
# Hostile parameter values
# ---------------------------------------------------------------------------------------
HOSTILE = ['"} UNION { ?s ?p ?o }', "x'} UNION { ?s ?p ?o } #", 'a" . ?s ?p ?o . FILTER("1',
           "} } SELECT * WHERE { ?s ?p ?o }"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_iri_values_are_rejected(region, value):
    for text in (value, "kgd:org/" + value, "<https://x.org/" + value + ">", "https://x.org/" + value):
        with pytest.raises(QueryError, match="IRI"):
            run(region, "partners", {"org": text})


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_string_values_stay_one_literal(region, value):
    # find-organization matches names containing the text: a hostile text matches nothing, and
    # above all does not turn the query into "every triple" (which would return rows).
    result = run(region, "find-organization", {"name": value})
    assert result.rows == []
    _, sparql = prepare("find-organization", {"name": value})
    assert "UNION { ?s ?p ?o }" not in sparql.replace(value.replace('"', '\\"'), "")


def test_string_parameter_finds_by_name(region):
    # ひかりケア is in 株式会社ひかりケアサービス only; "care" (any case) in the English names of
    # Hikari Care, Nichibo Care, GlobalCare Japan, Hikarino Care Net, the Care Business
    # Cooperative and the Community Care Council.
    assert {r["organization"] for r in run(region, "find-organization", {"name": "ひかりケア"}).rows} \
        == {org("hikari-care")}
    found = {r["organization"] for r in run(region, "find-organization", {"name": "CARE"}).rows}
    assert found == {org(n) for n in ("hikari-care", "nichibo", "globalcare", "carenet",
                                     "kaigo-jigyo", "care-council")}


def test_bind_params_reaches_sub_queries_and_escapes():
    text = 'SELECT ?x WHERE { { SELECT ?x WHERE { ?x ?p "WHERE {" } } }  # WHERE {'
    bound = bind_params(text, {"name": Literal('"} UNION {')})
    assert bound.count('VALUES (?name) { ("\\"} UNION {") }') == 2
    assert bound.endswith("# WHERE {")


@pytest.mark.parametrize("text, kept", [
    ('?s ?p "a \\" WHERE {" . # WHERE {\n}', "?s ?p . }"),
    ("?s ?p '''it's \"\" WHERE {''' .", "?s ?p ."),
    ('FILTER(?a < ?b && ?c > 1) <http://x.jp/#WHERE>', 'FILTER(?a < ?b && ?c > 1)'),
    ('?s ?p "unterminated WHERE {', '?s ?p'),
    ("?s ?p 'a\\'", "?s ?p"),
])
def test_strip_noise_blanks_comments_strings_and_iris_only(text, kept):
    """Keywords are looked for, and VALUES inserted, in the query with comments, strings and
    IRIs blanked: the blanked text keeps every index, and a "<" comparison is not an IRI."""
    stripped = strip_noise(text)
    assert len(stripped) == len(text)
    assert stripped.split() == kept.split() and "WHERE" not in stripped


@pytest.mark.parametrize("text, keyword", [
    ("DELETE WHERE { ?s ?p ?o }", "DELETE"),
    ("PREFIX ex: <urn:x#> insert data { ex:a ex:b ex:c }", "INSERT"),
    ("SELECT * WHERE { ?s ?p ?o } ;\nload <http://example.org/x>", "LOAD"),
    ('SELECT * WHERE { ?s ?p "DELETE" } # INSERT', None),
    ("SELECT ?add ?insert WHERE { ?add kg:copy $delete ; ex:load-drop ?move, ex:a.clear . }", None),
    ("SELECT * WHERE { ?s <urn:x#CLEAR> ?ADDRESS }", None),
])
def test_update_keywords_are_found_only_as_keywords(text, keyword):
    assert is_update(text) == keyword


@pytest.mark.parametrize("text, form", [
    ("PREFIX ex: <urn:x#> SELECT * WHERE { ?s ex:ask ?o }", "SELECT"),
    ("# SELECT in a comment\nprefix ex: <urn:select#> construct { ?s ?p ?o } where { ?s ?p ?o }", "CONSTRUCT"),
    ("BASE <urn:x> Ask { ?select ?p ?o }", "ASK"),
    ("DESCRIBE <urn:x>", "DESCRIBE"),
])
def test_query_form_is_the_first_form_keyword(text, form):
    assert query_form(text) == form


def test_updates_are_refused_and_forms_detected(region):
    with pytest.raises(QueryError, match="read-only"):
        run_sparql(region, "INSERT DATA { <urn:a> <urn:b> <urn:c> }")


# ---------------------------------------------------------------------------------------
# Partners
# ---------------------------------------------------------------------------------------
def test_partners_for_tasukeai_reasons_for_named_pairs(region):
    result = run(region, "partners", {"org": "kgd:org/hikarino/tasukeai"})
    rows = by(result, "partner")
    scores = [int(r["score"]) for r in result.rows]
    assert scores == sorted(scores, reverse=True)

    # shakyo: both run home-visit care (110: HomeVisit) and a community service (tasukeai meal
    # delivery, shakyo living support: Community); Sato Hanako (chair of tasukeai, director of
    # shakyo) and Kobayashi Yumi (director of tasukeai, coordinator at shakyo) bridge them; both
    # sit in the care council; both third sector; foundation board vs democratic governance.
    # score = 3*2 + 2*2 + 0 + 1 + 0 + 0 + 1 (same area) = 12, the top.
    shakyo = rows[org("shakyo")]
    assert result.rows[0]["partner"] == org("shakyo")
    assert words(shakyo["sharedFieldList"]) == {FIELD + "HomeVisit", FIELD + "Community"}
    assert words(shakyo["bridgingPersonList"]) == {P + "sato-hanako", P + "kobayashi-yumi"}
    assert (int(shakyo["sharedNetworks"]), shakyo["otherSector"].toPython(),
            shakyo["governanceCompatible"].toPython()) == (1, False, False)
    assert int(shakyo["complementaryServices"]) == 2  # 150 day care and living support
    assert int(shakyo["complementaryEligibility"]) == 0  # an NPO may run 110, 150, living support
    assert int(shakyo["score"]) == 12

    # hikari-care (market): shares HomeVisit (110), the care council, no person (Suzuki left it
    # for mimamori and itchome); score = 2 + 1 + 1 (other sector) + 1 (same area) = 5.
    care = rows[org("hikari-care")]
    assert words(care["sharedFieldList"]) == {FIELD + "HomeVisit"}
    assert int(care["bridgingPersons"]) == 0 and int(care["sharedNetworks"]) == 1
    assert care["sector"] == KG.Market and care["otherSector"].toPython() is True
    assert int(care["score"]) == 5

    # hikari-kai runs a health-care facility (520), which an NPO may not: complementary
    # eligibility; home nursing (130) is HomeVisit; medical corporation and NPO are both
    # democratically governed; score = 2 + 2 + 1 + 1 + 1 = 7.
    kai = rows[org("hikari-kai")]
    assert words(kai["complementaryEligibilityList"]) == {str(SVC["520"])}
    assert kai["governanceCompatible"].toPython() is True and int(kai["score"]) == 7

    # aoba-kaigo is only in Aoba Town, which neighbours Hikarino City
    assert int(rows[org("aoba-kaigo")]["areaDistance"]) == 1
    # not candidates: itself; itchome and the city (the ongoing partnership agreement r04);
    # ikueikai (closed); the care council (a network); Kawabe village is not adjacent to
    # Hikarino; shinrin (third sector in Aoba, no services) has no reason
    for absent in ("tasukeai", "itchome", "hikarino-city", "ikueikai", "care-council",
                   "kawabe-kosei", "kawabe-yogu", "shinrin"):
        assert org(absent) not in rows, absent
    # aoba-town and aoba-fukushi shared the ended relation r02 with each other, not with tasukeai
    assert org("aoba-town") in rows


def test_partners_for_a_service(region):
    # hikari-care (a K.K.) may not run a nursing home (510: social welfare corporations and local
    # governments). Candidates: those providing a Facility service nearby — aoba-fukushi (510 in
    # Aoba), sekijuji (520 in Hikarino) — or eligible for 510 — aoba-town. The city, shakyo and
    # hikari-kai qualify too but share the ongoing care council relation r05 with hikari-care.
    result = run(region, "partners", {"org": "kgd:org/hikarino/hikari-care", "service": "svc:510"})
    rows = by(result, "partner")
    assert set(rows) == {org("aoba-fukushi"), org("sekijuji"), org("aoba-town")}
    assert {p: r["mayOperateService"].toPython() for p, r in rows.items()} == {
        org("aoba-fukushi"): True, org("aoba-town"): True, org("sekijuji"): False}


def test_partners_in_a_given_area(region):
    # tasukeai looking in Aoba Town: aoba-kaigo (market), aoba-town (state), aoba-fukushi (third
    # sector but running 510 and 150, which tasukeai does not); shinrin, aobadai and aoba-bunka
    # are third sector without services.
    result = run(region, "partners", {"org": "kgd:org/hikarino/tasukeai", "area": "kgd:area/993018"})
    assert set(by(result, "partner")) == {org("aoba-kaigo"), org("aoba-town"), org("aoba-fukushi")}


class RdflibSource:
    """A second, independent SPARQL engine: plain rdflib over the same triples."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.graph = Graph()
        self.graph.parse(data=kg.serialize(format="nt").decode("utf-8"), format="nt")

    def select(self, sparql: str):
        result = self.graph.query(sparql)
        names = [str(v) for v in result.vars]
        return names, [{n: row[n] for n in names} for row in result]


@pytest.mark.slow
@pytest.mark.parametrize("name, params", [
    ("bridging-persons", {}),
    ("eligible-forms", {"service": "svc:510"}),
    ("concentration", {"service": "svc:110"}),
    ("social-capital", {"org": "kgd:org/hikarino/hikari-care"}),
    ("partners", {"org": "kgd:org/hikarino/hikari-care"}),
    ("partners", {"org": "kgd:org/hikarino/tasukeai", "service": "svc:110"}),
    ("partners", {"org": "kgd:org/hikarino/tasukeai", "area": "kgd:area/993018"}),
    ("partner-pairs", {"area": "kgd:area/992011"}),
    # (not with all=true: rdflib 7.6 drops a service with no provider in the area but one
    # elsewhere, https://github.com/RDFLib/rdflib/issues/2332, VALUES followed by OPTIONAL)
    ("coverage-gaps", {"area": "kgd:area/992011"}),
    ("coverage-gaps", {"area": "kgd:area/992011", "sector": "kg:Market"}),
    ("figure1-counts", {}),
    ("find-organization", {"name": "ひかり"}),
    ("service-providers", {"service": "svc:110"}),
    ("welfare-triangle", {"area": "kgd:area/992011"}),
])
def test_same_rows_on_another_engine(region, name, params):
    """Plain SPARQL: rdflib, knowing nothing of kgtool, gives the same rows through run(),
    every column compared, for every saved query.

    (The partners cases caught a query that Oxigraph answered right and rdflib 7.6 wrong: a
    sub-SELECT that renamed the variable it was joined on, ``(?form AS ?formOrNone)``, which
    rdflib evaluated as a cross product: 137 rows instead of 29.)
    """
    ours = run(region, name, params)
    theirs = run(RdflibSource(region), name, params)
    def norm(result):
        return sorted(tuple(" ".join(sorted(str(r[c]).split())) if r[c] is not None else "" for c in result.columns)
                      for r in result.rows)
    assert ours.columns == theirs.columns
    assert norm(ours) == norm(theirs)


def test_partner_pairs_across_hikarino(region):
    result = run(region, "partner-pairs", {"area": "kgd:area/992011"})
    pairs = {(r["orgA"], r["orgB"]): r for r in result.rows}
    # hikari-care and itchome: Suzuki Ichiro (ex-manager of hikari-care, member of itchome) and
    # the care council; market vs community; 3 + 1 = 4, the top pair.
    top = result.rows[0]
    assert (top["orgA"], top["orgB"]) == (org("hikari-care"), org("itchome"))
    assert (int(top["bridgingPersons"]), int(top["sharedNetworks"]), int(top["score"])) == (1, 1, 4)
    # hikari-care and tasukeai share HomeVisit (110) and the council: 2 + 1
    assert int(pairs[(org("hikari-care"), org("tasukeai"))]["score"]) == 3
    # never the same sector, each pair once, none already partners (r01: city + shakyo)
    assert all(r["sectorA"] != r["sectorB"] for r in result.rows)
    assert all(str(a) < str(b) for a, b in pairs)
    assert (org("hikarino-city"), org("shakyo")) not in pairs


# ---------------------------------------------------------------------------------------
# Eligibility, providers, triangle, Figure-1
# ---------------------------------------------------------------------------------------
def test_eligible_forms_for_nursing_homes(region):
    # 510 is reserved to social welfare corporations (and councils, a narrower form) and local
    # governments; the city runs Hikari-so, aoba-fukushi Aoba no Sato; no council runs one.
    rows = by(run(region, "eligible-forms", {"service": "svc:510"}), "legalForm")
    assert {k: int(v["providers"]) for k, v in rows.items()} == {
        LF.ChihoKokyoDantai: 1, LF.ShakaiFukushiHojin: 1, LF.ShakaiFukushiKyogikai: 0}
    only_aoba = by(run(region, "eligible-forms", {"service": "svc:510", "area": "kgd:area/993018"}), "legalForm")
    assert int(only_aoba[LF.ChihoKokyoDantai]["providers"]) == 0  # Aoba Town runs no nursing home


def test_service_providers_of_home_care_in_hikarino(region):
    # 110 in 992011: shakyo, tasukeai, the co-op, hikari-care (Honcho and Kita), nichibo: 6 sites
    result = run(region, "service-providers", {"service": "svc:110", "area": "kgd:area/992011"})
    rows = by(result, "provider")
    assert {k: int(v["establishments"]) for k, v in rows.items()} == {
        org("shakyo"): 1, org("tasukeai"): 1, org("hikarino-coop"): 1, org("hikari-care"): 2, org("nichibo"): 1}
    assert Fraction(str(rows[org("hikari-care")]["share"])).limit_denominator(100) == Fraction(1, 3)
    assert all(r["eligible"].toPython() for r in result.rows)  # 110 is open to any corporation
    frame = result.to_dataframe()
    assert list(frame.columns) == result.columns and frame["establishments"].sum() == 6


def test_welfare_triangle_of_home_care_in_hikarino(region):
    result = run(region, "welfare-triangle", {"area": "kgd:area/992011", "service": "svc:110"})
    cells = {(r["sector"], r["legalForm"]): (int(r["providers"]), int(r["establishments"])) for r in result.rows}
    assert cells == {(KG.Market, LF.KabushikiKaisha): (2, 3),  # hikari-care (2 sites), nichibo
                     (KG.ThirdSector, LF.ShakaiFukushiKyogikai): (1, 1),
                     (KG.ThirdSector, LF.NpoHojin): (1, 1),
                     (KG.ThirdSector, LF.SeikatsuKyodoKumiai): (1, 1)}
    assert sum(float(r["share"]) for r in result.rows) == pytest.approx(1, abs=0.001)


def test_figure1_counts_beside_the_region(region):
    rows = by(run(region, "figure1-counts"), "countOf")
    # the paper's figures, from the ontology
    assert (int(rows[LF.KoekiHojin]["paperCount"]), rows[LF.KoekiHojin]["qualifier"]) == (25263, KG.MoreThan)
    assert int(rows[URIRef(str(LF) + "scheme")]["paperCount"]) == 1524846
    # cooperatives: hikarino-coop, ja, gyokyo, shinrin, kaigo-jigyo, nukumori, rokyo, shinkumi,
    # wco-yui (all narrower forms of KyodoKumiai) = 9; public interest: silver, kenko-zaidan,
    # fukushi-kyokai (ikueikai is closed) = 3; Chonaikai: itchome + aobadai (authorised) = 2
    assert int(rows[LF.KyodoKumiai]["inGraph"]) == 9
    assert int(rows[LF.KoekiHojin]["inGraph"]) == 3
    assert int(rows[LF.Chonaikai]["inGraph"]) == 2
    assert int(rows[URIRef(str(LF) + "scheme")]["inGraph"]) == sum(
        int(r["inGraph"]) for k, r in rows.items() if k != URIRef(str(LF) + "scheme"))


def test_coverage_gaps_in_hikarino(region):
    rows = by(run(region, "coverage-gaps", {"area": "kgd:area/992011", "sector": "kg:Market"}), "service")
    assert str(rows[SVC["430"]]["gap"]) == "no provider of the sector"  # the city and carenet
    assert str(rows[SVC["120"]]["gap"]) == "single provider"  # only GlobalCare bathes at home
    assert SVC["110"] not in rows and SVC["150"] not in rows  # 5 and 4 providers, market among them
    assert SVC["550"] not in rows  # nobody in Hikarino: only listed with all=true
    everything = by(run(region, "coverage-gaps", {"area": "kgd:area/992011", "all": "true"}), "service")
    assert str(everything[SVC["550"]]["gap"]) == "no provider"  # Kawabe's is in Kawabe village


def test_concentration_of_home_care(region):
    # 110 everywhere: hikari-care 2, shakyo, tasukeai, co-op, nichibo, aoba-kaigo 1 each = 7 sites;
    # the 4 largest (ties by IRI): hikari-care, aoba-kaigo, hikarino-coop, nichibo = 5 sites,
    # three of them market; HHI = 10000 * (4 + 5 * 1) / 49; market sites 2 + 1 + 1 = 4.
    row = run(region, "concentration", {"service": "svc:110"}).rows[0]
    frac = {k: Fraction(str(row[k])).limit_denominator(10) for k in
            ("largestShare", "top4Share", "top8Share", "forProfitShare")}
    assert (int(row["providers"]), int(row["establishments"]), row["largestProvider"]) == (6, 7, org("hikari-care"))
    assert frac == {"largestShare": Fraction(2, 7), "top4Share": Fraction(5, 7), "top8Share": 1,
                    "forProfitShare": Fraction(4, 7)}
    assert float(row["hhi"]) == pytest.approx(90000 / 49, abs=0.005)  # rounded to 2 decimals
    assert int(row["forProfitInTop4"]) == 3


def test_bridging_persons(region):
    rows = by(run(region, "bridging-persons"), "person")
    # Sato: city (state) -> tasukeai, shakyo (third); Suzuki: hikari-care (market) -> mimamori,
    # itchome (community); Kato: city + care council (community); Tanaka: hikari-kai + council;
    # Watanabe: Aoba Town -> nichibo; Yamamoto: kodomo-mori + kodomokai. Kobayashi (shakyo,
    # tasukeai), Ito (aoba-fukushi, carenet), Takahashi (wco-yui, co-op) and Nakamura (itchome,
    # senior clubs) stay within one sector.
    assert set(rows) == {URIRef(P + n) for n in ("sato-hanako", "suzuki-ichiro", "kato-ryo",
                                                 "tanaka-ken", "watanabe-makoto", "yamamoto-sakura")}
    suzuki = rows[URIRef(P + "suzuki-ichiro")]
    assert words(suzuki["sectorList"]) == {str(KG.Market), str(KG.Community)}
    assert words(suzuki["organizationList"]) == {H + "hikari-care", H + "mimamori", H + "itchome"}
    pair = by(run(region, "bridging-persons", {"orgA": "kgd:org/hikarino/tasukeai",
                                               "orgB": "kgd:org/hikarino/shakyo"}), "person")
    assert set(pair) == {URIRef(P + "sato-hanako"), URIRef(P + "kobayashi-yumi")}


def test_social_capital(region):
    rows = by(run(region, "social-capital", {"area": "kgd:area/992011"}), "organization")
    care = rows[org("hikari-care")]
    # posts p04 and p20 (Suzuki); partners in r05 (city, shakyo, hikari-kai) and r06 (mimamori);
    # Suzuki also ties mimamori and itchome; the council's six other members; 7 distinct.
    assert [int(care[k]) for k in ("posts", "members", "partnerOrganizations",
                                   "sharedPersonOrganizations", "networkPeers", "externalTies")] \
        == [2, 0, 4, 2, 6, 7]
    assert Fraction(str(care["bridgingRatio"])).limit_denominator(100) == Fraction(7, 9)
    assert int(rows[org("kaigo-jigyo")]["members"]) == 2  # nukumori and egao
    assert org("care-council") not in rows and org("ikueikai") not in rows
    assert org("aoba-fukushi") not in rows  # Aoba Town, not Hikarino


def test_a_candidate_without_legal_form_is_one_row(region):
    """An organisation with no legal form is a candidate like any other, in one row: its
    governance is unknown, not every legal form's default."""
    kg = KnowledgeGraph()
    kg.load_data(region.serialize(format="nquads"), format="nquads")
    formless = f"{KGD}org/test/formless"
    kg.load_data(f"""@prefix kg: <{KG}> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <{formless}> a kg:Organization ; skos:prefLabel "法人格不明の会"@ja ;
            kg:locatedIn <{KGD}area/992011> ; kg:sector kg:Community .""", format="turtle", graph="urn:test")
    materialize(kg)  # kg:presentIn, which the query reads
    rows = [r for r in run(kg, "partners", {"org": "kgd:org/hikarino/hikari-care"}).rows
            if r["partner"] == URIRef(formless)]
    assert len(rows) == 1 and rows[0]["governance"] is None and rows[0]["legalForm"] is None


def test_social_capital_counts_an_organisation_with_no_known_area(region):
    """The area-less case: kg:presentIn drives the area mode only, so an organisation with no
    seat and no establishment still gets its ties when no area, or it alone, is asked for."""
    kg = KnowledgeGraph()
    kg.load_data(region.serialize(format="nquads"), format="nquads")
    nowhere = f"{KGD}org/test/nowhere"
    kg.load_data(f"""@prefix kg: <{KG}> . @prefix org: <http://www.w3.org/ns/org#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <{nowhere}> a kg:Organization ; skos:prefLabel "所在地不明の会"@ja .
        <{KGD}post/test/nowhere-chair> a org:Post ; org:postIn <{nowhere}> ;
            org:heldBy <{KGD}person/suzuki-ichiro> .""", format="turtle", graph="urn:test")
    for params in ({"org": nowhere}, {}):
        rows = by(run(kg, "social-capital", params), "organization")
        row = rows[URIRef(nowhere)]
        # one post; Suzuki's other organisations (hikari-care, mimamori, itchome …) are its peers
        assert int(row["posts"]) == 1 and int(row["sharedPersonOrganizations"]) >= 2, params
    assert URIRef(nowhere) not in by(run(kg, "social-capital", {"area": "kgd:area/992011"}), "organization")

# ---------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("store") / "db"
    with KnowledgeGraph(path) as kg:
        _build(kg)
    return path


def test_cli_query_formats(store_dir, capsys):
    assert main(["query", "partners", "-p", "org=kgd:org/hikarino/tasukeai", "--store", str(store_dir),
                 "-f", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    first = data["results"]["bindings"][0]
    assert first["partner"]["value"] == H + "shakyo" and first["score"]["value"] == "12"
    assert main(["query", "concentration", "-p", "service=svc:110", "--store", str(store_dir), "-f", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("providers,establishments,largestProvider") and lines[1].startswith("6,7,")
    assert main(["query", "eligible-forms", "-p", "service=svc:510", "--store", str(store_dir)]) == 0
    assert "lf:ShakaiFukushiKyogikai" in capsys.readouterr().out


def test_cli_errors_and_catalogue(store_dir, capsys):
    assert main(["query", "partners", "-p", 'org="} UNION { ?s ?p ?o }', "--store", str(store_dir)]) == 2
    assert "IRI" in capsys.readouterr().err
    assert main(["query", "nope", "--store", str(store_dir)]) == 2
    assert "partners" in capsys.readouterr().err
    assert main(["query", "partners", "-p", "org=kgd:x", "--store", str(store_dir),
                 "--endpoint", "http://127.0.0.1:9/query"]) == 2
    assert "not both" in capsys.readouterr().err
    assert main(["queries", "--json"]) == 0
    listed = {q["name"]: q for q in json.loads(capsys.readouterr().out)}
    assert REQUIRED <= set(listed) and listed["partners"]["params"][0]["name"] == "org"


def test_cli_sparql_read_only_unless_asked(store_dir, tmp_path, capsys):
    query = tmp_path / "q.rq"
    query.write_text("SELECT (COUNT(?o) AS ?n) WHERE { ?o kg:sector kg:Market }")
    assert main(["sparql", str(query), "--store", str(store_dir), "-f", "csv"]) == 0
    # market: aoba-kaigo, egao, globalcare, hikari-care, kawabe-yogu, nichibo, yamada
    assert capsys.readouterr().out.splitlines()[1] == "7"
    update = "INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }"
    assert main(["sparql", update, "--store", str(store_dir)]) == 2
    assert "--update" in capsys.readouterr().err
    assert main(["sparql", update, "--update", "--store", str(store_dir)]) == 0
    assert main(["sparql", "ASK { <urn:x:a> <urn:x:b> <urn:x:c> }", "--store", str(store_dir)]) == 0
    assert capsys.readouterr().out.strip() == "true"
    assert main(["sparql", "DELETE DATA { <urn:x:a> <urn:x:b> <urn:x:c> }", "--update",
                 "--store", str(store_dir)]) == 0


# ---------------------------------------------------------------------------------------
# Real MHLW data
# ---------------------------------------------------------------------------------------
MHLW_FILES = ("jigyosho_120.csv", "jigyosho_230.csv", "jigyosho_550.csv", "jigyosho_710.csv")


@pytest.fixture(scope="module")
def mhlw(realdata) -> KnowledgeGraph:
    from kgtool.importers.mhlw import import_mhlw

    kg = KnowledgeGraph()
    kg.load_ontology()
    for name in MHLW_FILES:
        import_mhlw(kg, realdata / "mhlw_kaigo" / name, progress=False)
    materialize(kg)
    return kg


def _rows(realdata: Path, name: str) -> list[list[str]]:
    with (realdata / "mhlw_kaigo" / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))[1:]


def test_mhlw_providers_of_integrated_care_in_kochi_city(mhlw, realdata):
    # 介護医療院 (550) in 高知市 (392014): counted in the CSV, grouped by valid corporate number
    rows = [r for r in _rows(realdata, "jigyosho_550.csv") if r[0] == "392014"]
    assert len(rows) == 14
    result = run(mhlw, "service-providers", {"service": "svc:550", "area": "kgd:area/392014"})
    assert sum(int(r["establishments"]) for r in result.rows) == len(rows)
    per_number = Counter(r[13] for r in rows if is_valid_corporate_number(r[13]))
    for number, count in per_number.items():
        row = by(result, "provider")[URIRef(f"{KGD}org/cn/{number}")]
        assert int(row["establishments"]) == count, number
    assert sum(float(r["share"]) for r in result.rows) == pytest.approx(1, abs=0.001)
    triangle = run(mhlw, "welfare-triangle", {"service": "svc:550", "area": "kgd:area/392014"})
    assert sum(int(r["establishments"]) for r in triangle.rows) == len(rows)


def test_mhlw_concentration_nationally(mhlw, realdata):
    # every 550 row with an operator and a valid municipality code is counted
    rows = [r for r in _rows(realdata, "jigyosho_550.csv")
            if (r[13] or r[14]) and is_valid_local_government_code(r[0])]
    result = run(mhlw, "concentration", {"service": "svc:550"}).rows[0]
    assert int(result["establishments"]) == len(rows)
    operators = Counter(r[13] for r in rows if is_valid_corporate_number(r[13]))
    number, most = operators.most_common(1)[0]
    assert float(result["largestShare"]) == pytest.approx(most / len(rows), abs=0.0001)
    assert 0 < float(result["hhi"]) <= 10000 and float(result["forProfitShare"]) == 0  # 550: no companies


def test_mhlw_eligibility_and_partners(mhlw, realdata):
    # 医療法人 named operators of 550 are medical corporations, eligible for 550
    forms = by(run(mhlw, "eligible-forms", {"service": "svc:550"}), "legalForm")
    assert int(forms[LF.IryoHojin]["providers"]) > 0
    assert LF.KabushikiKaisha not in forms
    # partners of a Kochi-city 550 operator are found among operators in Kochi city and its
    # neighbours (the MHLW files state no adjacency, so: the same city) and never itself
    rows = [r for r in _rows(realdata, "jigyosho_550.csv") if r[0] == "392014" and is_valid_corporate_number(r[13])]
    me = f"{KGD}org/cn/{rows[0][13]}"
    partners = run(mhlw, "partners", {"org": me})
    others = {f"{KGD}org/cn/{r[13]}" for r in rows} - {me}
    found = {str(r["partner"]) for r in partners.rows}
    assert me not in found and found, "no partner found in the same city"
    assert all(int(r["areaDistance"]) == 0 for r in partners.rows)
    assert found & others or all(r["otherSector"].toPython() or int(r["complementaryServices"]) for r in partners.rows)


def test_a_blank_node_person_bridges_but_is_not_listed(region):
    """A person without an IRI who holds posts in both organisations still bridges them: counted
    and scored, while the list names the persons that have an IRI (the old query lost every
    bridging person of the pair as soon as one was a blank node)."""
    kg = KnowledgeGraph()
    kg.load_data(region.serialize(format="nquads"), format="nquads")
    params = {"org": "kgd:org/hikarino/hikari-care"}
    before = by(run(kg, "partners", params), "partner")
    partner = org("itchome")  # already bridged by Suzuki Ichiro
    kg.load_data(f"""@prefix kg: <{KG}> . @prefix org: <http://www.w3.org/ns/org#> .
        _:someone a kg:Person .
        [] a org:Post ; org:heldBy _:someone ; org:postIn <{org("hikari-care")}> .
        [] a org:Post ; org:heldBy _:someone ; org:postIn <{partner}> .""",
                 format="turtle", graph="urn:test")
    after = by(run(kg, "partners", params), "partner")
    assert int(after[partner]["bridgingPersons"]) == int(before[partner]["bridgingPersons"]) + 1
    assert int(after[partner]["score"]) == int(before[partner]["score"]) + 3
    assert words(after[partner]["bridgingPersonList"]) == words(before[partner]["bridgingPersonList"])
