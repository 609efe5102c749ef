"""The saved queries as documented: header, parameters, SPARQL, and a result on the example region.

The example store is the shipped example region (CSVW import, materialised with the SPARQL
rules), built once per documentation build and only when there is a query to run. Each query
runs with the ``example=`` (or ``default=``) values its header declares. A query that fails
shows its error on its page and is reported on stderr; the build goes on.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from rdflib.term import Literal, Node, URIRef

from .. import queries as saved
from ..errors import KgtoolError
from .model import OntologyModel, Token

#: Rows shown in an example result (the page says how many there were in all).
MAX_ROWS = 20


@dataclass
class ExampleResult:
    """What running a query on the example region gave."""

    params: dict[str, str] = field(default_factory=dict)
    columns: list[str] = field(default_factory=list)
    rows: list[list[Token | None]] = field(default_factory=list)
    total: int = 0
    boolean: bool | None = None
    turtle: str = ""
    error: str = ""
    skipped: str = ""


@dataclass
class QueryView:
    """One saved query as documented."""

    query: saved.SavedQuery
    anchor: str
    example: ExampleResult
    segments: list = field(default_factory=list)

    @property
    def form(self) -> str:
        """SELECT, CONSTRUCT, ASK or DESCRIBE; empty when the text is not a query."""
        try:
            return self.query.form
        except KgtoolError:
            return ""

    @property
    def search_text(self) -> str:
        q = self.query
        return " ".join([q.name, q.title("en"), q.title("ja"), q.question("en"), q.question("ja")])


def example_store(ontology_dir: Path | None = None):
    """The example region: ontology, CSVW import, rules materialised."""
    from ..importers.csvw import import_csvw
    from ..reason import materialize
    from ..resources import example_region_dir
    from ..store import KnowledgeGraph

    kg = KnowledgeGraph()
    kg.load_ontology(ontology_dir)
    import_csvw(kg, example_region_dir() / "region.csv-metadata.json", source_id="example/region")
    rules = Path(ontology_dir) / "rules" if ontology_dir is not None else None
    materialize(kg, rules_dir=rules if rules is not None and rules.is_dir() else None)
    return kg


def run_example(kg, query: saved.SavedQuery, model: OntologyModel) -> ExampleResult:
    """Run ``query`` with its declared example values; errors are kept, not raised."""
    params = {}
    for p in query.params:
        if p.example is not None:
            params[p.name] = p.example
        elif p.required and p.default is None:
            return ExampleResult(skipped=f"parameter {p.name!r} is required and its header "
                                         f"declares no example value")
    result = ExampleResult(params=params)
    if kg is None:
        result.skipped = "no example store"
        return result
    try:
        answer = saved.run(kg, query, params)
    except (KgtoolError, Exception) as exc:  # a broken query must not stop the build
        result.error = f"{type(exc).__name__}: {exc}"
        print(f"kgtool docs: query {query.name!r} failed on the example region: {exc}",
              file=sys.stderr)
        return result
    if answer.form == "ASK":
        result.boolean = bool(answer.boolean)
    elif answer.graph is not None:
        result.total = len(answer.graph)
        result.turtle = answer.to_turtle()
    else:
        result.columns = list(answer.columns)
        result.total = len(answer.rows)
        result.rows = [[_cell(row.get(c), model) for c in answer.columns]
                       for row in answer.rows[:MAX_ROWS]]
    return result


def _cell(value: Node | None, model: OntologyModel) -> Token | None:
    if value is None:
        return None
    if isinstance(value, (URIRef, Literal)):
        return model.token(value)
    return Token("text", str(value))


def query_views(directory: Path, model: OntologyModel, *, ontology_dir: Path | None = None,
                examples: bool = True) -> list[QueryView]:
    """Every saved query of ``directory`` with its example result (when ``examples``)."""
    catalogue: dict[str, saved.SavedQuery] = {}
    broken: dict[str, str] = {}
    for path in sorted(directory.glob("*.rq")) if directory.is_dir() else []:
        try:
            catalogue[path.stem] = saved.load_file(path)
        except KgtoolError as exc:
            # a malformed header: document the file as it is, with the error
            print(f"kgtool docs: {exc}", file=sys.stderr)
            text = path.read_text(encoding="utf-8", errors="replace")
            catalogue[path.stem] = saved.SavedQuery(name=path.stem, path=path, sparql=text)
            broken[path.stem] = str(exc)
    kg = None
    if catalogue and examples:
        try:
            kg = example_store(ontology_dir)
        except KgtoolError as exc:
            print(f"kgtool docs: cannot build the example region: {exc}", file=sys.stderr)
    views = []
    for name, query in catalogue.items():
        if name in broken:
            example = ExampleResult(error=broken[name])
        elif examples:
            example = run_example(kg, query, model)
        else:
            example = ExampleResult(skipped="example results were not requested")
        views.append(QueryView(query=query, anchor=name, example=example))
    return views
