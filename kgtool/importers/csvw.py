"""Users' own tables: CSV files described by W3C CSVW metadata, converted to RDF.

The mapping is a standard *CSV on the Web* metadata file (``<name>.csv-metadata.json``) next to
the CSV files: https://www.w3.org/TR/tabular-metadata/. Conversion follows CSV2RDF minimal mode
(https://www.w3.org/TR/csv2rdf/) for the subset a table of organisations, persons, posts,
memberships or co-production relations needs:

* table group (``tables``) or a single table (``url`` + ``tableSchema``);
* ``aboutUrl`` on the schema and on columns, ``propertyUrl``, ``valueUrl`` as RFC 6570 level-1
  URI templates (``{column}``, ``{_row}``), with the CSVW predefined prefixes (``rdf:``,
  ``skos:``, ``schema:``, ``org:`` …);
* ``datatype`` (string, integer, decimal, double, boolean, date, dateTime, gYear, anyURI),
  ``lang`` (inherited from group, table or schema; applies to string cells; ``und`` = none),
  ``null``, ``separator``, ``required``, ``virtual``, ``suppressOutput``.

A cell that breaks its column's rules rejects its row with a message naming file, row and
column; the other rows are loaded. Every row subject records its source row (PROV).
"""
from __future__ import annotations

import csv
import datetime as _dt
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..namespaces import PROV
from ..store import KnowledgeGraph
from .base import ImportSummary, Problem, SourceWriter, progress
from .ntriples import XSD, iri, literal, segment

#: Prefixes predefined by the CSVW context (a subset of the RDFa initial context).
CSVW_PREFIXES = {
    "csvw": "http://www.w3.org/ns/csvw#",
    "dc": "http://purl.org/dc/terms/",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "qb": "http://purl.org/linked-data/cube#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "http://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "void": "http://rdfs.org/ns/void#",
    "xsd": XSD,
}

_TEMPLATE = re.compile(r"\{([+]?)([^{}]+)\}")


def _check_integer(v: str) -> str:
    return str(int(v))


def _check_decimal(v: str) -> str:
    d = Decimal(v)
    if not d.is_finite():
        raise ValueError("not a finite number")
    return v.strip()


def _check_double(v: str) -> str:
    float(v)
    return v.strip()


def _check_boolean(v: str) -> str:
    lowered = v.strip().lower()
    if lowered in ("true", "1"):
        return "true"
    if lowered in ("false", "0"):
        return "false"
    raise ValueError("not true/false")


def _check_date(v: str) -> str:
    return _dt.date.fromisoformat(v.strip()).isoformat()


def _check_datetime(v: str) -> str:
    _dt.datetime.fromisoformat(v.strip())
    return v.strip()


def _check_gyear(v: str) -> str:
    if not re.fullmatch(r"-?\d{4,}", v.strip()):
        raise ValueError("not a year (YYYY)")
    return v.strip()


def _check_string(v: str) -> str:
    return v


#: Datatypes the converter checks, by CSVW name, with the XSD IRI they produce.
DATATYPES: dict[str, tuple[str, Any]] = {
    "string": (XSD + "string", _check_string),
    "integer": (XSD + "integer", _check_integer),
    "decimal": (XSD + "decimal", _check_decimal),
    "double": (XSD + "double", _check_double),
    "number": (XSD + "double", _check_double),
    "boolean": (XSD + "boolean", _check_boolean),
    "date": (XSD + "date", _check_date),
    "dateTime": (XSD + "dateTime", _check_datetime),
    "gYear": (XSD + "gYear", _check_gyear),
    "anyURI": (XSD + "anyURI", _check_string),
}


@dataclass
class Column:
    """One column of a CSVW table schema, with everything conversion needs."""

    name: str
    titles: list[str]
    property_url: str | None
    value_url: str | None
    about_url: str | None
    datatype: str
    lang: str | None
    null: list[str]
    separator: str | None
    required: bool
    virtual: bool
    suppress: bool


def _expand(term: str, metadata_file: Path) -> str:
    """Expand a CSVW prefixed name (``skos:prefLabel``) to a full IRI."""
    if ":" in term:
        prefix, rest = term.split(":", 1)
        if prefix in CSVW_PREFIXES and not rest.startswith("//"):
            return CSVW_PREFIXES[prefix] + rest
        return term
    raise InputError(f"{metadata_file}: {term!r} is neither a full IRI nor a CSVW prefixed name; "
                     f"known prefixes: {', '.join(sorted(CSVW_PREFIXES))}")


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):  # language map of titles
        return [t for v in value.values() for t in _as_list(v)]
    return [str(v) for v in value]


def _columns(schema: dict[str, Any], metadata_file: Path, table_url: str) -> list[Column]:
    columns = []
    for index, raw in enumerate(schema.get("columns", []), start=1):
        titles = _as_list(raw.get("titles"))
        name = raw.get("name") or (titles[0] if titles else f"_col.{index}")
        datatype = raw.get("datatype", "string")
        if isinstance(datatype, dict):
            datatype = datatype.get("base", "string")
        if datatype not in DATATYPES:
            raise InputError(f"{metadata_file}: table {table_url}, column {name}: unsupported datatype "
                             f"{datatype!r}; supported: {', '.join(DATATYPES)}")
        prop = raw.get("propertyUrl")
        columns.append(Column(
            name=name, titles=titles or [name],
            property_url=_expand(prop, metadata_file) if prop and "{" not in prop.split(":")[0] else prop,
            value_url=raw.get("valueUrl"), about_url=raw.get("aboutUrl"),
            datatype=datatype, lang=raw.get("lang"),
            null=_as_list(raw["null"]) if "null" in raw else [""],
            separator=raw.get("separator"), required=bool(raw.get("required", False)),
            virtual=bool(raw.get("virtual", False)), suppress=bool(raw.get("suppressOutput", False)),
        ))
    return columns


def _fill(template: str, cells: dict[str, str], metadata_file: Path, prefixes: bool = True) -> str:
    """Expand an RFC 6570 level-1 template with this row's cell values (percent-encoded)."""
    def value(match: re.Match[str]) -> str:
        reserved, name = match.groups()
        if name not in cells:
            raise KeyError(name)
        text = cells[name]
        return text if reserved else segment(text)

    expanded = _TEMPLATE.sub(value, template)
    return _expand(expanded, metadata_file) if prefixes else expanded


def _read_header(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return next(csv.reader(handle), [])
    except UnicodeDecodeError as exc:
        raise _not_utf8(path, exc) from exc


def _not_utf8(path: Path, exc: UnicodeDecodeError) -> InputError:
    return InputError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start}); save the table as UTF-8")


def import_csvw(kg: KnowledgeGraph, metadata: str | Path, *, source_id: str | None = None) -> ImportSummary:
    """Import the CSV tables a CSVW metadata file describes into the store.

    All tables of the group go into one named graph (the source), replaced on re-import.
    """
    metadata_file = Path(metadata)
    if not metadata_file.is_file():
        raise InputError(f"{metadata_file}: no such file")
    try:
        meta = json.loads(metadata_file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{metadata_file}: not valid JSON CSVW metadata: {exc}") from exc
    tables = meta.get("tables") or ([meta] if "url" in meta else [])
    if not tables:
        raise InputError(f"{metadata_file}: no tables described (expected 'tables' or 'url')")
    stem = metadata_file.name.removesuffix(".json").removesuffix("-metadata").removesuffix(".csv")
    source_id = source_id or f"csvw/{stem}"
    summary = ImportSummary(source=str(metadata_file), format="csvw")
    with SourceWriter(kg, source_id, metadata_file, summary) as writer:
        for table in tables:
            _import_table(writer, table, meta, metadata_file, summary)
        writer.commit()
    return summary


def _import_table(writer: SourceWriter, table: dict[str, Any], group: dict[str, Any],
                  metadata_file: Path, summary: ImportSummary) -> None:
    url = table.get("url")
    if not url:
        raise InputError(f"{metadata_file}: a table has no 'url'")
    path = metadata_file.parent / url
    if not path.is_file():
        raise InputError(f"{metadata_file}: table file {path} not found")
    schema = table.get("tableSchema") or group.get("tableSchema") or {}
    columns = _columns(schema, metadata_file, url)
    table_lang = schema.get("lang") or table.get("lang") or group.get("lang")
    header = _read_header(path)
    by_title = {title: column for column in columns if not column.virtual for title in column.titles}
    missing = [c.name for c in columns if not c.virtual and not any(t in header for t in c.titles)]
    if missing:
        raise InputError(f"{path}: columns {', '.join(missing)} described in {metadata_file.name} "
                         f"are missing from the header {header}")
    order = [by_title.get(title) for title in header]
    default_about = schema.get("aboutUrl")
    table_file = path.name

    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            next(reader, None)
            for line_number, raw in progress(enumerate(reader, start=2), total=None, desc=table_file):
                _convert_row(writer, summary, table_file, line_number, raw, header, order, columns,
                             default_about, table_lang, metadata_file)
    except UnicodeDecodeError as exc:
        raise _not_utf8(path, exc) from exc


def _convert_row(writer: SourceWriter, summary: ImportSummary, table_file: str, line_number: int,
                 raw: list[str], header: list[str], order: list[Column | None], columns: list[Column],
                 default_about: str | None, table_lang: str | None, metadata_file: Path) -> None:
    if not any(cell.strip() for cell in raw):
        return
    summary.rows_read += 1
    if len(raw) != len(header):
        _reject(summary, table_file, line_number, None, f"has {len(raw)} cells, the header has {len(header)}")
        return
    cells = {"_row": str(line_number - 1), "_sourceRow": str(line_number)}
    for column, value in zip(order, raw):
        if column is not None:
            cells[column.name] = value
    try:
        subjects, text = _row_triples(columns, cells, default_about, table_lang, metadata_file)
    except _CellError as exc:
        _reject(summary, table_file, line_number, exc.column, exc.message, exc.value)
        return
    record = writer.record(line_number, table_file)
    writer.add(text + "".join(f"{s} <{PROV.wasDerivedFrom}> {record} .\n" for s in subjects))
    summary.rows_loaded += 1


class _CellError(Exception):
    def __init__(self, column: str, message: str, value: str | None = None) -> None:
        super().__init__(message)
        self.column, self.message, self.value = column, message, value


def _row_triples(columns: list[Column], cells: dict[str, str], default_about: str | None,
                 table_lang: str | None, metadata_file: Path) -> tuple[list[str], str]:
    out: list[str] = []
    subjects: list[str] = []
    for column in columns:
        if column.suppress:
            continue
        if column.virtual:
            values = [""]
        else:
            cell = cells.get(column.name, "")
            if cell in column.null or cell.strip() == "" and "" in column.null:
                if column.required:
                    raise _CellError(column.name, "is required but empty")
                continue
            values = [v.strip() for v in cell.split(column.separator)] if column.separator else [cell]
        about = column.about_url or default_about
        try:
            subject = iri(_fill(about, cells, metadata_file)) if about else f"_:row{cells['_row']}"
        except KeyError as exc:
            raise InputError(f"{metadata_file}: aboutUrl {about!r} uses unknown column {exc}") from None
        if subject not in subjects and about == default_about:
            subjects.append(subject)
        if column.property_url is None:
            raise InputError(f"{metadata_file}: column {column.name} has no propertyUrl")
        try:
            predicate = iri(_fill(column.property_url, cells, metadata_file))
        except KeyError as exc:
            raise InputError(f"{metadata_file}: propertyUrl of {column.name} uses unknown column {exc}") from None
        for value in values:
            if value == "" and not column.virtual:
                continue
            if column.value_url:
                local = dict(cells)
                local[column.name] = value
                try:
                    obj = iri(_fill(column.value_url, local, metadata_file))
                except KeyError as exc:
                    raise InputError(f"{metadata_file}: valueUrl of {column.name} uses unknown column {exc}") from None
            else:
                xsd_iri, check = DATATYPES[column.datatype]
                try:
                    lexical = check(value)
                except (ValueError, InvalidOperation) as exc:
                    raise _CellError(column.name, f"is not a valid {column.datatype}: {exc}", value) from None
                lang = (column.lang or table_lang) if column.datatype == "string" else None
                if lang == "und":
                    lang = None
                obj = literal(lexical, None if lang else xsd_iri, lang)
            out.append(f"{subject} {predicate} {obj} .\n")
    return subjects, "".join(out)


def _reject(summary: ImportSummary, file: str, row: int, field: str | None, message: str,
            value: str | None = None) -> None:
    summary.rows_rejected += 1
    summary.problems.append(Problem(file, row, field, message, value))
