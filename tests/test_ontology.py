"""The ontology carries the domain: modules with metadata, every legal form of the paper's
Figure-1 and of the product brief in both languages with its code, every term documented."""
from __future__ import annotations

import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from kgtool.namespaces import KG, LF, SKILL, SVC
from kgtool.ontology import module_summaries, ontology_files, ontology_graph

#: Figure-1 of Imamura (2012), after Dongre (2009): type -> (count, qualifier)
FIGURE_1 = {
    "KoekiHojin": (25263, KG.MoreThan), "ShakaiFukushiHojin": (18811, KG.MoreThan),
    "ShukyoHojin": (182641, KG.MoreThan), "GakkoHojin": (7874, KG.MoreThan),
    "IryoHojin": (40030, KG.MoreThan), "KyodoKumiai": (40000, KG.Estimate),
    "NpoHojin": (40000, KG.Estimate), "Chonaikai": (292227, KG.Estimate),
    "Kodomokai": (130000, KG.Estimate), "Rojinkai": (150000, KG.Estimate),
    "OtherCivicGroup": (598000, KG.Estimate),
}

#: Every form PRODUCT.md lists beyond Figure-1, with the NTA kind code where one applies.
OTHER_FORMS = {
    "KabushikiKaisha": "301", "YugenKaisha": "302", "GomeiKaisha": "303", "GoshiKaisha": "304",
    "GodoKaisha": "305", "IppanShadanHojin": "399", "IppanZaidanHojin": "399",
    "KoekiShadanHojin": "399", "KoekiZaidanHojin": "399", "ShakaiFukushiKyogikai": "399",
    "WorkersCollective": None, "SeikatsuKyodoKumiai": "399", "NogyoKyodoKumiai": "399",
    "KigyoKumiai": "399", "ChihoDokuritsuGyoseiHojin": "399", "KuniNoKikan": "101",
    "ChihoKokyoDantai": "201",
}

LTC_CODES = ("110 120 130 140 150 155 160 170 210 220 230 320 331 332 334 335 336 337 361 362 "
             "364 410 430 510 520 530 540 550 551 710 720 730 760 770 780").split()


@pytest.fixture(scope="module")
def onto() -> rdflib.Graph:
    return ontology_graph()


def _langs(graph: rdflib.Graph, term: URIRef, prop: URIRef = RDFS.label) -> set[str]:
    return {o.language for o in graph.objects(term, prop) if isinstance(o, Literal) and o.language}


def test_modules_have_ontology_metadata():
    names = {path.name for path in ontology_files()}
    assert {"core.ttl", "sectors.ttl", "legal-forms.ttl", "services.ttl", "governance.ttl",
            "coproduction.ttl", "people.ttl"} <= names
    for path in ontology_files():
        graph = rdflib.Graph().parse(path)
        ontologies = list(graph.subjects(RDF.type, OWL.Ontology))
        assert len(ontologies) == 1, path.name
        o = ontologies[0]
        assert str(o).startswith("https://w3id.org/kgtool/ont/"), path.name
        for prop in (DCTERMS.title, OWL.versionIRI, DCTERMS.license, DCTERMS.creator):
            assert graph.value(o, prop) is not None, (path.name, prop)
        if path.name != "kgtool.ttl":
            assert graph.value(o, DCTERMS.source) is not None, path.name
    assert sum(m.classes for m in module_summaries()) >= 40


@pytest.mark.parametrize("form,expected", sorted(FIGURE_1.items()))
def test_figure_1_types_with_counts_labels_and_source(onto, form, expected):
    term = LF[form]
    assert (term, RDF.type, KG.LegalForm) in onto
    assert {"ja", "en"} <= _langs(onto, term)
    assert {"ja-Hrkt", "ja-Latn"} & _langs(onto, term, SKOS.prefLabel) | _langs(onto, term)
    count, qualifier = expected
    observations = list(onto.subjects(KG.countOf, term))
    assert len(observations) == 1, form
    obs = observations[0]
    assert int(onto.value(obs, KG["count"])) == count
    assert onto.value(obs, KG.countQualifier) == qualifier
    assert onto.value(obs, DCTERMS.source) == KG.Imamura2012


def test_figure_1_total(onto):
    total = [o for o in onto.subjects(KG.countOf, LF.scheme)]
    assert [int(onto.value(t, KG["count"])) for t in total] == [1524846]


@pytest.mark.parametrize("form,code", sorted(OTHER_FORMS.items()))
def test_listed_legal_forms_with_both_languages_and_code(onto, form, code):
    term = LF[form]
    assert (term, RDF.type, KG.LegalForm) in onto, form
    assert {"ja", "en"} <= _langs(onto, term)
    assert {"ja-Hrkt", "ja-Latn"} <= _langs(onto, term) | _langs(onto, term, SKOS.prefLabel) | _langs(onto, term, SKOS.altLabel)
    if code is not None:
        assert str(onto.value(term, KG.ntaKindCode)) == code
    assert onto.value(term, KG.defaultSector) is not None
    patterns = [p for prop in (KG.namePrefix, KG.nameSuffix, KG.nameContains, KG.nameRegex)
                for p in onto.objects(term, prop)]
    assert patterns, f"{form} has no name pattern"


def test_every_legal_form_default_sector_matches_its_dimensions(onto):
    by_sector = {KG.State: (KG.PublicLegalForm, KG.NonProfitLegalForm, KG.FormalLegalForm),
                 KG.Market: (KG.PrivateLegalForm, KG.ForProfitLegalForm, KG.FormalLegalForm),
                 KG.Community: (KG.PrivateLegalForm, KG.NonProfitLegalForm, KG.InformalLegalForm),
                 KG.ThirdSector: (KG.PrivateLegalForm, KG.NonProfitLegalForm, KG.FormalLegalForm)}
    forms = set(onto.subjects(RDF.type, KG.LegalForm))
    assert len(forms) >= 35
    for form in forms:
        sector = onto.value(form, KG.defaultSector)
        assert sector in by_sector, form
        for dimension in by_sector[sector]:
            assert (form, RDF.type, dimension) in onto, (form, dimension)


def test_all_35_long_term_care_services(onto):
    for code in LTC_CODES:
        term = SVC[code]
        assert str(onto.value(term, KG.serviceCode)) == code
        assert {"ja", "en"} <= _langs(onto, term), code
        assert onto.value(term, SKOS.broader) is not None, code
    codes = {str(c) for c in onto.objects(None, KG.serviceCode)}
    assert set(LTC_CODES) <= codes


def test_eligibility_is_data(onto):
    eligible_510 = set(onto.objects(SVC["510"], KG.eligibleLegalForm))
    assert {LF.ShakaiFukushiHojin, LF.ChihoKokyoDantai} <= eligible_510
    assert LF.KabushikiKaisha not in eligible_510
    for code in ("520", "550"):
        eligible = set(onto.objects(SVC[code], KG.eligibleLegalForm))
        assert LF.IryoHojin in eligible and LF.KabushikiKaisha not in eligible
    assert onto.value(SVC["110"], KG.openToAnyCorporation) == Literal(True)


def test_kanagawa_2005_survey_indicators_are_data(onto):
    values = {}
    for indicator in onto.subjects(RDF.type, KG.SurveyIndicator):
        values[onto.value(indicator, KG.indicatorOf)] = (
            float(onto.value(indicator, KG.shareValue)), str(onto.value(indicator, KG.surveyYear)),
            onto.value(indicator, DCTERMS.source))
    assert values[LF.WorkersCollective][:2] == (84.0, "2005")
    assert values[LF.NpoHojin][:2] == (73.2, "2005")
    assert all(v[2] is not None for v in values.values())


def test_relational_skills_by_sector(onto):
    skills = set(onto.subjects(SKOS.inScheme, SKILL.scheme))
    assert {SKILL.ResourceMapping, SKILL.MapMaking, SKILL.NavigatingCracks,
            SKILL.SharingSkillsAndNetworks, SKILL.SocialParticipation} <= skills
    assert onto.value(SKILL.ResourceMapping, KG.skillSector) == KG.State


def test_every_term_is_documented_in_both_languages(onto):
    missing = []
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    ours = ("https://w3id.org/kgtool/",)
    for kind in kinds:
        for term in onto.subjects(RDF.type, kind):
            if not isinstance(term, URIRef) or not str(term).startswith(ours):
                continue
            if not {"en", "ja"} <= _langs(onto, term):
                missing.append((str(term), "label"))
            if onto.value(term, SKOS.definition) is None:
                missing.append((str(term), "definition"))
    assert missing == []


def test_alignment_to_standards(onto):
    assert (KG.Organization, RDFS.subClassOf, URIRef("http://www.w3.org/ns/org#Organization")) in onto
    assert (KG.RegisteredOrganization, RDFS.subClassOf, URIRef("http://www.w3.org/ns/regorg#RegisteredOrganization")) in onto
    assert (KG.Establishment, RDFS.subClassOf, URIRef("http://www.w3.org/ns/org#Site")) in onto
    assert (KG.sector, RDF.type, OWL.FunctionalProperty) in onto
    assert onto.value(KG.corporateNumber, RDFS.range) == XSD.string
