"""National Tax Agency corporate-number files (法人番号公表サイト) into the store.

Three layouts carry the same 30 fields per corporation (see ``realdata/README.md``):

* the full-download CSV: no header, 30 columns, Shift_JIS (cp932) or UTF-8;
* a Web-API v4 CSV response: one line ``lastUpdateDate,count,divideNumber,divideSize``, then the
  same 30-column records (Shift_JIS or UTF-8);
* a Web-API v4 XML response: ``<corporations>`` with one ``<corporation>`` element per record,
  its children named like the columns (read with ``xml.etree.ElementTree.iterparse``).

Files are streamed (a national file holds about 5 million records): CSV lines are split as bytes
(neither ``\\n`` nor ``,`` nor ``"`` can be a Shift_JIS trail byte), decoded one by one, and
parsed by :mod:`csv`; XML is parsed element by element and each finished ``<corporation>`` freed.

Each record describes the legal entity ``kgd:org/cn/<13 digits>`` — the IRI the MHLW importer
gives the operator of an establishment, so both sources' facts merge in the union graph.
A record with ``latest`` = 1 carries the entity's current facts (names, kind, legal form, seat,
dates, status); a record with ``latest`` = 0 is history: it becomes a provenance record, and its
name, when it differs from the current one, a ``skos:altLabel``. The legal form comes from the
kind code where the ontology maps that code to exactly one form (``kg:ntaKindCode``); for codes
shared by several forms (399) the name decides (:class:`.names.LegalFormRecognizer`); what
neither decides is listed in the summary, never guessed.

``row`` in provenance and problems is the ordinal of the corporation record in the file (1 for
the first record; the Web-API summary line is not a record), the same for the CSV and the XML
of one response. Problems on a CSV record also give its line in the file.
"""
from __future__ import annotations

import codecs
import csv
import datetime as _dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
import rdflib
from rdflib import URIRef

from ..codes import is_valid_corporate_number, local_government_check_digit
from ..errors import InputError
from ..namespaces import INFERRED_GRAPH, KG, KGD, PROV, RDF, SCHEMA, SKOS
from ..store import KnowledgeGraph
from .base import ImportSummary, Problem, SourceWriter, progress as _progress
from .names import LegalFormRecognizer
from .ntriples import literal, typed

__all__ = ["COLUMNS", "KindForms", "import_nta", "detect_encoding"]

#: The 30 fields of a corporate-number record, in CSV column order (also the XML element names).
COLUMNS: tuple[str, ...] = (
    "sequenceNumber", "corporateNumber", "process", "correct", "updateDate", "changeDate",
    "name", "nameImageId", "kind", "prefectureName", "cityName", "streetNumber",
    "addressImageId", "prefectureCode", "cityCode", "postCode", "addressOutside",
    "addressOutsideImageId", "closeDate", "closeCause", "successorCorporateNumber",
    "changeCause", "assignmentDate", "latest", "enName", "enPrefectureName", "enCityName",
    "enAddressOutside", "furigana", "hihyoji",
)
_API_HEADER = ("lastUpdateDate", "count", "divideNumber", "divideSize")

_SNIFF_BYTES = 1 << 16
_FLUSH_ROWS = 20_000
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PREFECTURE = re.compile(r"[0-9]{2}")
_CITY = re.compile(r"[0-9]{3}")

# N-Triples spellings of the terms every record uses.
_TYPE = f"<{RDF.type}>"
_ORGANIZATION = f"<{KG.Organization}>"
_REGISTERED = f"<{KG.RegisteredOrganization}>"
_NUMBER = f"<{KG.corporateNumber}>"
_PREF_LABEL = f"<{SKOS.prefLabel}>"
_ALT_LABEL = f"<{SKOS.altLabel}>"
_KANA = f"<{KG.nameKana}>"
_KIND = f"<{KG.ntaKind}>"
_LEGAL_FORM = f"<{KG.hasLegalForm}>"
_LOCATED = f"<{KG.locatedIn}>"
_ADDRESS = f"<{SCHEMA.address}>"
_POSTAL = f"<{SCHEMA.postalCode}>"
_UPDATED = f"<{KG.registryUpdated}>"
_ASSIGNED = f"<{KG.assignedOn}>"
_STATUS = f"<{KG.status}>"
_ACTIVE = f"<{KG.Active}>"
_CLOSED = f"<{KG.Closed}>"
_CLOSED_ON = f"<{KG.closedOn}>"
_CLOSE_CAUSE = f"<{KG.closeCause}>"
_SUCCESSOR = f"<{KG.successor}>"
_DERIVED = f"<{PROV.wasDerivedFrom}>"
_LG_CODE = f"<{KG.localGovernmentCode}>"
_WITHIN = f"<{KG.withinArea}>"
_MUNICIPALITY = f"<{KG.Municipality}>"
_PREFECTURE_CLASS = f"<{KG.Prefecture}>"


# ----------------------------------------------------------------- kind codes → legal forms ----
_KIND_QUERY = """
PREFIX kg: <https://w3id.org/kgtool/ont#>
SELECT ?form ?code WHERE { ?form a kg:LegalForm ; kg:ntaKindCode ?code }
"""
#: Every kind code the registry uses, from the ontology's scheme of kind codes.
_KINDS_QUERY = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?code WHERE { ?kind skos:inScheme <https://w3id.org/kgtool/legal-form/nta-kinds> ; skos:notation ?code }
"""


@dataclass(frozen=True)
class KindForms:
    """What the ontology says about NTA kind codes (``kg:ntaKindCode`` on each legal form).

    ``decisive`` maps a kind code carried by exactly one legal form to that form: the kind alone
    decides it. Codes carried by several forms (399 "other registered corporations") or by none
    (499 "other", see the ontology's scheme ``lf:nta-kinds``) are in ``known`` but not in
    ``decisive``: the name must decide. ``codes`` gives each form's codes,
    so a form recognised from a name can be checked against the record's kind.
    """

    decisive: dict[str, str]
    known: frozenset[str]
    codes: dict[str, frozenset[str]]

    @classmethod
    def from_graph(cls, graph: rdflib.Graph) -> KindForms:
        """Read the kind codes of every ``kg:LegalForm`` in an ontology graph."""
        forms_of: dict[str, set[str]] = {}
        codes: dict[str, set[str]] = {}
        for row in graph.query(_KIND_QUERY):
            form, code = str(row.form), str(row.code).strip()  # type: ignore[union-attr]
            forms_of.setdefault(code, set()).add(form)
            codes.setdefault(form, set()).add(code)
        decisive = {code: next(iter(forms)) for code, forms in forms_of.items() if len(forms) == 1}
        known = set(forms_of) | {str(row.code).strip() for row in graph.query(_KINDS_QUERY)}  # type: ignore[union-attr]
        return cls(decisive, frozenset(known), {f: frozenset(c) for f, c in codes.items()})

    @classmethod
    def default(cls) -> KindForms:
        """The kind codes of the shipped ontology (read once, then cached)."""
        return _default_kinds()


@lru_cache(maxsize=1)
def _default_kinds() -> KindForms:
    from ..ontology import ontology_graph

    return KindForms.from_graph(ontology_graph())


# ----------------------------------------------------------------------------- encodings ----
def detect_encoding(path: Path) -> str:
    """``utf-8-sig`` (BOM), ``utf-8`` or ``cp932``, judged from the first 64 KiB of ``path``.

    UTF-8 is tried first (Shift_JIS text is almost never valid UTF-8), then cp932, the Windows
    superset of Shift_JIS the agency's files use. InputError naming the file and the byte
    offsets where each decoding failed when it is neither.
    """
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
        at_end = not handle.read(1)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    offsets: dict[str, int] = {}
    for encoding in ("utf-8", "cp932"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=at_end)
            return encoding
        except UnicodeDecodeError as exc:
            offsets[encoding] = exc.start
    raise InputError(f"{path}: neither UTF-8 (invalid byte at offset {offsets['utf-8']}) nor "
                     f"Shift_JIS/cp932 (invalid byte at offset {offsets['cp932']}); "
                     f"corporate-number files come in one of these two encodings")


# ------------------------------------------------------------------------------- readers ----
@dataclass
class _Record:
    """One record as read: its ordinal, its line (CSV), and its fields or why it was unreadable."""

    row: int
    line: int | None
    fields: dict[str, str] | None
    error: str | None = None


@dataclass
class _Header:
    """The Web-API summary (``lastUpdateDate``, ``count``, ``divideNumber``, ``divideSize``)."""

    values: dict[str, str] = field(default_factory=dict)
    truncated: str | None = None


class _DecodeState:
    def __init__(self) -> None:
        self.bad_offset: int | None = None


def _decoded_lines(handle: BinaryIO, encoding: str, state: _DecodeState) -> Iterator[str]:
    """The lines of a binary file, decoded one by one; a line that does not decode is yielded
    with replacement characters and its byte offset left in ``state`` for the caller."""
    offset = 0
    if encoding == "utf-8-sig":
        handle.read(len(codecs.BOM_UTF8))
        offset, encoding = len(codecs.BOM_UTF8), "utf-8"
    for raw in handle:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            if state.bad_offset is None:
                state.bad_offset = offset + exc.start
            text = raw.decode(encoding, errors="replace")
        offset += len(raw)
        yield text


def _is_api_header(cells: list[str]) -> bool:
    return (len(cells) == len(_API_HEADER) and bool(_DATE.fullmatch(cells[0].strip()))
            and all(c.strip().isdigit() for c in cells[1:]))


def _csv_records(path: Path, encoding: str, header: _Header) -> Iterator[_Record]:
    state = _DecodeState()
    ordinal = 0
    with path.open("rb") as handle:
        reader = csv.reader(_decoded_lines(handle, encoding, state))
        first = True
        for cells in reader:
            line = reader.line_num
            bad, state.bad_offset = state.bad_offset, None
            if first:
                first = False
                if bad is None and _is_api_header(cells):
                    header.values = dict(zip(_API_HEADER, (c.strip() for c in cells)))
                    continue
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            ordinal += 1
            if bad is not None:
                yield _Record(ordinal, line, None, f"byte offset {bad} is not valid "
                              f"{encoding.removesuffix('-sig').upper()}, the file's encoding")
            elif len(cells) != len(COLUMNS):
                yield _Record(ordinal, line, None,
                              f"has {len(cells)} columns, a corporate-number record has {len(COLUMNS)}")
            else:
                yield _Record(ordinal, line, {name: value.strip() for name, value in zip(COLUMNS, cells)})


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xml_records(path: Path, header: _Header) -> Iterator[_Record]:
    ordinal = 0
    root: ET.Element | None = None
    with path.open("rb") as handle:
        try:
            for event, elem in ET.iterparse(handle, events=("start", "end")):
                if event == "start":
                    if root is None:
                        root = elem
                        if _local(elem.tag) != "corporations":
                            raise InputError(f"{path}: not a corporate-number XML response (root "
                                             f"element <{_local(elem.tag)}>, expected <corporations>)")
                    continue
                tag = _local(elem.tag)
                if tag == "corporation":
                    ordinal += 1
                    fields = {name: "" for name in COLUMNS}
                    for child in elem:
                        fields[_local(child.tag)] = (child.text or "").strip()
                    yield _Record(ordinal, None, fields)
                    assert root is not None
                    root.clear()  # free the records already converted
                elif tag in _API_HEADER:
                    header.values[tag] = (elem.text or "").strip()
        except ET.ParseError as exc:
            line, column = exc.position
            header.truncated = (f"the XML is malformed or cut off at line {line}, column {column} "
                                f"({exc}); the {ordinal} records before it were kept")
        except ValueError as exc:  # pyexpat: multi-byte encodings other than UTF-8/16
            raise InputError(f"{path}: cannot read this XML ({exc}); the Web-API sends XML in "
                             f"UTF-8 (type 12)") from exc


# ----------------------------------------------------------------------------- converter ----
@lru_cache(maxsize=65536)
def _valid_date(value: str) -> bool:
    if not _DATE.fullmatch(value):
        return False
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True



class _Converter:
    """Turns records into N-Triples for one source, and keeps the counts of the summary."""

    def __init__(self, writer: SourceWriter, summary: ImportSummary, file: str,
                 kinds: KindForms, recognizer: LegalFormRecognizer) -> None:
        self.writer = writer
        self.summary = summary
        self.file = file
        self.kinds = kinds
        self.recognizer = recognizer
        self.areas: dict[str, str] = {}  # first five digits -> 6-digit code, for areas emitted
        self.history: dict[str, list[tuple[int, str]]] = {}

    # -- problems --------------------------------------------------------------------------
    def _problem(self, record: _Record, field_name: str | None, message: str,
                 value: str | None = None, severity: str = "warning") -> None:
        if record.line is not None and record.line != record.row:
            message += f" (line {record.line})"
        self.summary.problems.append(Problem(self.file, record.row, field_name, message, value, severity))

    def _reject(self, record: _Record, field_name: str | None, message: str, value: str | None = None) -> None:
        self.summary.rows_rejected += 1
        self._problem(record, field_name, message, value, "error")

    # -- one record ------------------------------------------------------------------------
    def convert(self, record: _Record) -> None:
        """Check one record and queue its triples, or reject it with a Problem."""
        self.summary.rows_read += 1
        if record.fields is None:
            self._reject(record, None, record.error or "unreadable record")
            return
        f = record.fields
        number = f["corporateNumber"]
        if not is_valid_corporate_number(number):
            why = ("is not 13 digits" if not re.fullmatch(r"[0-9]{13}", number)
                   else "has a wrong check digit")
            self._reject(record, "corporateNumber", f"corporate number {why}", number)
            return
        entity = f"<{KGD}org/cn/{number}>"
        source = self.writer.record(record.row)
        out = [f"{entity} {_TYPE} {_ORGANIZATION} .\n",
               f"{entity} {_TYPE} {_REGISTERED} .\n",
               f"{entity} {_NUMBER} {literal(number)} .\n",
               f"{entity} {_DERIVED} {source} .\n"]
        latest = f["latest"]
        if latest not in ("", "0", "1"):
            self._problem(record, "latest", "is neither 1 (current) nor 0 (history); read as current", latest)
        hidden = f["hihyoji"] == "1"
        if latest == "0":
            if f["name"] and not hidden:
                self.history.setdefault(number, []).append((record.row, f["name"]))
        else:
            self._current(record, entity, number, hidden, source, out)
        self.writer.add("".join(out))
        self.summary.rows_loaded += 1

    def _current(self, record: _Record, entity: str, number: str, hidden: bool, source: str,
                 out: list[str]) -> None:
        f = record.fields
        assert f is not None
        kind = f["kind"]
        if kind:
            out.append(f"{entity} {_KIND} {literal(kind)} .\n")
        name = f["name"]
        if hidden:
            self._problem(record, "hihyoji", "non-disclosure flag set: name and address not imported", "1")
        else:
            if name:
                out.append(f"{entity} {_PREF_LABEL} {literal(name, lang='ja')} .\n")
            if f["furigana"]:
                out.append(f"{entity} {_KANA} {literal(f['furigana'])} .\n")
            if f["enName"]:
                out.append(f"{entity} {_PREF_LABEL} {literal(f['enName'], lang='en')} .\n")
            self._address(record, entity, source, out)
        self._legal_form(record, entity, kind, None if hidden else name, number, out)
        for column, predicate in (("updateDate", _UPDATED), ("assignmentDate", _ASSIGNED)):
            date = self._date(record, column)
            if date:
                out.append(f"{entity} {predicate} {typed(date, 'date')} .\n")
        closed = bool(f["closeDate"] or f["closeCause"])
        out.append(f"{entity} {_STATUS} {_CLOSED if closed else _ACTIVE} .\n")
        date = self._date(record, "closeDate")
        if date:
            out.append(f"{entity} {_CLOSED_ON} {typed(date, 'date')} .\n")
        if f["closeCause"]:
            out.append(f"{entity} {_CLOSE_CAUSE} {literal(f['closeCause'])} .\n")
        successor = f["successorCorporateNumber"]
        if successor:
            if is_valid_corporate_number(successor):
                out.append(f"{entity} {_SUCCESSOR} <{KGD}org/cn/{successor}> .\n")
            else:
                self._problem(record, "successorCorporateNumber",
                              "not a valid corporate number; successor not linked", successor)

    def _date(self, record: _Record, column: str) -> str | None:
        assert record.fields is not None
        value = record.fields[column]
        if not value:
            return None
        if _valid_date(value):
            return value
        self._problem(record, column, "not a date (YYYY-MM-DD); field dropped", value)
        return None

    def _address(self, record: _Record, entity: str, source: str, out: list[str]) -> None:
        f = record.fields
        assert f is not None
        address = f["prefectureName"] + f["cityName"] + f["streetNumber"]
        if address:
            out.append(f"{entity} {_ADDRESS} {literal(address, lang='ja')} .\n")
        elif f["addressOutside"]:
            out.append(f"{entity} {_ADDRESS} {literal(f['addressOutside'], lang='ja')} .\n")
        english = ", ".join(v for v in (f["enCityName"], f["enPrefectureName"]) if v) or f["enAddressOutside"]
        if english:
            out.append(f"{entity} {_ADDRESS} {literal(english, lang='en')} .\n")
        if f["postCode"]:
            out.append(f"{entity} {_POSTAL} {literal(f['postCode'])} .\n")
        pref, city = f["prefectureCode"], f["cityCode"]
        if not pref and not city:
            return
        if not (_PREFECTURE.fullmatch(pref) and _CITY.fullmatch(city)):
            self._problem(record, "cityCode" if _PREFECTURE.fullmatch(pref) else "prefectureCode",
                          "not a 2-digit prefecture code and 3-digit city code; seat not linked",
                          f"{pref}/{city}")
            return
        code = self._area(pref + city, source, out)
        out.append(f"{entity} {_LOCATED} <{KGD}area/{code}> .\n")

    def _area(self, first_five: str, source: str, out: list[str]) -> str:
        """The 6-digit local-government code of ``first_five``; the area's own triples the
        first time it is seen (a prefecture when the city part is 000, else a municipality
        within its prefecture)."""
        code = self.areas.get(first_five)
        if code is None:
            code = self.areas[first_five] = first_five + str(local_government_check_digit(first_five))
            area = f"<{KGD}area/{code}>"
            out.append(f"{area} {_LG_CODE} {literal(code)} .\n{area} {_DERIVED} {source} .\n")
            if first_five.endswith("000"):
                out.append(f"{area} {_TYPE} {_PREFECTURE_CLASS} .\n")
            else:
                out.append(f"{area} {_TYPE} {_MUNICIPALITY} .\n")
                prefecture = self._area(first_five[:2] + "000", source, out)
                out.append(f"{area} {_WITHIN} <{KGD}area/{prefecture}> .\n")
        return code

    def _legal_form(self, record: _Record, entity: str, kind: str, name: str | None,
                    number: str, out: list[str]) -> None:
        form = self.kinds.decisive.get(kind)
        if form is None and kind not in self.kinds.known:
            self._problem(record, "kind", "unknown kind code; legal form left unrecognised", kind)
        elif form is None:
            found = self.recognizer.recognize(name) if name else None
            codes = self.kinds.codes.get(found or "", frozenset())
            if found and codes and kind not in codes:
                self._problem(record, "name", f"the name announces <{found}> (kind "
                              f"{'/'.join(sorted(codes))}) but the kind code is {kind}; "
                              "legal form left unrecognised", name)
            else:
                form = found
        if form is None:
            self.summary.legal_forms_unrecognised.append(f"{number} {name}" if name else number)
            return
        self.summary.legal_forms_recognised += 1
        out.append(f"{entity} {_LEGAL_FORM} <{form}> .\n")

    # -- after the last record -------------------------------------------------------------
    def finish(self, kg: KnowledgeGraph) -> None:
        """Old names as alternative labels, conflicting current records, merge counts."""
        self.writer.flush()
        staging = ox.NamedNode(self.writer.staging)
        status, pref = ox.NamedNode(str(KG.status)), ox.NamedNode(str(SKOS.prefLabel))
        for number, names in self.history.items():
            entity = ox.NamedNode(f"{KGD}org/cn/{number}")
            has_current = any(True for _ in kg.store.quads_for_pattern(entity, status, None, staging))
            current = {q.object.value for q in kg.store.quads_for_pattern(entity, pref, None, staging)
                       if q.object.language == "ja"}
            if has_current and not current:
                continue  # the current record hides the name (hihyoji) or has none
            if not has_current:
                self.summary.problems.append(Problem(
                    self.file, names[0][0], "latest", f"corporate number {number} has only history "
                    "records (latest = 0) here; their names are kept as skos:altLabel only",
                    severity="warning"))
            old = sorted({n for _, n in names} - current)
            self.writer.add("".join(f"<{entity.value}> {_ALT_LABEL} {literal(n, lang='ja')} .\n"
                                    for n in old))
        self.writer.flush()
        self._conflicts(kg)
        self._count_entities(kg)

    def _conflicts(self, kg: KnowledgeGraph) -> None:
        _, rows = kg.select(_CONFLICT_QUERY, {"staging": URIRef(self.writer.staging)})
        for row in rows:
            number = str(row["e"]).rsplit("/", 1)[-1]
            self.summary.problems.append(Problem(
                self.file, None, "latest", f"corporate number {number} has several current records "
                f"(latest = 1) with different values of <{row['p']}>",
                number, "warning"))

    def _count_entities(self, kg: KnowledgeGraph) -> None:
        _, rows = kg.select(_ENTITY_QUERY, {"staging": URIRef(self.writer.staging),
                                            "target": URIRef(self.writer.graph),
                                            "inferred": URIRef(str(INFERRED_GRAPH))})
        total = int(rows[0]["all"] or 0) if rows else 0
        merged = int(rows[0]["merged"] or 0) if rows else 0
        self.summary.entities_merged = merged
        self.summary.entities_created = total - merged


#: Entities of this import, and how many of them another source already describes (MHLW data,
#: another corporate-number file). This source's previous version and inferred triples do not count.
_ENTITY_QUERY = """
SELECT (COUNT(?e) AS ?all) (SUM(IF(?m, 1, 0)) AS ?merged) WHERE {
  GRAPH ?staging { ?e kg:corporateNumber ?n }
  BIND (EXISTS { GRAPH ?g { ?e ?p ?o } FILTER (?g NOT IN (?staging, ?target, ?inferred)) } AS ?m)
}
"""

#: Entities given two different current names, statuses or legal forms by one file.
_CONFLICT_QUERY = """
SELECT ?e ?p WHERE {
  { GRAPH ?staging { ?e skos:prefLabel ?v } FILTER (lang(?v) = "ja") BIND (skos:prefLabel AS ?p) }
  UNION { GRAPH ?staging { ?e kg:status ?v } BIND (kg:status AS ?p) }
  UNION { GRAPH ?staging { ?e kg:hasLegalForm ?v } BIND (kg:hasLegalForm AS ?p) }
} GROUP BY ?e ?p HAVING (COUNT(DISTINCT ?v) > 1) ORDER BY ?e ?p
"""


# ------------------------------------------------------------------------------ importer ----
def import_nta(kg: KnowledgeGraph, path: str | Path, *, source_id: str | None = None,
               progress: bool = True) -> ImportSummary:
    """Import a corporate-number file (full-download CSV, Web-API v4 CSV or XML) into the store.

    The file's triples go into the named graph of ``source_id`` (default ``nta/<file stem>``),
    replaced on re-import. Rows with an invalid corporate number or the wrong number of columns
    are rejected with a Problem naming file, row and field; the others are loaded.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    with path.open("rb") as handle:
        head = handle.read(512).lstrip(codecs.BOM_UTF8).lstrip()
    xml = head.startswith(b"<")
    header = _Header()
    if xml:
        records: Iterator[_Record] = _xml_records(path, header)
        fmt = "nta-webapi-xml"
    else:
        records = _csv_records(path, detect_encoding(path), header)
        fmt = "nta-csv"
    summary = ImportSummary(source=str(path), format=fmt)
    converter_args = (summary, path.name, KindForms.default(), LegalFormRecognizer.default())
    with SourceWriter(kg, source_id or f"nta/{path.stem}", path, summary,
                      lenient=True) as writer:
        converter = _Converter(writer, *converter_args)
        stream = _progress(records, total=None, desc=path.name) if progress else records
        for record in stream:
            converter.convert(record)
            if record.row % _FLUSH_ROWS == 0:
                writer.submit()  # bound the memory the queued N-Triples text takes
        if not xml and header.values:
            summary.format = "nta-webapi-csv"
        _check_header(header, summary, path.name)
        converter.finish(kg)
        writer.commit()
    return summary


def _check_header(header: _Header, summary: ImportSummary, file: str) -> None:
    if header.truncated:
        summary.problems.append(Problem(file, None, None, header.truncated))
    values = header.values
    if values.get("divideSize") == "1" and values.get("count", "").isdigit():
        expected = int(values["count"])
        if expected != summary.rows_read:
            summary.problems.append(Problem(
                file, None, "count", f"the response announces {expected} records but holds "
                f"{summary.rows_read}", values["count"], "warning"))
