"""Pick the importer for a file from its name and first bytes, then run it."""
from __future__ import annotations

import csv
import json
from pathlib import Path

from ..errors import InputError
from ..store import KnowledgeGraph, rdf_format
from .base import ImportSummary

#: Format names accepted by ``--format``.
FORMATS = ("csvw", "mhlw", "nta", "rdf")

_MHLW_FIRST_COLUMN = "都道府県コード又は市町村コード"


def _nta_first_line(text: str) -> bool:
    """A Web-API summary line (4 fields) or a headerless 30-column record; quoted fields such
    as English addresses hold commas, so fields are counted by the CSV rules."""
    first = next(csv.reader([text.split("\n", 1)[0]]), [])
    return len(first) in (4, 30)


def detect_format(path: str | Path) -> str:
    """``csvw``, ``mhlw``, ``nta`` or ``rdf``, judged from the file; InputError if unknown."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    name = path.name.lower()
    if name.endswith(".json"):
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            meta = {}
        if isinstance(meta, dict) and ("tables" in meta or "tableSchema" in meta):
            return "csvw"
    if name.endswith(".xml"):
        head = path.read_bytes()[:512]
        if b"<corporations" in head:
            return "nta"
    if name.endswith(".csv"):
        head = path.read_bytes()[:4096]
        text = head.decode("utf-8", errors="ignore").lstrip("\ufeff")
        if text.startswith(_MHLW_FIRST_COLUMN):
            return "mhlw"
        if _nta_first_line(text):
            return "nta"
        try:
            sjis = head.decode("shift_jis", errors="ignore")
        except LookupError:
            sjis = ""
        if sjis.startswith(_MHLW_FIRST_COLUMN):
            return "mhlw"
        if _nta_first_line(sjis):
            return "nta"
    try:
        rdf_format(path)
        return "rdf"
    except InputError:
        pass
    raise InputError(f"{path}: cannot tell the format; give --format, one of {', '.join(FORMATS)}")


def import_file(kg: KnowledgeGraph, path: str | Path, *, format: str | None = None) -> ImportSummary:
    """Import one source file into the store with the importer its format calls for."""
    path = Path(path)
    fmt = format or detect_format(path)
    if fmt == "csvw":
        from .csvw import import_csvw

        return import_csvw(kg, path)
    if fmt == "mhlw":
        from .mhlw import import_mhlw

        return import_mhlw(kg, path)
    if fmt == "nta":
        from .nta import import_nta

        return import_nta(kg, path)
    if fmt == "rdf":
        summary = ImportSummary(source=str(path), format="rdf")
        graph = f"https://w3id.org/kgtool/data/graph/source/rdf/{path.stem}"
        summary.triples_added = kg.load_file(path, graph=graph, replace=True)
        summary.graph = graph
        return summary
    raise InputError(f"unknown import format {fmt!r}; known: {', '.join(FORMATS)}")
