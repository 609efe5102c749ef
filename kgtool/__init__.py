"""kgtool — a knowledge graph of Japan's social economy.

Who provides personal social services, under which legal form and governance, where; and who
can partner with whom. The public API:

* :class:`KnowledgeGraph` — the embedded store (Oxigraph, rdflib API on top), in memory or on disk.
* :func:`import_file` — import MHLW open data, corporate-number files or CSVW-described tables.
* :func:`reason_hermit`, :func:`materialize` — consistency and inferred sectors (HermiT / rules).
* :mod:`kgtool.errors` — the exceptions raised, all subclasses of :class:`KgtoolError`.
"""
from __future__ import annotations

__version__ = "0.1.0"

from .errors import (  # noqa: E402
    EndpointError,
    InconsistentGraphError,
    InputError,
    KgtoolError,
    QueryError,
    ReasoningError,
    StoreError,
)
from .importers import ImportSummary, import_file  # noqa: E402
from .reason import ReasoningReport, materialize, reason_hermit  # noqa: E402
from .store import KnowledgeGraph  # noqa: E402

__all__ = [
    "KnowledgeGraph", "import_file", "ImportSummary", "reason_hermit", "materialize",
    "ReasoningReport", "KgtoolError", "InputError", "StoreError", "ReasoningError",
    "InconsistentGraphError", "QueryError", "EndpointError", "__version__",
]
