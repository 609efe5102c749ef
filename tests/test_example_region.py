"""The example region exercises every part of the model: every legal form of the ontology, every
sector, every class that data instantiates, cross-sector careers and co-production relations;
and the SPARQL rules place its organisations exactly where HermiT does."""
from __future__ import annotations

import pytest
from rdflib import URIRef

from kgtool import KnowledgeGraph
from kgtool.namespaces import KG, KGD, LF, ORG
from kgtool.reason import materialize, reason_hermit

HIKARINO = KGD["org/hikarino/"]


def _copy(example_kg: KnowledgeGraph) -> KnowledgeGraph:
    kg = KnowledgeGraph()
    kg.load_data(example_kg.serialize(format="nquads"), format="nquads")
    return kg


def test_every_legal_form_of_the_ontology_is_used(example_kg):
    _, forms = example_kg.select("SELECT ?f WHERE { GRAPH <https://w3id.org/kgtool/data/graph/ontology> { ?f a kg:LegalForm } }")
    _, used = example_kg.select("SELECT DISTINCT ?f WHERE { ?o kg:hasLegalForm ?f }")
    assert {r["f"] for r in forms} - {r["f"] for r in used} == set()


@pytest.mark.parametrize("cls,minimum", [
    (KG.Organization, 40), (KG.Network, 1), (KG.Establishment, 35), (KG.Person, 10),
    (ORG.Post, 20), (ORG.Membership, 10), (KG.CoProductionRelation, 6), (KG.Participation, 15),
    (KG.SurveyIndicator, 2), (KG.Municipality, 3), (KG.Prefecture, 1)])
def test_every_class_data_instantiates_is_present(example_kg, cls, minimum):
    _, rows = example_kg.select("SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?c }", {"c": cls})
    assert int(rows[0]["n"]) >= minimum


def test_persons_have_careers_across_sectors(example_kg):
    kg = _copy(example_kg)
    materialize(kg)
    _, rows = kg.select("""
        SELECT ?person (COUNT(DISTINCT ?sector) AS ?n) WHERE {
          ?post org:heldBy ?person ; org:postIn ?org . ?org kg:sector ?sector }
        GROUP BY ?person HAVING (COUNT(DISTINCT ?sector) > 1)""")
    bridging = {str(r["person"]).rsplit("/", 1)[-1] for r in rows}
    # from posts.csv: Sato (city -> NPO, council), Suzuki (company -> volunteer group),
    # Watanabe (town -> company), Yamamoto (NPO -> children's group), Tanaka (medical corp. -> council)
    assert {"sato-hanako", "suzuki-ichiro", "watanabe-makoto", "yamamoto-sakura", "tanaka-ken"} <= bridging


@pytest.mark.slow
def test_rules_place_every_example_organisation_where_hermit_does(example_kg):
    by_hermit = reason_hermit(_copy(example_kg), rules=False).sectors
    by_rules = materialize(_copy(example_kg))
    assert by_rules.consistent
    assert len(by_hermit) >= 40
    assert by_rules.sectors == by_hermit
    assert by_hermit[str(HIKARINO) + "hikari-care"] == str(KG.Market)
    assert by_hermit[str(HIKARINO) + "wco-yui"] == str(KG.ThirdSector)
    assert by_hermit[str(HIKARINO) + "itchome"] == str(KG.Community)
    assert by_hermit[str(HIKARINO) + "city-hospital"] == str(KG.State)


def test_eligibility_rules_follow_the_law(example_kg):
    kg = _copy(example_kg)
    materialize(kg)
    eligible = lambda code: {r["f"] for r in kg.select(  # noqa: E731
        "SELECT ?f WHERE { ?s kg:eligibleLegalForm ?f }", {"s": URIRef(f"https://w3id.org/kgtool/service/{code}")})[1]}
    # 510 (special nursing homes): social welfare corporations, their councils, local governments
    assert eligible("510") == {LF.ShakaiFukushiHojin, LF.ShakaiFukushiKyogikai, LF.ChihoKokyoDantai}
    # 110 is open to any corporation: companies yes, an unincorporated neighbourhood association no
    assert LF.KabushikiKaisha in eligible("110") and LF.Chonaikai not in eligible("110")
    # 550: social medical corporations inherit the medical corporations' eligibility
    assert LF.ShakaiIryoHojin in eligible("550") and LF.GodoKaisha not in eligible("550")
