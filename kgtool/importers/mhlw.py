"""MHLW long-term-care provider open data (介護サービス情報公表システム オープンデータ).

One national file per service, ``jigyosho_<service code>.csv``: UTF-8 with BOM (a Shift_JIS /
cp932 copy is accepted too), one header row of 24 columns, one establishment (事業所) per row,
naming the legal entity (法人) that runs it by corporate number (法人番号) and name (法人の名称).

What a row becomes (IRIs as ``docs/vocabulary.md`` fixes them):

* ``kgd:est/<事業所番号>`` — ``kg:Establishment`` with its number, name (``skos:prefLabel`` @ja),
  kana, service ``svc:<code>``, area, coordinates, address, phone, fax, URL, capacity;
* ``kgd:area/<6-digit code>`` — ``kg:Municipality`` (``kg:Prefecture`` for a code ``pp000c``),
  labelled 都道府県名+市区町村名, ``kg:withinArea`` its prefecture;
* the entity — ``kgd:org/cn/<13 digits>`` when the corporate number is valid (check digit),
  otherwise ``kgd:org/name/<prefecture>/<sha256(normalised name)[:16]>``; ``kg:Organization``
  (+ ``kg:RegisteredOrganization`` with a valid number), names, the raw number as
  ``kg:corporateNumber`` whenever it is non-empty (so SHACL can flag a bad one), its legal form
  (:mod:`.names`), and ``kg:operates`` / ``kg:operatedBy`` the establishment;
* ``prov:wasDerivedFrom`` the row's ``kg:SourceRecord`` on every subject.

Problems (row numbers count the header as row 1):

* errors — the row is rejected: wrong number of cells (a truncated last line too), malformed
  establishment number (not 10 digits / capital letters; it is the row's identity), a service
  that is unknown or contradicts the file name's code;
* warnings — the row is kept without the field: 法人番号 empty, malformed or with a wrong check
  digit (the entity is then identified by name within the prefecture; the raw value is kept),
  no corporate number and no name (the establishment is kept without operator), a
  local-government code that is malformed or fails its check digit (no ``kg:locatedIn``), a
  non-numeric or out-of-range coordinate, a non-integer capacity, a URL that is not an absolute
  http(s) URL, a service column naming no known service when the file name gives a valid code
  (reported once per value), name variants recognised as different legal forms;
* :class:`~kgtool.errors.InputError` — the whole file: missing, not an MHLW header, neither
  UTF-8 nor Shift_JIS (with the byte offset), an unknown service code in the file name.

Legal forms: each name variant of an entity is matched against the ontology's patterns; for an
entity with a valid corporate number one recognised variant settles the form for all its rows
(the most frequent recognised form wins, conflicts are reported); a corporate number matching a
form's ``kg:corporateNumberRegex`` (local governments) decides the form; an entity already known
to the store with a form (another file, the NTA registry) counts as recognised. When no name
variant shows a form, an establishment name of the same rows that contains the entity's name and
writes out a form is evidence (医療法人　慶仁会　城山病院 run by 慶仁会). Nothing else is
guessed: unrecognised names are listed in the summary.

Streaming: rows are read one at a time and written as N-Triples through
:class:`~.base.SourceWriter`; only the per-entity facts (a few per legal entity) are kept until
the end of the file.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import RDFS as _RDFS
from rdflib.namespace import SKOS as _SKOS
from rdflib.term import URIRef

from ..codes import is_valid_corporate_number, is_valid_local_government_code, local_government_check_digit
from ..errors import InputError
from ..namespaces import KG, KGD, PROV, RDF, SCHEMA, SKOS, SVC
from ..sparql_values import term_to_sparql
from ..store import KnowledgeGraph
from .base import ImportSummary, Problem, SourceWriter
from .base import progress as _progress
from .names import LegalFormRecognizer, normalize_name
from .ntriples import XSD, escape, iri

__all__ = ["HEADER", "import_mhlw", "service_catalogue"]

#: The 24 columns of the MHLW open-data files, in order.
HEADER = (
    "都道府県コード又は市町村コード", "No", "都道府県名", "市区町村名", "事業所名", "事業所名カナ",
    "サービスの種類", "住所", "方書（ビル名等）", "緯度", "経度", "電話番号", "FAX番号", "法人番号",
    "法人の名称", "事業所番号", "利用可能曜日", "利用可能曜日特記事項", "定員", "URL",
    "高齢者の方と障害者の方が同時一体的に利用できるサービス", "介護保険の通常の指定基準を満たしている",
    "障害福祉の通常の指定基準を満たしている", "備考",
)
(_C_AREA, _C_NO, _C_PREF, _C_CITY, _C_NAME, _C_KANA, _C_SERVICE, _C_ADDRESS, _C_ADDRESS2, _C_LAT,
 _C_LON, _C_TEL, _C_FAX, _C_CN, _C_ORG, _C_EST, _C_DAYS, _C_DAYS_NOTE, _C_CAPACITY, _C_URL,
 *_REST) = range(len(HEADER))
_NCOLS = len(HEADER)

_FILE_CODE = re.compile(r"jigyosho_([0-9]{3})(?:\D|$)", re.IGNORECASE)
_EST_NUMBER = re.compile(r"[0-9A-Z]{10}")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_INTEGER = re.compile(r"[0-9]+")
# An absolute http(s) URL: ASCII host, any path that an IRI allows (non-ASCII included).
_HTTP_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]+)?"
                       r"(?:/(?:[^\s<>\"{}|\\^`\x00-\x1f\u3000%]|%[0-9A-Fa-f]{2})*)?")
_HEAD_BYTES = 1 << 16

# Pre-built N-Triples fragments of the hot path.
_A = f"<{RDF.type}>"
_T_EST = f"<{KG.Establishment}>"
_T_ORG = f"<{KG.Organization}>"
_T_REGORG = f"<{KG.RegisteredOrganization}>"
_T_MUNI = f"<{KG.Municipality}>"
_T_PREF = f"<{KG.Prefecture}>"
_P_ESTNO = f"<{KG.establishmentNumber}>"
_P_LABEL = f"<{SKOS.prefLabel}>"
_P_ALT = f"<{SKOS.altLabel}>"
_P_KANA = f"<{KG.nameKana}>"
_P_SERVICE = f"<{KG.providesService}>"
_P_LOCATED = f"<{KG.locatedIn}>"
_P_WITHIN = f"<{KG.withinArea}>"
_P_LGCODE = f"<{KG.localGovernmentCode}>"
_P_LAT = f"<{SCHEMA.latitude}>"
_P_LON = f"<{SCHEMA.longitude}>"
_P_ADDRESS = f"<{SCHEMA.address}>"
_P_TEL = f"<{SCHEMA.telephone}>"
_P_FAX = f"<{SCHEMA.faxNumber}>"
_P_URL = f"<{SCHEMA.url}>"
_P_CAPACITY = f"<{KG.capacity}>"
_P_OPERATED_BY = f"<{KG.operatedBy}>"
_P_OPERATES = f"<{KG.operates}>"
_P_CN = f"<{KG.corporateNumber}>"
_P_FORM = f"<{KG.hasLegalForm}>"
_P_DERIVED = f"<{PROV.wasDerivedFrom}>"
_DT_DECIMAL = f"^^<{XSD}decimal>"
_DT_INTEGER = f"^^<{XSD}integer>"
_EST = f"<{KGD}est/"
_AREA = f"<{KGD}area/"
_ORG_CN = f"<{KGD}org/cn/"
_ORG_NAME = f"<{KGD}org/name/"


@dataclass(frozen=True)
class ServiceCatalogue:
    """The long-term-care services of the ontology: codes, and the code of each (normalised) name."""

    codes: frozenset[str]
    by_name: dict[str, str]

    def code_of(self, value: str) -> str | None:
        """The service code a サービスの種類 cell names (a code or a label), or None."""
        value = value.strip()
        if value in self.codes:
            return value
        return self.by_name.get(normalize_name(value))


@lru_cache(maxsize=1)
def _catalogue() -> tuple[ServiceCatalogue, LegalFormRecognizer]:
    from ..ontology import ontology_graph

    graph = ontology_graph()
    codes: set[str] = set()
    by_name: dict[str, str] = {}
    for service, code in graph.subject_objects(KG.serviceCode):
        codes.add(str(code))
        for prop in (_SKOS.prefLabel, _SKOS.altLabel, _RDFS.label):
            for label in graph.objects(service, prop):
                if getattr(label, "language", None) == "ja":
                    by_name[normalize_name(str(label))] = str(code)
    return ServiceCatalogue(frozenset(codes), by_name), LegalFormRecognizer.from_graph(graph)


def service_catalogue() -> ServiceCatalogue:
    """The services of the shipped ontology with a ``kg:serviceCode`` (read once, cached)."""
    return _catalogue()[0]


@dataclass
class _Entity:
    iri: str
    valid_number: bool
    names: Counter[str] = field(default_factory=Counter)
    numbers: set[str] = field(default_factory=set)
    first_row: int = 0
    # establishment names that spell out the entity's name (医療法人　慶仁会　城山病院 for 慶仁会)
    establishment_names: Counter[str] = field(default_factory=Counter)


def _lit(value: str) -> str:
    return f'"{escape(value)}"'


def _ja(value: str) -> str:
    return f'"{escape(value)}"@ja'


def import_mhlw(kg: KnowledgeGraph, path: str | Path, *, source_id: str | None = None,
                progress: bool = True, recognizer: LegalFormRecognizer | None = None) -> ImportSummary:
    """Import one MHLW ``jigyosho_<code>.csv`` file into its own named graph.

    ``source_id`` defaults to ``mhlw/<file stem>``; re-importing replaces that graph, so the same
    file changes nothing and a corrected file changes only what differs. ``recognizer`` defaults
    to the shipped ontology's legal-form patterns. Raises InputError for a file that cannot be
    read as MHLW data; row-level problems are reported in the returned summary.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    services, default_recognizer = _catalogue()
    recognizer = recognizer or default_recognizer
    file_code = _file_service_code(path, services)
    encoding = _detect_encoding(path)
    source_id = source_id or f"mhlw/{path.stem}"
    summary = ImportSummary(source=str(path), format="mhlw")
    with SourceWriter(kg, source_id, path, summary, lenient=True) as writer:
        run = _Run(writer, summary, path, file_code, services, recognizer)
        reader = csv.reader(_decoded_lines(path, encoding))
        try:
            header = next(reader)
        except StopIteration:
            raise InputError(f"{path}: empty file, expected the MHLW header") from None
        _check_header(path, header)
        rows: Iterator[list[str]] = reader
        if progress:
            rows = _progress(reader, total=None, desc=path.name)
        line = 1
        for cells in rows:
            line += 1
            if cells:
                run.row(line, cells)
        run.finish(kg)
        writer.commit()
    return summary


class _Run:
    """The state of one file's import: areas and entities seen, the hot path per row."""

    def __init__(self, writer: SourceWriter, summary: ImportSummary, path: Path, file_code: str | None,
                 services: ServiceCatalogue, recognizer: LegalFormRecognizer) -> None:
        self.writer = writer
        self.summary = summary
        self.file = path.name
        self.file_code = file_code
        self.services = services
        self.recognizer = recognizer
        self.service_iri: dict[str, str] = {}
        self.unknown_service_values: set[str] = set()
        self.areas: set[str] = set()
        self.entities: dict[str, _Entity] = {}
        self.name_keys: dict[tuple[str, str], str] = {}
        self.establishments: set[str] = set()
        self.valid_numbers: dict[str, bool] = {}

    # -- problems ------------------------------------------------------------------------
    def _problem(self, row: int | None, column: int | None, message: str, value: str | None,
                 severity: str) -> None:
        name = HEADER[column] if column is not None else None
        self.summary.problems.append(Problem(self.file, row, name, message, value, severity))

    def _reject(self, row: int, column: int | None, message: str, value: str | None = None) -> None:
        self.summary.rows_rejected += 1
        self._problem(row, column, message, value, "error")

    def _warn(self, row: int | None, column: int | None, message: str, value: str | None = None) -> None:
        self._problem(row, column, message, value, "warning")

    # -- one row -------------------------------------------------------------------------
    def row(self, line: int, c: list[str]) -> None:
        self.summary.rows_read += 1
        if len(c) != _NCOLS:
            self._reject(line, None, f"has {len(c)} cells, the MHLW header has {_NCOLS}"
                         + (" (truncated line?)" if len(c) < _NCOLS else ""))
            return
        est_no = c[_C_EST]
        if not _EST_NUMBER.fullmatch(est_no):
            self._reject(line, _C_EST, "is not an establishment number (10 digits or capital letters)", est_no)
            return
        service = self._service(line, c[_C_SERVICE])
        if service is None:
            return
        writer = self.writer
        record = writer.record(line)
        est = f"{_EST}{est_no}>"
        out = [
            f"{est} {_A} {_T_EST} .\n{est} {_P_ESTNO} \"{est_no}\" .\n{est} {_P_SERVICE} {service} .\n"
            f"{est} {_P_DERIVED} {record} .\n"
        ]
        if c[_C_NAME]:
            out.append(f"{est} {_P_LABEL} {_ja(c[_C_NAME])} .\n")
        if c[_C_KANA]:
            out.append(f"{est} {_P_KANA} {_lit(c[_C_KANA])} .\n")
        area_code = c[_C_AREA]
        pref2 = est_no[:2]
        if area_code in self.areas:
            out.append(f"{est} {_P_LOCATED} {_AREA}{area_code}> .\n")
            pref2 = area_code[:2]
        elif is_valid_local_government_code(area_code):
            self._area(out, area_code, c, record)
            out.append(f"{est} {_P_LOCATED} {_AREA}{area_code}> .\n")
            pref2 = area_code[:2]
        else:
            self._warn(line, _C_AREA, "is not a 6-digit local-government code with a valid check "
                       "digit; establishment kept without area", area_code)
        address = c[_C_ADDRESS]
        if c[_C_ADDRESS2] and c[_C_ADDRESS2] not in address:
            address = f"{address} {c[_C_ADDRESS2]}" if address else c[_C_ADDRESS2]
        if address:
            out.append(f"{est} {_P_ADDRESS} {_lit(address)} .\n")
        lat, lon = c[_C_LAT], c[_C_LON]
        if lat:
            if _DECIMAL.fullmatch(lat) and -90 <= float(lat) <= 90:
                out.append(f"{est} {_P_LAT} \"{lat}\"{_DT_DECIMAL} .\n")
            else:
                self._warn(line, _C_LAT, "is not a latitude in degrees; dropped", lat)
        if lon:
            if _DECIMAL.fullmatch(lon) and -180 <= float(lon) <= 180:
                out.append(f"{est} {_P_LON} \"{lon}\"{_DT_DECIMAL} .\n")
            else:
                self._warn(line, _C_LON, "is not a longitude in degrees; dropped", lon)
        if c[_C_TEL]:
            out.append(f"{est} {_P_TEL} {_lit(c[_C_TEL])} .\n")
        if c[_C_FAX]:
            out.append(f"{est} {_P_FAX} {_lit(c[_C_FAX])} .\n")
        url = c[_C_URL]
        if url:
            if _HTTP_URL.fullmatch(url) and _is_iri(url):
                out.append(f"{est} {_P_URL} <{url}> .\n")
            else:
                self._warn(line, _C_URL, "is not an absolute http(s) URL; dropped", url)
        capacity = c[_C_CAPACITY]
        if capacity:
            if _INTEGER.fullmatch(capacity):
                out.append(f"{est} {_P_CAPACITY} \"{int(capacity)}\"{_DT_INTEGER} .\n")
            else:
                self._warn(line, _C_CAPACITY, "is not a whole number; dropped", capacity)
        entity = self._entity(line, c[_C_CN], c[_C_ORG], pref2, c[_C_NAME])
        if entity is not None:
            out.append(f"{est} {_P_OPERATED_BY} {entity} .\n{entity} {_P_OPERATES} {est} .\n"
                       f"{entity} {_P_DERIVED} {record} .\n")
        writer.add("".join(out))
        self.establishments.add(est_no)
        self.summary.rows_loaded += 1

    def _service(self, line: int, value: str) -> str | None:
        """The service IRI of a row, or None when the row is rejected."""
        try:
            return self.service_iri[value]
        except KeyError:
            pass
        code = self.services.code_of(value)
        if code is None:
            if self.file_code is None or value.strip().isdigit():
                self._reject(line, _C_SERVICE, "names no long-term-care service of the ontology "
                             "(kg:serviceCode)", value)
                return None
            if value not in self.unknown_service_values:
                self.unknown_service_values.add(value)
                self._warn(line, _C_SERVICE, f"is not a label of service {self.file_code} in the "
                           f"ontology; the file name's code {self.file_code} is used", value)
            code = self.file_code
        elif self.file_code is not None and code != self.file_code:
            self._reject(line, _C_SERVICE, f"is service {code}, but the file is for service "
                         f"{self.file_code}", value)
            return None
        else:
            self.service_iri[value] = iri(f"{SVC}{code}")
        return iri(f"{SVC}{code}")

    def _area(self, out: list[str], code: str, c: list[str], record: str) -> None:
        self.areas.add(code)
        node = f"{_AREA}{code}>"
        pref_code = f"{code[:2]}000"
        pref_code += str(local_government_check_digit(pref_code))
        pref_name, city = c[_C_PREF], c[_C_CITY]
        if code == pref_code:
            out.append(f"{node} {_A} {_T_PREF} .\n")
            label = pref_name or city
        else:
            out.append(f"{node} {_A} {_T_MUNI} .\n{node} {_P_WITHIN} {_AREA}{pref_code}> .\n")
            label = f"{pref_name}{city}"
        out.append(f"{node} {_P_LGCODE} \"{code}\" .\n{node} {_P_DERIVED} {record} .\n")
        if label:
            out.append(f"{node} {_P_LABEL} {_ja(label)} .\n")
        if code != pref_code and pref_code not in self.areas:
            self.areas.add(pref_code)
            pref = f"{_AREA}{pref_code}>"
            out.append(f"{pref} {_A} {_T_PREF} .\n{pref} {_P_LGCODE} \"{pref_code}\" .\n"
                       f"{pref} {_P_DERIVED} {record} .\n")
            if pref_name:
                out.append(f"{pref} {_P_LABEL} {_ja(pref_name)} .\n")

    def _entity(self, line: int, number: str, name: str, pref2: str, establishment_name: str) -> str | None:
        """The IRI of the row's legal entity (registering its name and number, and the
        establishment's name when it spells out the entity's), or None."""
        number = number.strip()
        valid = self.valid_numbers.get(number)
        if valid is None:
            valid = self.valid_numbers[number] = is_valid_corporate_number(number)
        if valid:
            node = f"{_ORG_CN}{number}>"
        else:
            if not number:
                message = "is empty; the entity is identified by its name within the prefecture"
            elif len(number) != 13 or not number.isdigit():
                message = "is not 13 digits; the entity is identified by its name within the prefecture"
            else:
                message = ("has a wrong check digit; the entity is identified by its name within "
                           "the prefecture")
            normal = normalize_name(name)
            if not normal:
                self._warn(line, _C_CN, "is not a valid corporate number and the entity has no "
                           "name; establishment kept without operator", number)
                return None
            self._warn(line, _C_CN, message, number)
            key = (pref2, normal)
            node = self.name_keys.get(key)
            if node is None:
                digest = hashlib.sha256(normal.encode("utf-8")).hexdigest()[:16]
                node = self.name_keys[key] = f"{_ORG_NAME}{pref2}/{digest}>"
        entity = self.entities.get(node)
        if entity is None:
            entity = self.entities[node] = _Entity(node, valid, first_row=line)
        if name:
            entity.names[name] += 1
            if len(name) > 1 and name in establishment_name and name != establishment_name:
                entity.establishment_names[establishment_name] += 1
        if number:
            entity.numbers.add(number)
        return node

    # -- end of file ---------------------------------------------------------------------
    def finish(self, kg: KnowledgeGraph) -> None:
        """Write the per-entity facts and count entities, merges and recognised forms."""
        known = self._known_elsewhere(kg)
        summary = self.summary
        unrecognised: set[str] = set()
        out: list[str] = []
        for node, entity in self.entities.items():
            out.append(f"{node} {_A} {_T_ORG} .\n")
            if entity.valid_number:
                out.append(f"{node} {_A} {_T_REGORG} .\n")
            for number in sorted(entity.numbers):
                out.append(f"{node} {_P_CN} {_lit(number)} .\n")
            ranked = sorted(entity.names.items(), key=lambda item: (-item[1], item[0]))
            if ranked:
                out.append(f"{node} {_P_LABEL} {_ja(ranked[0][0])} .\n")
                out.extend(f"{node} {_P_ALT} {_ja(n)} .\n" for n, _ in ranked[1:])
            form = self._form(entity)
            if form is not None:
                out.append(f"{node} {_P_FORM} <{form}> .\n")
            if node in known:
                summary.entities_merged += 1
                form = form or known[node]
            else:
                summary.entities_created += 1
            if form is not None:
                summary.legal_forms_recognised += 1
            else:
                unrecognised.add(ranked[0][0] if ranked else node)
        self.writer.add("".join(out))
        summary.legal_forms_unrecognised = sorted(unrecognised)
        summary.establishments = len(self.establishments)

    def _form(self, entity: _Entity) -> str | None:
        by_number = next((f for n in sorted(entity.numbers)
                          if entity.valid_number and (f := self.recognizer.recognize_corporate_number(n))), None)
        if by_number is not None:
            return by_number
        # Second-hand evidence only when the names show no form: an establishment named after
        # its operator with the legal form written out (医療法人　慶仁会　城山病院, operator 慶仁会).
        votes = self._votes(entity.names) or self._votes(entity.establishment_names)
        if not votes:
            return None
        ranked = sorted(votes.items(), key=lambda item: (-item[1], item[0]))
        if len(ranked) > 1:
            self._warn(entity.first_row, _C_ORG, "name variants of one entity announce different "
                       f"legal forms ({', '.join(f.rsplit('/', 1)[-1] for f, _ in ranked)}); the most "
                       "frequent is used", " / ".join(sorted(entity.names)))
        return ranked[0][0]

    def _votes(self, names: Counter[str]) -> Counter[str]:
        """The legal forms ``names`` announce, weighted by how often each name occurs."""
        votes: Counter[str] = Counter()
        for name, count in names.items():
            form = self.recognizer.recognize(name)
            if form is not None:
                votes[form] += count
        return votes

    def _known_elsewhere(self, kg: KnowledgeGraph) -> dict[str, str | None]:
        """Entities of this file already in another graph of the store, with a legal form the
        store gives them (one query for all entities)."""
        if not self.entities:
            return {}
        self.writer.flush()  # no read while the loader thread writes
        values = " ".join(term_to_sparql(URIRef(node[1:-1])) for node in self.entities)
        own = term_to_sparql(URIRef(self.writer.graph))
        staging = term_to_sparql(URIRef(self.writer.staging))
        query = (
            f"SELECT ?e (SAMPLE(?f) AS ?form) WHERE {{ VALUES ?e {{ {values} }} "
            f"GRAPH ?g {{ ?e ?p ?o }} FILTER(?g != {own} && ?g != {staging}) "
            f"OPTIONAL {{ GRAPH ?h {{ ?e <{KG.hasLegalForm}> ?f }} FILTER(?h != {own} && ?h != {staging}) }} "
            f"}} GROUP BY ?e")
        _, rows = kg.select(query)
        return {f"<{row['e']}>": (str(row["form"]) if row.get("form") is not None else None) for row in rows}


def _is_iri(value: str) -> bool:
    """Whether Oxigraph accepts ``value`` as an IRI: the importer loads leniently (no IRI
    checks), so a URL from the data is checked here (a second ``#``, ``[``, control or
    private-use characters pass the URL pattern but are not IRIs)."""
    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return True


def _file_service_code(path: Path, services: ServiceCatalogue) -> str | None:
    match = _FILE_CODE.search(path.name)
    if match is None:
        return None
    code = match.group(1)
    if code not in services.codes:
        raise InputError(f"{path}: unknown service code {code} in the file name; the ontology knows "
                         f"{', '.join(sorted(services.codes))}")
    return code


def _detect_encoding(path: Path) -> str:
    """``utf-8`` (with or without BOM) or ``cp932``, judged from the start of the file."""
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
    final = len(head) < _HEAD_BYTES
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final)  # a BOM decodes as U+FEFF
        return "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            codecs.getincrementaldecoder("cp932")().decode(head, final)
            return "cp932"
        except UnicodeDecodeError:
            raise InputError(f"{path}: neither UTF-8 nor Shift_JIS (cp932): undecodable byte at "
                             f"offset {utf8_error.start}") from None


def _decoded_lines(path: Path, encoding: str) -> Iterator[str]:
    """The file's lines as text (BOM dropped); a decoding error names its byte offset."""
    try:
        with path.open(encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="") as handle:
            yield from handle
    except UnicodeDecodeError:
        name = "UTF-8" if encoding == "utf-8" else "Shift_JIS (cp932)"
        raise InputError(f"{path}: not valid {name}: undecodable byte at offset "
                         f"{_bad_byte_offset(path, encoding)}") from None


def _bad_byte_offset(path: Path, encoding: str) -> int:
    """Offset of the first byte ``encoding`` cannot decode (the slow path, after an error)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            pending = len(decoder.getstate()[0])  # bytes of a character cut by the last block
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:  # positions count the pending bytes too
                return offset + exc.start - pending
            offset += len(block)
    return offset


def _check_header(path: Path, header: list[str]) -> None:
    got = [h.strip() for h in header]
    if tuple(got) != HEADER:
        if got and got[0] == HEADER[0]:
            missing = [h for h in HEADER if h not in got]
            extra = [h for h in got if h not in HEADER]
            detail = f"missing {missing}, unexpected {extra}" if missing or extra else "columns out of order"
        else:
            detail = f"first column is {got[0] if got else ''!r}, expected {HEADER[0]!r}"
        raise InputError(f"{path}: not an MHLW long-term-care open-data file (row 1, header: {detail})")
