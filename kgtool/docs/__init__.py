"""HTML documentation of the ontology, its SHACL shapes and its saved queries.

:func:`build_docs` writes a static site that works from the file system (no server, no CDN):

* ``index.html`` — the ontology's metadata (title, version, licence, creators, sources, how to
  cite), its modules, the welfare triangle with every legal form placed on it and a class
  diagram of the core (both SVG drawn here), and downloads in Turtle, JSON-LD and RDF/XML;
* ``ontology.html``, ``legal-forms.html``, ``services.html``, ``skills.html`` — every term of
  the ``kg:``, ``lf:``, ``svc:`` and ``skill:`` namespaces, anchored by its local name, with
  labels in Japanese and English, definition, source, axioms and where it is used; the legal
  forms as a table (codes, Figure-1 counts, sector), the SKOS schemes as trees;
* ``shapes.html`` — each SHACL shape: what it targets and requires, in words and as Turtle;
* ``queries.html`` — each saved query: question, parameters, SPARQL, and its result on the
  example region;
* ``terms.html`` — an A–Z index of all terms with a search box.

Templates are files in ``kgtool/docs/templates`` (jinja2, autoescaping on, so a label holding
markup is shown as text); CSS and JavaScript are in ``kgtool/docs/static``.
"""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import jinja2

from ..resources import queries_dir as default_queries_dir
from ..resources import shapes_dir as default_shapes_dir
from .diagrams import class_diagram, welfare_triangle
from .examples import query_views
from .links import linkify
from .model import KINDS, OntologyModel, Token
from .shapes import ShapeReader

__all__ = ["build_docs", "PAGES"]

_HERE = Path(__file__).resolve().parent

#: The pages of the site: file, template, and the namespace page key for term pages.
PAGES = ("index.html", "ontology.html", "legal-forms.html", "services.html", "skills.html",
         "shapes.html", "queries.html", "terms.html")

#: Downloads of the merged ontology: file name and rdflib serialisation format.
_DOWNLOADS = (("kgtool.ttl", "turtle", "Turtle"), ("kgtool.jsonld", "json-ld", "JSON-LD"),
              ("kgtool.rdf", "xml", "RDF/XML"))


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_HERE / "templates")),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def build_docs(out_dir: str | Path, *, ontology_dir: str | Path | None = None,
               shapes_dir: str | Path | None = None, queries_dir: str | Path | None = None,
               examples: bool = True) -> Path:
    """Write the documentation site into ``out_dir``; returns the path of its ``index.html``.

    ``ontology_dir``, ``shapes_dir`` and ``queries_dir`` default to the shipped folders; an
    empty or missing shapes or queries folder gives a page saying there are none yet. With
    ``examples`` (the default) each saved query is run on the example region and its result
    shown; a query that fails shows its error instead (and is reported on stderr).
    """
    started = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    onto_dir = Path(ontology_dir) if ontology_dir is not None else None
    model = OntologyModel(onto_dir)

    shapes_folder = Path(shapes_dir) if shapes_dir is not None else default_shapes_dir()
    shapes = ShapeReader(shapes_folder, model).shapes()
    for shape in shapes:
        shape.segments, mentioned = linkify(shape.turtle, model.href)
        for iri in sorted(mentioned):
            model.terms[iri].shapes.append(Token("term", shape.curie, f"shapes.html#{shape.anchor}"))

    queries_folder = Path(queries_dir) if queries_dir is not None else default_queries_dir()
    queries = query_views(queries_folder, model, ontology_dir=onto_dir, examples=examples)
    for view in queries:
        view.segments, mentioned = linkify(view.query.sparql, model.href)
        for iri in sorted(mentioned):
            model.terms[iri].queries.append(Token("term", view.query.name, f"queries.html#{view.anchor}"))

    forms = model.legal_forms()
    context = {
        "meta": model.meta(), "modules": model.modules(), "kinds": KINDS,
        "triangle": welfare_triangle(model, forms), "diagram": class_diagram(model),
        "forms": forms, "forms_total": model.legal_form_total(),
        "shapes": shapes, "shapes_folder": shapes_folder.name,
        "queries": queries, "queries_folder": queries_folder.name,
        "downloads": [{"file": f"downloads/{name}", "label": label} for name, _, label in _DOWNLOADS],
        "all_terms": sorted(model.terms.values(), key=lambda t: (t.local.lower(), t.page)),
        "term_count": len(model.terms),
    }
    env = _environment()
    for page in PAGES:
        template = page if page in ("index.html", "shapes.html", "queries.html", "terms.html") else "terms_page.html"
        html = env.get_template(template).render(
            page=page, groups=model.by_page(page), trees=model.scheme_trees(page), **context)
        (out / page).write_text(html, encoding="utf-8")

    static = out / "static"
    static.mkdir(exist_ok=True)
    for asset in (_HERE / "static").iterdir():
        if asset.is_file():
            shutil.copyfile(asset, static / asset.name)
    downloads = out / "downloads"
    downloads.mkdir(exist_ok=True)
    for name, fmt, _ in _DOWNLOADS:
        model.graph.serialize(destination=downloads / name, format=fmt, encoding="utf-8")
    model.build_seconds = time.perf_counter() - started
    return out / "index.html"
