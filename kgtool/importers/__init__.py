"""Importers: from real public files and users' own tables into the store.

* :mod:`.csvw` — users' tables described by W3C CSVW metadata (the example region too).
* :mod:`.mhlw` — MHLW long-term-care provider open data (``jigyosho_<code>.csv``).
* :mod:`.nta` — National Tax Agency corporate-number files (full download and Web-API v4).

Each returns an :class:`~kgtool.importers.base.ImportSummary`; :func:`import_file` picks the
importer from the file itself.
"""
from __future__ import annotations

from .base import ImportSummary, Problem
from .detect import detect_format, import_file

__all__ = ["ImportSummary", "Problem", "detect_format", "import_file"]
