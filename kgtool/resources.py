"""Where the shipped data lives: ontology, shapes, saved queries and the example region.

In a source checkout (and an editable install) they sit at the repository root; in a wheel they
are packaged under ``kgtool/_data``. Code asks this module instead of building paths itself.
"""
from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _root() -> Path:
    packaged = _PACKAGE / "_data"
    return packaged if packaged.is_dir() else _PACKAGE.parent


def ontology_dir() -> Path:
    """Folder of the OWL modules (Turtle) and their materialisation rules."""
    return _root() / "ontology"


def shapes_dir() -> Path:
    """Folder of the shipped SHACL shapes."""
    return _root() / "shapes"


def queries_dir() -> Path:
    """Folder of the saved SPARQL queries (``.rq``)."""
    return _root() / "queries"


def example_region_dir() -> Path:
    """Folder of the bundled fictional example region (CSV + CSVW metadata)."""
    return _root() / "examples" / "region"
