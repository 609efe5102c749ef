"""Shared fixtures: the real data folder, and stores built once per session where it is safe."""
from __future__ import annotations

from pathlib import Path

import pytest

from kgtool import KnowledgeGraph
from kgtool.importers.csvw import import_csvw
from kgtool.resources import example_region_dir

REPO = Path(__file__).resolve().parents[1]
REALDATA = REPO.parent / "shared" / "realdata"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def realdata() -> Path:
    """The real public samples (read-only) shipped beside the repository."""
    if not REALDATA.is_dir():
        pytest.fail(f"real data samples not found at {REALDATA}")
    return REALDATA


@pytest.fixture
def kg() -> KnowledgeGraph:
    """A fresh in-memory store with the ontology loaded."""
    graph = KnowledgeGraph()
    graph.load_ontology()
    return graph


@pytest.fixture(scope="session")
def example_kg() -> KnowledgeGraph:
    """Ontology + example region, not reasoned. Shared: tests must not modify it."""
    graph = KnowledgeGraph()
    graph.load_ontology()
    summary = import_csvw(graph, example_region_dir() / "region.csv-metadata.json", source_id="example/region")
    assert summary.rows_rejected == 0, summary.problems
    return graph
