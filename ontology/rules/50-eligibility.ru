# Eligibility as the law states it, made explicit for queries:
# a service open to any corporation may be run by every corporate legal form, and a form that is
# eligible makes its narrower forms eligible (a social welfare council is a social welfare corporation).
PREFIX kg: <https://w3id.org/kgtool/ont#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
INSERT { GRAPH <https://w3id.org/kgtool/data/graph/inferred> { ?service kg:eligibleLegalForm ?form } }
WHERE {
  ?service kg:openToAnyCorporation true .
  ?form a kg:LegalForm ; kg:isCorporateForm true .
  FILTER NOT EXISTS { ?service kg:eligibleLegalForm ?form }
} ;
INSERT { GRAPH <https://w3id.org/kgtool/data/graph/inferred> { ?service kg:eligibleLegalForm ?narrower } }
WHERE {
  ?service kg:eligibleLegalForm ?form .
  ?narrower skos:broader+ ?form .
  FILTER NOT EXISTS { ?service kg:eligibleLegalForm ?narrower }
}
