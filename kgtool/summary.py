"""A short, human-readable account of what a store holds."""
from __future__ import annotations

from dataclasses import dataclass, field

from .store import KnowledgeGraph

_COUNTS = """
SELECT
  (COUNT(DISTINCT ?org) AS ?organizations)
  (COUNT(DISTINCT ?est) AS ?establishments)
  (COUNT(DISTINCT ?person) AS ?persons)
  (COUNT(DISTINCT ?rel) AS ?relations)
WHERE {
  { ?org a kg:Organization } UNION { ?est a kg:Establishment }
  UNION { ?person a kg:Person } UNION { ?rel a kg:CoProductionRelation }
}"""

_BY_SECTOR = """
SELECT ?sector (COUNT(DISTINCT ?org) AS ?n) WHERE {
  ?org a kg:Organization .
  OPTIONAL { ?org kg:sector ?s }
  BIND(COALESCE(?s, kg:UnknownSector) AS ?sector)
} GROUP BY ?sector ORDER BY DESC(?n)"""


@dataclass
class StoreSummary:
    """Counts of the main kinds of things, and organisations per sector."""

    quads: int
    graphs: list[str]
    organizations: int
    establishments: int
    persons: int
    relations: int
    by_sector: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        lines = [
            f"{self.quads} quads in {len(self.graphs)} named graphs",
            f"{self.organizations} organisations, {self.establishments} establishments, "
            f"{self.persons} persons, {self.relations} co-production relations",
            "organisations by sector:",
        ]
        for sector, n in self.by_sector.items():
            lines.append(f"  {sector.rsplit('#', 1)[-1]:<14} {n}")
        return "\n".join(lines)


def summarize(kg: KnowledgeGraph) -> StoreSummary:
    """Count organisations, establishments, persons and relations, and organisations by sector."""
    _, rows = kg.select(_COUNTS)
    counts = {k: int(v) for k, v in rows[0].items()} if rows else {}
    _, sector_rows = kg.select(_BY_SECTOR)
    return StoreSummary(
        quads=len(kg), graphs=kg.graphs(),
        organizations=counts.get("organizations", 0), establishments=counts.get("establishments", 0),
        persons=counts.get("persons", 0), relations=counts.get("relations", 0),
        by_sector={str(r["sector"]): int(r["n"]) for r in sector_rows},
    )
