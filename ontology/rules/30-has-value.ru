# cls-hv2: x a C, C owl:equivalentClass (p value v)  =>  x p v   (sector class => kg:sector)
# cls-hv1: x p v, C owl:equivalentClass (p value v)  =>  x a C   (stated kg:sector => sector class)
PREFIX owl: <http://www.w3.org/2002/07/owl#>
INSERT { GRAPH <https://w3id.org/kgtool/data/graph/inferred> { ?x ?p ?v } }
WHERE {
  ?c owl:equivalentClass ?r .
  ?r owl:onProperty ?p ; owl:hasValue ?v .
  ?x a ?c .
  FILTER NOT EXISTS { ?x ?p ?v }
} ;
INSERT { GRAPH <https://w3id.org/kgtool/data/graph/inferred> { ?x a ?c } }
WHERE {
  ?c owl:equivalentClass ?r .
  FILTER(isIRI(?c))
  ?r owl:onProperty ?p ; owl:hasValue ?v .
  ?x ?p ?v .
  FILTER NOT EXISTS { ?x a ?c }
}
