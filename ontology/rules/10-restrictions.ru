# cls-svf1 + cax-sco: x p y, y a D, (p some D) rdfs:subClassOf C  =>  x a C
# e.g. an organisation whose legal form is a kg:ForProfitLegalForm is a kg:ForProfitOrganization.
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
INSERT { GRAPH <https://w3id.org/kgtool/data/graph/inferred> { ?x a ?c } }
WHERE {
  ?r owl:onProperty ?p ; owl:someValuesFrom ?d ; rdfs:subClassOf ?c .
  FILTER(isIRI(?c))
  ?x ?p ?y .
  ?y a ?d .
  FILTER NOT EXISTS { ?x a ?c }
}
