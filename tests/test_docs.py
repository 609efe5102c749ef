"""The HTML documentation: built from the shipped ontology (and fixture shapes and queries of
this file, so the tests do not depend on the shipped folders' progress), checked as strict XML,
then opened in a real headless Chromium: every internal link and anchor followed, the search
box and the language switch used, phone width checked, a screenshot taken, no network request
made, and a hostile label shown as inert text.
"""
from __future__ import annotations

import contextlib
import io
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import rdflib
from rdflib.namespace import RDF

from kgtool.cli import main
from kgtool.docs import PAGES, build_docs
from kgtool.docs.model import OntologyModel
from kgtool.errors import InputError
from kgtool.ontology import ontology_graph
from kgtool.resources import ontology_dir

XHTML = "{http://www.w3.org/1999/xhtml}"
SVG = "{http://www.w3.org/2000/svg}"
KG = rdflib.Namespace("https://w3id.org/kgtool/ont#")
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

SHAPES_TTL = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix kg: <https://w3id.org/kgtool/ont#> .
@prefix kgsh: <https://w3id.org/kgtool/shapes#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

kgsh:FixtureOrganizationShape a sh:NodeShape ;
    sh:targetClass kg:Organization ;
    rdfs:label "Fixture organisation shape"@en , "テスト用の組織シェイプ"@ja ;
    sh:property [
        sh:path kg:hasLegalForm ; sh:minCount 1 ; sh:maxCount 1 ; sh:class kg:LegalForm ;
        sh:message "exactly one legal form"@en ] ;
    sh:property [
        sh:path kg:corporateNumber ; sh:datatype xsd:string ; sh:pattern "^[0-9]{13}$" ] .
"""

QUERY_OK = """\
# title: Organisations of a legal form
# title@ja: 法人格別の組織
# question: Which organisations have this legal form?
# question@ja: この法人格の組織はどれか？
# param: form | iri | required | example=lf:NpoHojin | The legal form
PREFIX kg: <https://w3id.org/kgtool/ont#>
SELECT ?org ?form WHERE {
  ?org kg:hasLegalForm ?form .
} ORDER BY ?org
"""

QUERY_BROKEN = """\
# title: A broken query
# param: x | iri | required | example=kg:Organization | anything
SELECT ?a WHERE { ?a ?b
"""


def _parse(path: Path) -> ET.ElementTree:
    """Strict XML parse: any unclosed, misnested or unescaped markup raises."""
    return ET.parse(path)


def _by_id(tree: ET.ElementTree, ident: str) -> ET.Element:
    for element in tree.iter():
        if element.get("id") == ident:
            return element
    raise AssertionError(f"no element with id {ident!r}")


def _text(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _hrefs(element: ET.Element, ns: str = XHTML) -> set[str]:
    return {a.get("href") for a in element.iter(f"{ns}a")}


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("docs-fixtures")
    shapes = root / "shapes"
    shapes.mkdir()
    (shapes / "fixture.ttl").write_text(SHAPES_TTL, encoding="utf-8")
    queries = root / "queries"
    queries.mkdir()
    (queries / "by-legal-form.rq").write_text(QUERY_OK, encoding="utf-8")
    (queries / "broken.rq").write_text(QUERY_BROKEN, encoding="utf-8")
    empty = root / "empty"
    empty.mkdir()
    return {"shapes": shapes, "queries": queries, "empty": empty}


@pytest.fixture(scope="module")
def built(tmp_path_factory, fixtures) -> tuple[Path, str]:
    """The site for the shipped ontology with the fixture shapes and queries, and its stderr."""
    site = tmp_path_factory.mktemp("site")
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        index = build_docs(site, shapes_dir=fixtures["shapes"], queries_dir=fixtures["queries"])
    assert index == site / "index.html"
    return site, err.getvalue()


@pytest.fixture(scope="module")
def site(built) -> Path:
    return built[0]


# ---------------------------------------------------------------------------------------
# The generated files
# ---------------------------------------------------------------------------------------
def test_every_page_is_well_formed_with_unique_ids(site):
    for name in PAGES:
        tree = _parse(site / name)
        assert tree.getroot().tag == f"{XHTML}html", name
        ids = Counter(e.get("id") for e in tree.iter() if e.get("id"))
        assert not [i for i, n in ids.items() if n > 1], f"{name}: duplicate ids"
        assert not list(tree.iter(f"{XHTML}img")), "pictures are inline SVG, no <img>"
        for element in list(tree.iter(f"{XHTML}script")) + list(tree.iter(f"{XHTML}link")):
            ref = element.get("src") or element.get("href") or ""
            assert not ref.startswith(("http:", "https:", "//")), f"{name}: {ref} is not offline"


def test_every_term_has_an_anchor_named_after_its_local_name(site):
    model = OntologyModel()
    trees = {page: _parse(site / page) for page in PAGES}
    ids = {page: {e.get("id") for e in tree.iter() if e.get("id")} for page, tree in trees.items()}
    graph = ontology_graph()
    declared = {str(s) for s in graph.subjects(RDF.type, None)
                if isinstance(s, rdflib.URIRef) and str(s).startswith("https://w3id.org/kgtool/")
                and not str(s).startswith("https://w3id.org/kgtool/ont/")}
    assert len(declared) > 200 and declared <= set(model.terms)
    for iri in declared:
        term = model.terms[iri]
        assert term.local == iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1], iri
        assert term.local in ids[term.page], f"{iri}: no #{term.local} on {term.page}"
    # the A-Z index links every term
    assert {model.terms[i].href for i in declared} <= _hrefs(trees["terms.html"].getroot())


def test_term_entry_shows_labels_definition_axioms_and_uses(site):
    tree = _parse(site / "ontology.html")
    org = _by_id(tree, "Organization")
    text = _text(org)
    assert "Organisation" in text and "組織" in text
    assert "A legal entity or an informal group" in text  # skos:definition @en
    assert "org:Organization" in text and "schema:Organization" in text  # superclasses
    links = _hrefs(org)
    assert "ontology.html#FormalOrganization" in links  # a subclass, cross-linked
    assert "ontology.html#hasLegalForm" in links        # where it is used: domain of kg:hasLegalForm
    assert "shapes.html#FixtureOrganizationShape" in links  # used by a shape
    assert "queries.html#by-legal-form" not in links        # the query does not mention it

    # restrictions rendered readably, in Manchester syntax, with links
    state = _by_id(tree, "StateSectorOrganization")
    assert {"value", "and"} <= {_text(e) for e in state.iter(f"{XHTML}em")}
    assert {"ontology.html#sector", "ontology.html#State", "ontology.html#PublicOrganization"} <= _hrefs(state)
    public = _by_id(tree, "PublicOrganization")
    assert "Implied by" in _text(public) and "some" in {_text(e) for e in public.iter(f"{XHTML}em")}
    assert "ontology.html#PublicLegalForm" in _hrefs(public)  # (hasLegalForm some PublicLegalForm)

    has_form = _by_id(tree, "hasLegalForm")
    assert {"ontology.html#Organization", "ontology.html#LegalForm",
            "queries.html#by-legal-form", "shapes.html#FixtureOrganizationShape"} <= _hrefs(has_form)


def test_legal_forms_table_has_codes_counts_and_sectors(site):
    graph = ontology_graph()
    table = _by_id(_parse(site / "legal-forms.html"), "sec-table")
    rows = {}
    for tr in table.iter(f"{XHTML}tr"):
        first = next((h for h in (a.get("href") for a in tr.iter(f"{XHTML}a"))
                      if h.startswith("legal-forms.html#")), None)
        if first:
            rows.setdefault(first.split("#")[1], tr)
    forms = {str(s).rsplit("/", 1)[1] for s in graph.subjects(RDF.type, KG.LegalForm)}
    assert forms and forms <= set(rows)
    checked = 0
    for observation in graph.subjects(RDF.type, KG.CountObservation):
        form = str(graph.value(observation, KG.countOf)).rsplit("/", 1)[1]
        if form in rows:
            count = int(graph.value(observation, KG["count"]))
            assert f"{count:,}" in _text(rows[form]), form
            checked += 1
    assert checked >= 10
    kk = rows["KabushikiKaisha"]
    assert "301" in _text(kk) and "ontology.html#Market" in _hrefs(kk)
    total = graph.value(rdflib.URIRef("https://w3id.org/kgtool/legal-form/count-Total"), KG["count"])
    assert f"{int(total):,}" in _text(table)


def test_pictures_place_each_legal_form_in_its_sector(site):
    graph = ontology_graph()
    tree = _parse(site / "index.html")
    svgs = list(tree.iter(f"{SVG}svg"))
    triangle = next(s for s in svgs if "triangle" in s.get("class", ""))
    regions = {p.get("class").split()[1] for p in triangle.iter(f"{SVG}polygon") if "region" in p.get("class", "")}
    assert regions == {"state", "market", "community", "third"}
    css_of = {"State": "state", "Market": "market", "Community": "community", "ThirdSector": "third"}
    dots = {}
    for a in triangle.iter(f"{SVG}a"):
        circle = a.find(f"{SVG}circle")
        if circle is not None:
            dots[a.get("href").split("#")[1]] = circle.get("class").split()[1]
    forms = list(graph.subjects(RDF.type, KG.LegalForm))
    assert len(dots) == len(forms)
    for form in forms:
        sector = str(graph.value(form, KG.defaultSector)).rsplit("#", 1)[1]
        assert dots[str(form).rsplit("/", 1)[1]] == css_of[sector], form
    classes = next(s for s in svgs if "classes" in s.get("class", ""))
    boxes = {a.get("href") for a in classes.iter(f"{SVG}a") if a.find(f"{SVG}rect") is not None}
    assert {"ontology.html#Organization", "ontology.html#Establishment", "ontology.html#Area",
            "ontology.html#Person", "ontology.html#LegalForm"} <= boxes


def test_downloads_hold_the_whole_ontology(site):
    expected = len(ontology_graph())
    for name, fmt in (("kgtool.ttl", "turtle"), ("kgtool.jsonld", "json-ld"), ("kgtool.rdf", "xml")):
        assert len(rdflib.Graph().parse(site / "downloads" / name, format=fmt)) == expected, name
    assert {"downloads/kgtool.ttl", "downloads/kgtool.jsonld", "downloads/kgtool.rdf"} <= \
        _hrefs(_parse(site / "index.html").getroot())


def test_shapes_page_says_what_a_shape_targets_and_requires(site):
    shape = _by_id(_parse(site / "shapes.html"), "FixtureOrganizationShape")
    text = _text(shape)
    assert "every instance of" in text and "ontology.html#Organization" in _hrefs(shape)
    said = {li.get("data-constraint"): _text(li) for li in shape.iter(f"{XHTML}li") if li.get("data-constraint")}
    assert {"minCount", "maxCount", "class", "datatype", "pattern"} <= set(said)
    assert "at least" in said["minCount"] and "1" in said["minCount"]
    assert "at most" in said["maxCount"]
    assert "^[0-9]{13}$" in said["pattern"]
    assert "exactly one legal form" in text  # sh:message
    turtle = "".join(next(shape.iter(f"{XHTML}pre")).itertext())
    shown = rdflib.Graph().parse(data=turtle, format="turtle")  # the Turtle shown is valid …
    assert len(shown) == len(rdflib.Graph().parse(data=SHAPES_TTL, format="turtle"))  # … and whole


def test_queries_page_shows_parameters_sparql_and_example_result(built, example_kg):
    site, stderr = built
    tree = _parse(site / "queries.html")
    query = _by_id(tree, "by-legal-form")
    text = _text(query)
    assert "Which organisations have this legal form?" in text and "法人格別の組織" in text
    assert "form=lf:NpoHojin" in text
    sparql = "".join(next(query.iter(f"{XHTML}pre")).itertext())
    assert sparql.strip() == QUERY_OK.strip()  # the SPARQL text exactly as written, cross-linked
    assert "ontology.html#hasLegalForm" in _hrefs(query)
    _, rows = example_kg.select("SELECT ?org WHERE { ?org kg:hasLegalForm lf:NpoHojin }")
    assert rows, "the example region has NPOs"
    result = next(t for t in query.iter(f"{XHTML}table") if "result" in t.get("class", ""))
    body = [tr for tr in result.iter(f"{XHTML}tr") if tr.find(f"{XHTML}td") is not None]
    assert len(body) == min(len(rows), 20)
    assert f"{len(rows)} rows" in text
    # the broken query is documented with its error, and reported on stderr
    assert "The query failed" in _text(_by_id(tree, "broken"))
    assert "'broken'" in stderr and "failed" in stderr


def test_empty_shapes_and_queries_say_none_yet(tmp_path, fixtures):
    build_docs(tmp_path, shapes_dir=fixtures["empty"], queries_dir=tmp_path / "missing", examples=False)
    for page in ("shapes.html", "queries.html"):
        assert "yet" in _text(_by_id(_parse(tmp_path / page), "none-yet"))


def test_cli_docs_command(tmp_path, fixtures, capsys):
    out = tmp_path / "site"
    code = main(["docs", "--out", str(out), "--shapes", str(fixtures["empty"]),
                 "--queries", str(fixtures["empty"]), "--no-examples"])
    assert code == 0
    assert (out / "index.html").is_file() and (out / "static" / "site.js").is_file()
    assert str(out / "index.html") in capsys.readouterr().out


def test_bad_shapes_file_names_the_file(tmp_path):
    bad = tmp_path / "shapes"
    bad.mkdir()
    (bad / "broken.ttl").write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\nthis is not turtle",
                                    encoding="utf-8")
    with pytest.raises(InputError, match="broken.ttl"):
        build_docs(tmp_path / "out", shapes_dir=bad, queries_dir=tmp_path, examples=False)


# ---------------------------------------------------------------------------------------
# In a real browser
# ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("chromium is not installed at /usr/bin/chromium (scripts/install-system-deps.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class Offline:
    """A browser page whose every non-file:// request is refused and recorded, and whose
    script errors are recorded."""

    def __init__(self, browser, **options) -> None:
        self.context = browser.new_context(**options)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def close(self) -> None:
        assert not self.requests, f"network requests attempted: {self.requests}"
        assert not self.errors, f"script errors: {self.errors}"
        self.context.close()


@pytest.mark.slow
def test_every_internal_link_and_anchor_resolves_in_the_browser(browser, site):
    tab = Offline(browser)
    page = tab.page
    ids: dict[str, set[str]] = {}
    links: list[tuple[str, str]] = []
    for name in PAGES:
        page.goto((site / name).as_uri())
        ids[name] = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
        hrefs = page.eval_on_selector_all(
            "a[href]", "els => els.map(e => new URL(e.getAttribute('href'), document.baseURI).href)")
        links += [(name, h) for h in hrefs]
    internal = [(src, h) for src, h in links if h.startswith("file://")]
    assert len(internal) > 1000, "the site is richly cross-linked"
    misses = []
    for source, href in internal:
        parts = urlsplit(href)
        target = Path(unquote(parts.path))
        if not target.is_file():
            misses.append((source, href))
        elif target.suffix == ".html" and parts.fragment and unquote(parts.fragment) not in ids[target.name]:
            misses.append((source, href))
    assert not misses, f"{len(misses)} broken links, e.g. {misses[:5]}"
    # and really follow some: a dot of the triangle, then a cross-link in the table
    page.goto((site / "index.html").as_uri())
    page.click("svg.triangle a[href='legal-forms.html#ShakaiFukushiHojin']")
    page.wait_for_url("**/legal-forms.html#ShakaiFukushiHojin")
    assert page.locator("#ShakaiFukushiHojin").is_visible()
    page.click("#ShakaiFukushiHojin a[href='ontology.html#ThirdSector']")
    page.wait_for_url("**/ontology.html#ThirdSector")
    assert page.evaluate("document.querySelector(':target').id") == "ThirdSector"
    tab.close()


@pytest.mark.slow
def test_search_box_filters_terms(browser, site):
    tab = Offline(browser)
    page = tab.page
    page.goto((site / "ontology.html").as_uri())
    total = page.locator("[data-search]").count()
    page.fill("#search", "hasLegalForm")
    assert page.locator("#hasLegalForm").is_visible()
    assert not page.locator("#Organization").is_visible()
    shown = page.locator("[data-search]:visible").count()
    assert 1 <= shown < total
    assert page.locator("#search-count").inner_text() == f"{shown} / {total}"
    page.fill("#search", "")
    assert page.locator("[data-search]:visible").count() == total
    # Japanese labels are searchable too, and the A-Z index filters across namespaces
    page.goto((site / "terms.html").as_uri())
    page.fill("#search", "社会福祉法人")
    visible = page.eval_on_selector_all("tr[data-search]:not([hidden]) a",
                                        "els => els.map(e => e.getAttribute('href'))")
    assert "legal-forms.html#ShakaiFukushiHojin" in visible
    assert "ontology.html#Organization" not in visible
    tab.close()


@pytest.mark.slow
def test_language_switch_puts_the_chosen_language_first(browser, site):
    tab = Offline(browser)
    page = tab.page
    page.goto((site / "ontology.html").as_uri())

    def x(selector: str) -> float:
        return page.locator(selector).bounding_box()["x"]

    heading = "#Organization h3 .bi"
    assert page.evaluate("document.documentElement.lang") == "en"
    assert x(f"{heading} .l-en") < x(f"{heading} .l-ja")
    page.click("button[data-set-lang='ja']")
    assert page.evaluate("document.documentElement.lang") == "ja"
    assert x(f"{heading} .l-ja") < x(f"{heading} .l-en")  # Japanese first, English beside it
    assert page.locator(f"{heading} .l-en").is_visible() and page.locator(f"{heading} .l-ja").is_visible()
    assert page.get_attribute("button[data-set-lang='ja']", "aria-pressed") == "true"
    # the choice follows the reader to the next page
    page.goto((site / "legal-forms.html").as_uri())
    assert page.evaluate("document.documentElement.lang") == "ja"
    assert x("#KoekiHojin h3 .l-ja") < x("#KoekiHojin h3 .l-en")
    page.click("button[data-set-lang='en']")
    assert x("#KoekiHojin h3 .l-en") < x("#KoekiHojin h3 .l-ja")
    tab.close()


@pytest.mark.slow
def test_readable_at_phone_width_and_screenshot(browser, site, tmp_path):
    tab = Offline(browser, viewport={"width": 390, "height": 844})
    page = tab.page
    for name in PAGES:
        page.goto((site / name).as_uri())
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at phone width"
    page.goto((site / "index.html").as_uri())
    shot = tmp_path / "index-phone.png"
    page.screenshot(path=str(shot), full_page=True)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    assert page.locator("svg.triangle").bounding_box()["width"] <= 390
    tab.close()


@pytest.mark.slow
def test_hostile_label_stays_inert(browser, tmp_path):
    onto = tmp_path / "ontology"
    shutil.copytree(ontology_dir(), onto)
    script = "<script>window.__pwned=1</script>"
    image = '<img src=x onerror="window.__pwned=2">'
    (onto / "zz-hostile.ttl").write_text(f"""\
@prefix kg: <https://w3id.org/kgtool/ont#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
kg:Hostile a owl:Class ; rdfs:subClassOf kg:Organization ;
    rdfs:label "{script}"@en , '{image}'@ja ;
    skos:definition "</p><script>window.__pwned=4</script>"@en ;
    dcterms:source <javascript:window.__pwned=3> .
""", encoding="utf-8")
    empty = tmp_path / "empty"
    empty.mkdir()
    site = tmp_path / "site"
    build_docs(site, ontology_dir=onto, shapes_dir=empty, queries_dir=empty, examples=False)
    for name in PAGES:
        _parse(site / name)  # still well formed
    tab = Offline(browser)
    page = tab.page
    page.goto((site / "ontology.html").as_uri() + "#Hostile")
    entry = page.locator("#Hostile")
    assert entry.is_visible()
    assert script in entry.inner_text() and "window.__pwned=4" in entry.inner_text()
    page.click("button[data-set-lang='ja']")
    assert image in entry.inner_text()
    assert entry.locator("img").count() == 0 and entry.locator("script").count() == 0
    assert entry.locator("a[href^='javascript:']").count() == 0
    for name in ("ontology.html", "terms.html", "index.html"):
        page.goto((site / name).as_uri())
        assert page.evaluate("typeof window.__pwned") == "undefined", name
    page.goto((site / "ontology.html").as_uri())
    assert page.locator("#Organization a[href='ontology.html#Hostile']").count() >= 1  # a subclass
    tab.close()
