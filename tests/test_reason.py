"""Reasoning: HermiT finds the example region consistent and places every organisation on the
welfare triangle from its legal form; contradictions are detected and the culprit named; the
SPARQL rules agree with HermiT."""
from __future__ import annotations

import pytest
from rdflib import URIRef

from kgtool import InconsistentGraphError, KnowledgeGraph
from kgtool.namespaces import KG
from kgtool.reason import clashes, materialize, reason_hermit

pytestmark = pytest.mark.slow

ORG = "https://w3id.org/kgtool/data/org/t/"

#: legal form -> the sector the paper's triangle gives it
EXPECTED = {
    "KabushikiKaisha": "Market", "GodoKaisha": "Market", "YugenKaisha": "Market",
    "NpoHojin": "ThirdSector", "ShakaiFukushiHojin": "ThirdSector", "ShakaiFukushiKyogikai": "ThirdSector",
    "IryoHojin": "ThirdSector", "SeikatsuKyodoKumiai": "ThirdSector", "KoekiZaidanHojin": "ThirdSector",
    "ChihoKokyoDantai": "State", "KuniNoKikan": "State", "ChihoDokuritsuGyoseiHojin": "State",
    "Chonaikai": "Community", "Kodomokai": "Community", "Rojinkai": "Community",
}


def _orgs(kg: KnowledgeGraph, extra: str = "") -> None:
    lines = [f"<{ORG}{form}> a kg:Organization ; kg:hasLegalForm lf:{form} ." for form in EXPECTED]
    kg.load_data("@prefix kg: <https://w3id.org/kgtool/ont#> . @prefix lf: <https://w3id.org/kgtool/legal-form/> .\n"
                 + "\n".join(lines) + "\n" + extra, format="turtle", graph="urn:test")


def test_hermit_places_each_organisation_from_its_legal_form(kg):
    _orgs(kg)
    report = reason_hermit(kg)
    assert report.consistent
    assert report.sectors == {f"{ORG}{form}": str(KG[sector]) for form, sector in EXPECTED.items()}
    # the materialised classes are visible to plain SPARQL
    assert kg.ask("ASK { ?o a kg:MarketSectorOrganization, kg:ForProfitOrganization, kg:PrivateOrganization }",
                  {"o": URIRef(ORG + "KabushikiKaisha")})


def test_rules_agree_with_hermit(kg):
    _orgs(kg)
    by_hermit = reason_hermit(kg, rules=False).sectors
    by_rules = materialize(kg)
    assert by_rules.consistent
    assert by_rules.sectors == by_hermit


def test_contradiction_is_detected_and_the_individual_named(kg):
    bad = f"<{ORG}Hybrid> a kg:Organization ; kg:hasLegalForm lf:NpoHojin ; kg:sector kg:Market ."
    _orgs(kg, bad)
    with pytest.raises(InconsistentGraphError) as caught:
        reason_hermit(kg)
    assert caught.value.individuals == [f"{ORG}Hybrid"]
    assert f"<{ORG}Hybrid>" in str(caught.value)
    # the rules see the same clash, for the same individual
    report = materialize(kg)
    assert not report.consistent
    assert {c["individual"] for c in clashes(kg)} == {f"{ORG}Hybrid"}


def test_example_region_is_consistent_and_every_organisation_placed(example_kg):
    kg = KnowledgeGraph()
    kg.load_data(example_kg.serialize(format="nquads"), format="nquads")
    report = reason_hermit(kg)
    assert report.consistent
    _, rows = kg.select("SELECT ?o ?form WHERE { ?o a kg:Organization ; kg:hasLegalForm ?form }")
    assert len(rows) >= 30
    _, defaults = kg.select("SELECT ?form ?s WHERE { ?form kg:defaultSector ?s }")
    default = {str(r["form"]): str(r["s"]) for r in defaults}
    for row in rows:
        assert report.sectors[str(row["o"])] == default[str(row["form"])], row
    assert set(report.sectors.values()) == {str(KG.State), str(KG.Market), str(KG.Community), str(KG.ThirdSector)}


def test_present_in_is_the_seat_and_every_establishment_area(example_kg):
    """kg:presentIn (rules 70 and 71: kg:locatedIn ⊑ kg:presentIn, and the chain
    kg:operates ∘ kg:locatedIn) holds exactly where an organisation has its seat or runs an
    establishment, including organisations present beyond their seat's area."""
    kg = KnowledgeGraph()
    kg.load_data(example_kg.serialize(format="nquads"), format="nquads")
    materialize(kg)
    pairs = "SELECT ?o ?a WHERE { ?o a kg:Organization . %s }"
    _, present = kg.select(pairs % "?o kg:presentIn ?a")
    _, expected = kg.select(pairs % "{ ?o kg:locatedIn ?a } UNION { ?site kg:operatedBy ?o ; kg:locatedIn ?a }")
    as_set = lambda rows: {(str(r["o"]), str(r["a"])) for r in rows}  # noqa: E731
    assert as_set(present) == as_set(expected) and len(as_set(present)) >= 30
    _, beyond = kg.select("SELECT ?o WHERE { ?o kg:presentIn ?a . FILTER NOT EXISTS { ?o kg:locatedIn ?a } }")
    assert beyond, "the example region should have an organisation present beyond its seat"
