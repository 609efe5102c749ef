# cls-int1: C owl:equivalentClass (D1 and ... and Dn), x a every Di  =>  x a C
# e.g. private + non-profit + formal  =>  kg:ThirdSectorOrganization.
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
INSERT { GRAPH <https://w3id.org/kgtool/data/graph/inferred> { ?x a ?c } }
WHERE {
  ?c owl:equivalentClass ?i .
  FILTER(isIRI(?c))
  ?i owl:intersectionOf ?list .
  ?list rdf:first ?first .
  ?x a ?first .
  FILTER NOT EXISTS { ?x a ?c }
  FILTER NOT EXISTS {
    ?list rdf:rest*/rdf:first ?member .
    FILTER NOT EXISTS { ?x a ?member }
  }
}
